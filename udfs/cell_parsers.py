"""Parsers of one cell as Excel sends it: a number, date, text, flag, milestone, score or colour.

Each parser returns the cell's clean value, ``None`` for a blank (``False`` for a milestone) or an
:class:`~.errors.ExcelError` for an unusable cell; :mod:`.coerce` applies them to whole arguments.
Dates follow Excel's 1900 system (:mod:`cs_workbook.excel.dates`), fictitious 1900-02-29 included. Date text: ISO ``2026-11-23``
always; ``23/11/2026``-style text only when the day is unambiguous or the caller's locale order is
known (:func:`date_order`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import math
import re
from numbers import Number

import numpy as np
import pandas as pd

from ..excel.dates import date_to_serial, serial_to_date
from .errors import ExcelError, error_of

__all__ = ["serial_to_date", "parse_date_text", "date_order", "date_order_from_format"]

_EMPTY = (None, "")
_ORDER = contextvars.ContextVar("cs_workbook_date_order", default=None)


def _unwrap(v):
    """Office.js data-type dicts (FormattedNumber, Double, …) carry the cell in basicValue."""
    if isinstance(v, dict) and "basicValue" in v:
        return v["basicValue"]
    return v


def _float(v) -> float:
    """float(v), with numbers too big for a float as infinity (rejected later)."""
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _real(v) -> bool:
    """A real number (int, float, numpy's, Decimal …): complex numbers are Numbers too."""
    return isinstance(v, Number) and not isinstance(v, complex) and \
        not isinstance(v, np.complexfloating)


def _nat(v) -> bool:
    """pandas' NaT (a datetime subclass) or numpy's: no date at all, so bad input, not blank."""
    return v is pd.NaT or (isinstance(v, np.datetime64) and np.isnat(v))


def _bad(name, v, what) -> ExcelError:
    shown = repr(v)
    if len(shown) > 40:
        shown = shown[:36] + "…" + shown[-3:]
    return ExcelError("#VALUE!", f"{name}: {shown} is not {what}", user=True)


_NUM_TEXT = re.compile(r"^[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?$")


def _number(v, name):
    """float, None (blank) or ExcelError for one cell."""
    if v is None:
        return None
    t = type(v)
    if t is float or t is int:
        if v != v:
            return None
        try:
            f = float(v)
        except OverflowError:
            f = math.inf
        return f if math.isfinite(f) else _bad(name, v, "a finite number")
    err = error_of(v)
    if err is not None:
        return err
    v = _unwrap(v)
    if _nat(v):
        return _bad(name, v, "a date")
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if _real(v):
        try:
            f = float(v)
        except (OverflowError, TypeError, ValueError):
            return _bad(name, v, "a finite number")
        if f != f:
            return None
        return f if math.isfinite(f) else _bad(name, v, "a finite number")
    if isinstance(v, str):
        s = v.strip().replace("\u00a0", "").replace(" ", "")
        if s == "":
            return None
        if _NUM_TEXT.match(s):
            pct = s.endswith("%")
            f = float(s.rstrip("%").replace(",", ""))
            f = f / 100 if pct else f
            return f if math.isfinite(f) else _bad(name, v, "a finite number")
        return _bad(name, v, "a number")
    if isinstance(v, (_dt.date, pd.Timestamp, np.datetime64)):
        d = _as_date(v)
        if d is None:
            return None
        try:
            return date_to_serial(d)
        except ValueError:
            return _bad(name, v, "a date Excel can hold (1900 or later)")
    return _bad(name, v, "a number")


def _as_date(v):
    if isinstance(v, pd.Timestamp):
        return None if v is pd.NaT else v.date()
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else pd.Timestamp(v).date()
    if isinstance(v, _dt.datetime):
        return v.date()
    return v


_DATE_TEXT = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")


@contextlib.contextmanager
def date_order(order: str | None):
    """Read ambiguous date text as ``"DMY"``, ``"MDY"`` or ``"YMD"`` inside the block."""
    token = _ORDER.set(order)
    try:
        yield
    finally:
        _ORDER.reset(token)


def date_order_from_format(fmt: str | None) -> str | None:
    """Order of day, month and year in a short-date pattern (``dd.MM.yyyy`` → ``"DMY"``).

    Localised pattern letters (German ``TT.MM.JJJJ``, French ``jj/mm/aaaa``) are understood.

    >>> date_order_from_format("M/d/yyyy"), date_order_from_format("TT.MM.JJJJ")
    ('MDY', 'DMY')
    """
    if not fmt:
        return None
    letters = fmt.lower()
    for old, new in (("t", "d"), ("j", "d") if "a" in letters else ("j", "y"), ("a", "y"),
                     ("g", "d")):
        letters = letters.replace(old, new)
    order = ""
    for ch in letters:
        if ch in "dmy" and ch.upper() not in order:
            order += ch.upper()
    return order if sorted(order) == ["D", "M", "Y"] else None


def parse_date_text(text: str) -> _dt.date:
    """ISO date text, or d/m/y-style text when unambiguous or the locale order is known.

    >>> parse_date_text("2026-11-23"), parse_date_text("23/11/2026")
    (datetime.date(2026, 11, 23), datetime.date(2026, 11, 23))
    >>> with date_order("MDY"):
    ...     parse_date_text("03/04/2026")
    datetime.date(2026, 3, 4)
    """
    s = text.strip()
    try:
        return _dt.date.fromisoformat(s[:10]) if len(s) >= 10 and s[4] == "-" else \
            _dt.date.fromisoformat(s)
    except ValueError:
        pass
    m = _DATE_TEXT.match(s)
    if not m:
        raise ValueError("is not a date (use 2026-11-23 or a date cell)")
    a, b, c = (int(g) for g in m.groups())
    if len(m.group(1)) == 4:
        return _dt.date(a, b, c)
    if len(m.group(3)) != 4:
        raise ValueError("needs a four-digit year (use 2026-11-23)")
    order = _ORDER.get()
    if a > 12 and b <= 12:
        order = "DMY"
    elif b > 12 and a <= 12:
        order = "MDY"
    elif order not in ("DMY", "MDY"):
        raise ValueError("is ambiguous (day or month first?); use 2026-11-23 or a date cell")
    day, month = (a, b) if order == "DMY" else (b, a)
    return _dt.date(c, month, day)


def _date(v, name):
    """date, None (blank) or ExcelError for one cell; 0 is an empty Excel desktop cell."""
    if v in _EMPTY:
        return None
    err = error_of(v)
    if err is not None:
        return err
    v = _unwrap(v)
    if isinstance(v, (bool, np.bool_)) or _nat(v):
        return _bad(name, v, "a date")
    if isinstance(v, (_dt.date, pd.Timestamp, np.datetime64)):
        return _as_date(v)
    if _real(v):
        f = _float(v)
        if f != f or f == 0:
            return None
        try:
            return serial_to_date(f)
        except (ValueError, OverflowError) as exc:
            return ExcelError("#VALUE!", f"{name}: {v!r} is not a date ({exc})", user=True)
    if isinstance(v, str):
        if v.strip() == "":
            return None
        try:
            return parse_date_text(v)
        except ValueError as exc:
            msg = str(exc) if str(exc).startswith(("is ", "needs")) else "is not a date"
            return ExcelError("#VALUE!", f"{name}: {v.strip()[:40]!r} {msg}", user=True)
    return _bad(name, v, "a date")


def _text(v, name):
    if v is None:
        return None
    err = error_of(v)
    if err is not None:
        return err
    v = _unwrap(v)
    if isinstance(v, str):
        s = v.strip()
        return s or None
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if _real(v):
        f = _float(v)
        if f != f:
            return None
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    if isinstance(v, (_dt.date, pd.Timestamp)) and not _nat(v):
        return _as_date(v).isoformat()
    return _bad(name, v, "text")


_TRUE = {"true", "yes", "y", "1", "x", "wahr", "vrai"}
_FALSE = {"false", "no", "n", "0", "falsch", "faux"}


def _flag(v, name):
    if v in _EMPTY:
        return None
    err = error_of(v)
    if err is not None:
        return err
    v = _unwrap(v)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if _real(v):
        f = _float(v)
        return None if f != f else f != 0
    if isinstance(v, str):
        t = v.strip().lower()
        if t == "":
            return None
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
    return _bad(name, v, "TRUE or FALSE")


def _milestone(v, name):
    """A milestone is reached when its cell holds a date, TRUE or other non-empty text."""
    if v in _EMPTY:
        return False
    err = error_of(v)
    if err is not None:
        return err
    v = _unwrap(v)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if _real(v):
        f = _float(v)
        return f == f and f != 0
    if isinstance(v, str):
        t = v.strip().lower()
        return t not in ("", "false", "no", "n", "0")
    if isinstance(v, (_dt.date, pd.Timestamp, np.datetime64)) and not _nat(v):
        return True
    return _bad(name, v, "a date or TRUE/FALSE")


def _score_or_colour(v, name):
    if v is None:
        return None
    err = error_of(v)
    if err is not None:
        return err
    v = _unwrap(v)
    if isinstance(v, (bool, np.bool_)):
        return _bad(name, v, "a colour (Green, Yellow, Red) or a score 0–100")
    if _real(v):
        f = _float(v)
        return None if f != f else f
    if isinstance(v, str):
        s = v.strip()
        if s == "" or s.lower() in ("na", "n/a"):
            return None
        try:
            return float(s.replace(",", ""))
        except ValueError:
            return s
    return _bad(name, v, "a colour (Green, Yellow, Red) or a score 0–100")


def _serial_error(name, v):
    """Why serial ``v`` is not a date (the scalar parser's own words), or None."""
    try:
        serial_to_date(v)
    except (ValueError, OverflowError) as exc:
        return ExcelError("#VALUE!", f"{name}: {v!r} is not a date ({exc})", user=True)
    return None
