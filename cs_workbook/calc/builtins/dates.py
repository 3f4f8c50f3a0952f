"""Excel's ``DATE``, ``TIME`` and ``EDATE`` with Excel's bounds (1900 date system).

Serial numbers count days from 1899-12-31 and include Excel's phantom 1900-02-29 (serial
60); a result before serial 0 or after 9999-12-31 (2958465) is ``#NUM!``.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import math

from .args import NumError, lifted, numeric

__all__ = ["DATE", "TIME", "EDATE", "YEAR", "MONTH", "DAY", "serial_of"]

_EPOCH = _dt.date(1899, 12, 31)
_LAST = 2958465


def serial_of(year: int, month: int, day: int = 1) -> int:
    """The 1900-system serial of ``year-month-day``; ``month`` and ``day`` may overflow.

    >>> serial_of(1900, 3, 0), serial_of(1900, 1, 0), serial_of(2008, 1, 1)
    (60, 0, 39448)
    """
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    if not 1 <= year <= 9999:
        raise NumError
    first = (_dt.date(year, month, 1) - _EPOCH).days
    first += first >= 60
    return first + day - 1


def _checked(serial: float) -> float:
    if serial < 0 or serial > _LAST:
        raise NumError
    return float(serial)


@lifted
@numeric()
def DATE(year, month, day):
    """Excel's ``DATE``: years 0–1899 count from 1900."""
    y, m, d = math.trunc(year), math.trunc(month), math.trunc(day)
    if y < 0 or y >= 10000:
        raise NumError
    if y < 1900:
        y += 1900
    return _checked(serial_of(y, m, d))


@lifted
@numeric()
def TIME(hour, minute, second):
    """Excel's ``TIME``: a fraction of a day; a negative total is ``#NUM!``."""
    h, m, s = math.trunc(hour), math.trunc(minute), math.trunc(second)
    if h > 32767:
        raise NumError
    total = h * 3600 + m * 60 + s
    if total < 0:
        raise NumError
    return (total % 86400) / 86400


def _date_of(serial: int) -> tuple[int, int, int]:
    if serial == 60:
        return 1900, 2, 29
    if serial == 0:
        return 1900, 1, 0
    d = _EPOCH + _dt.timedelta(days=serial - (serial > 60))
    return d.year, d.month, d.day


@lifted
@numeric(logical=False)
def EDATE(start, months):
    """Excel's ``EDATE``: the same day ``months`` later, or that month's last day."""
    s = math.trunc(_checked(start))
    y, m, d = _date_of(s)
    total = y * 12 + (m - 1) + math.trunc(months)
    y, m = divmod(total, 12)
    m += 1
    if not 1900 <= y <= 9999:
        raise NumError
    last = 29 if (y, m) == (1900, 2) else calendar.monthrange(y, m)[1]
    return _checked(serial_of(y, m, max(min(d, last), 1) if d else 0))


def _part(index: int):
    @lifted
    @numeric()
    def part(serial):
        return float(_date_of(math.trunc(_checked(serial)))[index])
    return part


YEAR, MONTH, DAY = _part(0), _part(1), _part(2)
YEAR.__doc__ = "Excel's ``YEAR`` of a serial (1900 system)."
MONTH.__doc__ = "Excel's ``MONTH`` of a serial (1900 system)."
DAY.__doc__ = "Excel's ``DAY`` of a serial (1900 system): serial 0 is day 0, 60 is 1900-02-29."
