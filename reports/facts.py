"""What the executive-summary rules read and return: :class:`Facts` and :class:`Finding`.

Also the score columns the rules look at and the small helpers they share; the rules themselves
are in :mod:`.wins`, :mod:`.risks` and :mod:`.next_steps`, run by :func:`.rules.summarise`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from cs_workbook.config import DEFAULT, Config

from . import fmt

__all__ = ["MEASURE_COLUMNS", "TTV", "USE_CASES", "Facts", "Finding"]

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
