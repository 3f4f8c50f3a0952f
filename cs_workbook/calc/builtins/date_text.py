"""Excel's ``DATEVALUE`` and ``TIMEVALUE``: dates and times read from text (1900 system, the
English month names and the month-day-year order of Excel's en-US settings).

A date is ``yyyy-m-d`` or ``yyyy/m/d``; ``m/d/y`` or ``m-d-y`` (read day first when the first
number cannot be a month: ``26-01-01`` is 26 January 2001); ``d-Mon-y``, ``d Mon y``,
``Mon d, y``, ``Mon d y``; or without the year (``m/d``, ``d-Mon``, ``Mon d``: this year) or
without the day (``Mon-y``, ``Mon y``: the 1st). Two-digit years 00–29 are 2000–2029, 30–99
are 1930–1999; a date before 1900-01-01 or after 9999-12-31 is ``#VALUE!``, while 1900-02-29,
Excel's phantom leap day, is serial 60. A time is ``h:mm``, ``h:mm:ss`` (seconds may have
decimals) or ``h`` with ``AM``/``PM`` after a space (any case; hours 0–12 with it; ``4:35PM``
is no time to Excel, MrExcel's *Power Excel*). A date may be followed by a time; a time alone
has no date (``#VALUE!`` for ``DATEVALUE``, as LibreOffice answers). Text only: a number,
logical or blank argument is ``#VALUE!``; errors pass through.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from .args import error
from .dates import serial_of

__all__ = ["DATEVALUE", "TIMEVALUE", "parse_date_time"]

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_FULL = {"january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"}
_MON = r"(?P<mon>[A-Za-z]{3,9})"
_DATES = [re.compile(p) for p in (
    r"(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
    r"(?P<m>\d{1,2})(?P<sep>[-/])(?P<d>\d{1,2})(?:(?P=sep)(?P<y>\d{1,4}))?",
    rf"(?P<d>\d{{1,2}})(?P<sep>[- ])\s*{_MON}(?:(?P=sep)\s*(?P<y>\d{{1,4}}))?",
    rf"{_MON}\s+(?P<d>\d{{1,2}})(?:,?\s+(?P<y>\d{{1,4}}))?",
    rf"{_MON}[- ](?P<y>\d{{4}})",
)]
_TIME = re.compile(r"(?P<h>\d{1,4})(?::(?P<mi>\d{1,2})(?::(?P<s>\d{1,2}(?:\.\d*)?))?)?"
                   r"(?:\s+(?P<ap>[AaPp][Mm]))?")


def _year(text: str) -> int | None:
    y = int(text)
    if len(text) <= 2:
        return y + (2000 if y < 30 else 1900)
    return y if len(text) == 4 else None


def _month(name: str) -> int | None:
    low = name.lower()
    if len(low) > 3 and low not in _FULL:
        return None
    return _MONTHS.get(low[:3])


def _serial(y: int | None, m: int | None, d: int) -> int | None:
    if y is None or m is None or not 1900 <= y <= 9999 or not 1 <= m <= 12:
        return None
    if (y, m, d) == (1900, 2, 29):
        return 60
    try:
        _dt.date(y, m, d)
    except ValueError:
        return None
    return serial_of(y, m, d)


def _date(text: str) -> int | None:
    for k, pat in enumerate(_DATES):
        g = pat.fullmatch(text)
        if g is None:
            continue
        parts = g.groupdict()
        y = _year(parts["y"]) if parts.get("y") else _dt.date.today().year
        d = int(parts["d"]) if parts.get("d") else 1
        if k == 0:
            return _serial(int(parts["y"]), int(parts["m"]), d)
        if k == 1:
            m = int(parts["m"])
            serial = _serial(y, m, d)
            if serial is None and parts.get("y"):  # no such month: day first
                serial = _serial(y, d, m)
            return serial
        return _serial(y, _month(parts["mon"]), d)
    return None


def _time(text: str) -> float | None:
    g = _TIME.fullmatch(text)
    if g is None or (g["mi"] is None and g["ap"] is None):
        return None
    h, mi = int(g["h"]), int(g["mi"] or 0)
    s = float(g["s"]) if g["s"] else 0.0
    if mi > 59 or s >= 61:
        return None
    if g["ap"]:
        if h > 12:
            return None
        h = h % 12 + (12 if g["ap"].lower() == "pm" else 0)
    return (h * 3600 + mi * 60 + s) / 86400


def parse_date_time(text: str) -> tuple[int | None, float | None] | None:
    """``(date serial or None, day fraction or None)`` read from ``text``, None when it is
    neither a date, a time nor a date followed by a time.

    >>> parse_date_time("29-Feb-1900"), parse_date_time("2026-07-16 4:35 PM")
    ((60, None), (46219, 0.6909722222222222))
    >>> parse_date_time("4 pm"), parse_date_time("26-01-01"), parse_date_time("1789-05-05")
    ((None, 0.6666666666666666), (36917, None), None)
    """
    text = text.strip()
    serial = _date(text)
    if serial is not None:
        return serial, None
    clock = _time(text)
    if clock is not None:
        return None, clock
    for m in re.finditer(r"\s+", text):
        serial, clock = _date(text[:m.start()]), _time(text[m.end():])
        if serial is not None and clock is not None:
            return serial, clock
    return None


def _read(value):
    if isinstance(value, dict):
        return value if value.get("type") == "Error" else error("Value")
    if not isinstance(value, str):
        return error("Value")
    return parse_date_time(value) or error("Value")


def DATEVALUE(date_text):
    """Excel's ``DATEVALUE``: the serial of the date in ``date_text`` (a time is ignored
    unless it reaches the next day, as ``24:00`` does).

    >>> DATEVALUE("1-Mar-1900"), DATEVALUE(" 2024-01-10 "), DATEVALUE("2025-02-29")["kind"]
    (61.0, 45301.0, 'Value')
    """
    got = _read(date_text)
    if isinstance(got, dict):
        return got
    serial, clock = got
    if serial is None:  # a time and no date (LibreOffice agrees)
        return error("Value")
    return float(math.floor(serial + (clock or 0.0)))


def TIMEVALUE(time_text):
    """Excel's ``TIMEVALUE``: the fraction of a day of the time in ``time_text`` (a date is
    added and taken away again, so its rounding shows, as in Excel).

    >>> TIMEVALUE("12:00 PM"), TIMEVALUE("23:59:60"), TIMEVALUE("13:00 PM")["kind"]
    (0.5, 0.0, 'Value')
    """
    got = _read(time_text)
    if isinstance(got, dict):
        return got
    serial, clock = got
    if serial is None:
        return (clock or 0.0) % 1.0
    total = serial + (clock or 0.0)
    return total - math.floor(total)
