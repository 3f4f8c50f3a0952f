"""CS workbooks as files: reading and validating them, writing them and their templates.

Holds the reader (:mod:`.reader`, per-column checks in :mod:`.columns`), the reader of folders
of CSV/Parquet tables that feeds the same checks (:mod:`.tables`; its pyarrow columns become
cells in :mod:`.arrow_cells`), the workbook writer
(:mod:`.writer`) with its Scorecard sheet of CS_* formulas (:mod:`.scorecard`,
:mod:`.scorecard_columns`), the SOW cost calculator (:mod:`.sow`), score export as xlsx, csv,
json or parquet (:mod:`.export`), Excel's sheet limits (:mod:`.xlsx_limits`) and the one safe
way to put a value in a cell (:mod:`.cells`). May import the engine, :mod:`cs_workbook.files`,
openpyxl, python-calamine, xlsxwriter and pyarrow (tables and ``.parquet`` exports, imported
only when used); never the Excel functions, headless calc, reports or the CLI.
"""
