"""License and adoption Excel functions [methodology §2, §3]: utilization, age-banded license
health, first value, adoption complete and the lifecycle stage."""

from __future__ import annotations

from .. import metrics as m
from . import coerce as co
from ._xl import arg, func
from .config_arg import CONFIG_DOC, configured
from .errors import NA, boundary
from .rows import check_whole, elementwise, single, whole

__all__ = ["CS_LICENSE_UTILIZATION", "CS_MONTHS_BETWEEN", "CS_LICENSE_HEALTH",
           "CS_FIRST_VALUE_DATE", "CS_ADOPTION_COMPLETE", "CS_LIFECYCLE_STAGE"]


@func
@arg("billable_users", doc="Billable users (a number or a column)")
@arg("licensed_users", doc="Licensed users; 0 or blank gives #N/A")
@boundary
def CS_LICENSE_UTILIZATION(billable_users, licensed_users):
    """License utilization = billable ÷ licensed users as a fraction, not capped; #N/A when
    licensed is 0 or blank. Example: =CS_LICENSE_UTILIZATION(80, 100) returns 0.8 (80 %)."""
    cols = [co.numbers(billable_users, "billable_users", 0),
            co.numbers(licensed_users, "licensed_users", 0)]
    return elementwise(lambda b, lic: m.license_utilization(b, lic), cols)


@func
@arg("start_date", doc="Start date")
@arg("end_date", doc="End date")
@boundary
def CS_MONTHS_BETWEEN(start_date, end_date):
    """Calendar months from start_date to end_date, days ignored: (year₂−year₁)·12 +
    (month₂−month₁). Example: =CS_MONTHS_BETWEEN(DATE(2024,1,31), DATE(2024,2,1)) returns 1."""
    return elementwise(m.months_between, [co.dates(start_date, "start_date"),
                                          co.dates(end_date, "end_date")], "int")


@func
@arg("utilization", doc="License utilization as a fraction (0.3 = 30 %)")
@arg("account_age_months", doc="Account age in months (see CS_MONTHS_BETWEEN)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_LICENSE_HEALTH(utilization, account_age_months, config=None):
    """License-utilization colour by account age: 3–6 months Red ≤10 %, Green >50 %; 7–9 Red
    ≤50 %, Green >75 %; 10+ Red ≤75 %; #N/A under 3 months. Example:
    =CS_LICENSE_HEALTH(0.3, 4) returns Yellow."""
    cfg = configured(config)
    cols = [co.numbers(utilization, "utilization", 0),
            co.numbers(account_age_months, "account_age_months")]
    return elementwise(lambda u, a: m.license_health(u, a, config=cfg), cols, "text")


@func
@arg("snapshot_dates", doc="Column of monthly snapshot dates")
@arg("billable_users", doc="Billable users on each snapshot date")
@arg("licensed_users", doc="Licensed users (a column, or one number)")
@arg("threshold", doc="Utilization that counts as first value; default 0.1 (10 %)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_FIRST_VALUE_DATE(snapshot_dates, billable_users, licensed_users, threshold=None,
                        config=None):
    """First snapshot date on which utilization reached the threshold (10 %, inclusive); #N/A
    if never. Example: =CS_FIRST_VALUE_DATE(Usage[Month], Usage[Billable Users], 200)."""
    cfg = configured(config)
    cols = [co.dates(snapshot_dates, "snapshot_dates"),
            co.numbers(billable_users, "billable_users", 0),
            co.numbers(licensed_users, "licensed_users", 0)]
    thr = co.numbers(threshold, "threshold")
    check_whole(*cols, thr)
    co.broadcast(cols)
    t = None if thr.values[0] != thr.values[0] else float(thr.values[0])
    d = m.first_value_date(*[c.values for c in cols], threshold=t, config=cfg)
    return single(NA if d is None else d)


@func
@arg("utilization", doc="License utilization as a fraction of the original licenses")
@arg("primary_use_case_colour", doc="Colour of the primary use case (Green, Yellow, Red)")
@arg("threshold", doc="Utilization needed; default 0.8 (80 %)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_ADOPTION_COMPLETE(utilization, primary_use_case_colour, threshold=None, config=None):
    """TRUE when utilization ≥ 80 % and the primary use case is Green, else FALSE; #N/A when
    utilization is blank. Example: =CS_ADOPTION_COMPLETE(0.8, "Green") returns TRUE."""
    cfg = configured(config)
    t, err = whole(lambda: _threshold(threshold))
    cols = [co.numbers(utilization, "utilization", 0),
            co.colours(primary_use_case_colour, "primary_use_case_colour", cfg)]
    return elementwise(lambda u, c: m.adoption_complete(u, c, t, config=cfg), cols, "bool",
                       whole=err)


def _threshold(threshold) -> float | None:
    thr = co.numbers(threshold, "threshold")
    check_whole(thr)
    return None if thr.values[0] != thr.values[0] else float(thr.values[0])


@func
@arg("onboarding_closed", doc="Onboarding closed date (or TRUE); blank if not yet")
@arg("infrastructure_ready", doc="Production infrastructure ready date (or TRUE); blank if not")
@arg("adoption_complete", doc="TRUE when adoption is complete (see CS_ADOPTION_COMPLETE)")
@boundary
def CS_LIFECYCLE_STAGE(onboarding_closed, infrastructure_ready, adoption_complete):
    """Lifecycle stage from the first milestone not reached: Onboarding, Implementation,
    Adoption or Optimize & Grow. Example: =CS_LIFECYCLE_STAGE(DATE(2024,2,1), "", FALSE)
    returns Implementation."""
    cols = [co.milestones(onboarding_closed, "onboarding_closed"),
            co.milestones(infrastructure_ready, "infrastructure_ready"),
            co.milestones(adoption_complete, "adoption_complete")]
    return elementwise(lambda o, i, a: m.lifecycle_stage(o, i, a), cols, "text")
