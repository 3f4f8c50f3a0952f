"""Executive-summary rules for risks: health, time to value, renewal, engagement, revenue."""

from __future__ import annotations

from . import fmt
from .facts import MEASURE_COLUMNS, TTV, Facts, _date, _f, _in_period, _ttv_end


def risk_health_colour(facts: Facts):
    """Overall health Red or Yellow, with its weakest PROVE component [methodology §1.3–1.4]."""
    colour = facts.get("Health Colour")
    if colour not in ("Red", "Yellow"):
        return []
    text = f"Overall health is {colour} at {fmt.points(facts.get('Health Score'))} points"
    if colour == "Red" and facts.get("Risk (Sentiment)") == "Red":
        text += " (CSM sentiment is Red, which overrides the score)"
    present = [(pts, name) for name, pts in facts.drivers if not fmt.is_blank(pts)]
    if present:
        pts, name = min(present)
        text += f"; weakest area: {name} at {fmt.points(pts)} points"
    return _f("risk", text, 10 if colour == "Red" else 20, risk_health_colour)


def risk_health_declined(facts: Facts):
    """Health trend ↓ against the previous month [methodology §1.6, GS-TR]."""
    if facts.get("Health Trend") != "Down":
        return []
    before, now = fmt.points(facts.get("Previous Health Score")), fmt.points(
        facts.get("Health Score"))
    text = (f"Health score down from {before} to {now} since last month" if before != now
            else f"Health score slipped slightly since last month ({now})")
    return _f("risk", text, 24, risk_health_declined)


def risk_score_drops(facts: Facts):
    """Product score-drop alerts: Green→Yellow/Red or Yellow→Red [methodology §1.6, UCA CTA]."""
    alerts = facts.get("Drop Alerts")
    if not alerts:
        return []
    out = []
    for label in str(alerts).split(", "):
        col = MEASURE_COLUMNS.get(label)
        before = (facts.previous or {}).get(col) if col else None
        now = facts.get(col) if col else None
        detail = f" from {before} to {now}" if before and now else ""
        out += _f("risk", f"{label} health dropped{detail} this month", 14, risk_score_drops)
    return out


def risk_ttv(facts: Facts):
    """Time-to-value goals missed in the period, or milestones overdue [methodology §4.2]."""
    out = []
    for i, (kpi, label, value_col, status_col, start_col) in enumerate(TTV):
        status, goal = facts.get(status_col), facts.config.ttv_goal(kpi)
        if status == "Overdue":
            start = _date(facts.account.get(start_col))
            open_days = (facts.as_of - start).days if start else None
            out += _f("risk", f"{label} is overdue: still open after {fmt.days(open_days)} "
                      f"(goal {goal} days)", 16 + i, risk_ttv)
        elif status == "Missed" and _in_period(facts, _ttv_end(facts, value_col, start_col)):
            out += _f("risk", f"{label} goal missed: {fmt.days(facts.get(value_col))} against "
                      f"{goal} days", 26 + i, risk_ttv)
    return out


def risk_seat_reduction(facts: Facts):
    """Seat reduction: utilization < 75 % (not onboarding) or falling users [methodology §1.6]."""
    if not facts.get("Seat reduction"):
        return []
    util = facts.get("License Utilization")
    if util is not None and util < facts.config.reduction_lu:
        text = (f"Seat reduction risk: {fmt.pct(util)} license utilization, below "
                f"{fmt.pct(facts.config.reduction_lu)}")
    else:
        text = "Seat reduction risk: billable users falling month over month"
    return _f("risk", text, 15, risk_seat_reduction)


def risk_downtier(facts: Facts):
    """Downtier: an Ultimate account not using Ultimate (security) features [methodology §1.6]."""
    if facts.get("Downtier risk"):
        return _f("risk", f"Downtier risk: Ultimate security features under-used (Security "
                  f"{facts.get('Security Health') or 'n/a'})", 17, risk_downtier)
    return []


