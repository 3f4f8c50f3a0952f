"""Excel serial dates in both date systems: the one conversion every face uses.

A serial is a count of days with the time of day as its fraction (``46349.75`` is
2026-11-23 18:00). Two systems exist, chosen per workbook (``<workbookPr date1904="1"/>``):

* **1900** (Windows, the default): serial 1 is 1900-01-01. Excel inherited from Lotus 1-2-3 a
  fictitious 1900-02-29 as serial 60, so serials 1–59 count from 1899-12-31 and serials from
  61 on count from 1899-12-30. Serial 60 names no real day: :func:`serial_to_date` rejects it;
  the vectorised :func:`serials_to_dates` rejects it too unless told ``leap_day="feb28"`` (the
  workbook reader does, because python-calamine reads a date-formatted 60 as 1900-02-28 and one
  column must not read the same cell two ways). Serial 0 (Excel's "1900-01-00") is no date.
* **1904** (early Mac Excel): serial 0 is 1904-01-01, with no quirk.

The last date of both is 9999-12-31. Negative serials are no dates in either system.

>>> serial_to_date(59), serial_to_date(61), serial_to_date(46349.75)
(datetime.date(1900, 2, 28), datetime.date(1900, 3, 1), datetime.date(2026, 11, 23))
>>> date_to_serial(datetime.date(2026, 11, 23)), date_to_serial(datetime.date(1900, 1, 1))
(46349.0, 1.0)
>>> serial_to_date(0, system=1904), date_to_serial(datetime.date(2026, 11, 23), system=1904)
(datetime.date(1904, 1, 1), 44887.0)
>>> serial_to_datetime(46349.75)
datetime.datetime(2026, 11, 23, 18, 0)
"""

from __future__ import annotations

import datetime
import math

import numpy as np

__all__ = ["SYSTEMS", "max_serial", "serial_to_date", "serial_to_datetime", "date_to_serial",
           "serials_to_dates", "dates_to_serials"]

#: The two date systems, by the year they count from.
SYSTEMS = (1900, 1904)

_DAY_SECONDS = 86400
_LAST = datetime.date(9999, 12, 31)
_EPOCH_1904 = datetime.date(1904, 1, 1)
_EPOCH_1900 = datetime.date(1899, 12, 30)  # serials from 61 on; 1–59 count from 1899-12-31


def _check(system: int) -> None:
    if system not in SYSTEMS:
        raise ValueError(f"date system {system!r} is not 1900 or 1904")


def max_serial(system: int = 1900) -> int:
    """The serial of 9999-12-31, Excel's last date (2958465, or 2957003 in the 1904 system)."""
    _check(system)
    return int(date_to_serial(_LAST, system))


def _min_serial(system: int) -> int:
    return 1 if system == 1900 else 0


def serial_to_date(serial: float, system: int = 1900) -> datetime.date:
    """The date of an Excel serial, time of day dropped.

    Raises
    ------
    ValueError
        For a serial that names no date: not finite, below the system's first day, after
        9999-12-31, or the 1900 system's fictitious 1900-02-29 (serial 60).
    """
    _check(system)
    try:
        serial = float(serial)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("not a number") from None
    if not math.isfinite(serial):
        raise ValueError("not a finite number")
    low, high = _min_serial(system), max_serial(system)
    if not low <= serial < high + 1:
        raise ValueError(f"outside Excel's dates ({low} to {high})")
    days = math.floor(serial)
    if system == 1904:
        return _EPOCH_1904 + datetime.timedelta(days=days)
    if days == 60:
        raise ValueError("Excel's fictitious 1900-02-29")
    if days < 60:
        return datetime.date(1899, 12, 31) + datetime.timedelta(days=days)
    return _EPOCH_1900 + datetime.timedelta(days=days)


def serial_to_datetime(serial: float, system: int = 1900) -> datetime.datetime:
    """The date and time of an Excel serial (the fraction is the time of day, to the second
    rounded as Excel shows it). Raises ``ValueError`` like :func:`serial_to_date`."""
    day = serial_to_date(serial, system)
    seconds = round((serial - math.floor(serial)) * _DAY_SECONDS)
    return datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(seconds=seconds)


