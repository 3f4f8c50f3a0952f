"""Per-kind conversion and checks of one column of raw calamine cells (used by the reader).

Each converter takes a :class:`Cells` column and returns the canonical pandas column plus the
list of problems ``(position, message)``; the reader turns the first into a ``WorkbookError``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from ..excel.dates import serials_to_dates
from ..schema import Column

__all__ = ["Cells", "grid", "convert", "text", "clear_mask"]

_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False,
          "1": True, "0": False}
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_MONTH = r"\d{4}-\d{2}"
_NUMERIC_TYPES = (float, int)
_DATE_TYPES = (dt.date, dt.datetime, pd.Timestamp)
# datetime64[ns] can only hold these days
_FIRST_DAY = np.datetime64(pd.Timestamp.min.ceil("D").date(), "ns")
_LAST_DAY = np.datetime64(pd.Timestamp.max.floor("D").date(), "ns")


class Cells:
    """One column's cells (rows already filtered): values with strings stripped, types, blanks."""

    whole = False  #: every value is a whole number by its type (see :meth:`numbers`)
    #: blank exactly where ``raw`` is NaN (typed numbers given no ``blank``, see :meth:`numbers`)
    nan_blank = False
    #: ``(codes, stripped dictionary)`` of a dictionary-encoded text column (Parquet/CSV)
    _dict = None
    _keys = None
    #: per row, codes of the converted value (equal values, equal codes; -1 where none), when
    #: a converter worked on distinct values (typed Parquet dates); the Month checks use them
    value_keys = None

    @property
    def keys(self):
        """``(codes, distinct values)`` of a dictionary-encoded text column, else None:
        ``codes[i]`` is the position of row ``i``'s stripped value in ``distinct`` (equal
        values, equal codes), -1 where blank, as ``pd.factorize`` of the values gives."""
        if self._dict is not None and self._keys is None:
            codes, uniques = self._dict
            merged, distinct = pd.factorize(np.where(uniques == "", None, uniques))
            # one take per row; code len(uniques) (a null cell) → -1, as '' already is
            self._keys = (np.append(merged, -1).astype(np.int32)[codes], distinct)
        return self._keys

    def __init__(self, raw: np.ndarray):
        n = len(raw)
        self._only = float if infer_dtype(raw, skipna=False) == "floating" else None
        if self._only:  # all numbers, the bulk of a big sheet: skip the per-cell type scan
            types = np.full(n, float, dtype=object)
        else:
            types = np.fromiter(map(type, raw), dtype=object, count=n)
        is_str = types == str
        blank = np.zeros(n, dtype=bool)
        if is_str.any():
            strings = np.array([v.strip() for v in raw[is_str]], dtype=object)
            raw[is_str] = strings
            blank[is_str] = strings == ""
        self.raw, self.types, self.is_str, self.blank = raw, types, is_str, blank

    @classmethod
    def blanks(cls, n: int) -> "Cells":
        """A column that is absent from the sheet: ``n`` blank cells."""
        cells = cls.__new__(cls)
        cells.raw = np.full(n, "", dtype=object)
        cells.types = np.full(n, str, dtype=object)
        cells.is_str = cells.blank = np.ones(n, dtype=bool)
        cells._only = str
        return cells

    @classmethod
    def numbers(cls, values: np.ndarray, blank: np.ndarray | None = None,
                whole: bool = False) -> "Cells":
        """A typed column of numbers (float64, blanks where ``blank``), e.g. from Parquet or a
        CSV column pyarrow read as numbers: no per-cell type scan. ``whole``: every value is
        a whole number by its type (integers), so ``int`` columns skip the rounding check.
        Without ``blank``, the NaNs are the blanks, and a column with nothing to correct is
        returned as ``values`` itself (not copied; see ``_numbers``)."""
        values = np.asarray(values, dtype="float64")
        nan_blank = blank is None
        cells = cls._typed(values, np.isnan(values) if nan_blank else blank, float)
        cells.whole, cells.nan_blank = whole, nan_blank
        return cells

    @classmethod
    def coded(cls, codes: np.ndarray, uniques: np.ndarray, blank: np.ndarray) -> "Cells":
        """A dictionary-encoded text column: ``uniques`` (``str``, stripped, ``''`` for a null
        entry) and per row its ``codes`` position, ``len(uniques)`` where the cell is null;
        ``blank`` where null or ``''``. The per-row values (:attr:`raw`) are built only if a
        conversion asks for them: id and text columns are spread from ``uniques`` directly."""
        return _Coded(codes, uniques, blank)

    @classmethod
    def texts(cls, values: np.ndarray, blank: np.ndarray) -> "Cells":
        """A typed column of text: ``values`` are ``str`` already stripped, ``''`` where
        ``blank``."""
        return cls._typed(np.asarray(values, dtype=object), blank, str)

    @classmethod
    def _typed(cls, raw: np.ndarray, blank, only: type) -> "Cells":
        cells = cls.__new__(cls)
        cells.raw, cells.blank = raw, np.asarray(blank, dtype=bool)
        cells.is_str = np.full(len(raw), only is str)
        cells.types, cells._only = None, only  # of_type answers from _only alone
        return cells

    def of_type(self, kinds) -> np.ndarray:
        if self._only is not None:
            return np.full(len(self.raw), self._only in kinds)
        mask = np.zeros(len(self.raw), dtype=bool)
        for k in kinds:
            mask |= self.types == k
        return mask


