"""Importers: turn CRM, CS-platform and warehouse exports into CS workbook data.

A mapping file (TOML, :mod:`.mapping`) declares per target sheet the source file, column renames,
value maps, date formats, currency units and month bucketing; :mod:`.apply` applies it to
pandas frames, :mod:`.sources` reads the source files (CSV, Parquet, xlsx) and :mod:`.output`
writes the result as an xlsx workbook or a folder of CSV tables, validated by reading it back.
Shipped mappings live in ``mappings/*.toml`` (package data). May import the engine,
:mod:`cs_workbook.files`, :mod:`cs_workbook.workbook`, pandas, numpy, pyarrow and openpyxl /
python-calamine (through pandas); never calc, the Excel functions, reports or the CLI.
"""

from .apply import apply_mapping
from .mapping import SHIPPED, Mapping, load_mapping, parse_mapping, shipped_mapping

__all__ = [
           "SHIPPED",
           "Mapping",
           "apply_mapping",
           "load_mapping",
           "parse_mapping",
           "shipped_mapping",
]
