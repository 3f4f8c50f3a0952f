"""Executive-summary rules: wins, risks and next steps derived from the scored data.

Each rule is a small named function of :class:`Facts` that returns zero or more
:class:`Finding` s; it cites the DOMAIN.md rule it rests on. The facts are the account's row
of :func:`cs_workbook.portfolio.score_accounts` (and the row one month earlier), so every
number a rule quotes is an engine number, formatted with :mod:`.fmt`. :func:`summarise`
runs every rule and keeps the most important findings of each kind.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cs_workbook.config import DEFAULT, Config

from . import fmt

__all__ = ["NEXT_RULES", "RISK_RULES", "WIN_RULES", "Facts", "Finding", "Summary", "summarise"]

USE_CASES = (("SCM", "SCM Health"), ("CI", "CI Health"), ("CD", "CD Health"),
             ("Security", "Security Health"))
MEASURE_COLUMNS = {"License": "License Health", "User engagement": "User Engagement Health",
                   "SCM": "SCM Health", "CI": "CI Health", "CD": "CD Health",
                   "Security": "Security Health"}
TTV = (("engage", "Time to engage", "Time to Engage", "Engage Status", "Onboarding Start"),
       ("first_value", "Time to first value", "Time to First Value", "First Value Status",
        "Contract Date"),
       ("onboard", "Time to onboard", "Time to Onboard", "Onboard Status", "Onboarding Start"))


@dataclass(frozen=True)
class Facts:
    """What the rules see about one account.

    ``row``/``previous`` are ``score_accounts`` rows (blanks as ``None``) as of ``as_of`` and
    one month earlier; ``account`` is the Accounts-sheet row; ``objectives`` the Success Plan
    rows; ``drivers`` ``(component, points)`` pairs from ``health_drivers``.
    """

    row: Mapping
    as_of: _dt.date
    period_start: _dt.date
    account: Mapping = field(default_factory=dict)
    previous: Mapping | None = None
    objectives: tuple = ()
    drivers: tuple = ()
    config: Config = DEFAULT

    def get(self, key):
        value = self.row.get(key)
        return None if fmt.is_blank(value) else value


@dataclass(frozen=True)
class Finding:
    """One statement of the summary; lower ``rank`` is more important."""

    kind: str
    text: str
    rank: int
    rule: str


@dataclass(frozen=True)
class Summary:
    wins: tuple
    risks: tuple
    next_steps: tuple


def _f(kind, text, rank, rule):
    return [Finding(kind, text, rank, rule.__name__)]


def _date(value) -> _dt.date | None:
    if fmt.is_blank(value):
        return None
    return value.date() if hasattr(value, "date") else value


def _in_period(facts: Facts, when) -> bool:
    d = _date(when)
    return d is not None and facts.period_start <= d <= facts.as_of


def _ttv_end(facts: Facts, value_col, start_col):
    start, value = _date(facts.account.get(start_col)), facts.get(value_col)
    if start is None or value is None:
        return None
    return start + _dt.timedelta(days=int(value))


# -- wins ------------------------------------------------------------------------------------

def win_health_green(facts: Facts):
    """Overall health Green (score > 75) [DOMAIN §1.3, §1.4]."""
    if facts.get("Health Colour") == "Green":
        return _f("win", f"Overall health is Green at {fmt.points(facts.get('Health Score'))} "
                  "points", 10, win_health_green)
    return []


def win_health_improved(facts: Facts):
    """Health trend ↑ against the previous month [DOMAIN §1.6, GS-TR]."""
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
    """Use cases adopted (Green); 3+ is successful platform adoption [DOMAIN §2.4]."""
    green = [name for name, col in USE_CASES if facts.get(col) == "Green"]
    if len(green) >= 3:
        return _f("win", f"Successful platform adoption: {len(green)} of 4 use cases Green "
                  f"({', '.join(green)})", 16, win_use_cases_adopted)
    if green:
        return _f("win", f"{' and '.join(green)} adopted (Green)", 30, win_use_cases_adopted)
    return []


def win_strong_consumption(facts: Facts):
    """Seat expansion signal: utilization ≥ 90 % or UMAU > 80 % [DOMAIN §1.6, CHS]."""
    if not facts.get("Seat expansion"):
        return []
    util = facts.get("License Utilization")
    if util is not None and util >= facts.config.expansion_lu:
        return _f("win", f"Strong seat consumption: {fmt.pct(util)} of licenses in use", 18,
                  win_strong_consumption)
    return _f("win", f"Highly engaged users: {fmt.pct(facts.get('User Engagement'))} of "
              "billable users active", 20, win_strong_consumption)


def win_ttv_met(facts: Facts):
    """Time-to-value KPIs met (days ≤ goal) within the review period [DOMAIN §4.2]."""
    out = []
    for i, (kpi, label, value_col, status_col, start_col) in enumerate(TTV):
        if facts.get(status_col) == "Met" and _in_period(facts, _ttv_end(facts, value_col,
                                                                           start_col)):
            out += _f("win", f"{label}: {fmt.days(facts.get(value_col))}, within the "
                      f"{facts.config.ttv_goal(kpi)}-day goal", 22 + i, win_ttv_met)
    return out


def win_objectives_achieved(facts: Facts):
    """Success-plan objectives achieved in the period: outcomes delivered [DOMAIN §1.2 ROI]."""
    done = [o for o in facts.objectives if _in_period(facts, o.get("Achieved Date"))]
    if not done:
        return []
    names = "; ".join(fmt.shorten(o.get("Objective"), 60) for o in done[:2])
    more = f" and {len(done) - 2} more" if len(done) > 2 else ""
    noun = "objective" if len(done) == 1 else "objectives"
    return _f("win", f"{len(done)} success-plan {noun} achieved: {names}{more}", 15,
              win_objectives_achieved)


def win_net_retention(facts: Facts):
    """Revenue grew year over year: NRR > 100 % [DOMAIN §5.1]."""
    nrr = facts.get("NRR")
    if nrr is not None and nrr > 1:
        return _f("win", f"Net revenue retention of {fmt.pct(nrr)} year over year", 24,
                  win_net_retention)
    return []


# -- risks -----------------------------------------------------------------------------------

def risk_health_colour(facts: Facts):
    """Overall health Red or Yellow, with its weakest PROVE component [DOMAIN §1.3–1.4]."""
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
    """Health trend ↓ against the previous month [DOMAIN §1.6, GS-TR]."""
    if facts.get("Health Trend") != "Down":
        return []
    before, now = fmt.points(facts.get("Previous Health Score")), fmt.points(
        facts.get("Health Score"))
    text = (f"Health score down from {before} to {now} since last month" if before != now
            else f"Health score slipped slightly since last month ({now})")
    return _f("risk", text, 24, risk_health_declined)


def risk_score_drops(facts: Facts):
    """Product score-drop alerts: Green→Yellow/Red or Yellow→Red [DOMAIN §1.6, UCA CTA]."""
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
    """Time-to-value goals missed in the period, or milestones overdue [DOMAIN §4.2]."""
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
    """Seat reduction: utilization < 75 % (not onboarding) or falling users [DOMAIN §1.6]."""
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
    """Downtier: an Ultimate account not using Ultimate (security) features [DOMAIN §1.6]."""
    if facts.get("Downtier risk"):
        return _f("risk", f"Downtier risk: Ultimate security features under-used (Security "
                  f"{facts.get('Security Health') or 'n/a'})", 17, risk_downtier)
    return []


def risk_churn(facts: Facts):
    """Churn: CSM sentiment Red or customer gone dark [DOMAIN §1.6]."""
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
    """Success-plan objectives at risk or past their target date [DOMAIN §1.2 ROI]."""
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
    """Open emergency ticket (Red) or > 15 tickets a month (Red) [DOMAIN §1.2]."""
    out = []
    if facts.get("Emergency Health") == "Red":
        out += _f("risk", "An emergency support ticket is open", 12, risk_support)
    if facts.get("Support Health") == "Red":
        out += _f("risk", f"High support load: {fmt.num(facts.get('Tickets (Month)'))} tickets "
                  "this month", 23, risk_support)
    return out


def risk_engagement(facts: Facts):
    """Meeting cadence Red, or single-threaded persona coverage [DOMAIN §1.2, HST]."""
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
    """CSM sentiment stale after 90 days without update [DOMAIN §1.5]."""
    if facts.get("Sentiment Stale"):
        return _f("risk", f"CSM sentiment not updated in over {facts.config.sentiment_stale_days}"
                  " days", 29, risk_stale_sentiment)
    return []


def risk_gross_retention(facts: Facts):
    """Gross revenue retention below target (90 %) [DOMAIN §5.1]."""
    grr = facts.get("GRR")
    if grr is not None and grr < facts.config.grr_target:
        return _f("risk", f"Gross revenue retention {fmt.pct(grr)}, below the "
                  f"{fmt.pct(facts.config.grr_target)} target", 19, risk_gross_retention)
    return []


# -- next steps ------------------------------------------------------------------------------

def next_renewal(facts: Facts):
    """Prepare renewals due within two quarters; weekly updates when at risk [§1.6 HST]."""
    left = facts.get("Days to Renewal")
    if left is not None and 0 <= left <= 180:
        return _f("next", f"Prepare the renewal due {fmt.date(facts.get('Renewal Date'))} "
                  f"({fmt.days(left)} away)", 10 if left <= 90 else 20, next_renewal)
    return []


def next_signals(facts: Facts):
    """One action per early-warning signal [DOMAIN §1.6, CHS "Appetite and ability to expand"]."""
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
    """Grow the next use case that is not yet Green [DOMAIN §2.1, §2.4]."""
    for name, col in USE_CASES:
        colour = facts.get(col)
        if colour in ("Red", "Yellow"):
            return _f("next", f"Grow {name} adoption (currently {colour}) toward Green", 17,
                      next_use_case)
    return []


def next_ttv(facts: Facts):
    """Close open or overdue time-to-value milestones [DOMAIN §4.2]."""
    out = []
    for i, (kpi, label, _, status_col, _) in enumerate(TTV):
        if facts.get(status_col) in ("Open", "Overdue"):
            what = label.replace("Time to ", "")
            out += _f("next", f"Agree a date to reach the {what} milestone", 14 + i, next_ttv)
    return out


def next_engagement(facts: Facts):
    """Restore cadence and multi-thread the relationship [DOMAIN §1.2, HST]."""
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
    """Re-plan late success-plan objectives [DOMAIN §1.2 ROI]."""
    if risk_objectives(facts):
        return _f("next", "Re-plan the late success-plan objectives with the sponsor", 15,
                  next_objectives)
    if not facts.objectives:
        return _f("next", "Agree a success plan with measurable objectives", 15, next_objectives)
    return []


Rule = Callable[[Facts], list]
WIN_RULES: tuple[Rule, ...] = (win_health_green, win_health_improved, win_adoption_complete,
                               win_use_cases_adopted, win_strong_consumption, win_ttv_met,
                               win_objectives_achieved, win_net_retention)
RISK_RULES: tuple[Rule, ...] = (risk_health_colour, risk_health_declined, risk_score_drops,
                                risk_ttv, risk_seat_reduction, risk_downtier, risk_churn,
                                risk_renewal, risk_objectives, risk_support, risk_engagement,
                                risk_stale_sentiment, risk_gross_retention)
NEXT_RULES: tuple[Rule, ...] = (next_renewal, next_signals, next_use_case, next_ttv,
                                next_engagement, next_objectives)


def _top(rules, facts, limit):
    found = [f for rule in rules for f in rule(facts)]
    return tuple(sorted(found, key=lambda f: f.rank)[:limit])


def summarise(facts: Facts, wins: int = 3, risks: int = 4, next_steps: int = 4) -> Summary:
    """The most important wins, risks and next steps for ``facts`` (stable order by rank)."""
    return Summary(_top(WIN_RULES, facts, wins), _top(RISK_RULES, facts, risks),
                   _top(NEXT_RULES, facts, next_steps))