class _Coded(Cells):
    """:meth:`Cells.coded`: ``raw`` and ``is_str`` are made on first use."""

    _only, types = str, None

    def __init__(self, codes: np.ndarray, uniques: np.ndarray, blank: np.ndarray):
        self._dict, self.blank = (codes, uniques), blank
        self._codes, self._uniques = codes, uniques  # still here when _dict is cleared
        self._raw = self._is_str = None

    @property
    def raw(self) -> np.ndarray:
        if self._raw is None:
            self._raw = np.append(self._uniques, "").astype(object)[self._codes]
        return self._raw

    @property
    def is_str(self) -> np.ndarray:
        if self._is_str is None:
            self._is_str = np.ones(len(self._codes), dtype=bool)
        return self._is_str

    def take(self, keep: np.ndarray) -> "Cells":
        return _Coded(self._codes[keep], self._uniques, self.blank[keep])


def grid(rows: list[list]) -> tuple[list[str], list[Cells], np.ndarray]:
    """Header labels, the data columns without fully blank rows, and their Excel row numbers."""
    header = [text(h) if h != "" else "" for h in rows[0]] if rows else []
    data = rows[1:]
    width = len(header)
    grid = np.empty((len(data), width), dtype=object)
    if data:
        grid[:] = data  # calamine's rows are rectangular; this is the fast way to transpose
    cells = [Cells(grid[:, j]) for j in range(width)]
    excel_rows = np.arange(2, len(data) + 2)
    if cells:
        keep = ~np.logical_and.reduce([c.blank for c in cells])
        if not keep.all():
            excel_rows = excel_rows[keep]
            for c in cells:
                c.raw, c.types = c.raw[keep], c.types[keep]
                c.is_str, c.blank = c.is_str[keep], c.blank[keep]
    return header, cells, excel_rows


def convert(col: Column, c: Cells) -> tuple[pd.Series, list]:
    """Canonical values (see data.py) and ``[(bad mask, message template), ...]``."""
    if col.kind in ("id", "text", "category"):
        return _texts(col, c)
    if col.kind in ("int", "number", "money"):
        return _numbers(col, c)
    if col.kind in ("date", "month"):
        return _dates(col.kind, c)
    if col.kind == "bool":
        return _booleans(c)
    raise ValueError(f"unknown column kind {col.kind!r}")


def _texts(col: Column, c: Cells):
    if c._dict is not None:
        return _coded_texts(col, c)
    values = c.raw.copy()
    other = ~c.is_str
    if other.any():
        values[other] = [text(v) for v in values[other]]
    values[c.blank] = None
    checks = []
    if col.kind == "category":
        allowed = {_category_key(choice): choice for choice in col.choices}
        uniques = {v: allowed.get(_category_key(v)) for v in set(values[~c.blank])}
        canon = pd.Series(values, dtype=object).map(uniques).to_numpy(dtype=object)
        bad = ~c.blank & pd.isna(canon)
        checks.append((bad, "{v} is not one of: " + ", ".join(col.choices)))
        values = np.where(c.blank, None, canon)
    return pd.Series(values, dtype=object, copy=False), checks


