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
from .columns import Cells, clear_mask, convert
from .reader import _read_config, _wanted, assemble, check_table

__all__ = ["read_tables", "read_data", "table_files", "input_files", "SUFFIXES"]

#: file suffixes read as tables (matched case-insensitively)
SUFFIXES = (".csv", ".parquet")
_TEXT_KINDS = ("id", "text", "category", "bool", "date", "month")
_DICT_KINDS = ("id", "text", "category")  # Parquet text read as a dictionary
# datetime64[ns] can only hold these days (as columns.py)
_FIRST_DAY = np.datetime64(pd.Timestamp.min.ceil("D").date(), "D")
_LAST_DAY = np.datetime64(pd.Timestamp.max.floor("D").date(), "D")


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


class _AccountIDs:
    """The Accounts sheet's IDs for the other sheets' "is it in Accounts?" check (see
    ``reader._known``): pyarrow's set lookup on packed strings is ~3× faster here than a
    pandas Index of Python strings (cache misses on 100k objects)."""

    def __init__(self, ids: np.ndarray):
        import pyarrow as pa

        self._ids = pa.array(ids, type=pa.string(), from_pandas=True)

    def known(self, values: np.ndarray) -> np.ndarray:
        """Whether each of ``values`` (distinct ``str``) is an Account ID."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not len(values):
            return np.zeros(0, dtype=bool)
        found = pc.is_in(pa.array(values, type=pa.string(), from_pandas=True),
                         value_set=self._ids, skip_nulls=True)
        return found.to_numpy(zero_copy_only=False).astype(bool, copy=False)


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
            fields = pq.read_schema(path)
            wanted = [f.name for f in fields if normalise_header(str(f.name).strip()) in texts
                      and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))]
            return pq.read_table(path, read_dictionary=wanted or None)
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


# --- columns -----------------------------------------------------------------------------------


class _Dates(Cells):
    """A typed date/timestamp column (Parquet): its distinct days (datetime64[D]) and per row
    the ``codes`` position among them, ``len(days)`` where blank (null)."""

    _only, types = None, None

    def __init__(self, days: np.ndarray, codes: np.ndarray):
        self.days, self.codes = days, codes
        self.blank = codes == len(days)
        self._raw = None

    @property
    def raw(self) -> np.ndarray:
        """Per row: the day, NaT where blank (made on first use: messages, text columns)."""
        if self._raw is None:
            self._raw = np.append(self.days, np.datetime64("NaT", "D"))[self.codes]
        return self._raw

    @property
    def is_str(self) -> np.ndarray:
        return np.zeros(len(self.codes), dtype=bool)

    def take(self, keep):
        return _Dates(self.days, self.codes[keep])


def _column_cells(col) -> Cells:
    """One pyarrow column as :class:`Cells`: typed numbers and dates without a per-cell scan."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if _is_number(col.type):
        return _number_cells(col)
    t = col.type
    if pa.types.is_dictionary(t) and (pa.types.is_string(t.value_type)
                                      or pa.types.is_large_string(t.value_type)):
        return _text_cells(col)
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        return _date_cells(col)
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    t = col.type
    if pa.types.is_dictionary(t):
        col, t = col.dictionary_decode(), t.value_type
        if _is_number(t):
            return _number_cells(col)
    blank = col.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        return _date_cells(col)
    if pa.types.is_null(t):
        return Cells.blanks(len(col))
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return _text_cells(pc.dictionary_encode(col))
    values = np.array(col.to_pylist(), dtype=object)
    values[blank] = ""
    return Cells(values)


def _date_cells(col) -> _Dates:
    """Dates or timestamps (the wall-clock date where a time zone is given) as :class:`_Dates`:
    the casts run on the distinct values only (24 months over 2.4 M Usage rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(col)
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    distinct, codes = _unified_codes(chunks, len(col)) if chunks else (
        pa.array([], col.type), np.zeros(0, dtype=np.int32))
    t = distinct.type
    if pa.types.is_timestamp(t) and t.tz is not None:
        distinct = pc.local_timestamp(distinct)
    if pa.types.is_timestamp(t):
        distinct = pc.cast(distinct, pa.timestamp("s"))
    days = pc.cast(distinct, pa.date32()).to_numpy(zero_copy_only=False)
    return _Dates(days.astype("datetime64[D]"), codes)


def _is_number(t) -> bool:
    import pyarrow as pa

    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)


def _number_cells(col) -> Cells:
    """A number column (array or chunked) as ONE float64 array, NaN at nulls: a NaN that is not
    null (Polars, Spark write them) is blank too, so the blanks are the NaNs."""
    import pyarrow as pa
    import pyarrow.compute as pc

    whole = pa.types.is_integer(col.type)
    if not pa.types.is_float64(col.type):
        col = pc.cast(col, pa.float64())
    return Cells.numbers(col.to_numpy(zero_copy_only=False), whole=whole)


def _text_cells(col) -> Cells:
    """A dictionary-encoded text column (an array or chunks) as :meth:`.Cells.coded`: one
    Python string per distinct value (100k Account IDs, not 2.4 M), stripped once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    dictionary, codes = _unified_codes(chunks, len(col))
    if not len(dictionary):
        return Cells.blanks(len(col))
    trimmed = pc.utf8_trim_whitespace(dictionary)
    uniques = trimmed.to_numpy(zero_copy_only=False)
    if trimmed.null_count:  # a null inside the dictionary is a blank too
        uniques[pd.isna(uniques)] = ""
    blank = np.append(uniques == "", True)[codes]
    return Cells.coded(codes, uniques, blank)


