"""Read a CS workbook (SPEC.md §5.1, §5.3) into ``CSData``, checking every cell as it goes.

Values come from python-calamine (cached values, no formulas), and each column is converted with
vectorised numpy/pandas, so a 100,000-row sheet costs little more than calamine's own parse. The
first problem found, in schema sheet order and then row order, is raised as one
:class:`~cs_workbook.errors.WorkbookError` naming file, sheet, Excel row and column.

What calamine gives us (0.9.1): empty cells and error cells (``#N/A``) are ``''``; numbers are
``float`` (``int`` only from some legacy formats); booleans are ``bool``; date-formatted numbers
are ``datetime.date`` at midnight and ``datetime.datetime`` otherwise (1900 leap-year bug already
handled), time formats ``datetime.time``, duration formats ``datetime.timedelta``.
"""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype
from python_calamine import CalamineWorkbook, PasswordError

from ..data import ATTRS, CSData, empty_frame
from ..errors import InvalidInput, WorkbookError
from ..schema import REQUIRED_SHEETS, SHEETS, Column, Sheet, normalise_header

__all__ = ["read_workbook", "read_sheet_frame"]

#: sheets whose (Account ID, Month) pairs must be unique
_MONTHLY_UNIQUE = ("Usage", "Support", "Revenue")

_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False,
          "1": True, "0": False}
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_MONTH = r"\d{4}-\d{2}"
_NUMERIC_TYPES = (float, int)
_DATE_TYPES = (dt.date, dt.datetime, pd.Timestamp)
# datetime64[ns] can only hold these days
_FIRST_DAY = np.datetime64(pd.Timestamp.min.ceil("D").date(), "ns")
_LAST_DAY = np.datetime64(pd.Timestamp.max.floor("D").date(), "ns")


def read_workbook(path, *, sheets: tuple[str, ...] | None = None) -> CSData:
    """Read and validate a CS workbook.

    Parameters
    ----------
    path : str or os.PathLike
        An ``.xlsx``/``.xlsm`` file (anything calamine opens). It is only read, never modified.
    sheets : tuple of str, optional
        Schema sheets to read (matched like headers); the others come back empty. ``Accounts`` is
        always read, since every other sheet's Account IDs are checked against it.

    Returns
    -------
    CSData
        One DataFrame per sheet with canonical headers and dtypes, ``config`` from the ``Config``
        sheet as ``{key: value}`` and ``source=str(path)``.

    Raises
    ------
    WorkbookError
        The file is missing or unreadable, or the first validation problem, e.g.
        ``book.xlsx: sheet 'Usage', row 14, column 'Billable Users': 'n/a' is not a whole number``.
    InvalidInput
        ``sheets`` names a sheet the schema does not have.
    """
    file = str(path)
    wanted = _wanted(sheets)
    frames: dict[str, pd.DataFrame] = {}
    config: dict = {}
    with _open(path, file) as wb:
        found = _sheet_index(wb, file)
        account_ids = None
        for schema in SHEETS:
            if schema.name not in wanted:
                continue
            actual = found.get(normalise_header(schema.name))
            if actual is None:
                if schema.name in REQUIRED_SHEETS:
                    raise WorkbookError(f"missing sheet {schema.name!r}", file=file)
                continue
            rows = _rows(wb, actual, file)
            if not rows and schema.name not in REQUIRED_SHEETS:
                continue  # a sheet with no cells at all is as good as absent
            where = {"file": file, "sheet": actual}
            if schema.name == "Config":
                config = _read_config(schema, rows, where)
                continue
            df = _read_table(schema, rows, where, account_ids)
            frames[schema.name] = df
            if schema.name == "Accounts":
                account_ids = df["Account ID"]
    kwargs = {attr: frames.get(name, empty_frame(_schema(name))) for name, attr in ATTRS.items()}
    return CSData(**kwargs, config=config, source=file)


def read_sheet_frame(path, sheet_name: str) -> pd.DataFrame:
    """One sheet as calamine reads it: row 1 as the column labels, blanks as ``None``, no checks.

    ``sheet_name`` is matched case- and space-insensitively.
    """
    file = str(path)
    with _open(path, file) as wb:
        actual = _sheet_index(wb, file).get(normalise_header(sheet_name))
        if actual is None:
            raise WorkbookError(f"missing sheet {sheet_name!r}", file=file)
        rows = _rows(wb, actual, file)
    if not rows:
        return pd.DataFrame()
    header = [_text(h) if h != "" else None for h in rows[0]]
    df = pd.DataFrame(rows[1:], columns=header, dtype=object)
    return df.mask(df == "", None)


