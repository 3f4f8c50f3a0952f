"""Time-to-value KPIs, goals and statuses [methodology §4].

Calendar days ``end − start`` (no inclusive +1). Time to Engage is clamped at 0 (a first call
before the start counts as 0); Time to First Value and Time to Onboard are not clamped.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

from ..config import DEFAULT, Config
from ..errors import InvalidInput
from ._vector import dates, floats, is_scalar, number, output, shape_of
from .dates import day_diff
from .licenses import utilization
from .milestones import first_value_dates

__all__ = ["time_to_engage", "time_to_first_value", "time_to_onboard", "ttv_goal",
           "ttv_status", "ttv_status_codes", "ttv_status_index", "TTV_STATUSES",
           "time_to_utilization"]



def _days(start, end, clamp: bool):
    shape = shape_of(start, end)
    d = day_diff(dates(shape, start, "start"), dates(shape, end, "end"))
    return shape, (np.maximum(d, 0) if clamp else d)


def time_to_engage(onboarding_start, first_meeting):
    """Days from onboarding start to the first call/meeting, clamped at 0; NA if none yet.

    Parameters
    ----------
    onboarding_start : date, str or array_like
        Onboarding CTA start date.
    first_meeting : date, str or array_like
        Date of the first Timeline call or meeting; blank while there is none.

    Returns
    -------
    days : int or None, or array_like
        Days, never below 0; None (NA) when either date is blank.

    Raises
    ------
    InvalidInput
        A value is not a date, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``days = max(0, first_meeting − onboarding_start)``: the same day is 0 and a first call
    before the start is reported as 0 [methodology §4.2]. Goal 14 days. Source: GitLab CSM
    Customer Onboarding (example 2020-01-01 → 2020-01-12 is 11 days).

    Examples
    --------
    >>> time_to_engage("2020-01-01", "2020-01-12"), time_to_engage("2020-01-01", "2020-01-01")
    (11, 0)
    >>> time_to_engage("2020-01-10", "2020-01-01")
    0
    >>> time_to_engage("2020-01-10", None) is None
    True
    """
    shape, d = _days(onboarding_start, first_meeting, clamp=True)
    return output(shape, d, "int", name="time_to_engage")


def time_to_first_value(contract_date, first_value_date):
    """Days from the original contract date to first value (negative allowed).

    Parameters
    ----------
    contract_date : date, str or array_like
        Original contract date.
    first_value_date : date, str or array_like
        First value date (see :func:`first_value_date`); blank while not reached.

    Returns
    -------
    days : int or None, or array_like
        Days; None (NA) when either date is blank.

    Raises
    ------
    InvalidInput
        A value is not a date, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``days = first_value_date − contract_date``, not clamped [methodology §4.2]. Goal 30 days.
    Source: GitLab CSM Customer Onboarding (its wording "Original Contract Date … subtracting
    First Value Date" is read as first value minus contract).

    Examples
    --------
    >>> time_to_first_value("2021-03-01", "2021-03-20")
    19
    """
    shape, d = _days(contract_date, first_value_date, clamp=False)
    return output(shape, d, "int", name="time_to_first_value")


def time_to_onboard(onboarding_start, onboarding_closed):
    """Days from onboarding start to onboarding closed.

    Parameters
    ----------
    onboarding_start : date, str or array_like
        Onboarding CTA start date.
    onboarding_closed : date, str or array_like
        Date the onboarding CTA was closed; blank while open.

    Returns
    -------
    days : int or None, or array_like
        Days; None (NA) when either date is blank.

    Raises
    ------
    InvalidInput
        A value is not a date, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``days = onboarding_closed − onboarding_start``, not clamped [methodology §4.2]. Goal 45
    days. Source: GitLab CSM Customer Onboarding (example 2020-08-15 → 2020-09-18 is 34 days).

    Examples
    --------
    >>> time_to_onboard("2020-08-15", "2020-09-18")
    34
    """
    shape, d = _days(onboarding_start, onboarding_closed, clamp=False)
    return output(shape, d, "int", name="time_to_onboard")


def ttv_goal(kpi, *, config: Config = DEFAULT) -> int:
    """Goal in days for ``engage`` (14), ``first_value`` (30) or ``onboard`` (45).

    Parameters
    ----------
    kpi : str
        ``engage``, ``first_value`` or ``onboard``, or an alias such as ``Time to Engage``,
        ``tte``, ``ttfv``, ``tto`` (case, spaces and dashes ignored).
    config : Config, optional
        ``goal_engage_days``, ``goal_first_value_days``, ``goal_onboard_days``.

    Returns
    -------
    days : int
        The configured goal.

    Raises
    ------
    ConfigError
        ``kpi`` names no known KPI (``#VALUE!``).

    Notes
    -----
    Goals: Time to Engage 14, Time to First Value 30, Time to Onboard 45 days
    [methodology §4.2]. Source: GitLab CSM Customer Onboarding.

    Examples
    --------
    >>> ttv_goal("engage"), ttv_goal("First Value"), ttv_goal("onboard")
    (14, 30, 45)
    """
    return config.ttv_goal(kpi)


def _is_engage(kpi) -> bool:
    return str(kpi).strip().lower().replace(" ", "_").replace("-", "_") in (
        "engage", "time_to_engage", "tte")


TTV_STATUSES = ("Met", "Missed", "Open", "Overdue")


def ttv_status_index(value: np.ndarray, elapsed: np.ndarray, goal: float) -> np.ndarray:
    """Index into ``TTV_STATUSES`` (-1 = NA), as :func:`ttv_status_codes`."""
    known = ~np.isnan(value)
    out = np.where(known, np.where(value <= goal, 0, 1),
                   np.where(elapsed > goal, 3, 2)).astype(np.int8)
    out[~known & np.isnan(elapsed)] = -1
    return out


def ttv_status_codes(value: np.ndarray, elapsed: np.ndarray, goal: float) -> np.ndarray:
    """Met/Missed for known values, Open/Overdue by elapsed days otherwise (None = NA)."""
    return np.array([*TTV_STATUSES, None], dtype=object)[ttv_status_index(value, elapsed, goal)]


def ttv_status(kpi, start, end, as_of=None, *, config: Config = DEFAULT):
    """``Met``/``Missed`` when ``end`` is known (met = days ≤ goal); ``Open``/``Overdue`` when not,
    by days elapsed from ``start`` to ``as_of``. NA without a start.

    Parameters
    ----------
    kpi : str
        ``engage``, ``first_value`` or ``onboard`` (aliases as :func:`ttv_goal`).
    start : date, str or array_like
        Start of the KPI (onboarding start; the contract date for ``first_value``).
    end : date, str or array_like
        End of the KPI; blank while still open.
    as_of : date or str, optional
        Date to judge open KPIs on; default today.
    config : Config, optional
        The goals.

    Returns
    -------
    status : str or None, or array_like
        ``"Met"``, ``"Missed"``, ``"Open"``, ``"Overdue"``, or None (NA) without a start.

    Raises
    ------
    ConfigError
        ``kpi`` names no known KPI (``#VALUE!``).
    InvalidInput
        A value is not a date, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    With ``days = end − start`` (clamped at 0 for ``engage``): ``Met if days ≤ goal else
    Missed``. Without ``end``, with ``elapsed = as_of − start``: ``Open if elapsed ≤ goal else
    Overdue`` [methodology §4.2]. The statuses are our choice; goals from GitLab CSM Customer
    Onboarding.

    Examples
    --------
    >>> ttv_status("onboard", "2020-08-15", "2020-09-18")
    'Met'
    >>> ttv_status("engage", "2020-01-01", "2020-01-20")
    'Missed'
    >>> ttv_status("engage", "2020-01-01", None, "2020-01-10")
    'Open'
    >>> ttv_status("engage", "2020-01-01", None, "2020-01-20")
    'Overdue'
    """
    goal = config.ttv_goal(kpi)
    clamp = _is_engage(kpi)
    shape = shape_of(start, end, as_of)
    s = dates(shape, start, "start")
    value = day_diff(s, dates(shape, end, "end"))
    if clamp:
        value = np.maximum(value, 0)
    elapsed = day_diff(s, dates(shape, _dt.date.today() if as_of is None else as_of, "as_of"))
    return output(shape, ttv_status_codes(value, elapsed, goal), "object", name="ttv_status")


def time_to_utilization(snapshot_dates, billable_users, licensed_users, subscription_start,
                        threshold, *, config: Config = DEFAULT):
    """Instance TTV: days from subscription start to the first snapshot with utilization ≥
    ``threshold`` (10 %, 50 %, 80 %); negative allowed; NA for subscriptions that started
    before ``instance_ttv_since`` (February 2022).

    Parameters
    ----------
    snapshot_dates : array_like
        Dates of the usage snapshots.
    billable_users : float or array_like
        Billable users on each snapshot.
    licensed_users : float or array_like
        Licensed users (one number or one per snapshot).
    subscription_start : date or str
        The subscription's start date (a single value).
    threshold : float
        Utilization milestone, e.g. 0.1, 0.5 or 0.8 (required).
    config : Config, optional
        ``instance_ttv_since`` (2022-02-01).

    Returns
    -------
    days : int or None
        Days (negative when reached before the subscription started); None (NA) when the
        subscription started before ``instance_ttv_since``, its start is blank, or the threshold
        is never reached.

    Raises
    ------
    InvalidInput
        A date or count is invalid or negative, ``subscription_start`` is a range, the threshold
        is missing or outside 0–10, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``days = min{dᵢ : billableᵢ / licensedᵢ ≥ threshold} − subscription_start``, only for
    ``subscription_start ≥ instance_ttv_since`` [methodology §4.4]. Source: GitLab CSM Customer
    Onboarding (instance time-to-value metrics; no back-fill before February 2022; negative
    values allowed).

    Examples
    --------
    >>> time_to_utilization(["2023-01-01", "2023-02-01"], [5, 60], 100, "2022-12-20", 0.5)
    43
    >>> time_to_utilization(["2021-01-01"], [60], 100, "2020-12-20", 0.5) is None
    True
    """
    shape = shape_of(snapshot_dates, billable_users, licensed_users)
    d = dates(shape, snapshot_dates, "snapshot_dates")
    u = utilization(floats(shape, billable_users, "billable_users", minimum=0),
                    floats(shape, licensed_users, "licensed_users", minimum=0))
    if not is_scalar(subscription_start):
        raise InvalidInput("subscription_start: expected a single date")
    start = dates(shape_of(subscription_start), subscription_start, "subscription_start")[0]
    if np.isnat(start) or start < np.datetime64(config.instance_ttv_since, "D"):
        return None
    ok = ~np.isnat(d)
    thr = number(threshold, None, "threshold", high=10)
    first = first_value_dates(np.zeros(ok.sum(), dtype=int), d[ok], u[ok], thr)
    if first.empty:
        return None
    return int((first.iloc[0].to_datetime64().astype("datetime64[D]") - start).astype(int))



