"""Time-to-value Excel functions [methodology §4]: days, KPIs, goals and statuses."""

from __future__ import annotations

import numpy as np

from .. import metrics as m
from . import coerce as co
from ._xl import arg, func
from .config_arg import CONFIG_DOC, configured
from .errors import boundary
from .rows import elementwise

__all__ = ["CS_DAYS", "CS_TIME_TO_ENGAGE", "CS_TIME_TO_FIRST_VALUE", "CS_TIME_TO_ONBOARD",
           "CS_TTV_GOAL", "CS_TTV_STATUS"]


def _days(rule, start, end, start_name, end_name):
    return elementwise(rule, [co.dates(start, start_name), co.dates(end, end_name)], "int")


@func
@arg("start_date", doc="Start date: a date cell, a column of dates, or text like 2026-01-31")
@arg("end_date", doc="End date (same shape as start_date, or one date)")
@boundary
def CS_DAYS(start_date, end_date):
    """Whole calendar days from start_date to end_date (end_date − start_date, negative
    allowed); #N/A if a date is blank. Example: =CS_DAYS(DATE(2020,1,1), DATE(2020,1,12))
    returns 11."""
    return elementwise(m.days_between, [co.dates(start_date, "start_date"),
                                        co.dates(end_date, "end_date")], "int")


@func
@arg("onboarding_start", doc="Onboarding start date (onboarding CTA opened)")
@arg("first_meeting", doc="Date of the first call or meeting; blank if none yet")
@boundary
def CS_TIME_TO_ENGAGE(onboarding_start, first_meeting):
    """Time to Engage in days: first meeting − onboarding start, never below 0; #N/A until the
    first meeting (goal 14 days). Example: =CS_TIME_TO_ENGAGE(DATE(2020,1,1), DATE(2020,1,12))
    returns 11."""
    return _days(m.time_to_engage, onboarding_start, first_meeting, "onboarding_start",
                 "first_meeting")


@func
@arg("contract_date", doc="Original contract date")
@arg("first_value_date", doc="First value date (utilization first reached 10 %); blank if not yet")
@boundary
def CS_TIME_TO_FIRST_VALUE(contract_date, first_value_date):
    """Time to First Value in days: first value date − contract date (negative allowed; goal
    30). Example: =CS_TIME_TO_FIRST_VALUE(DATE(2021,3,1), DATE(2021,3,20)) returns 19."""
    return _days(m.time_to_first_value, contract_date, first_value_date, "contract_date",
                 "first_value_date")


@func
@arg("onboarding_start", doc="Onboarding start date (onboarding CTA opened)")
@arg("onboarding_closed", doc="Date the onboarding CTA was closed; blank if still open")
@boundary
def CS_TIME_TO_ONBOARD(onboarding_start, onboarding_closed):
    """Time to Onboard in days: onboarding closed − onboarding start (goal 45 days).
    Example: =CS_TIME_TO_ONBOARD(DATE(2020,8,15), DATE(2020,9,18)) returns 34."""
    return _days(m.time_to_onboard, onboarding_start, onboarding_closed, "onboarding_start",
                 "onboarding_closed")


def _goals(kpis, cfg):
    return np.array([np.nan if k is None else float(m.ttv_goal(k, config=cfg)) for k in kpis])


@func
@arg("kpi", doc="engage, first_value or onboard (also Time to Engage, TTFV, …)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_TTV_GOAL(kpi, config=None):
    """Goal in days of a time-to-value KPI: engage 14, first_value 30, onboard 45 (from the
    configuration). Example: =CS_TTV_GOAL("onboard") returns 45."""
    cfg = configured(config)
    return elementwise(lambda k: _goals(k, cfg), [co.texts(kpi, "kpi")], "int")


def _statuses(kpis, start, end, as_of, cfg):
    out = np.full(max(len(kpis), len(start), len(end), len(as_of)), None, dtype=object)
    kpis = np.broadcast_to(kpis, out.shape)
    for kpi in {k for k in kpis if k is not None}:
        sel = kpis == kpi
        pick = [a if len(a) == 1 else a[sel] for a in (start, end, as_of)]
        res = m.ttv_status(kpi, *pick, config=cfg)
        out[sel] = res
    return out


@func
@arg("kpi", doc="engage, first_value or onboard")
@arg("start_date",
     doc="Start date of the KPI (onboarding start, or contract date for first_value)")
@arg("end_date", doc="End date; blank while still open")
@arg("as_of", doc="Date to judge open KPIs on; default today")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_TTV_STATUS(kpi, start_date, end_date, as_of=None, config=None):
    """Met or Missed when end_date is known (days ≤ goal), else Open or Overdue by days
    elapsed at as_of (default today). Example: =CS_TTV_STATUS("onboard", DATE(2020,8,15),
    DATE(2020,9,18)) returns Met."""
    cfg = configured(config)
    cols = [co.texts(kpi, "kpi"), co.dates(start_date, "start_date"),
            co.dates(end_date, "end_date"), co.as_of_dates(as_of)]
    return elementwise(lambda k, s, e, a: _statuses(k, s, e, a, cfg), cols, "text")