def risk_churn(facts: Facts):
    """Churn: CSM sentiment Red or customer gone dark [methodology §1.6]."""
    if not facts.get("Churn risk"):
        return []
    if facts.get("Risk (Sentiment)") == "Red":
        return _f("risk", "Churn risk: CSM sentiment is Red", 11, risk_churn)
    return _f("risk", f"Churn risk: no customer touch in over {facts.config.gone_dark_days} "
              "days", 11, risk_churn)


def risk_renewal(facts: Facts):
    """Renewal this or next quarter while not Green, or a renewal date already past [§1.6 HST]."""
    left = facts.get("Days to Renewal")
    if left is None:
        return []
    when = fmt.date(facts.get("Renewal Date"))
    if left < 0:
        return _f("risk", f"Renewal date {when} has passed; no new term is recorded", 12,
                  risk_renewal)
    if left <= 90 and facts.get("Health Colour") != "Green":
        return _f("risk", f"Renewal in {fmt.days(left)} ({when}) with health "
                  f"{facts.get('Health Colour') or 'n/a'}", 13, risk_renewal)
    return []


def risk_objectives(facts: Facts):
    """Success-plan objectives at risk or past their target date [methodology §1.2 ROI]."""
    late = [o for o in facts.objectives if o.get("Status") == "At Risk" or (
        o.get("Status") not in ("Achieved", "Cancelled") and fmt.is_blank(o.get("Achieved Date"))
        and _date(o.get("Target Date")) is not None and _date(o.get("Target Date")) < facts.as_of)]
    if not late:
        return []
    names = "; ".join(fmt.shorten(o.get("Objective"), 60) for o in late[:2])
    more = f" and {len(late) - 2} more" if len(late) > 2 else ""
    return _f("risk", f"Success-plan objective at risk or late: {names}{more}", 21,
              risk_objectives)


def risk_support(facts: Facts):
    """Open emergency ticket (Red) or > 15 tickets a month (Red) [methodology §1.2]."""
    out = []
    if facts.get("Emergency Health") == "Red":
        out += _f("risk", "An emergency support ticket is open", 12, risk_support)
    if facts.get("Support Health") == "Red":
        out += _f("risk", f"High support load: {fmt.num(facts.get('Tickets (Month)'))} tickets "
                  "this month", 23, risk_support)
    return out


def risk_engagement(facts: Facts):
    """Meeting cadence Red, or single-threaded persona coverage [methodology §1.2, HST]."""
    out = []
    if facts.get("Meeting Cadence Health") == "Red":
        out += _f("risk", f"Last meeting {fmt.days(facts.get('Days Since Last Meeting'))} ago, "
                  "beyond the agreed cadence", 22, risk_engagement)
    persona = facts.get("Persona Health")
    if persona == "Red":
        out += _f("risk", "Neither the Dev Lead nor the Security Lead joined a meeting in the "
                  "last 3 months", 25, risk_engagement)
    elif persona == "Yellow":
        out += _f("risk", "Single-threaded: only one of the Dev Lead and Security Lead joined "
                  "in the last 3 months", 28, risk_engagement)
    return out


def risk_stale_sentiment(facts: Facts):
    """CSM sentiment stale after 90 days without update [methodology §1.5]."""
    if facts.get("Sentiment Stale"):
        return _f("risk", f"CSM sentiment not updated in over {facts.config.sentiment_stale_days}"
                  " days", 29, risk_stale_sentiment)
    return []


def risk_gross_retention(facts: Facts):
    """Gross revenue retention below target (90 %) [methodology §5.1]."""
    grr = facts.get("GRR")
    if grr is not None and grr < facts.config.grr_target:
        return _f("risk", f"Gross revenue retention {fmt.pct(grr)}, below the "
                  f"{fmt.pct(facts.config.grr_target)} target", 19, risk_gross_retention)
    return []
