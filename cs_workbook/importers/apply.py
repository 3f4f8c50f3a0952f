"""Apply a :class:`~.mapping.Mapping` to source tables (pandas frames) and get :class:`CSData`.

Per target sheet: the rows of every source file its ``source`` glob matches, filtered by
``keep``; columns renamed; defaults filled in; value maps applied; each column converted to its
schema kind (dates by their format, money by its unit); then, with ``month`` or ``group_by``,
one row per group, each column aggregated as ``aggregate`` says (default ``last``, in the order
of ``order_by`` or of the month column's dates). Errors name the source file, its row (the
header is row 1) and the source column, and say which mapping key would fix them.
"""

from __future__ import annotations

import fnmatch
import json
import math

import numpy as np
import pandas as pd

from ..data import CSData
from ..errors import CSError
from ..schema import sheet
from .mapping import UNITS, Mapping, SheetMap, toml_key

__all__ = ["apply_mapping", "matching"]

_FILE, _ROW, _ORDER = "\0file", "\0row", "\0order"
_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False,
          "1": True, "0": False}


def matching(pattern: str, names) -> list[str]:
    """The ``names`` (file names, no folders) that the glob ``pattern`` matches, ignoring case.

    >>> matching("mart_arr*", ["MART_ARR.parquet", "mart_arr_2026.csv", "accounts.csv"])
    ['MART_ARR.parquet', 'mart_arr_2026.csv']
    """
    pat = pattern.casefold()
    return [n for n in names if fnmatch.fnmatchcase(n.casefold(), pat)]


def apply_mapping(mapping: Mapping, tables: dict) -> CSData:
    """Build a CS workbook's data from source tables.

    Parameters
    ----------
    mapping : Mapping
        The parsed mapping.
    tables : dict
        ``{file name: DataFrame}`` of the source files; frames are not modified. The row
        number in messages is the frame's position + 2 (a header row, then the records).

    Returns
    -------
    CSData
        One frame per mapped sheet, canonical dtypes; unmapped sheets are empty.

    Raises
    ------
    CSError
        One line naming the file, row and column, or the mapping key to add or fix.
    """
    frames = {}
    for sm in mapping.sheets:
        names = matching(sm.source, tables)
        if not names:
            if sm.optional:
                continue
            given = ", ".join(tables) or "none"
            raise mapping.error(f"no SOURCE file matches source = {sm.source!r} "
                                f"(files given: {given})", sm.sheet)
        frames[sm.sheet] = build_sheet(mapping, sm, [(n, tables[n]) for n in names])
    return CSData.from_frames(frames, source=",".join(tables))


def build_sheet(mapping: Mapping, sm: SheetMap, files) -> pd.DataFrame:
    """One target sheet's frame from ``[(file name, DataFrame)]`` (see the module doc)."""
    parts = [_select(mapping, sm, name, df) for name, df in files]
    work = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    schema = sheet(sm.sheet)
    out = {}
    for col in schema.columns:
        if col.name not in sm.columns and col.name not in sm.defaults:
            continue
        out[col.name] = _convert(mapping, sm, col, work)
    frame = pd.DataFrame(out, index=work.index)
    meta = work[[_FILE, _ROW, _ORDER]]
    if sm.month or sm.group_by:
        frame = _group(mapping, sm, schema, frame, meta)
    elif schema.unique_key:
        _check_unique(mapping, sm, frame, meta)
    return frame.reset_index(drop=True)


def _select(mapping: Mapping, sm: SheetMap, name: str, df: pd.DataFrame) -> pd.DataFrame:
    df = df.rename(columns=lambda c: str(c).strip())
    wanted = [("columns", t, s) for t, s in sm.columns.items()]
    wanted += [("keep", s, s) for s in sm.keep]
    if sm.order_by:
        wanted.append(("order_by", None, sm.order_by))
    for key, target, source in wanted:
        if source not in df.columns:
            what = f"{key}.{target!r}" if key == "columns" else key
            shown = ", ".join(map(repr, list(df.columns)[:12]))
            raise CSError(f"{name}: column {source!r} not found (mapping {mapping.file}, sheet "
                          f"{sm.sheet}, key {what}); the file has {shown}")
    rows = pd.Series(np.arange(2, len(df) + 2), index=df.index)
    keep = pd.Series(True, index=df.index)
    for source, values in sm.keep.items():
        allowed = {v.strip().casefold() for v in values}
        keep &= _each(df[source], lambda v, allowed=allowed: _text(v) is not None
                      and _text(v).casefold() in allowed).astype(bool)
    df, rows = df[keep], rows[keep]
    part = {t: df[s] for t, s in sm.columns.items()}
    part[_FILE] = pd.Series(name, index=df.index)
    part[_ROW] = rows
    part[_ORDER] = df[sm.order_by] if sm.order_by else pd.Series(np.nan, index=df.index)
    return pd.DataFrame(part, index=df.index).reset_index(drop=True)


