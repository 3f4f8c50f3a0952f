"""pyarrow columns (Parquet, CSV) as the reader's :class:`~.columns.Cells`, converted per kind.

Typed columns skip the per-cell scans of the workbook path, and the work is done once per
distinct value where a column has few (24 months over 2.4 M Usage rows, 100k Account IDs):
numbers are one float64 array, NaN where blank; text and dates are codes into their distinct
values; a column with nothing to correct is not copied. ``tests/workbook/test_number_checks.py``,
``test_text_codes.py`` and ``test_typed_fast_paths.py`` hold each path to the general one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import Cells, clear_mask, convert

__all__: list[str] = []

# datetime64[ns] can only hold these days (as columns.py)
_FIRST_DAY = np.datetime64(pd.Timestamp.min.ceil("D").date(), "D")
_LAST_DAY = np.datetime64(pd.Timestamp.max.floor("D").date(), "D")


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
        if pa.types.is_date(t) or pa.types.is_timestamp(t):
            return _date_cells(col)
    blank = col.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_boolean(t):
        return _Bools(pc.fill_null(col, False).to_numpy(zero_copy_only=False), blank)
    if pa.types.is_null(t):
        return Cells.blanks(len(col))
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return _text_cells(pc.dictionary_encode(col))
    values = np.array(col.to_pylist(), dtype=object)
    values[blank] = ""
    return Cells(values)


class _Bools(Cells):
    """A typed boolean column (Parquet): ``values`` (False where blank) and ``blank``."""

    _only, types = None, None

    def __init__(self, values: np.ndarray, blank: np.ndarray):
        self.values, self.blank = values, blank
        self._raw = None

    @property
    def raw(self) -> np.ndarray:
        """Per row ``True``/``False``, ``''`` where blank, as cells (made on first use)."""
        if self._raw is None:
            raw = self.values.astype(object)
            raw[self.blank] = ""
            self._raw = raw
        return self._raw

    @property
    def is_str(self) -> np.ndarray:
        return self.blank.copy()

    def take(self, keep):
        return _Bools(self.values[keep], self.blank[keep])


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
    """:func:`.columns.convert`, plus typed dates (the day or month, as the workbook reader)
    and booleans."""
    if isinstance(cells, _Bools):
        if col.kind != "bool":  # TRUE/FALSE in another kind of column: as cells
            return convert(col, Cells(cells.raw.copy()))
        values = pd.arrays.BooleanArray(cells.values, cells.blank.copy())
        return pd.Series(values, copy=False), [(clear_mask(len(cells.blank)), "{v} is not "
                                                "TRUE/FALSE (also accepted: Yes/No, Y/N, 1/0)")]
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
