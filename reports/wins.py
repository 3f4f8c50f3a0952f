"""Executive-summary rules for wins: what went well for the account in the review period."""

from __future__ import annotations

from . import fmt
from .facts import TTV, USE_CASES, Facts, _f, _in_period, _ttv_end


def win_health_green(facts: Facts):
    """Overall health Green (score > 75) [methodology §1.3, §1.4]."""
    if facts.get("Health Colour") == "Green":
        return _f("win", f"Overall health is Green at {fmt.points(facts.get('Health Score'))} "
                  "points", 10, win_health_green)
    return []


def win_health_improved(facts: Facts):
    """Health trend ↑ against the previous month [methodology §1.6, GS-TR]."""
    if facts.get("Health Trend") == "Up":
        before, now = (fmt.points(facts.get("Previous Health Score")),
                       fmt.points(facts.get("Health Score")))
        text = (f"Health score up from {before} to {now} since last month" if before != now
                else f"Health score edged up since last month ({now})")
        return _f("win", text, 12, win_health_improved)
    return []


def win_adoption_complete(facts: Facts):
    """Adoption complete: ≥ 80 % of licenses active and the primary use case Green [§3.3]."""
    if facts.get("Adoption Complete") is True:
        primary = facts.config.primary_use_case.upper()
        primary = "Security" if primary == "SECURITY" else primary
        return _f("win", f"Adoption complete: {fmt.pct(facts.get('License Utilization'))} of "
                  f"licenses in use and {primary} Green", 14, win_adoption_complete)
    return []


def win_use_cases_adopted(facts: Facts):
    """Use cases adopted (Green); 3+ is successful platform adoption [methodology §2.4]."""
    green = [name for name, col in USE_CASES if facts.get(col) == "Green"]
    if len(green) >= 3:
        return _f("win", f"Successful platform adoption: {len(green)} of 4 use cases Green "
                  f"({', '.join(green)})", 16, win_use_cases_adopted)
    if green:
        return _f("win", f"{' and '.join(green)} adopted (Green)", 30, win_use_cases_adopted)
    return []


def win_strong_consumption(facts: Facts):
    """Seat expansion signal: utilization ≥ 90 % or UMAU > 80 % [methodology §1.6, CHS]."""
    if not facts.get("Seat expansion"):
        return []
    util = facts.get("License Utilization")
    if util is not None and util >= facts.config.expansion_lu:
        return _f("win", f"Strong seat consumption: {fmt.pct(util)} of licenses in use", 18,
                  win_strong_consumption)
    return _f("win", f"Highly engaged users: {fmt.pct(facts.get('User Engagement'))} of "
              "billable users active", 20, win_strong_consumption)


def win_ttv_met(facts: Facts):
    """Time-to-value KPIs met (days ≤ goal) within the review period [methodology §4.2]."""
    out = []
    for i, (kpi, label, value_col, status_col, start_col) in enumerate(TTV):
        if facts.get(status_col) == "Met" and _in_period(facts, _ttv_end(facts, value_col,
                                                                           start_col)):
            out += _f("win", f"{label}: {fmt.days(facts.get(value_col))}, within the "
                      f"{facts.config.ttv_goal(kpi)}-day goal", 22 + i, win_ttv_met)
    return out


def win_objectives_achieved(facts: Facts):
    """Success-plan objectives achieved in the period: outcomes delivered [methodology §1.2 ROI]."""
    done = [o for o in facts.objectives if _in_period(facts, o.get("Achieved Date"))]
    if not done:
        return []
    names = "; ".join(fmt.shorten(o.get("Objective"), 60) for o in done[:2])
    more = f" and {len(done) - 2} more" if len(done) > 2 else ""
    noun = "objective" if len(done) == 1 else "objectives"
    return _f("win", f"{len(done)} success-plan {noun} achieved: {names}{more}", 15,
              win_objectives_achieved)


def win_net_retention(facts: Facts):
    """Revenue grew year over year: NRR > 100 % [methodology §5.1]."""
    nrr = facts.get("NRR")
    if nrr is not None and nrr > 1:
        return _f("win", f"Net revenue retention of {fmt.pct(nrr)} year over year", 24,
                  win_net_retention)
    return []
