"""Calendar arithmetic: whole days and calendar-month differences [methodology §3.2, §4]."""

from __future__ import annotations

import numpy as np

from ._vector import dates, output, shape_of

__all__ = ["days_between", "months_between", "day_diff", "month_diff"]


def day_diff(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """``end − start`` in whole days as float (NaN where either is NaT)."""
    d = (end - start).astype("timedelta64[D]").astype(float)
    return np.where(np.isnat(start) | np.isnat(end), np.nan, d)


def month_diff(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Calendar-month difference, days ignored (Snowflake ``DATEDIFF(MONTH)``)."""
    m = (end.astype("datetime64[M]") - start.astype("datetime64[M]")).astype(float)
    return np.where(np.isnat(start) | np.isnat(end), np.nan, m)


def days_between(start, end):
    """Whole calendar days ``end − start`` (negative allowed; no inclusive +1).

    Parameters
    ----------
    start, end : date, str or array_like
        Dates (``datetime.date``, ``pandas.Timestamp``, ``numpy.datetime64`` or ISO text such
        as ``2020-01-31``); blank is NA.

    Returns
    -------
    days : int or None, or array_like
        ``end − start`` in days; None (NA) when either date is blank.

    Raises
    ------
    InvalidInput
        A value is not a date, or the ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``days = end − start`` in calendar days, without adding 1 [methodology §4]; both worked
    examples of GitLab's CSM onboarding handbook page (11 and 34 days) follow this rule.

    Examples
    --------
    >>> import datetime as dt
    >>> days_between(dt.date(2020, 1, 1), dt.date(2020, 1, 12))
    11
    >>> days_between("2020-08-15", "2020-09-18")
    34
    >>> days_between(None, "2020-01-01") is None
    True
    """
    shape = shape_of(start, end)
    return output(shape, day_diff(dates(shape, start, "start"), dates(shape, end, "end")), "int")


def months_between(start, end):
    """Calendar months from ``start`` to ``end``: (y₂−y₁)·12 + (m₂−m₁), days ignored.

    Parameters
    ----------
    start, end : date, str or array_like
        Dates; blank is NA.

    Returns
    -------
    months : int or None, or array_like
        Whole calendar months (negative when ``end`` is earlier); None (NA) when either date is
        blank.

    Raises
    ------
    InvalidInput
        A value is not a date, or the ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``months = (year_end − year_start)·12 + (month_end − month_start)``; the day of the month is
    ignored, like Snowflake's ``DATEDIFF(MONTH)`` that GitLab's dbt model
    ``rpt_product_usage_health_score`` uses for the account age of the license-utilization
    table [methodology §3.2].

    Examples
    --------
    >>> months_between("2024-01-31", "2024-02-01")
    1
    >>> months_between("2024-03-15", "2025-03-01")
    12
    """
    shape = shape_of(start, end)
    return output(shape, month_diff(dates(shape, start, "start"), dates(shape, end, "end")), "int")
