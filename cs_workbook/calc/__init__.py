"""Headless calculation: evaluate a workbook's formulas, our CS_* functions included, without Excel.

Holds the evaluation (:mod:`.evaluate`: :func:`calculate`; :mod:`.report`: what it reports;
:mod:`.fast`: the formualizer core, with :mod:`.loading` (the loaded copy), :mod:`.boundary`
(values to and from our functions, called a column at a time), :mod:`.lifted` (built-ins
replaced), :mod:`.ifs` (per-row ``*IFS`` answered from hash indexes), :mod:`.shapes` (a column's
formula rewritten once, loaded as a shared formula) and :mod:`.hoist` (constant ranges passed to
our functions read once); :mod:`.formulas_core`:
the ``formulas``-package core kept for comparison; :mod:`.names`: our functions' spellings),
the byte-level package reading and rewrite that changes only cached values (:mod:`.package`,
with fast paths for simply laid-out sheets in :mod:`.layout`),
the structured-reference rewriting (:mod:`.refs`) and the Excel built-ins and formula forms
formualizer lacks (:mod:`.builtins`). May import the engine, :mod:`cs_workbook.files`,
:mod:`cs_workbook.workbook` (to
check a Config sheet) and :mod:`cs_workbook.udfs` (the functions it evaluates), plus
``formualizer``, ``formulas`` and ``openpyxl``.
"""

from .evaluate import ENGINES, CalcReport, calculate, excel_names, register_functions

__all__ = ["calculate", "CalcReport", "register_functions", "excel_names", "ENGINES"]
