"""Why a measure of the scorecard has no colour: the reason a "no data" chip gives, in words.

Each reason restates a rule of docs/methodology.md (§1.1 segments, §1.5 staleness, grace and
tiers) checked against the account's own data, so the deck says "usage last reported Jul 2026"
only when that is why; when no known rule explains the gap the reason is empty and the chip
just says "no data". Pure: the view model's :class:`~.viewmodel.Context` in, a string out.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from . import fmt

__all__ = ["NO_DATA_CHIP", "no_data_chip", "no_data_reason"]

#: what a chip says instead of a colour when the measure has none
NO_DATA_CHIP = "no data"

#: colour columns computed from the latest product usage snapshot (methodology §2.1)
PRODUCT = frozenset({"License Health", "User Engagement Health", "SCM Health", "CI Health",
                     "CD Health", "Security Health", "Product Health"})
#: colour column → the Config key listing the segments it does not apply to (§1.1)
SEGMENT_KEYS = {"Risk (Sentiment)": "risk_na_segments",
                "Success Plan Health": "outcomes_na_segments",
                "Meeting Cadence Health": "cadence_na_segments",
                "Persona Health": "persona_na_segments"}


def _day(value) -> _dt.date | None:
    if fmt.is_blank(value):
        return None
    return pd.Timestamp(value).date()


def _in(value, names) -> bool:
    return isinstance(value, str) and value.strip().casefold() in {
        str(n).casefold() for n in names}


def _month_end(day: _dt.date) -> _dt.date:
    return (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()


def no_data_reason(ctx, column: str) -> str:
    """Why ``column`` (a colour column such as ``"SCM Health"``) is blank, or ``""``.

    ``ctx`` needs ``as_of``, ``config``, ``row`` (the scored row) and ``account`` (the
    Accounts row).
    """
    cfg, row, acc, as_of = ctx.config, ctx.row, ctx.account, ctx.as_of
    segment, tier = acc.get("Segment"), acc.get("Tier")
    if column == "Security Health" and tier and not _in(tier, cfg.security_tiers):
        return f"not part of the {tier} plan"
    key = SEGMENT_KEYS.get(column)
    if key and _in(segment, getattr(cfg, key, ())):
        return f"not measured for {segment} accounts"
    start = _day(acc.get("Onboarding Start")) or _day(acc.get("Contract Date"))
    if (column != "Risk (Sentiment)" and start is not None
            and (as_of - start).days < cfg.onboarding_grace_days):
        return f"onboarding: not scored in the first {cfg.onboarding_grace_days} days"
    if column in PRODUCT:
        month = _day(row.get("Usage Month"))
        if month is None:
            return "no usage reported"
        if (as_of - _month_end(month)).days > cfg.usage_na_days:
            return f"usage last reported {fmt.month_label(month)}"
        age = row.get("Account Age (Months)")
        if (column == "License Health" and not fmt.is_blank(age)
                and age < cfg.lu_min_age_months):
            return f"account under {cfg.lu_min_age_months} months old"
        return ""
    if column in ("Support Health", "Emergency Health"):
        return "no recent support data" if fmt.is_blank(row.get("Tickets (Month)")) else ""
    if column == "Risk (Sentiment)":
        if fmt.is_blank(acc.get("CSM Sentiment")):
            return "not recorded by the CSM"
        updated = _day(acc.get("Sentiment Updated"))
        if updated is not None and (as_of - updated).days > cfg.sentiment_na_days:
            return f"last set {fmt.date(updated)}, over {cfg.sentiment_na_days} days ago"
        return ""
    if column == "Meeting Cadence Health" and fmt.is_blank(row.get("Days Since Last Meeting")):
        return "no call or meeting recorded"
    return ""


def no_data_chip(ctx, column: str) -> dict:
    """A grey chip reading "no data", with the reason (``"reason"``) where one is known."""
    return {"text": NO_DATA_CHIP, "cls": "na", "reason": no_data_reason(ctx, column)}