def _key(*parts: str) -> str:
    """A dotted TOML key as it would be typed (``"MRR Changes".values.Reason``)."""
    return ".".join(toml_key(p) for p in parts)


def _each(series: pd.Series, f) -> pd.Series:
    """``f`` of every cell, as an object Series (pandas 3's ``map`` turns ``None`` into NaN)."""
    return pd.Series([f(v) for v in series.tolist()], index=series.index, dtype=object)


def _texts(raw: pd.Series) -> pd.Series:
    """:func:`_text` of every cell; a text column (CSV) is trimmed in one vectorised pass."""
    if not isinstance(raw.dtype, pd.StringDtype):
        return _each(raw, _text)
    arr = raw.str.strip().to_numpy(dtype=object, na_value=None)
    arr[arr == ""] = None
    return pd.Series(arr, index=raw.index, dtype=object)


def _text(v):
    """A cell as text: None when blank, 1001.0 → '1001', a timestamp → its ISO date."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    text = str(v).strip()
    return text or None


def _fail(mapping, sm, col, work, i, message) -> CSError:
    source = sm.columns.get(col.name, f"(default for {col.name})")
    return CSError(f"{work[_FILE].iat[i]}: row {work[_ROW].iat[i]}, column {source!r}: {message} "
                   f"(mapping {mapping.file}, sheet {sm.sheet}, column {col.name!r})")


def _convert(mapping: Mapping, sm: SheetMap, col, work: pd.DataFrame) -> pd.Series:
    n = len(work)
    raw = work[col.name] if col.name in work.columns else pd.Series([None] * n, index=work.index)
    if col.name in sm.defaults:
        default = sm.defaults[col.name]
        raw = _each(raw, lambda v: default if _text(v) is None else v)
    if col.name in sm.values:
        vmap = sm.values[col.name]
        raw = _each(raw, lambda v: v if _text(v) is None else vmap.get(_text(v).casefold(), v))
    kind = col.kind
    if kind in ("date", "month"):
        return _dates(mapping, sm, col, work, raw)
    if kind in ("int", "number", "money"):
        return _numbers(mapping, sm, col, work, raw)
    texts = _texts(raw)
    if kind == "bool":
        values = _each(texts, lambda t: None if t is None else _BOOLS.get(t.casefold(), "?"))
        bad = _each(values, lambda v: isinstance(v, str))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise _fail(mapping, sm, col, work, i, f"{texts.iat[i]!r} is not TRUE/FALSE "
                        f"(Yes/No, 1/0); map it with `[{_key(sm.sheet, 'values', col.name)}]`")
        return values.astype("boolean")
    if kind == "category":
        canon = {c.casefold(): c for c in col.choices}
        values = _each(texts, lambda t: None if t is None else canon.get(t.casefold(), "\0"))
        bad = (values == "\0").to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            value = json.dumps(texts.iat[i], ensure_ascii=False)  # a TOML string, on one line
            raise _fail(mapping, sm, col, work, i,
                        f"{texts.iat[i]!r} is not one of {', '.join(col.choices)}; map it with "
                        f"`[{_key(sm.sheet, 'values', col.name)}] {value} = "
                        f"\"<one of them>\"`")
        return values
    return texts


def _dates(mapping, sm, col, work, raw: pd.Series) -> pd.Series:
    fmt = sm.dates.get(col.name)
    if pd.api.types.is_datetime64_any_dtype(raw):
        values = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) else raw
    else:
        texts = _texts(raw) if isinstance(raw.dtype, pd.StringDtype) else _each(
            raw, lambda v: v if isinstance(v, pd.Timestamp | np.datetime64) else _text(v))
        values = pd.to_datetime(texts, format=fmt or "ISO8601", errors="coerce")
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        bad = (values.isna() & texts.notna()).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            how = f"in format {fmt!r}" if fmt else "(YYYY-MM-DD)"
            raise _fail(mapping, sm, col, work, i,
                        f"{texts.iat[i]!r} is not a date {how}; set `[{_key(sm.sheet, 'dates')}] "
                        f"{toml_key(col.name)} = \"<strptime format, e.g. %m/%d/%Y>\"`")
    far = (values.notna() & ((values < _FIRST) | (values > _LAST))).to_numpy()
    if far.any():  # "/1" read as the year 0: past what a date column holds
        i = int(np.flatnonzero(far)[0])
        raise _fail(mapping, sm, col, work, i,
                    f"{raw.iat[i]!r} is not a date between {_FIRST.year} and {_LAST.year}")
    return values.astype("datetime64[ns]").dt.normalize()


#: The dates a datetime64[ns] column holds (pandas' Timestamp range, to the day).
_FIRST, _LAST = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")


def _numbers(mapping, sm, col, work, raw: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.astype("float64")
    else:
        # "$60,000" is a number in CRM exports
        texts = _texts(raw.astype("string").str.replace(r"[$,]", "", regex=True))
        values = pd.Series(_to_float(texts.to_numpy()), index=raw.index)
        bad = (values.isna() & texts.notna()).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _fail(mapping, sm, col, work, i, f"{raw.iat[i]!r} is not a number")
    factor = UNITS[sm.units.get(col.name, "dollars")]
    return values * factor if factor != 1.0 else values


def _to_float(texts: np.ndarray) -> np.ndarray:
    """Text cells (None = blank) as float64, NaN where blank or not a number; pyarrow's cast
    when every cell parses (10× pandas' ``to_numeric`` on 2.4 M cells), else ``to_numeric``."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        return pc.cast(pa.array(texts, type=pa.string()), pa.float64()).to_numpy(
            zero_copy_only=False)
    except (ImportError, ValueError, TypeError, ArithmeticError):  # ArrowInvalid: ValueError
        return pd.to_numeric(texts, errors="coerce").astype("float64")