def _unified_codes(chunks: list, n: int):
    """``(dictionary, int32 codes)`` of dictionary-array chunks, null cells coded
    ``len(dictionary)``. Parquet gives each batch of a row group the same dictionary, so only
    the distinct ones are merged (``unify_dictionaries`` would hash every batch's copy)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dictionaries: list = []
    which = []
    for chunk in chunks:
        if not dictionaries or not chunk.dictionary.equals(dictionaries[-1]):
            dictionaries.append(chunk.dictionary)
        which.append(len(dictionaries) - 1)
    if not dictionaries:
        return pa.array([], pa.string()), np.zeros(0, dtype=np.int32)
    if len(dictionaries) == 1:
        dictionary, maps = dictionaries[0], None
    else:  # each dictionary's entries → their position in the merged one
        merged = pc.dictionary_encode(pa.concat_arrays(dictionaries))
        dictionary = merged.dictionary
        flat = merged.indices.fill_null(len(dictionary)).to_numpy(zero_copy_only=False)
        ends = np.cumsum([len(d) for d in dictionaries])
        maps = [np.append(m, len(dictionary)).astype(np.int32)
                for m in np.split(flat, ends[:-1])]
    parts = []
    for chunk, k in zip(chunks, which):
        indices = chunk.indices
        if indices.null_count:
            indices = indices.fill_null(pa.scalar(len(dictionaries[k]), indices.type))
        part = indices.to_numpy(zero_copy_only=False)
        parts.append(part if maps is None else maps[k][part])
    if len(parts) == 1 and parts[0].dtype == np.int32:
        return dictionary, parts[0]
    codes = np.empty(n, dtype=np.int32)
    np.concatenate(parts, out=codes, casting="unsafe")
    return dictionary, codes


def _typed_convert(col, cells):
    """:func:`.columns.convert`, plus typed dates (the day or month, as the workbook reader)."""
    if isinstance(cells, _Dates):
        days, codes = cells.days, cells.codes
        if col.kind not in ("date", "month"):  # a date in a text or number column: as text
            iso = np.append(np.datetime_as_string(days, unit="D"), "").astype(object)
            return convert(col, Cells(iso[codes]))
        outside = (days < _FIRST_DAY) | (days > _LAST_DAY)
        unit = "datetime64[M]" if col.kind == "month" else "datetime64[D]"
        values = np.where(outside, np.datetime64("NaT"), days).astype(unit).astype(
            "datetime64[ns]")
        values = np.append(values, np.datetime64("NaT", "ns"))
        # codes of the month (or day) itself, -1 where none, for the (Account ID, Month) check
        keys, _ = pd.factorize(values)
        cells.value_keys = keys.astype(np.int32)[codes]
        bad = np.append(outside, False)[codes] if outside.any() else clear_mask(len(codes))
        return pd.Series(values[codes], dtype="datetime64[ns]", copy=False), [
            (bad, "{v} is not a date pandas can hold (years 1677–2262)")]
    if col.kind in ("date", "month") and cells._only is float and not cells.blank.all():
        bad = ~cells.blank
        return pd.Series(np.full(len(bad), np.datetime64("NaT", "ns"))), [
            (bad, "{v} is not a date (use YYYY-MM-DD; numbers are not read as dates from "
                  "CSV or Parquet)")]
    return convert(col, cells)


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


def _blank(col) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = col.is_null()
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        blank = pc.or_(blank, pc.equal(pc.utf8_trim_whitespace(col), ""))
    return np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)


def _take(c: Cells, keep: np.ndarray) -> Cells:
    if hasattr(c, "take"):  # _Dates, coded text
        return c.take(keep)
    out = Cells.__new__(Cells)
    out.raw, out.blank, out.is_str = c.raw[keep], c.blank[keep], c.is_str[keep]
    out.types = c.types[keep] if c.types is not None else None
    out._only, out.whole = c._only, c.whole
    return out
