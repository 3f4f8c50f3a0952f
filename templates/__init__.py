"""Data only: the EBR's jinja2 templates, CSS, bundled fonts (with their licences) and images,
found by :mod:`cs_workbook.reports.assets` through ``importlib.resources``. Imports nothing."""
