"""Read a CS workbook (docs/workbook.md, §5.3) into ``CSData``, checking every cell as it goes.

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

import os

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook, PasswordError

from ..data import ATTRS, CSData, empty_frame
from ..errors import InvalidInput, WorkbookError
from ..native import held_stderr
from ..schema import REQUIRED_SHEETS, SHEETS, Sheet, normalise_header
from .columns import Cells, convert, grid, text
from .limits import check_grid, check_package

__all__ = ["read_workbook", "read_sheet_frame", "check_table"]

#: sheets whose (Account ID, Month) pairs must be unique
_MONTHLY_UNIQUE = ("Usage", "Support", "Revenue")



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
        sheet as ``{key: value}``, ``source=str(path)`` and ``absent``: the optional sheets the
        file lacks (``{sheet: None}``) and the optional columns a present sheet lacks
        (``{sheet: (column, ...)}``), so :mod:`cs_workbook.portfolio.coverage` can say so.

    Raises
    ------
    WorkbookError
        The file is missing or unreadable, or the first validation problem, e.g.
        ``book.xlsx: sheet 'Usage', row 14, column 'Billable Users': 'n/a' is not a whole number``
        or ``book.xlsx: sheet 'Usage': columns D and F are both headed 'Billable Users'``.
    InvalidInput
        ``sheets`` names a sheet the schema does not have.
    """
    file = str(path)
    wanted = _wanted(sheets)
    frames: dict[str, pd.DataFrame] = {}
    config: dict = {}
    absent: dict[str, tuple[str, ...] | None] = {}  # what CSData.absent records
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
                absent[schema.name] = None
                continue
            rows = _rows(wb, actual, file)
            if not rows and schema.name not in REQUIRED_SHEETS:
                absent[schema.name] = None  # a sheet with no cells at all is as good as absent
                continue
            where = {"file": file, "sheet": actual}
            if schema.name == "Config":
                config = _read_config(schema, rows, where)
                continue
            df, missing = _read_table(schema, rows, where, account_ids)
            frames[schema.name] = df
            if missing:
                absent[schema.name] = missing
            if schema.name == "Accounts":  # an Index: hashed once for every other sheet
                account_ids = pd.Index(df["Account ID"], dtype=object)
    return assemble(frames, config, file, absent)


def assemble(frames: dict, config: dict, source: str, absent: dict) -> CSData:
    """The checked sheets as :class:`CSData`, an empty frame for each sheet not given
    (shared by the workbook and the folder-of-tables readers)."""
    kwargs = {attr: frames.get(name, empty_frame(_schema(name))) for name, attr in ATTRS.items()}
    return CSData(**kwargs, config=config, source=source, absent=absent)


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
    header = [text(h) if h != "" else None for h in rows[0]]
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
    check_package(path)  # zip bombs, huge parts: refused before calamine inflates them
    try:
        with held_stderr():  # a Rust panic's own text is not for the user
            return CalamineWorkbook.from_path(os.fspath(path))
    except PasswordError as exc:
        raise WorkbookError("workbook is password-protected", file=file) from exc
    except Exception as exc:  # calamine's errors carry no useful type: zip, xml, format...
        from .formats import problem

        why = problem(path, generic=False)  # encrypted, an .xls renamed .xlsx …: say so
        raise WorkbookError(why or f"not a readable .xlsx workbook ({exc})", file=file) from exc


def _rows(wb: CalamineWorkbook, name: str, file: str) -> list[list]:
    # skip_empty_area=False anchors the grid at A1, so list index + 1 is the Excel row number
    check_grid(file, name)  # the grid is rows × columns of the used range: bounded first
    try:
        with held_stderr():
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


def _locate(schema: Sheet, header: list[str], where: dict) -> dict[str, int]:
    """``{column name: index in the sheet}`` of the schema columns present.

    Missing required columns are an error that names all of them; so is a schema column headed
    twice (which of the two holds the data is anyone's guess), naming both column letters.
    """
    wanted = {normalise_header(c.name): c.name for c in schema.columns}
    positions: dict[str, int] = {}
    for i, label in enumerate(header):
        key = normalise_header(label)
        if key in positions and key in wanted:
            j = positions[key]
            same = (f"both headed {header[j]!r}" if header[j] == label else
                    f"headed {header[j]!r} and {label!r}, both the column {wanted[key]!r}")
            raise WorkbookError(f"columns {_letter(j)} and {_letter(i)} are {same}", **where)
        positions.setdefault(key, i)
    found = {c.name: positions[normalise_header(c.name)] for c in schema.columns
             if normalise_header(c.name) in positions}
    missing = [c.name for c in schema.columns if c.required and c.name not in found]
    if missing:
        label = "column" if len(missing) == 1 else "columns"
        raise WorkbookError(f"missing required {label}: {', '.join(missing)}", **where)
    return found


