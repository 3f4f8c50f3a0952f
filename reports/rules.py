"""Executive-summary rules: wins, risks and next steps derived from the scored data.

Each rule is a small named function of :class:`Facts` that returns zero or more
:class:`Finding` s; it cites the methodology rule it rests on. The facts are the account's row
of :func:`cs_workbook.portfolio.score_accounts` (and the row one month earlier), so every
number a rule quotes is an engine number, formatted with :mod:`.fmt`. :func:`summarise`
runs every rule and keeps the most important findings of each kind. The rules live in
:mod:`.wins`, :mod:`.risks` and :mod:`.next_steps`, the facts in :mod:`.facts`; every name is
importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .facts import MEASURE_COLUMNS as MEASURE_COLUMNS
from .facts import TTV as TTV
from .facts import USE_CASES as USE_CASES
from .facts import Facts, Finding
from .next_steps import (next_engagement, next_objectives, next_renewal, next_signals, next_ttv,
                         next_use_case)
from .risks import (risk_churn, risk_downtier, risk_engagement, risk_gross_retention,
                    risk_health_colour, risk_health_declined, risk_objectives, risk_renewal,
                    risk_score_drops, risk_seat_reduction, risk_stale_sentiment, risk_support,
                    risk_ttv)
from .wins import (win_adoption_complete, win_health_green, win_health_improved,
                   win_net_retention, win_objectives_achieved, win_strong_consumption,
                   win_ttv_met, win_use_cases_adopted)

__all__ = ["NEXT_RULES", "RISK_RULES", "WIN_RULES", "Facts", "Finding", "Summary", "summarise"]


@dataclass(frozen=True)
class Summary:
    wins: tuple
    risks: tuple
    next_steps: tuple


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
