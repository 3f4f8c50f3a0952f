"""The EBR's "What this deck rests on": the data behind one account's deck, from
:mod:`cs_workbook.portfolio.coverage` (the same notes ``score`` prints and writes)."""

from __future__ import annotations

import pandas as pd

from cs_workbook.portfolio.coverage import data_coverage, rests_on

__all__ = ["coverage_view"]


def coverage_view(ctx) -> dict:
    """``{"facts": [...], "line": "usage through Sep 2026 · …", "notes": [...]}`` for the
    account of ``ctx`` (a :class:`~cs_workbook.reports.viewmodel.Context`): facts are what
    the deck rests on, notes what is missing or stale and which measures that makes NA."""
    aid = ctx.row["Account ID"]
    scores = pd.DataFrame([ctx.row])
    cov = data_coverage(ctx.data, scores, ctx.as_of, ctx.config, account=aid)
    facts = rests_on(ctx.data, aid, ctx.as_of, ctx.config)
    notes = [n.text for n in cov.for_account(aid)]
    return {"facts": facts, "line": " · ".join(facts), "notes": notes}
