"""Retention Excel functions [methodology §5]: portfolio GRR and NRR, and the dollar-weighted
reasons for churn and expansion."""

from __future__ import annotations

from .. import metrics as m
from . import coerce as co
from ._xl import arg, func
from .errors import NA, boundary
from .rows import check_whole, single, table

__all__ = ["CS_GRR", "CS_NRR", "CS_REASON_SHARES"]


def _pairs(mrr_year_ago, mrr_now):
    a = co.numbers(mrr_year_ago, "mrr_year_ago", 0)
    if a.has_errors():  # the answer is a's first bad cell: mrr_now need only be a range
        co.cells(mrr_now, "mrr_now")
        check_whole(a)
    b = co.numbers(mrr_now, "mrr_now", 0)
    check_whole(a, b)
    co.broadcast([a, b])
    return a.values, b.values


@func
@arg("mrr_year_ago", doc="Each customer's MRR twelve months ago (a column)")
@arg("mrr_now", doc="The same customers' MRR now; blank = churned")
@boundary
def CS_GRR(mrr_year_ago, mrr_now):
    """Gross revenue retention: Σ min(now, year ago) ÷ Σ year ago over customers active a year
    ago (at most 100 %). Example: =CS_GRR({50;125}, {100;100}) returns 0.857 (85.7 %)."""
    value = m.grr(*_pairs(mrr_year_ago, mrr_now))
    return single(NA if value is None else value)


@func
@arg("mrr_year_ago", doc="Each customer's MRR twelve months ago (a column)")
@arg("mrr_now", doc="The same customers' MRR now; blank = churned")
@boundary
def CS_NRR(mrr_year_ago, mrr_now):
    """Net revenue retention: Σ MRR now ÷ Σ MRR a year ago over customers active a year ago.
    Example: =CS_NRR({50;125}, {100;100}) returns 1.143 (114.3 %)."""
    value = m.nrr(*_pairs(mrr_year_ago, mrr_now))
    return single(NA if value is None else value)


@func
@arg("reasons", doc="Reason of each MRR change (Cancellation, Downgrade, Seat Expansion, …)")
@arg("mrr_changes", doc="MRR change of each line, signed (churn negative)")
@boundary
def CS_REASON_SHARES(reasons, mrr_changes):
    """Spilled table of churn and expansion reasons: category, reason, MRR change and share of
    its category, true-ups excluded. Example: =CS_REASON_SHARES(Changes[Reason],
    Changes[Change])."""
    r = co.texts(reasons, "reasons")
    d = co.numbers(mrr_changes, "mrr_changes")
    check_whole(r, d)
    co.broadcast([r, d])
    df = m.reason_shares(r.values, d.values)
    rows = [[c, why, float(chg), NA if s is None else float(s)]
            for c, why, chg, s in df.itertuples(index=False)]
    return table(["Category", "Reason", "MRR change", "Share"], rows)
