"""Workbook data → EBR view model: plain dicts of formatted strings and finished SVG charts.

Every number comes from the engine (:func:`~cs_workbook.portfolio.score_accounts`,
:func:`~cs_workbook.metrics.health_drivers`, the metric functions) and is formatted with
:mod:`.fmt` (Excel rounding); templates only place values, they never compute. A section
without data carries a ``note`` saying what is missing instead of zeros.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from cs_workbook.config import DEFAULT, Config
from cs_workbook.data import CSData
from cs_workbook.errors import InvalidInput
from cs_workbook.portfolio import score_accounts

from . import charts, commercials, fmt, scorecard, sections
from .rests_on import coverage_view
from .brand import DEFAULT_BRAND, Brand
from .reasons import NO_DATA_CHIP
from .scorecard import DASH, TREND_ARROWS, TREND_WORDS  # noqa: F401  (DASH: re-exported)
from .rules import Facts, summarise

__all__ = ["Context", "build_view", "previous_as_of", "review_period", "row_dict",
           "use_case_note"]

NO_DATA = sections.NO_DATA
COMPONENTS = 5


def trend_sentence(trend, previous) -> str:
    """The health card's trend line, naming last month's score once.

    >>> trend_sentence("Same", 62), trend_sentence("Up", 58.4), trend_sentence(None, None)
    ('unchanged since last month', 'up from 58 last month', 'no previous score to compare')
    """
    if previous is None or fmt.is_blank(previous):
        return "no previous score to compare"
    if trend == "Same":
        return "unchanged since last month"
    if trend in ("Up", "Down"):
        return f"{trend.lower()} from {fmt.points(previous)} last month"
    return f"last month {fmt.points(previous)}"


def coverage_note(drivers: dict) -> str:
    """How many PROVE components the score rests on, when not all five have data."""
    scored = [d for d in drivers["rows"] if not fmt.is_blank(d["raw_points"])]
    if len(scored) == COMPONENTS:
        return ""
    if not scored:
        return f"no data for any of the {COMPONENTS} components"
    return f"based on {len(scored)} of {COMPONENTS} components"


def row_dict(row) -> dict:
    """A pandas row as ``{column: value}`` with NA as ``None`` and numpy scalars unwrapped."""
    out = {}
    for key, value in dict(row).items():
        if fmt.is_blank(value):
            out[key] = None
        elif hasattr(value, "item") and not isinstance(value, pd.Timestamp):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def previous_as_of(as_of) -> _dt.date:
    """One calendar month before ``as_of`` (the comparison date of trends and changes)."""
    return (pd.Timestamp(as_of) - pd.DateOffset(months=1)).date()


def review_period(as_of: _dt.date, months: int = 12) -> tuple[pd.Timestamp, list]:
    """(first day of the period, the ``months`` month starts ending with ``as_of``'s month)."""
    end = pd.Timestamp(as_of).to_period("M").to_timestamp()
    starts = [end - pd.DateOffset(months=k) for k in range(months - 1, -1, -1)]
    return starts[0], starts


class Context:
    """Everything the section builders share for one account."""

    def __init__(self, data: CSData, account_id, as_of, config: Config, brand: Brand,
                 scores: pd.DataFrame | None, previous: pd.DataFrame | None = None):
        self.as_of = pd.Timestamp(as_of).date()
        self.config, self.brand = config, brand
        ids = data.accounts["Account ID"]
        if account_id not in set(ids):
            raise InvalidInput(f"account {account_id!r} is not in the workbook")
        self.data = data.for_account(account_id)
        # scored on the whole workbook, exactly as `cs-workbook score` does, so the PDF and the
        # score output cannot differ (per-account results do not depend on other accounts)
        if scores is None or account_id not in set(scores["Account ID"]):
            scores = score_accounts(data, self.as_of, config)
        self.row = row_dict(scores[scores["Account ID"] == account_id].iloc[0])
        if previous is None or account_id not in set(previous["Account ID"]):
            previous = score_accounts(data, previous_as_of(self.as_of), config)
        self.previous = row_dict(previous[previous["Account ID"] == account_id].iloc[0])
        self.account = row_dict(self.data.accounts.iloc[0])
        self.period_start, self.months = review_period(self.as_of)

    def get(self, key):
        return self.row.get(key)

    def in_period(self, df: pd.DataFrame, column: str) -> pd.DataFrame:
        stamp = pd.Timestamp(self.as_of)
        return df[(df[column] >= self.period_start) & (df[column] <= stamp)]


def build_view(data: CSData, account_id: str, as_of, config: Config = DEFAULT, *,
               brand: Brand | None = None, scores: pd.DataFrame | None = None,
               previous: pd.DataFrame | None = None) -> dict:
    """The EBR view model of ``account_id`` as of ``as_of``.

    Parameters
    ----------
    data : CSData
        The workbook (a portfolio or a single-account journey workbook).
    account_id : str
        Which account.
    as_of : date
        Review date; the review period is the 12 months ending with its month.
    config : Config
        Configuration in force (also printed in the appendix).
    brand : Brand, optional
        Sender name, colour and logo.
    scores, previous : DataFrame, optional
        ``score_accounts(data, d, config)`` for ``d = as_of`` and one month earlier, when
        already computed for the portfolio (batches score once, not once per account).

    Raises
    ------
    InvalidInput
        ``account_id`` is not in the workbook.
    """
    ctx = Context(data, account_id, as_of, config, brand or DEFAULT_BRAND, scores, previous)
    drivers = scorecard.drivers(ctx)
    objectives = tuple(row_dict(r) for _, r in ctx.data.success_plan.iterrows())
    facts = Facts(row=ctx.row, previous=ctx.previous, account=ctx.account, as_of=ctx.as_of,
                  period_start=ctx.period_start.date(), objectives=objectives,
                  drivers=tuple((d["component"], d["raw_points"]) for d in drivers["rows"]),
                  config=config)
    account = _account(ctx)
    view = {
        "meta": _meta(ctx, account),
        "brand": {"name": ctx.brand.name, "colour": ctx.brand.colour,
                  "tint": ctx.brand.tint(0.92), "soft": ctx.brand.tint(0.75),
                  "logo_src": ctx.brand.logo_src()},
        "account": account,
        "period": {"label": f"{fmt.month_label(ctx.months[0])} – {fmt.month_label(ctx.months[-1])}",
                   "as_of": fmt.date(ctx.as_of)},
        "summary": _summary(ctx, facts, drivers),
        "cover": _cover(ctx, drivers),
        "scorecard": {"drivers": drivers, "measures": scorecard.measures(ctx),
                      "changes": scorecard.changes(ctx)},
        "adoption": sections.adoption(ctx),
        "ttv": sections.time_to_value(ctx),
        "plan": sections.success_plan(ctx),
        "support": sections.support(ctx),
        "commercials": commercials.commercials(ctx),
        "appendix": sections.appendix(ctx),
        "coverage": coverage_view(ctx),
    }
    for part in ("summary", "adoption", "support", "commercials"):
        for card in view[part]["kpis"]:
            card["long"] = len(card["value"]) > 11
            if card.get("cls") == "na" and card.get("text") in (fmt.NA_TEXT, NO_DATA_CHIP):
                card["text"] = ""  # the note already says why there is no colour
    return view


def quarter_label(day) -> str:
    """The calendar quarter of a month: ``Q3 2026``.

    >>> quarter_label(_dt.date(2026, 9, 1)), quarter_label(pd.Timestamp("2026-10-01"))
    ('Q3 2026', 'Q4 2026')
    """
    day = pd.Timestamp(day)
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def _cover(ctx: Context, drivers: dict) -> dict:
    """The cover's headline figures: health score with its colour and trend, ARR, renewal."""
    score, colour = ctx.get("Health Score"), ctx.get("Health Colour")
    arr, renewal = ctx.get("ARR"), ctx.get("Renewal Date")
    return {
        "quarter": quarter_label(ctx.months[-1]),
        "score": NO_DATA if score is None else fmt.points(score),
        "cls": fmt.colour_class(colour),
        "colour": colour or "not scored",
        "trend": "" if score is None else trend_sentence(ctx.get("Health Trend"),
                                                         ctx.get("Previous Health Score")),
        "coverage": coverage_note(drivers),
        "arr": NO_DATA if arr is None else fmt.money(arr, ctx.brand.currency),
        "renewal": "not recorded" if renewal is None else fmt.date(renewal),
    }


def _account(ctx: Context) -> dict:
    name = fmt.shorten(ctx.get("Account"), 4000) or ctx.account.get("Account ID")
    return {
        "id": str(ctx.get("Account ID")),
        "name": name,
        "name_short": fmt.shorten(name, 60),
        "name_cover": fmt.shorten(name, 90),
        "csm": fmt.shorten(ctx.get("CSM"), 60) or "Unassigned",
        "segment": ctx.get("Segment") or fmt.NA_TEXT,
        "tier": ctx.get("Tier") or fmt.NA_TEXT,
        "deployment": ctx.get("Deployment") or fmt.NA_TEXT,
        "stage": ctx.get("Lifecycle Stage") or fmt.NA_TEXT,
    }


def _meta(ctx: Context, account: dict) -> dict:
    stamp = f"{ctx.as_of.isoformat()}T00:00:00Z"
    period = f"{fmt.month_label(ctx.months[0])} – {fmt.month_label(ctx.months[-1])}"
    return {
        "title": f"Executive business review: {account['name_short']}",
        "author": f"{account['csm']}, {ctx.brand.name}",
        "subject": f"Executive business review of {account['name_short']} for {period}",
        "keywords": ", ".join(["EBR", "executive business review", "customer success",
                               account["id"], account["segment"], account["tier"]]),
        "created": stamp,
        "modified": stamp,
        # SOURCE_DATE_EPOCH while the PDF is written (font subsets' head.modified)
        "epoch": int(_dt.datetime(ctx.as_of.year, ctx.as_of.month, ctx.as_of.day,
                                  tzinfo=_dt.timezone.utc).timestamp()),
    }


def _colour(value) -> dict:
    return {"text": value or NO_DATA_CHIP, "cls": fmt.colour_class(value)}


def _summary(ctx: Context, facts: Facts, drivers: dict) -> dict:
    summary = summarise(facts)
    bars = charts.component_bars(
        [{"name": d["component"], "colour": d["text"] if d["cls"] != "na" else None,
          "points": None if fmt.is_blank(d["raw_points"]) else d["raw_points"],
          "value": d["points"], "note": f"weight {d['effective']}" if d["cls"] != "na"
          else "no data: weight shared out"} for d in drivers["rows"]],
        bands=(ctx.config.red_max, ctx.config.yellow_max), label="Health by PROVE component")
    trend = ctx.get("Health Trend")
    colour = ctx.get("Health Colour")
    score = ctx.get("Health Score")
    return {
        "health": {"score": NO_DATA if score is None else fmt.points(score),
                   **_colour(colour), "text": colour or "not scored",
                   "arrow": TREND_ARROWS.get(trend, "") if score is not None else "",
                   "trend": trend_sentence(trend, ctx.get("Previous Health Score"))
                   if score is not None else "",
                   "coverage": coverage_note(drivers),
                   "previous": fmt.points(ctx.get("Previous Health Score"))},
        "kpis": [
            {"label": "License utilization", **sections.seats_card(ctx, "of {licensed} seats"),
             **_colour(ctx.get("License Health"))},
            {"label": "Use cases adopted",
             "value": NO_DATA if ctx.get("Platform Adoption") is None
             else f"{fmt.num(ctx.get('Platform Adoption'))} of 4",
             "note": use_case_note(ctx.row), "text": "", "cls": "brand"},
            {"label": "Lifecycle stage", "value": ctx.get("Lifecycle Stage") or NO_DATA,
             "note": " · ".join(v for v in (ctx.get("Segment"), ctx.get("Tier")) if v)
             or "no segment or tier recorded", "text": "", "cls": "brand"},
            {"label": "Renewal", "value": fmt.date(ctx.get("Renewal Date"))
             if ctx.get("Renewal Date") is not None else "Not recorded",
             "note": _renewal_note(ctx.get("Days to Renewal")), "text": "", "cls": "brand"},
        ],
        "components": charts.image_src(bars),
        "wins": [f.text for f in summary.wins],
        "risks": [f.text for f in summary.risks],
        "next_steps": [f.text for f in summary.next_steps],
    }


#: (label, colour column) of the four use cases counted by ``Platform Adoption``
USE_CASES = (("SCM", "SCM Health"), ("CI", "CI Health"), ("CD", "CD Health"),
             ("Security", "Security Health"))


def use_case_note(row: dict) -> str:
    """Which use cases are Green, which are scored and not Green, which have no score.

    Security is scored only on Ultimate; on other tiers it is not part of the plan.

    >>> use_case_note({"Tier": "Premium", "SCM Health": "Yellow", "CI Health": "Green",
    ...                "CD Health": "Red", "Security Health": None})
    'Green: CI · not Green: SCM (Yellow), CD (Red) · not in plan: Security'
    >>> use_case_note({"Tier": "Ultimate"})
    'no use-case data: SCM, CI, CD, Security'
    """
    green, other, no_plan, no_data = [], [], [], []
    for label, column in USE_CASES:
        colour = row.get(column)
        if colour == "Green":
            green.append(label)
        elif colour:
            other.append(f"{label} ({colour})")
        elif label == "Security" and row.get("Tier") not in (None, "Ultimate"):
            no_plan.append(label)
        else:
            no_data.append(label)
    parts = []
    if green:
        parts.append("Green: " + ", ".join(green))
    elif other:
        parts.append("none Green")
    if other:
        parts.append("not Green: " + ", ".join(other))
    if no_data:
        parts.append(("no data: " if green or other else "no use-case data: ")
                     + ", ".join(no_data))
    if no_plan:
        parts.append("not in plan: " + ", ".join(no_plan))
    return " · ".join(parts)


def _renewal_note(left) -> str:
    if left is None:
        return "no renewal date recorded"
    if left < 0:
        return f"{fmt.days(-left)} overdue"
    return f"in {fmt.days(left)}"
