"""Headless calculation: evaluate a workbook's formulas, our CS_* functions included, without Excel.

Holds the evaluation (:mod:`.evaluate`: the report, the ``formulas``-package core kept for
comparison; :mod:`.fast`: the formualizer core), the byte-level package reading and rewrite that
changes only cached values (:mod:`.package`), the structured-reference rewriting
(:mod:`.refs`) and the Excel built-ins and formula forms formualizer lacks (:mod:`.builtins`). May import the engine, :mod:`cs_workbook.files`, :mod:`cs_workbook.workbook` (to
check a Config sheet) and :mod:`cs_workbook.udfs` (the functions it evaluates), plus
``formualizer``, ``formulas`` and ``openpyxl``.
"""

from .evaluate import ENGINES, CalcReport, calculate, excel_names, register_functions

__all__ = ["calculate", "CalcReport", "register_functions", "excel_names", "ENGINES"]
