"""CS workbooks as files: reading and validating them, writing them and their templates.

Holds the reader (:mod:`.reader`, per-column checks in :mod:`.columns`), the workbook writer
(:mod:`.writer`) with its Scorecard sheet of CS_* formulas (:mod:`.scorecard`,
:mod:`.scorecard_columns`), the SOW cost calculator (:mod:`.sow`), score export as xlsx, csv or
json (:mod:`.export`) and the one safe way to put a value in a cell (:mod:`.cells`). May import
the engine, :mod:`cs_workbook.files`, openpyxl, python-calamine and xlsxwriter; never the Excel
functions, headless calc, reports or the CLI.
"""
