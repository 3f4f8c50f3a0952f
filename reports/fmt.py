"""Display formatting for the EBR: every number a reader sees goes through here.

Numbers are rounded with :func:`cs_workbook.rounding.excel_round` (half away from zero, as
Excel and ``cs-workbook score`` do); blanks become an explicit ``NA`` marker, never ``0``.
Percent signs and units are joined with a no-break space so they never wrap onto a new line.
"""

from __future__ import annotations

import datetime as _dt
import math

import pandas as pd

from cs_workbook.rounding import excel_round

__all__ = [
    "NA_TEXT",
    "NBSP",
    "colour_class",
    "date",
    "days",
    "is_blank",
    "money",
    "money_labels",
    "money_short",
    "month_label",
    "month_short",
    "num",
    "pct",
    "points",
    "shorten",
    "signed_money",
    "weight",
]

NA_TEXT = "n/a"
NBSP = "\u00a0"


def is_blank(value) -> bool:
    """True for None, NaN, NaT and pandas NA (our NA); False for 0 and False."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (str, bytes, bool)) else False
    except (TypeError, ValueError):
        return False


def pct(fraction, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.9424 → '94 %'``.

    >>> pct(0.942439), pct(0.125, 1), pct(None)
    ('94\\xa0%', '12.5\\xa0%', 'n/a')
    """
    if is_blank(fraction):
        return NA_TEXT
    return f"{excel_round(float(fraction) * 100, digits):,.{digits}f}{NBSP}%"


def num(value, digits: int = 0) -> str:
    """A number with thousands separators: ``1932.0 → '1,932'``.

    >>> num(1932.0), num(29.564182, 1), num(float("nan"))
    ('1,932', '29.6', 'n/a')
    """
    if is_blank(value):
        return NA_TEXT
    return f"{excel_round(float(value), digits):,.{digits}f}"


def points(value) -> str:
    """Health points 0–100 as shown in Gainsight: whole numbers.

    >>> points(76.875), points(None)
    ('77', 'n/a')
    """
    return num(value, 0)


def weight(fraction) -> str:
    """An effective weight: ``0.5556 → '55.6 %'``."""
    return pct(fraction, 1)


def money(value, symbol: str = "$") -> str:
    """Whole currency units: ``2435400 → '$2,435,400'``.

    >>> money(2435400.0), money(None)
    ('$2,435,400', 'n/a')
    """
    if is_blank(value):
        return NA_TEXT
    v = excel_round(float(value), 0)
    sign = "−" if v < 0 else ""
    return f"{sign}{symbol}{abs(v):,.0f}"


def money_short(value, symbol: str = "$") -> str:
    """Compact money for chart labels: ``202950 → '$203k'``, ``2435400 → '$2.4M'``.

    >>> money_short(202950.0), money_short(2435400.0), money_short(870.0)
    ('$203k', '$2.4M', '$870')
    """
    if is_blank(value):
        return NA_TEXT
    v = float(value)
    for div, suffix, digits in ((1e6, "M", 1), (1e3, "k", 0)):
        if abs(v) >= div:
            return f"{symbol}{excel_round(v / div, digits):,.{digits}f}{suffix}"
    return f"{symbol}{excel_round(v, 0):,.0f}"


def money_labels(values, symbol: str = "$") -> list[str]:
    """Compact chart labels with just enough precision that a change shows as a change.

    Labels in thousands carry at least two significant digits (``$3.8k``, not ``$4k``), and
    more decimals (up to 2) until every pair of neighbouring values that differ by a whole
    unit gets different labels; when even that hides a change, whole units are printed.

    >>> money_labels([3799.0, 3799.0, 3190.0])
    ['$3.8k', '$3.8k', '$3.2k']
    >>> money_labels([202950.0, 240100.0]), money_labels([None, 870.0])
    (['$203k', '$240k'], ['n/a', '$870'])
    >>> money_labels([3799.0, 3790.0]), money_labels([3799.0, 3798.0])
    (['$3.80k', '$3.79k'], ['$3,799', '$3,798'])
    """
    present = [None if is_blank(v) else float(v) for v in values]
    pairs = [(a, b) for a, b in zip(present, present[1:])
             if a is not None and b is not None and abs(excel_round(a - b, 0)) >= 1]

    def label(v, digits):
        if v is None:
            return NA_TEXT
        if abs(v) >= 1e6 and digits == 0:
            return money_short(v, symbol)
        if abs(v) < 1e3:
            return f"{symbol}{excel_round(v, 0):,.0f}"
        digits = max(digits, 1 if abs(v) < 1e4 else 0)  # two significant digits at least
        return f"{symbol}{excel_round(v / 1e3, digits):,.{digits}f}k"

    for digits in (0, 1, 2):
        if all(label(a, digits) != label(b, digits) for a, b in pairs):
            return [label(v, digits) for v in present]
    return [NA_TEXT if v is None else money(v, symbol) for v in present]


def signed_money(value, symbol: str = "$") -> str:
    """Money with an explicit sign: ``+$522`` / ``−$2,320``.

    >>> signed_money(522.0), signed_money(-2320.0)
    ('+$522', '−$2,320')
    """
    if is_blank(value):
        return NA_TEXT
    text = money(value, symbol)
    return text if text.startswith("−") else "+" + text


def days(value) -> str:
    """Whole days: ``11 → '11 days'``, ``1 → '1 day'``.

    >>> days(11.0), days(1), days(None)
    ('11\\xa0days', '1\\xa0day', 'n/a')
    """
    if is_blank(value):
        return NA_TEXT
    n = int(excel_round(float(value), 0))
    return f"{n:,}{NBSP}day" + ("" if abs(n) == 1 else "s")


def _as_date(value) -> _dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return pd.Timestamp(value).date()


def date(value) -> str:
    """A date as ``23 Nov 2026`` (unambiguous in every locale).

    >>> date(pd.Timestamp("2026-11-23")), date(None)
    ('23 Nov 2026', 'n/a')
    """
    d = _as_date(value)
    return NA_TEXT if d is None else f"{d.day} {d:%b %Y}"


def month_label(value) -> str:
    """``Nov 2026``."""
    d = _as_date(value)
    return NA_TEXT if d is None else f"{d:%b %Y}"


def month_short(value) -> str:
    """``Nov 26`` for chart axes."""
    d = _as_date(value)
    return NA_TEXT if d is None else f"{d:%b %y}"


_COLOUR_CLASSES = {"Green": "green", "Yellow": "yellow", "Red": "red"}


def colour_class(colour) -> str:
    """CSS class of a Red/Yellow/Green value (``na`` for NA)."""
    return _COLOUR_CLASSES.get(colour if isinstance(colour, str) else "", "na")


def shorten(text, limit: int = 80) -> str:
    """At most ``limit`` characters, cut at a word boundary when one is near, with ``…``.

    >>> shorten("Northwind Logistics", 80)
    'Northwind Logistics'
    >>> shorten("a" * 100, 10)
    'aaaaaaaaa…'
    """
    text = "" if is_blank(text) else " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"
