"""Executive-summary rules for next steps: the actions that signals, risks and gaps call for."""

from __future__ import annotations

from . import fmt
from .facts import TTV, USE_CASES, Facts, _f
from .risks import risk_objectives


def next_renewal(facts: Facts):
    """Prepare renewals due within two quarters; weekly updates when at risk [§1.6 HST]."""
    left = facts.get("Days to Renewal")
    if left is not None and 0 <= left <= 180:
        return _f("next", f"Prepare the renewal due {fmt.date(facts.get('Renewal Date'))} "
                  f"({fmt.days(left)} away)", 10 if left <= 90 else 20, next_renewal)
    return []


def next_signals(facts: Facts):
    """One action per early-warning signal [methodology §1.6, CHS "Appetite and ability to expand"]."""
    out = []
    if facts.get("Churn risk"):
        out += _f("next", "Hold an executive alignment call to confirm goals and sponsorship",
                  11, next_signals)
    if facts.get("Seat reduction"):
        lic, bill = facts.get("Licensed Users"), facts.get("Billable Users")
        unused = fmt.num(lic - bill) if lic is not None and bill is not None and lic > bill \
            else None
        what = f"the {unused} unused seats" if unused else "falling seat usage"
        out += _f("next", f"Agree an activation plan for {what}", 13, next_signals)
    if facts.get("Downtier risk"):
        out += _f("next", "Run a security-scanning workshop to put Ultimate features to work",
                  16, next_signals)
    if facts.get("Seat expansion"):
        out += _f("next", "Scope a seat expansion with the sponsor ahead of renewal", 18,
                  next_signals)
    return out


def next_use_case(facts: Facts):
    """Grow the next use case that is not yet Green [methodology §2.1, §2.4]."""
    for name, col in USE_CASES:
        colour = facts.get(col)
        if colour in ("Red", "Yellow"):
            return _f("next", f"Grow {name} adoption (currently {colour}) toward Green", 17,
                      next_use_case)
    return []


def next_ttv(facts: Facts):
    """Close open or overdue time-to-value milestones [methodology §4.2]."""
    out = []
    for i, (kpi, label, _, status_col, _) in enumerate(TTV):
        if facts.get(status_col) in ("Open", "Overdue"):
            what = label.replace("Time to ", "")
            out += _f("next", f"Agree a date to reach the {what} milestone", 14 + i, next_ttv)
    return out


def next_engagement(facts: Facts):
    """Restore cadence and multi-thread the relationship [methodology §1.2, HST]."""
    out = []
    if facts.get("Meeting Cadence Health") in ("Red", "Yellow"):
        out += _f("next", "Book the next cadence call", 19, next_engagement)
    if facts.get("Persona Health") in ("Red", "Yellow"):
        out += _f("next", "Invite the Dev Lead and Security Lead to the next review", 21,
                  next_engagement)
    if facts.get("Sentiment Stale"):
        out += _f("next", "Refresh the CSM sentiment after the next meeting", 23,
                  next_engagement)
    return out


def next_objectives(facts: Facts):
    """Re-plan late success-plan objectives [methodology §1.2 ROI]."""
    if risk_objectives(facts):
        return _f("next", "Re-plan the late success-plan objectives with the sponsor", 15,
                  next_objectives)
    if not facts.objectives:
        return _f("next", "Agree a success plan with measurable objectives", 15, next_objectives)
    return []
