"""The Commercials page of the EBR: ARR, renewal, retention cards, expansion and risk signals,
recurring-revenue changes and the monthly recurring revenue chart (split from :mod:`.sections`,
whose month helper and card style it shares)."""

from __future__ import annotations

import pandas as pd

from cs_workbook.metrics.trend import SIGNALS

from . import charts, fmt
from .sections import _BRAND, MAX_MRR_CHANGES, NO_DATA, _monthly

__all__ = ["commercials"]

_SIGNAL_RULES = {
    "Seat expansion": "≥ {expansion_lu} of licenses used, or > {expansion_engagement} of "
                      "billable users active",
    "Seat reduction": "< {reduction_lu} of licenses used (after onboarding), or billable users "
                      "falling month over month",
    "Downtier risk": "Ultimate tier without Ultimate (security) features in use",
    "Churn risk": "CSM sentiment Red, or no customer touch in {gone_dark_days} days",
}


def commercials(ctx) -> dict:
    cfg, cur = ctx.config, ctx.brand.currency
    values = {k: fmt.pct(getattr(cfg, k)) for k in ("expansion_lu", "expansion_engagement",
                                                   "reduction_lu")}
    values["gone_dark_days"] = cfg.gone_dark_days
    signals = [{"name": name, "raised": bool(ctx.get(name)),
                "value": "Raised" if ctx.get(name) else "Not raised",
                "cls": ("green" if name == "Seat expansion" else "red") if ctx.get(name)
                else "na", "rule": _SIGNAL_RULES[name].format(**values)} for name in SIGNALS]
    changes = ctx.in_period(ctx.data.mrr_changes, "Month").sort_values("Month", kind="stable")
    left = ctx.get("Days to Renewal")
    mrr = _monthly(ctx, ctx.data.revenue, "MRR")
    mrr_chart = charts.bar_chart([fmt.month_short(m) for m in ctx.months], mrr,
                                 fmt.money_labels(mrr, cur), [None] * len(mrr),
                                 fill=ctx.brand.colour, width=960, height=190,
                                 label="Monthly recurring revenue")
    return {
        "kpis": [
            {"label": "Annual recurring revenue",
             "value": NO_DATA if ctx.get("ARR") is None else fmt.money(ctx.get("ARR"), cur),
             "note": " · ".join(
                 (["no ARR recorded"] if ctx.get("ARR") is None else [])
                 + ([f"{fmt.num(ctx.get('Licensed Users'))} licensed seats"]
                    if ctx.get("Licensed Users") is not None else ["no licensed seat count"])),
             **_BRAND},
            {"label": "Renewal date", "value": fmt.date(ctx.get("Renewal Date"))
             if ctx.get("Renewal Date") is not None else "Not recorded",
             "note": "no date recorded" if left is None else
             (f"{fmt.days(-left)} overdue" if left < 0 else f"in {fmt.days(left)}"), **_BRAND},
            {"label": "Net revenue retention",
             "value": NO_DATA if ctx.get("NRR") is None else fmt.pct(ctx.get("NRR")),
             "note": _retention_note(ctx, cur) if ctx.get("NRR") is None else
             f"MRR {fmt.money(ctx.get('MRR Now'), cur)} vs "
             f"{fmt.money(ctx.get('MRR Year Ago'), cur)} a year ago", **_BRAND},
            {"label": "Gross revenue retention",
             "value": NO_DATA if ctx.get("GRR") is None else fmt.pct(ctx.get("GRR")),
             "note": _retention_note(ctx, cur) if ctx.get("GRR") is None
             else f"target {fmt.pct(cfg.grr_target)}", **_BRAND},
        ],
        "overage": "no data" if ctx.get("Overage Seats") is None
        else fmt.num(ctx.get("Overage Seats")),
        "signals": signals,
        "changes": [{"month": fmt.month_label(r["Month"]), "change": fmt.signed_money(r["Change"], cur),
                     "cls": "green" if r["Change"] > 0 else "red", "reason": r["Reason"] or ""}
                    for _, r in changes.tail(MAX_MRR_CHANGES).iterrows()],
        "mrr_chart": charts.image_src(mrr_chart),
        "mrr_note": "" if mrr_chart else "No revenue data in the review period.",
        "changes_note": "" if len(changes) else "No MRR changes are recorded in the review "
                                                "period.",
    }


def _retention_note(ctx, cur) -> str:
    """Why GRR/NRR cannot be computed: which of the two MRR months has no data."""
    month = pd.Timestamp(ctx.as_of).to_period("M").to_timestamp()
    year_ago = month - pd.DateOffset(months=12)
    a, b = ctx.get("MRR Year Ago"), ctx.get("MRR Now")
    if a is None or a <= 0:
        return f"no MRR for {fmt.month_label(year_ago)} (12 months ago)"
    if b is None:
        return f"no MRR recorded for {fmt.month_label(month)} yet"
    return "retention cannot be computed"