def _coded_texts(col: Column, c: Cells):
    """:func:`_texts` of a dictionary-encoded column: the work done once per distinct value,
    then one take per row (no per-row copy of the strings)."""
    if col.kind != "category":
        codes, uniques = c._dict
        lookup = np.append(np.where(uniques == "", None, uniques), None).astype(object)
        return pd.Series(lookup[codes], dtype=object, copy=False), []
    allowed = {_category_key(choice): choice for choice in col.choices}
    codes, distinct = c.keys
    used = np.flatnonzero(np.bincount(codes + 1, minlength=len(distinct) + 1)[1:])
    present = pd.Series(distinct[used], dtype=object)
    # the same Series.map as the per-row path (its NA is None or NaN as pandas infers the dict)
    canon = np.full(len(distinct) + 1, None, dtype=object)  # the last: code -1, the blanks
    canon[used] = present.map({v: allowed.get(_category_key(v)) for v in present}
                              ).to_numpy(dtype=object)
    bad = pd.isna(canon)
    bad[-1] = False
    checks = [(bad[codes], "{v} is not one of: " + ", ".join(col.choices))]
    return pd.Series(canon[codes], dtype=object, copy=False), checks


def _category_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _numbers(col: Column, c: Cells):
    if c.nan_blank and not col.choices and _clean_numbers(col.kind, c.raw, c.blank, c.whole):
        # nothing to round, reject or blank out: the values as they are, the checks all clear
        clear = clear_mask(len(c.raw))
        checks = [(clear, "{v} is not " + ("a whole number" if col.kind == "int" else
                                            "a number"))]
        if col.kind in ("int", "money"):
            checks.append((clear, "{v} is negative (must be ≥ 0)"))
        num = c.raw if c.raw.flags.writeable else c.raw.copy()
        return pd.Series(num, dtype="float64", copy=False), checks
    if c._only is float:  # a typed column (Parquet, CSV numbers): no per-cell type or text
        num = np.array(c.raw, dtype="float64")
    else:
        numeric = c.of_type(_NUMERIC_TYPES)
        texts = c.is_str & ~c.blank
        num = (c.raw if numeric.all() else np.where(numeric, c.raw, np.nan)).astype("float64")
        if texts.any():
            parsed = pd.to_numeric(pd.Series(c.raw[texts], dtype=object), errors="coerce")
            num[texts] = parsed.to_numpy(dtype="float64", na_value=np.nan)
    present = ~c.blank
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(num)
        if col.kind == "int" and c.whole:  # integers by type (Parquet int64 …)
            pass
        elif col.kind == "int":
            whole = np.round(num)
            # formulas leave float noise (3.0000000000000004); accept it as the whole number
            # (the tolerance is only worked out for cells that are not whole already)
            close = num == whole
            if not close.all():
                off = ~close
                close[off] = (np.abs(num[off] - whole[off])
                              <= 1e-9 * np.maximum(1.0, np.abs(num[off])))
            finite &= close
            num = whole
        negative = finite & (num < 0)
    what = "a whole number" if col.kind == "int" else "a number"
    checks = [(present & ~finite, "{v} is not " + what)]
    if col.kind in ("int", "money"):
        checks.append((present & negative, "{v} is negative (must be ≥ 0)"))
    if col.choices:
        outside = present & finite & ~np.isin(num, np.array(col.choices, dtype=float))
        checks.append((outside, "{v} is not one of: " + ", ".join(map(str, col.choices))))
    num[c.blank] = np.nan
    return pd.Series(num, dtype="float64", copy=False), checks


#: numbers checked for whole values this many at a time, in one small reused buffer
_CHUNK = 1 << 16


def _clean_numbers(kind: str, num: np.ndarray, blank: np.ndarray, whole: bool) -> bool:
    """Whether a typed column whose NaNs are its blanks passes every check of ``kind``
    unchanged: no ±inf, nothing negative (int, money), every value whole (int) so rounding
    changes nothing. Reductions only, no full-length temporary (2.4 M Usage cells)."""
    if not len(num):
        return False
    low, high = np.fmin.reduce(num), np.fmax.reduce(num)  # NaN only when all blank
    if np.isinf(low) or np.isinf(high) or (kind in ("int", "money") and low < 0):
        return False
    if kind != "int" or whole or np.isnan(low):
        return True
    rounded, same = np.empty(min(len(num), _CHUNK)), np.empty(min(len(num), _CHUNK), bool)
    equal = 0  # values equal to their rounding: all but the blanks (NaN) when all are whole
    for start in range(0, len(num), _CHUNK):
        part = num[start:start + _CHUNK]
        k = len(part)
        np.equal(part, np.round(part, out=rounded[:k]), out=same[:k])
        equal += int(np.count_nonzero(same[:k]))
    return equal == len(num) - int(np.count_nonzero(blank))


