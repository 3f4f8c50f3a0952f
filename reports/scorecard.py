"""The Health scorecard page of the EBR: the PROVE component table, the measure detail and
what changed since last month (split from :mod:`.viewmodel`). Each function takes the view
model's :class:`~.viewmodel.Context` and returns formatted strings."""

from __future__ import annotations

from cs_workbook.metrics import colour as score_colour
from cs_workbook.metrics import health_drivers

from . import fmt
from .reasons import NO_DATA_CHIP, no_data_chip

__all__ = ["DASH", "MEASURES", "TREND_ARROWS", "TREND_WORDS", "changes", "drivers", "measures"]

TREND_ARROWS = {"Up": "↑", "Down": "↓", "Same": "→"}
TREND_WORDS = {"Up": "up since last month", "Down": "down since last month",
               "Same": "unchanged since last month"}
DASH = "–"  # a number that a "no data" chip beside it explains


def _colour(value) -> dict:
    return {"text": value or NO_DATA_CHIP, "cls": fmt.colour_class(value)}

def drivers(ctx) -> dict:
    r = ctx.row
    d = health_drivers(r.get("Product Score"), r.get("Risk (Sentiment)"),
                       r.get("Success Plan Health"), r.get("Support Health"),
                       r.get("Engagement Score"), config=ctx.config)
    rows = []
    for rec in d.to_dict("records"):
        inp = rec["input"]
        colour = inp if isinstance(inp, str) else None
        if colour is None and not fmt.is_blank(rec["points"]):
            colour = score_colour(rec["points"], config=ctx.config)
        blank = fmt.is_blank(rec["points"])
        rows.append({"component": rec["component"], **_colour(colour),
                     "points": DASH if blank else fmt.points(rec["points"]),
                     "raw_points": rec["points"],
                     "weight": fmt.weight(rec["weight"]),
                     "effective": fmt.weight(rec["effective weight"]),
                     "contribution": DASH if fmt.is_blank(rec["contribution"])
                     else fmt.num(rec["contribution"], 1)})
    return {"rows": rows, "score": fmt.points(r.get("Health Score")),
            "score_exact": fmt.num(r.get("Health Score"), 1),
            **_colour(r.get("Health Colour"))}


#: (label, value column, formatter, colour column, how it is measured)
MEASURES = (
    ("License utilization", "License Utilization", fmt.pct, "License Health",
     "billable ÷ licensed users, by account age"),
    ("User engagement", "User Engagement", fmt.pct, "User Engagement Health",
     "active users L28D ÷ billable users"),
    ("SCM adoption", "Git Operation Utilization", fmt.pct, "SCM Health",
     "Git operation users ÷ billable users"),
    ("CI adoption", "CI Builds per User", lambda v: fmt.num(v, 1), "CI Health",
     "CI builds L28D per billable user"),
    ("CD adoption", "CD Score", fmt.points, "CD Health", "mean of 3 deployment measures"),
    ("Security adoption", "Security Score", fmt.points, "Security Health",
     "mean of 3 scanner measures (Ultimate)"),
    ("CSM sentiment", None, None, "Risk (Sentiment)", "set by the CSM; stale after 90 days"),
    ("Success plan (ROI)", None, None, "Success Plan Health", "plan status, objectives, strategy"),
    ("Support tickets", "Tickets (Month)", fmt.num, "Support Health", "tickets this month"),
    ("Emergency tickets", None, None, "Emergency Health", "open / recently closed (0 % weight)"),
    ("Meeting cadence", "Days Since Last Meeting", fmt.days, "Meeting Cadence Health",
     "days since last call or meeting"),
    ("Persona engagement", None, None, "Persona Health", "Dev and Security Lead, 3 months"),
)


def measures(ctx) -> list:
    rows = []
    for label, col, formatter, colour_col, how in MEASURES:
        value = "" if not col else DASH if fmt.is_blank(ctx.get(col)) else formatter(ctx.get(col))
        colour = ctx.get(colour_col)
        if colour_col == "Risk (Sentiment)" and ctx.get("Sentiment Stale"):
            how = f"stale: not updated in over {ctx.config.sentiment_stale_days} days"
        chip = _colour(colour) if colour else no_data_chip(ctx, colour_col)
        rows.append({"label": label, "value": value, "how": how, "reason": "", **chip})
    return rows


def changes(ctx) -> dict:
    rows = []
    for label, _, _, colour_col, _how in MEASURES:
        before, now = ctx.previous.get(colour_col), ctx.get(colour_col)
        if before != now:
            rows.append({"label": label, "before": _colour(before), "now": _colour(now)})
    before, now = ctx.get("Previous Health Score"), ctx.get("Health Score")
    if now is None:
        sentence = "No health score this month: no component has data."
    elif before is None:
        sentence = f"Health score {fmt.points(now)} ({ctx.get('Health Colour')}); no score " \
                   "last month to compare."
    else:
        sentence = ""
    colour_before, colour_now = ctx.get("Previous Health Colour"), ctx.get("Health Colour")
    return {
        "sentence": sentence,
        "same_score": fmt.points(before) == fmt.points(now),
        "same_colour": colour_before == colour_now,
        "score_before": fmt.points(before), "score_now": fmt.points(now),
        "colour_before": _colour(ctx.get("Previous Health Colour")),
        "colour_now": _colour(ctx.get("Health Colour")),
        "trend": TREND_WORDS.get(ctx.get("Health Trend"), "no previous score to compare"),
        "arrow": TREND_ARROWS.get(ctx.get("Health Trend"), ""),
        "drops": ctx.get("Drop Alerts") or "",
        "rows": rows,
        "note": "" if rows else "No measure changed colour since last month.",
    }