# --- opening -----------------------------------------------------------------------------------


def _wanted(sheets) -> set[str]:
    if sheets is None:
        return {s.name for s in SHEETS}
    if isinstance(sheets, str):
        sheets = (sheets,)
    by_key = {normalise_header(s.name): s.name for s in SHEETS}
    out = set(REQUIRED_SHEETS)
    for name in sheets:
        if normalise_header(name) not in by_key:
            known = ", ".join(s.name for s in SHEETS)
            raise InvalidInput(f"unknown sheet {name!r}; the schema has: {known}")
        out.add(by_key[normalise_header(name)])
    return out


def _open(path, file: str) -> CalamineWorkbook:
    if not os.path.exists(path):
        raise WorkbookError("file not found", file=file)
    if os.path.isdir(path):
        raise WorkbookError("is a directory, not a workbook", file=file)
    try:
        return CalamineWorkbook.from_path(os.fspath(path))
    except PasswordError as exc:
        raise WorkbookError("workbook is password-protected", file=file) from exc
    except Exception as exc:  # calamine's errors carry no useful type: zip, xml, format...
        raise WorkbookError(f"not a readable .xlsx workbook ({exc})", file=file) from exc


def _rows(wb: CalamineWorkbook, name: str, file: str) -> list[list]:
    # skip_empty_area=False anchors the grid at A1, so list index + 1 is the Excel row number
    try:
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise WorkbookError(f"cannot read sheet ({exc})", file=file, sheet=name) from exc


def _sheet_index(wb: CalamineWorkbook, file: str) -> dict[str, str]:
    """``{normalised name: name in the file}``; two tabs that match the same key are an error."""
    out: dict[str, str] = {}
    for name in wb.sheet_names:
        key = normalise_header(name)
        if key in out:
            raise WorkbookError(f"sheets {out[key]!r} and {name!r} have the same name", file=file)
        out[key] = name
    return out


def _schema(name: str) -> Sheet:
    return next(s for s in SHEETS if s.name == name)


# --- tables ------------------------------------------------------------------------------------


class _Cells:
    """One column's cells (rows already filtered): values with strings stripped, types, blanks."""

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
    def blanks(cls, n: int) -> "_Cells":
        """A column that is absent from the sheet: ``n`` blank cells."""
        cells = cls.__new__(cls)
        cells.raw = np.full(n, "", dtype=object)
        cells.types = np.full(n, str, dtype=object)
        cells.is_str = cells.blank = np.ones(n, dtype=bool)
        cells._only = str
        return cells

    def of_type(self, kinds) -> np.ndarray:
        if self._only is not None:
            return np.full(len(self.raw), self._only in kinds)
        mask = np.zeros(len(self.raw), dtype=bool)
        for k in kinds:
            mask |= self.types == k
        return mask


def _grid(rows: list[list]) -> tuple[list[str], list[_Cells], np.ndarray]:
    """Header labels, the data columns without fully blank rows, and their Excel row numbers."""
    header = [_text(h) if h != "" else "" for h in rows[0]] if rows else []
    data = rows[1:]
    width = len(header)
    grid = np.empty((len(data), width), dtype=object)
    if data:
        grid[:] = data  # calamine's rows are rectangular; this is the fast way to transpose
    cells = [_Cells(grid[:, j]) for j in range(width)]
    excel_rows = np.arange(2, len(data) + 2)
    if cells:
        keep = ~np.logical_and.reduce([c.blank for c in cells])
        if not keep.all():
            excel_rows = excel_rows[keep]
            for c in cells:
                c.raw, c.types = c.raw[keep], c.types[keep]
                c.is_str, c.blank = c.is_str[keep], c.blank[keep]
    return header, cells, excel_rows


