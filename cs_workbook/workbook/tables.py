"""Read a folder of tables, one CSV or Parquet file per sheet, with the workbook reader's checks.

``Accounts.csv``, ``Usage.parquet``, ``MRR Changes.csv`` …: a file's name without its suffix is
matched to a sheet like sheet names are (case and spaces ignored, so ``mrrchanges.parquet`` is
sheet ``MRR Changes``); other files are ignored, as a workbook's other sheets are. Files are read
with pyarrow (``bench/tables.py`` compares it with pandas, Polars and DuckDB) and every column is
checked by the xlsx reader's own code (:func:`.reader.check_table`, :mod:`.columns`), so the
same data gives the same ``CSData`` and the same one-line errors, naming the file, the row and
the column. Rows are numbered as a spreadsheet shows the file: the header is row 1, the first
record row 2; fully blank rows (and blank lines in a CSV) are skipped but still counted.

CSV: UTF-8 (a byte-order mark is fine), a header row, comma-separated, dates and months as ISO
text (``2025-06-30``, ``2025-06``); Excel serial numbers are not read as dates. Only an empty
field is blank: ``NA`` or ``n/a`` in a number column is an error, as it is in a workbook.
Parquet: numbers, dates, timestamps, booleans and text in their own types, or text.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import CSData
from ..errors import WorkbookError
from ..schema import REQUIRED_SHEETS, SHEETS, Sheet, normalise_header
from .arrow_cells import _AccountIDs, _blank, _column_cells, _take, _typed_convert
from .columns import Cells
from .reader import _read_config, _wanted, assemble, check_table

__all__ = ["read_tables", "read_data", "table_files", "input_files", "SUFFIXES"]

#: file suffixes read as tables (matched case-insensitively)
SUFFIXES = (".csv", ".parquet")
_TEXT_KINDS = ("id", "text", "category", "bool", "date", "month")
_DICT_KINDS = ("id", "text", "category")  # Parquet text read as a dictionary


def read_data(path, *, sheets: tuple[str, ...] | None = None) -> CSData:
    """A CS workbook or a folder of tables: :func:`read_tables` for a folder, else
    :func:`~.reader.read_workbook` (same parameters, same result)."""
    if os.path.isdir(path):
        return read_tables(path, sheets=sheets)
    from .reader import read_workbook

    return read_workbook(path, sheets=sheets)


def input_files(path) -> list:
    """The files a command reads for ``path``: the workbook itself, or a folder's table files
    (for :func:`cs_workbook.files.check_not_input`; an unreadable folder gives none)."""
    if not os.path.isdir(path):
        return [path]
    try:
        return list(table_files(path).values())
    except WorkbookError:
        return []


def table_files(folder) -> dict[str, Path]:
    """``{sheet name: file}`` of the folder's table files, in schema order.

    Raises
    ------
    WorkbookError
        Two files are the same sheet (``Usage.csv`` and ``usage.parquet``).
    """
    folder = Path(folder)
    by_key = {normalise_header(s.name): s.name for s in SHEETS}
    found: dict[str, Path] = {}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise WorkbookError(f"cannot list folder ({exc.strerror or exc})", file=str(folder))
    for entry in entries:
        stem, suffix = os.path.splitext(entry.name)
        name = by_key.get(normalise_header(stem))
        if suffix.lower() not in SUFFIXES or name is None or not entry.is_file():
            continue
        if name in found:
            raise WorkbookError(f"files {found[name].name!r} and {entry.name!r} are both sheet "
                                f"{name!r}; keep one", file=str(folder))
        found[name] = folder / entry.name
    return {s.name: found[s.name] for s in SHEETS if s.name in found}


def read_tables(folder, *, sheets: tuple[str, ...] | None = None) -> CSData:
    """Read and validate a folder holding one CSV or Parquet file per sheet.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder; its files are only read, never modified.
    sheets : tuple of str, optional
        Schema sheets to read, as for :func:`~.reader.read_workbook`.

    Returns
    -------
    CSData
        What :func:`~.reader.read_workbook` returns for the same data in a workbook, with
        ``source=str(folder)``.

    Raises
    ------
    WorkbookError
        The folder is missing, has no Accounts file, a file is unreadable, or the first
        validation problem, e.g. ``data/Usage.csv: row 14, column 'Billable Users': 'n/a' is not
        a whole number``.
    InvalidInput
        ``sheets`` names a sheet the schema does not have.
    """
    source = str(folder)
    if not os.path.exists(folder):
        raise WorkbookError("folder not found", file=source)
    if not os.path.isdir(folder):
        raise WorkbookError("is a file, not a folder of tables", file=source)
    wanted = _wanted(sheets)
    files = table_files(folder)
    frames: dict[str, pd.DataFrame] = {}
    config: dict = {}
    absent: dict[str, tuple[str, ...] | None] = {}  # as the workbook reader records it
    account_ids = None
    for schema in SHEETS:
        if schema.name not in wanted:
            continue
        path = files.get(schema.name)
        if path is None:
            if schema.name in REQUIRED_SHEETS:
                raise WorkbookError(f"no {schema.name}.csv or {schema.name}.parquet in the folder",
                                    file=source)
            absent[schema.name] = None
            continue
        table = _read_file(path, schema)
        where = {"file": str(path)}
        if schema.name == "Config":
            config = _read_config(schema, _config_rows(table), where)
            continue
        df, missing = _check(schema, table, where, account_ids)
        frames[schema.name] = df
        if missing:
            absent[schema.name] = missing
        if schema.name == "Accounts":
            account_ids = _AccountIDs(df["Account ID"].to_numpy(dtype=object))
    return assemble(frames, config, source, absent)


# --- files -------------------------------------------------------------------------------------


def _read_file(path: Path, schema: Sheet):
    """The file as a pyarrow Table (CSV text columns stay text; see the module doc)."""
    import pyarrow as pa

    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            # text columns of the schema come as dictionaries, as Parquet stores them: 100k
            # distinct Account IDs are decoded once, not 2.4 M times (see _column_cells)
            texts = {normalise_header(c.name) for c in schema.columns if c.kind in _DICT_KINDS}
            fields = pq.read_schema(path)  # the footer is read once more by ParquetFile
            wanted = [f.name for f in fields if normalise_header(str(f.name).strip()) in texts
                      and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))]
            if len(set(fields.names)) < len(fields) or any(
                    pa.types.is_nested(f.type) for f in fields):
                return pq.read_table(path, read_dictionary=wanted or None)
            return _ParquetColumns(path, pq.ParquetFile(path, read_dictionary=wanted or None))
        import pyarrow.csv as pacsv

        kinds = {normalise_header(c.name): c.kind for c in schema.columns}
        header = _csv_header(path)
        # text-like columns stay text so '007' keeps its zeros and dates are checked as ISO
        # text; number columns are left to pyarrow (a column with a bad cell comes back as
        # text and gets the workbook's message)
        types = {h: pa.string() for h in header if kinds.get(normalise_header(h), "text")
                 in _TEXT_KINDS}
        return pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""],
                                                 strings_can_be_null=False,
                                                 true_values=[], false_values=[]))
    except WorkbookError:
        raise
    except (OSError, pa.ArrowException, UnicodeDecodeError, csv.Error) as exc:
        what = "Parquet" if path.suffix.lower() == ".parquet" else "CSV"
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise WorkbookError(f"not a readable {what} file ({why})", file=str(path)) from exc


class _ParquetColumns:
    """A Parquet file as the Table ``_check`` iterates, one column read at a time: each is
    converted, then freed, so the next reuses its memory (2.4 M Usage rows: 300 MB of fresh
    pages less, which cost more kernel time here than the read itself)."""

    def __init__(self, path: Path, file):
        self._path, self._file = path, file
        self.column_names = list(file.schema_arrow.names)
        self.num_rows = file.metadata.num_rows

    @property
    def columns(self):
        import pyarrow as pa

        for i in range(len(self.column_names)):
            try:
                yield self._file.reader.read_column(i)
            except (OSError, pa.ArrowException) as exc:
                why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise WorkbookError(f"not a readable Parquet file ({why})",
                                    file=str(self._path)) from exc


def _csv_header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise WorkbookError("empty CSV file: the first line must be the header", file=str(path))
    return header


def _config_rows(table) -> list[list]:
    """A small Config table as the calamine-like rows the workbook reader checks."""
    columns = [[_cell(v) for v in col.to_pylist()] for col in table.columns]
    return [list(table.column_names)] + [list(r) for r in zip(*columns)]


def _cell(v):
    return "" if v is None else v


def _check(schema: Sheet, table, where: dict, account_ids) -> tuple[pd.DataFrame, tuple[str, ...]]:
    header = [str(h).strip() for h in table.column_names]
    wanted = {normalise_header(c.name) for c in schema.columns}
    blanks, cells = [], []
    for label, col in zip(header, table.columns):
        if normalise_header(label) in wanted:
            c = _column_cells(col)
            cells.append(c)
            blanks.append(c.blank)
        else:  # not read, but a row holding only this column is not blank either
            cells.append(None)
            blanks.append(_blank(col))
    n = table.num_rows
    excel_rows = np.arange(2, n + 2)
    keep = _some_value(blanks, n)
    if not keep.all():
        excel_rows = excel_rows[keep]
        cells = [c if c is None else _take(c, keep) for c in cells]
    cells = [Cells.blanks(len(excel_rows)) if c is None else c for c in cells]
    return check_table(schema, header, cells, excel_rows, where, account_ids,
                       convert=_typed_convert)


def _some_value(blanks: list, n: int) -> np.ndarray:
    """Rows with a value in at least one column: stops at the first column (Account ID) that
    leaves no row fully blank, without stacking the masks into one (columns × rows) array."""
    if not blanks:
        return np.ones(n, dtype=bool)
    some = ~blanks[0]
    for blank in blanks[1:]:
        if some.all():
            break
        some |= ~blank
    return some