def _group(mapping, sm, schema, frame: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    keys = list(sm.group_by) or ["Account ID"]
    order = meta[_ORDER]
    if sm.month:
        if sm.month not in frame.columns:
            raise mapping.error(f"month = {sm.month!r} is not mapped in [{sm.sheet}.columns]",
                                sm.sheet)
        if not sm.order_by:
            order = frame[sm.month]
        frame = frame.assign(**{sm.month: frame[sm.month].dt.to_period("M").dt.to_timestamp()})
        if sm.month not in keys:
            keys.append(sm.month)
    for k in keys:
        if k not in frame.columns:
            raise mapping.error(f"group_by column {k!r} is not mapped in [{sm.sheet}.columns]",
                                sm.sheet)
    if sm.order_by:
        order = pd.to_datetime(order, errors="coerce", format="ISO8601") \
            if not pd.api.types.is_numeric_dtype(order) else order
    columns = list(frame.columns)
    frame = frame.assign(**{_ORDER: order}).sort_values(_ORDER, kind="stable")
    kinds = {c.name: c.kind for c in schema.columns}
    how, latest = {}, []
    for c in columns:
        if c in keys:
            continue
        agg = sm.aggregate.get(c, "last")
        if agg in ("sum", "mean", "latest_sum") and kinds[c] not in ("int", "number", "money"):
            raise mapping.error(f"key aggregate.{c!r} = {agg!r}: {c} is not a number column",
                                sm.sheet)
        (latest.append(c) if agg == "latest_sum" else how.__setitem__(c, agg))
    grouped = frame.groupby(keys, sort=True, dropna=False)
    out = grouped.agg(how) if how else grouped.size().to_frame("\0n")
    if latest:
        # the rows of each group's latest order_by value (e.g. every subscription of the
        # account's last month), summed
        at_latest = frame[_ORDER] == grouped[_ORDER].transform("max")
        part = frame[latest].where(at_latest, np.nan)
        out = out.join(part.groupby([frame[k] for k in keys], sort=True, dropna=False)
                       .sum(min_count=1))
    out = out.reset_index()
    for c in columns:
        if kinds[c] == "int":  # a mean of users: half away from zero, as Excel's ROUND
            v = out[c].to_numpy(dtype="float64")
            out[c] = np.sign(v) * np.floor(np.abs(v) + 0.5)
    return out[columns]


def _check_unique(mapping, sm, frame, meta) -> None:
    ids = frame["Account ID"]
    dup = ids.duplicated(keep=False) & ids.notna()
    if dup.any():
        first = ids[dup].iat[0]
        rows = meta[_ROW][ids == first].tolist()[:2]
        raise CSError(f"{meta[_FILE].iat[0]}: Account ID {first!r} is on rows {rows[0]} and "
                      f"{rows[1]}; to keep one row per account add "
                      f"`[{toml_key(sm.sheet)}] group_by = "
                      f"[\"Account ID\"]` (mapping {mapping.file})")