def clear_mask(n: int) -> np.ndarray:
    """A read-only all-False mask of ``n`` rows, shared (the masks of checks nothing failed)."""
    global _NONE
    if len(_NONE) < n:
        _NONE = np.zeros(n, dtype=bool)
        _NONE.flags.writeable = False
    return _NONE[:n]


_NONE = np.zeros(0, dtype=bool)


def _dates(kind: str, c: Cells):
    n = len(c.raw)
    out = np.full(n, np.datetime64("NaT", "ns"))
    objects = c.of_type(_DATE_TYPES)
    if objects.any():
        parsed = pd.to_datetime(pd.Series(c.raw[objects], dtype=object), errors="coerce")
        out[objects] = _clip(parsed)
    serials = c.of_type(_NUMERIC_TYPES)
    if serials.any():
        out[serials] = _from_excel_serial(c.raw[serials].astype("float64"))
    texts = c.is_str & ~c.blank
    if texts.any():
        pattern = f"(?:{_ISO_DATE})" + (f"|(?:{_ISO_MONTH})" if kind == "month" else "")
        s = pd.Series(c.raw[texts], dtype=object)
        iso = s.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        parsed = pd.to_datetime(s.where(iso, None), format="ISO8601", errors="coerce")
        out[texts] = _clip(parsed)
    unit = "datetime64[M]" if kind == "month" else "datetime64[D]"
    out = out.astype(unit).astype("datetime64[ns]")
    bad = ~c.blank & np.isnat(out)
    hint = "is not a month (use an Excel date or YYYY-MM)" if kind == "month" else (
        "is not a date (use an Excel date or YYYY-MM-DD)")
    return pd.Series(out, dtype="datetime64[ns]", copy=False), [(bad, "{v} " + hint)]


def _clip(parsed: pd.Series) -> np.ndarray:
    """Parsed timestamps as datetime64[ns], NaT where outside what datetime64[ns] can hold."""
    values = parsed.to_numpy(dtype="datetime64[us]")
    inside = (values >= _FIRST_DAY) & (values <= _LAST_DAY)
    return np.where(inside, values, np.datetime64("NaT")).astype("datetime64[ns]")


def _from_excel_serial(serial: np.ndarray) -> np.ndarray:
    """Excel 1900-system serial numbers → datetime64[ns] days (NaT where not a valid date).

    Serial 60, Excel's fictitious 1900-02-29, is read as 1900-02-28 here, as python-calamine
    reads a date-formatted 60, so one column never reads the same cell two ways.
    """
    days, valid = serials_to_dates(serial, 1900, leap_day="feb28")
    dates = days.astype("datetime64[us]")
    inside = valid & (dates >= _FIRST_DAY) & (dates <= _LAST_DAY)
    return np.where(inside, dates, np.datetime64("NaT")).astype("datetime64[ns]")


def _booleans(c: Cells):
    keys = c.raw.copy()
    if c.is_str.any():
        keys[c.is_str] = [v.casefold() for v in keys[c.is_str]]
    mapping = {**_BOOLS, True: True, False: False}  # 1.0 and 0.0 hash like True and False
    # only text, booleans and numbers can mean TRUE/FALSE (a date never does)
    usable = c.is_str | c.of_type((bool, float, int))
    mapped = pd.Series(np.where(usable, keys, None), dtype=object).map(mapping)
    bad = ~c.blank & mapped.isna().to_numpy()
    values = pd.Series(mapped, dtype=object).where(~c.blank, None).astype("boolean")
    return values, [(bad, "{v} is not TRUE/FALSE (also accepted: Yes/No, Y/N, 1/0)")]


# --- config ------------------------------------------------------------------------------------


def text(value) -> str:
    """A cell as the user would type it: 1001.0 → '1001', True → 'TRUE', a date → ISO."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):  # np.float64 too: its repr would be 'np.float64(2.5)'
        return str(int(value)) if value.is_integer() else repr(float(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
