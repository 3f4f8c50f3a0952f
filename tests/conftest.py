"""Shared test set-up. The tests mirror the packages (engine/, sample/, workbook/, calc/,
udfs/, reports/, cli/); the data they share lives beside this file (vectors/, snapshots/,
fixtures/, named in :mod:`paths`), and the helper modules here (paths, strategies, pdf_checks,
sow_oracle) are importable by name because pyproject puts tests/ on pytest's ``pythonpath``."""

from __future__ import annotations

from hypothesis import settings

# Speed is measured by bench/, never asserted: no per-example deadline on a busy 2-core machine.
settings.register_profile("cs-workbook", deadline=None)
settings.load_profile("cs-workbook")