def _locate(schema: Sheet, header: list[str], where: dict) -> dict[str, int]:
    """``{column name: index in the sheet}`` of the schema columns present.

    Missing required columns are an error that names all of them.
    """
    positions: dict[str, int] = {}
    for i, label in enumerate(header):
        positions.setdefault(normalise_header(label), i)
    found = {c.name: positions[normalise_header(c.name)] for c in schema.columns
             if normalise_header(c.name) in positions}
    missing = [c.name for c in schema.columns if c.required and c.name not in found]
    if missing:
        label = "column" if len(missing) == 1 else "columns"
        raise WorkbookError(f"missing required {label}: {', '.join(missing)}", **where)
    return found


def _read_table(schema: Sheet, rows, where: dict, account_ids) -> pd.DataFrame:
    header, cells, excel_rows = _grid(rows)
    found = _locate(schema, header, where)
    n = len(excel_rows)
    out: dict[str, pd.Series] = {}
    problems: list[tuple[int, int, str, str]] = []  # (position, column order, column, message)
    for order, col in enumerate(schema.columns):
        if col.name not in found:
            out[col.name] = _convert(col, _Cells.blanks(n))[0]
            continue
        c = cells[found[col.name]]
        values, checks = _convert(col, c)
        if col.required:
            checks.insert(0, (c.blank, "a value is required"))
        out[col.name] = values
        problem = _first(checks, c.raw)
        if problem:
            problems.append((problem[0], order, col.name, problem[1]))
    df = pd.DataFrame(out, columns=schema.headers)
    problems += _key_problems(schema, df, excel_rows, account_ids)
    if problems:
        pos, _, column, message = min(problems)
        raise WorkbookError(message, **where, row=int(excel_rows[pos]), column=column)
    return df


def _first(checks, raw) -> tuple[int, str] | None:
    """The earliest failing cell over ``[(mask, message template with {v}), ...]``."""
    best = None
    for mask, template in checks:
        if mask.any():
            pos = int(mask.argmax())
            if best is None or pos < best[0]:
                best = (pos, template.format(v=repr(_text(raw[pos]))))
    return best


def _key_problems(schema: Sheet, df: pd.DataFrame, excel_rows, account_ids) -> list:
    """Duplicate and unknown Account IDs, duplicate (Account ID, Month) rows."""
    problems = []
    ids = df["Account ID"]
    order = schema.headers.index("Account ID")
    if schema.unique_key:
        dup = (ids.duplicated() & ids.notna()).to_numpy()
        if dup.any():
            pos = int(dup.argmax())
            first = int((ids == ids[pos]).to_numpy().argmax())
            problems.append((pos, order, "Account ID", f"Account ID {ids[pos]!r} appears twice "
                             f"(rows {excel_rows[first]} and {excel_rows[pos]})"))
    if account_ids is not None:
        unknown = (ids.notna() & ~ids.isin(account_ids)).to_numpy()
        if unknown.any():
            pos = int(unknown.argmax())
            problems.append((pos, order, "Account ID",
                             f"account {ids[pos]!r} is not in the Accounts sheet"))
    if schema.name in _MONTHLY_UNIQUE:
        keys = df[["Account ID", "Month"]]
        dup = (keys.duplicated() & keys.notna().all(axis=1)).to_numpy()
        if dup.any():
            pos = int(dup.argmax())
            same = ((keys["Account ID"] == ids[pos]) & (keys["Month"] == keys["Month"][pos]))
            first = int(same.to_numpy().argmax())
            month = keys["Month"][pos].strftime("%Y-%m")
            problems.append((pos, schema.headers.index("Month"), "Month",
                             f"account {ids[pos]!r} has two rows for month {month} "
                             f"(rows {excel_rows[first]} and {excel_rows[pos]})"))
    return problems


# --- conversion per kind -----------------------------------------------------------------------


def _convert(col: Column, c: _Cells) -> tuple[pd.Series, list]:
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


def _texts(col: Column, c: _Cells):
    values = c.raw.copy()
    other = ~c.is_str
    if other.any():
        values[other] = [_text(v) for v in values[other]]
    values[c.blank] = None
    checks = []
    if col.kind == "category":
        allowed = {_category_key(choice): choice for choice in col.choices}
        uniques = {v: allowed.get(_category_key(v)) for v in set(values[~c.blank])}
        canon = pd.Series(values, dtype=object).map(uniques).to_numpy(dtype=object)
        bad = ~c.blank & pd.isna(canon)
        checks.append((bad, "{v} is not one of: " + ", ".join(col.choices)))
        values = np.where(c.blank, None, canon)
    return pd.Series(values, dtype=object), checks