def date_to_serial(value: datetime.date, system: int = 1900) -> float:
    """The Excel serial of a date or datetime (its time of day as the fraction).

    Dates before 1900-03-01 get the serials Excel gives them (1900-01-01 is 1, 1900-02-28 is 59).
    Raises ``ValueError`` for a date Excel cannot hold (before its first day).
    """
    _check(system)
    day = value.date() if isinstance(value, datetime.datetime) else value
    fraction = 0.0
    if isinstance(value, datetime.datetime):
        fraction = (value.hour * 3600 + value.minute * 60 + value.second
                    + value.microsecond / 1e6) / _DAY_SECONDS
    if system == 1904:
        days = (day - _EPOCH_1904).days
    else:
        days = (day - _EPOCH_1900).days
        if days < 61:  # before 1900-03-01: no fictitious leap day to skip yet
            days -= 1
    if days < _min_serial(system):
        raise ValueError(f"{day.isoformat()} is before Excel's first date")
    return days + fraction


def serials_to_dates(serials, system: int = 1900, *,
                     leap_day: str = "invalid") -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`serial_to_date`: ``(datetime64[D] days, valid mask)``.

    Time fractions are dropped; invalid serials (NaN, out of range, serial 60 unless
    ``leap_day="feb28"``) are ``NaT`` with ``valid`` False.

    >>> days, ok = serials_to_dates([59, 60, 61, 46349.5, 0, float("nan")])
    >>> [str(d) for d in days], ok.tolist()
    (['1900-02-28', 'NaT', '1900-03-01', '2026-11-23', 'NaT', 'NaT'], [True, False, True, True, False, False])
    >>> str(serials_to_dates([60], leap_day="feb28")[0][0])
    '1900-02-28'
    """
    _check(system)
    if leap_day not in ("invalid", "feb28"):
        raise ValueError(f"leap_day {leap_day!r} is not 'invalid' or 'feb28'")
    s = np.asarray(serials, dtype="float64")
    with np.errstate(invalid="ignore"):
        days = np.floor(s)
        valid = np.isfinite(days) & (days >= _min_serial(system)) & (days <= max_serial(system))
    safe = np.where(valid, days, 0).astype("int64")
    if system == 1904:
        out = np.datetime64(_EPOCH_1904, "D") + safe.astype("timedelta64[D]")
    else:
        if leap_day == "invalid":
            valid &= safe != 60
        early = np.minimum(safe, 59)  # 60 read as 1900-02-28 when it is still valid
        offsets = np.where(safe >= 61, safe - 1, early)
        out = np.datetime64("1899-12-31", "D") + offsets.astype("timedelta64[D]")
    out = np.where(valid, out, np.datetime64("NaT"))
    return out.astype("datetime64[D]"), valid


def dates_to_serials(dates, system: int = 1900) -> np.ndarray:
    """Vectorised :func:`date_to_serial` for ``datetime64`` values (NaT → NaN); the time of
    day becomes the fraction.

    >>> dates_to_serials(np.array(["1900-01-01", "2026-11-23T18:00", "NaT"], "datetime64[s]")).tolist()
    [1.0, 46349.75, nan]
    """
    _check(system)
    d = np.asarray(dates, dtype="datetime64[s]")
    seconds = d.astype("int64").astype("float64")
    if system == 1904:
        epoch = float((np.datetime64(_EPOCH_1904, "s") - np.datetime64(0, "s")).astype("int64"))
        out = (seconds - epoch) / _DAY_SECONDS
    else:
        epoch = float((np.datetime64(_EPOCH_1900, "s") - np.datetime64(0, "s")).astype("int64"))
        out = (seconds - epoch) / _DAY_SECONDS
        out = np.where(out < 61, out - 1, out)
    return np.where(np.isnat(d), np.nan, out)