def _letter(index: int) -> str:
    """The Excel column letters of a 0-based column index (0 → A, 26 → AA)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _read_table(schema: Sheet, rows, where: dict, account_ids):
    """``(DataFrame, the optional schema columns the sheet lacks)``."""
    header, cells, excel_rows = grid(rows)
    return check_table(schema, header, cells, excel_rows, where, account_ids)


def check_table(schema: Sheet, header: list[str], cells: list, excel_rows: np.ndarray,
                where: dict, account_ids, convert=convert) -> pd.DataFrame:
    """Validate one table's columns (:class:`~.columns.Cells`, fully blank rows removed) and
    return its canonical DataFrame; the first problem is a :class:`WorkbookError` at ``where``
    (file, sheet), with ``excel_rows[i]`` as the row number. ``convert`` turns one column into
    ``(values, checks)``; the folder reader (:mod:`.tables`) passes one that also knows typed
    columns."""
    found = _locate(schema, header, where)
    n = len(excel_rows)
    out: dict[str, pd.Series] = {}
    problems: list[tuple[int, int, str, str]] = []  # (position, column order, column, message)
    for order, col in enumerate(schema.columns):
        if col.name not in found:
            out[col.name] = convert(col, Cells.blanks(n))[0]
            continue
        c = cells[found[col.name]]
        values, checks = convert(col, c)
        if col.required:
            checks.insert(0, (c.blank, "a value is required"))
        out[col.name] = values
        problem = _first(checks, c)
        if problem:
            problems.append((problem[0], order, col.name, problem[1]))
    # copy=False: the columns are fresh, so no 2-D block is stacked (a copy of the sheet)
    df = pd.DataFrame(out, columns=schema.headers, copy=False)
    keys = cells[found["Account ID"]].keys if "Account ID" in found else None
    month_keys = cells[found["Month"]].value_keys if "Month" in found else None
    problems += _key_problems(schema, df, excel_rows, account_ids, keys, month_keys)
    if problems:
        pos, _, column, message = min(problems)
        raise WorkbookError(message, **where, row=int(excel_rows[pos]), column=column)
    return df, tuple(c.name for c in schema.columns if c.name not in found)


def _first(checks, cells) -> tuple[int, str] | None:
    """The earliest failing cell over ``[(mask, message template with {v}), ...]``."""
    best = None
    for mask, template in checks:
        if mask.any():
            pos = int(mask.argmax())
            if best is None or pos < best[0]:
                best = (pos, template.format(v=repr(text(cells.raw[pos]))))
    return best


def _key_problems(schema: Sheet, df: pd.DataFrame, excel_rows, account_ids, keys=None,
                  month_keys=None) -> list:
    """Duplicate and unknown Account IDs, duplicate (Account ID, Month) rows.

    Checked on integer codes (one hash pass over the IDs, then numpy), not on Python objects;
    ``tests/workbook/test_key_checks.py`` holds it to the object-wise checks it replaced.
    ``keys``, ``month_keys``: the codes of the IDs and months, when the reader has them
    (:attr:`.Cells.keys`, :attr:`.Cells.value_keys`)."""
    problems = []
    ids = df["Account ID"]
    # blank (None) → -1; ``keys``: the same codes, already worked out by the folder reader
    codes, uniques = keys if keys is not None else pd.factorize(ids.to_numpy(dtype=object))
    present = codes >= 0
    order = schema.headers.index("Account ID")
    if schema.unique_key:
        dup = _duplicated(codes, present)
        if dup.any():
            pos = int(dup.argmax())
            first = int((codes == codes[pos]).argmax())
            problems.append((pos, order, "Account ID", f"Account ID {ids[pos]!r} appears twice "
                             f"(rows {excel_rows[first]} and {excel_rows[pos]})"))
    if account_ids is not None:
        known = _known(account_ids, uniques)
        # code -1 (blank): the last
        unknown = None if known.all() else present & ~np.append(known, False)[codes]
        if unknown is not None and unknown.any():
            pos = int(unknown.argmax())
            problems.append((pos, order, "Account ID",
                             f"account {ids[pos]!r} is not in the Accounts sheet"))
    if schema.name in _MONTHLY_UNIQUE:
        if month_keys is not None:  # -1 where no month: those rows are not dated
            month_codes = month_keys
            dated = present & (month_keys >= 0)
        else:
            months = df["Month"].to_numpy(dtype="datetime64[ns]")
            dated = present & ~np.isnat(months)
            month_codes = _dense(months.view("int64"), dated)
        width = int(month_codes.max(initial=0)) + 1
        # int32 when every pair fits: half the memory of a 2.4 M-row key
        small = (int(codes.max(initial=0)) + 1) * width < 2**31
        pairs = codes.astype(np.int32 if small else np.int64)
        pairs *= width
        pairs += month_codes
        dup = _duplicated(pairs, dated)
        if dup.any():
            pos = int(dup.argmax())
            first = int(((pairs == pairs[pos]) & dated).argmax())
            month = df["Month"][pos].strftime("%Y-%m")
            problems.append((pos, schema.headers.index("Month"), "Month",
                             f"account {ids[pos]!r} has two rows for month {month} "
                             f"(rows {excel_rows[first]} and {excel_rows[pos]})"))
    return problems


def _known(account_ids, values: np.ndarray) -> np.ndarray:
    """Which ``values`` are among ``account_ids``; an Index of unique IDs (what the workbook
    reader passes) keeps its hash table between sheets, so the Accounts IDs are hashed once;
    an object with a ``known(values)`` method answers itself (the folder reader's, pyarrow)."""
    if hasattr(account_ids, "known"):
        return account_ids.known(values)
    if isinstance(account_ids, pd.Index) and account_ids.is_unique:
        return account_ids.get_indexer(pd.Index(values, dtype=object)) >= 0
    return pd.Index(values, dtype=object).isin(
        pd.Index(np.asarray(account_ids, dtype=object), dtype=object))


def _duplicated(keys: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Rows whose key (integers ≥ 0), among the ``usable`` rows, appeared on an earlier
    usable row. When the keys are dense, one ``bincount`` answers "none" (the usual case)."""
    out = np.zeros(len(keys), dtype=bool)
    some = keys if usable.all() else keys[usable]
    if not len(some):
        return out
    top = int(some.max())
    if top < 8 * len(some) + 1024:  # one bit-sized mark per key: all distinct, or not
        seen = np.zeros(top + 1, dtype=bool)
        seen[some] = True
        if int(np.count_nonzero(seen)) == len(some):
            return out
    at = np.flatnonzero(usable)
    out[at] = pd.Series(some).duplicated().to_numpy()
    return out


def _dense(values: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Integer values (datetime64 as int64) as codes 0…k-1, equal codes for equal values among
    the ``usable`` rows (0 elsewhere): a lookup table when whole days span a few years, else a
    hash."""
    out = np.zeros(len(values), dtype="int64")
    some = values[usable]
    if not len(some):
        return out
    low = int(some.min())
    days, rest = np.divmod(some - low, 86_400_000_000_000)
    if not rest.any() and int(days.max()) < 1_000_000:
        seen = np.zeros(int(days.max()) + 1, dtype=bool)
        seen[days] = True
        out[usable] = (np.cumsum(seen) - 1)[days]
    else:
        out[usable] = pd.factorize(some)[0]
    return out


# --- conversion per kind -----------------------------------------------------------------------


def _read_config(schema: Sheet, rows, where: dict) -> dict:
    header, cells, excel_rows = grid(rows)
    found = _locate(schema, header, where)
    keys = cells[found["Key"]]
    values = cells[found["Value"]] if "Value" in found else Cells.blanks(len(excel_rows))
    config: dict = {}
    seen: dict[str, int] = {}
    for i in np.flatnonzero(~keys.blank):
        key = text(keys.raw[i])
        if key in seen:
            raise WorkbookError(f"key {key!r} appears twice (rows {seen[key]} and {excel_rows[i]})",
                                **where, row=int(excel_rows[i]), column="Key")
        seen[key] = int(excel_rows[i])
        config[key] = None if values.blank[i] else values.raw[i]
    return config


# --- helpers -----------------------------------------------------------------------------------