def _category_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _numbers(col: Column, c: _Cells):
    numeric = c.of_type(_NUMERIC_TYPES)
    texts = c.is_str & ~c.blank
    num = (c.raw if numeric.all() else np.where(numeric, c.raw, np.nan)).astype("float64")
    if texts.any():
        parsed = pd.to_numeric(pd.Series(c.raw[texts], dtype=object), errors="coerce")
        num[texts] = parsed.to_numpy(dtype="float64", na_value=np.nan)
    present = ~c.blank
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(num)
        if col.kind == "int":
            whole = np.round(num)
            # formulas leave float noise (3.0000000000000004); accept it as the whole number
            finite &= np.abs(num - whole) <= 1e-9 * np.maximum(1.0, np.abs(num))
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
    return pd.Series(num, dtype="float64"), checks


def _dates(kind: str, c: _Cells):
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
    return pd.Series(out, dtype="datetime64[ns]"), [(bad, "{v} " + hint)]


def _clip(parsed: pd.Series) -> np.ndarray:
    """Parsed timestamps as datetime64[ns], NaT where outside what datetime64[ns] can hold."""
    values = parsed.to_numpy(dtype="datetime64[us]")
    inside = (values >= _FIRST_DAY) & (values <= _LAST_DAY)
    return np.where(inside, values, np.datetime64("NaT")).astype("datetime64[ns]")


def _from_excel_serial(serial: np.ndarray) -> np.ndarray:
    """Excel 1900-system serial numbers → datetime64[ns] days (NaT where not a valid date).

    Excel inherited Lotus 1-2-3's bug of treating 1900 as a leap year: serial 60 is the
    fictitious 1900-02-29, so from 61 on serials run one day ahead of a plain count from
    1899-12-31. We read 60 as 1900-02-28, as calamine does for date-formatted cells. Serials
    below 1 (Excel's "1900-01-00") and beyond 9999-12-31 are not dates.
    """
    with np.errstate(invalid="ignore"):
        days = np.floor(serial)
        valid = np.isfinite(days) & (days >= 1) & (days <= 2958465)
        days = np.where(days >= 61, days - 1, np.minimum(days, 59))
    offsets = np.where(valid, days, 0).astype("int64").astype("timedelta64[D]")
    dates = (np.datetime64("1899-12-31", "D") + offsets).astype("datetime64[us]")
    inside = valid & (dates >= _FIRST_DAY) & (dates <= _LAST_DAY)
    return np.where(inside, dates, np.datetime64("NaT")).astype("datetime64[ns]")


def _booleans(c: _Cells):
    keys = c.raw.copy()
    if c.is_str.any():
        keys[c.is_str] = [v.casefold() for v in keys[c.is_str]]
    mapping = {**_BOOLS, True: True, False: False, 1.0: True, 0.0: False}
    # only text, booleans and numbers can mean TRUE/FALSE (a date never does)
    usable = c.is_str | c.of_type((bool, float, int))
    mapped = pd.Series(np.where(usable, keys, None), dtype=object).map(mapping)
    bad = ~c.blank & mapped.isna().to_numpy()
    values = pd.Series(mapped, dtype=object).where(~c.blank, None).astype("boolean")
    return values, [(bad, "{v} is not TRUE/FALSE (also accepted: Yes/No, Y/N, 1/0)")]


# --- config ------------------------------------------------------------------------------------


def _read_config(schema: Sheet, rows, where: dict) -> dict:
    header, cells, excel_rows = _grid(rows)
    found = _locate(schema, header, where)
    keys = cells[found["Key"]]
    values = cells[found["Value"]] if "Value" in found else _Cells.blanks(len(excel_rows))
    config: dict = {}
    seen: dict[str, int] = {}
    for i in np.flatnonzero(~keys.blank):
        key = _text(keys.raw[i])
        if key in seen:
            raise WorkbookError(f"key {key!r} appears twice (rows {seen[key]} and {excel_rows[i]})",
                                **where, row=int(excel_rows[i]), column="Key")
        seen[key] = int(excel_rows[i])
        config[key] = None if values.blank[i] else values.raw[i]
    return config


# --- helpers -----------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as the user would type it: 1001.0 → '1001', True → 'TRUE', a date → ISO."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
