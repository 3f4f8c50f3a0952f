"""EBR sections after the scorecard: adoption, time to value, success plan, support and
engagement and the appendix (each a dict of formatted strings and charts); the commercials page
is in :mod:`.commercials`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cs_workbook import __version__
from cs_workbook.config import GROUPS, PRODUCT_MEASURES
from cs_workbook.metrics import days_between, license_utilization, support_health
from cs_workbook.metrics.health import GROUP_LABELS
from cs_workbook.metrics.usecases import ratio
from cs_workbook.portfolio.snapshots import TimelinePrep, timeline_facts

from . import charts, fmt, settings
from .reasons import NO_DATA_CHIP

NO_DATA = "No data"

__all__ = ["adoption", "appendix", "success_plan", "support", "time_to_value"]

# the Commercials page is built by .commercials, which shares _monthly, _BRAND and NO_DATA

MAX_OBJECTIVES, MAX_TIMELINE, MAX_MRR_CHANGES = 8, 8, 8
MAX_TIMELINE_LINES = 10
STATUS_CLASSES = {"Met": "green", "Missed": "red", "Overdue": "red", "Open": "na",
                  "Reached": "green", "Achieved": "green", "At Risk": "red",
                  "In Progress": "brand", "Not Started": "na", "Cancelled": "na"}


_BRAND = {"text": "", "cls": "brand"}


def _colour(value) -> dict:
    return {"text": value or NO_DATA_CHIP, "cls": fmt.colour_class(value)}


def _monthly(ctx, df: pd.DataFrame, column: str) -> list:
    """``column`` for each month of the review period (``None`` where there is no row)."""
    rows = ctx.in_period(df, "Month").drop_duplicates("Month", keep="last")
    by_month = dict(zip(rows["Month"], rows[column]))
    return [None if fmt.is_blank(by_month.get(m)) else float(by_month[m]) for m in ctx.months]


def adoption(ctx) -> dict:
    licensed = ctx.account.get("Licensed Users")
    billable = _monthly(ctx, ctx.data.usage, "Billable Users")
    util = [None if b is None or licensed is None else license_utilization(b, licensed)
            for b in billable]
    cfg = ctx.config
    chart = charts.line_chart(
        [fmt.month_short(m) for m in ctx.months], util, [fmt.pct(u) for u in util],
        references=[(cfg.first_value_threshold, f"First value {fmt.pct(cfg.first_value_threshold)}"),
                    (cfg.adoption_threshold, f"Adoption {fmt.pct(cfg.adoption_threshold)}")],
        colour=ctx.brand.colour, label="License utilization by month")
    latest = _latest_usage(ctx)
    active = None if latest is None else latest.get("Active Users")
    return {
        "chart": charts.image_src(chart),
        "note": "" if chart else "No usage data in the review period, so license utilization "
                                 "cannot be charted.",
        "kpis": [
            {"label": "License utilization",
             **seats_card(ctx, "billable of {licensed} licensed"),
             **_colour(ctx.get("License Health"))},
            {"label": "Active users (28 days)",
             "value": NO_DATA if fmt.is_blank(active) else fmt.num(active),
             "note": "no active-user count in the latest usage" if fmt.is_blank(active)
             else (f"{fmt.pct(ctx.get('User Engagement'))} of billable users"
                   if ctx.get("User Engagement") is not None else "engagement not scored"),
             **_colour(ctx.get("User Engagement Health"))},
            {"label": "Platform adoption score",
             "value": NO_DATA if ctx.get("Platform Adoption") is None
             else f"{fmt.num(ctx.get('Platform Adoption'))} of 4",
             "note": "use cases Green; 3+ is successful adoption", "text": "", "cls": "brand"},
            {"label": "Adoption complete",
             "value": {True: "Yes", False: "Not yet"}.get(ctx.get("Adoption Complete"), NO_DATA),
             "note": f"≥ {fmt.pct(cfg.adoption_threshold)} of seats and "
                     f"{cfg.primary_use_case.upper()} Green", "text": "", "cls": "brand"},
        ],
        "tiles": charts.image_src(charts.use_case_tiles(_tiles(ctx, latest))),
        "usage_month": "" if ctx.get("Usage Month") is None
        else fmt.month_label(ctx.get("Usage Month")),
    }


def seats_card(ctx, template: str) -> dict:
    """Value and note of a license-utilization card; "No data" with the reason when unknown.

    ``template`` words the note when both counts exist (``{billable}``, ``{licensed}``).
    """
    lu, billable, licensed = (ctx.get("License Utilization"), ctx.get("Billable Users"),
                              ctx.get("Licensed Users"))
    if lu is not None:
        return {"value": fmt.pct(lu),
                "note": f"{fmt.num(billable)} " + template.format(licensed=fmt.num(licensed))}
    if licensed is None:
        return {"value": NO_DATA, "note": "no licensed seat count recorded"}
    return {"value": NO_DATA, "note": f"no recent usage reported for the {fmt.num(licensed)} "
                                      "licensed seats"}


def _latest_usage(ctx):
    month = ctx.get("Usage Month")
    if month is None:
        return None
    rows = ctx.data.usage[ctx.data.usage["Month"] == month]
    return None if rows.empty else rows.iloc[-1].to_dict()


def _ratio(latest, num, den, cfg, always_na=False):
    if latest is None:
        return None
    r = ratio(np.array([latest.get(num, np.nan)], dtype=float),
              np.array([latest.get(den, np.nan)], dtype=float), cfg, always_na)[0]
    return None if np.isnan(r) else float(r)


def _tiles(ctx, latest) -> list:
    cfg, u = ctx.config, latest
    dep_ok = None
    if u is not None:
        ok, bad = u.get("Successful Deployments"), u.get("Failed Deployments")
        dep_ok = _ratio({"ok": ok, "all": ok + bad}, "ok", "all", cfg)
    sec_eligible = (ctx.get("Tier") or "").lower() in {t.lower() for t in cfg.security_tiers}
    tiles = [
        ("SCM", "SCM Health", [f"Git operation users {fmt.pct(_ratio(u, 'Git Operation Users', 'Billable Users', cfg))}",
                               "of billable users (28 days)"]),
        ("CI", "CI Health", [f"{fmt.num(ctx.get('CI Builds per User'), 1)} CI builds per user",
                             "per billable user (28 days)"]),
        ("CD", "CD Health", [f"Deploying users {fmt.pct(_ratio(u, 'Deployment Users', 'Billable Users', cfg))}",
                             f"Deployments per user {fmt.num(_ratio(u, 'Deployments', 'Billable Users', cfg), 1)}",
                             f"Successful deployments {fmt.pct(dep_ok)}"]),
        ("Security", "Security Health",
         [f"Scanner users {fmt.pct(_ratio(u, 'Scanner Users', 'Billable Users', cfg))}",
          f"Scans per pipeline {fmt.num(_ratio(u, 'Scans', 'CI Pipelines', cfg, True), 2)}",
          f"Scanner types in use {fmt.num(None if u is None else u.get('Scanner Types'))}"]
         if sec_eligible else ["Scored on the Ultimate tier only", "Not part of this plan"]),
    ]
    out = []
    for name, col, lines in tiles:
        colour = ctx.get(col)
        status = colour or ("No data" if u is None or ctx.get("Usage Month") is None
                            else ("Not scored" if name == "Security" and not sec_eligible
                                  else "No data"))
        out.append({"name": name, "colour": colour, "status": status,
                    "lines": lines if u is not None or name == "Security" and not sec_eligible
                    else ["No usage data reported"]})
    return out


_TTV_ROWS = (("Engage", "engage", "Onboarding Start", "Time to Engage", "Engage Status"),
             ("Onboard", "onboard", "Onboarding Start", "Time to Onboard", "Onboard Status"),
             ("First value", "first_value", "Contract Date", "Time to First Value",
              "First Value Status"))
_MILESTONES = (("Infrastructure ready", "Infrastructure Ready"),
               ("Outcome achieved", "Outcome Achieved"))


def time_to_value(ctx) -> dict:
    cfg, acc, as_of = ctx.config, ctx.account, pd.Timestamp(ctx.as_of)
    rows = []
    for name, kpi, start_col, value_col, status_col in _TTV_ROWS:
        start, value, status = acc.get(start_col), ctx.get(value_col), ctx.get(status_col)
        goal = cfg.ttv_goal(kpi)
        open_ = value is None
        shown = days_between(start, as_of) if open_ and start is not None else value
        rows.append({"name": name, "start": fmt.date(start), "goal": fmt.days(goal),
                     "goal_days": goal, "days": shown, "open": open_,
                     "value": fmt.days(value) if not open_ else
                     (f"{fmt.days(shown)} so far" if shown is not None else "Not started"),
                     "status": status or "No data",
                     "cls": STATUS_CLASSES.get(status, "na")})
    contract = acc.get("Contract Date")
    for name, col in _MILESTONES:
        when = acc.get(col)
        when = when if when is not None and pd.Timestamp(when) <= as_of else None
        value = days_between(contract, when) if contract is not None and when else None
        shown = value if value is not None else (days_between(contract, as_of)
                                                 if contract is not None else None)
        status = "Reached" if value is not None else ("Open" if contract is not None else None)
        rows.append({"name": name, "start": fmt.date(contract), "goal": "No goal set",
                     "goal_days": None, "days": shown, "open": value is None,
                     "value": fmt.days(value) if value is not None else
                     (f"{fmt.days(shown)} so far" if shown is not None else "Not started"),
                     "status": status or "No data", "cls": STATUS_CLASSES.get(status, "na")})
    has_data = any(r["days"] is not None for r in rows)
    return {"rows": rows, "chart": _ttv_chart(rows, cfg) if has_data else None,
            "note": "" if has_data else "No onboarding or contract dates are recorded, so time "
                                        "to value cannot be measured."}


def _ttv_chart(rows, cfg):
    goals = [cfg.goal_engage_days, cfg.goal_onboard_days, cfg.goal_first_value_days]
    longest = max([r["days"] for r in rows if r["days"] is not None] + goals)
    step = 15 if longest <= 90 else 30
    axis_max = min(max(goals) * 4, longest * 1.08)
    axis_max = max(step, int(np.ceil(axis_max / step)) * step)
    ticks = [(k * step / axis_max, f"{k * step} d") for k in range(int(axis_max // step) + 1)]
    colours = {"green": "Green", "red": "Red"}
    chart_rows = [{"name": r["name"], "days": r["days"], "goal": r["goal_days"],
                   "open": r["open"], "colour": colours.get(r["cls"]),
                   "value": f"{r['value']} · {r['status']}",
                   "note": (f"goal {r['goal']} · " if r["goal_days"] else "no goal · ")
                   + (f"from {r['start']}" if r["start"] != fmt.NA_TEXT else "no start date")}
                  for r in rows]
    return charts.image_src(charts.ttv_timeline(chart_rows, axis_max=axis_max,
                                                axis_labels=ticks,
                                                label="Time-to-value milestones against goals"))


def success_plan(ctx) -> dict:
    plan = ctx.data.success_plan.sort_values(["Target Date", "Objective"], na_position="last",
                                             kind="stable")
    rows = [{"objective": fmt.shorten(r["Objective"], 160), "status": r["Status"] or "n/a",
             "cls": STATUS_CLASSES.get(r["Status"], "na"), "target": fmt.date(r["Target Date"]),
             "achieved": "" if fmt.is_blank(r["Achieved Date"]) else fmt.date(r["Achieved Date"])}
            for _, r in plan.tail(MAX_OBJECTIVES).iterrows()]
    strategy = ctx.account.get("Success Plan Strategy")
    return {
        "status": ctx.account.get("Success Plan Status") or "None recorded",
        **{"health_" + k: v for k, v in _colour(ctx.get("Success Plan Health")).items()},
        "strategy": {True: "strategy recorded", False: "no strategy recorded"}.get(
            strategy, "strategy: no data"),
        "count": fmt.num(len(plan)),
        "rows": rows,
        "more": f"Showing the {MAX_OBJECTIVES} latest of {len(plan)} objectives." if len(plan)
        > MAX_OBJECTIVES else "",
        "note": "" if rows else "No success-plan objectives are recorded for this account.",
    }


def support(ctx) -> dict:
    tickets = _monthly(ctx, ctx.data.support, "Tickets")
    present = [t for t in tickets if t is not None]
    colours = [None] * len(tickets)
    if present:
        found = support_health(pd.Series([np.nan if t is None else t for t in tickets]),
                               config=ctx.config)
        colours = [None if fmt.is_blank(c) else str(c) for c in found]
    cfg = ctx.config
    chart = charts.bar_chart([fmt.month_short(m) for m in ctx.months], tickets,
                             [fmt.num(t) for t in tickets], colours,
                             references=[(cfg.support_green_max, f"Green ≤ {cfg.support_green_max:g}"),
                                         (cfg.support_yellow_max, f"Yellow ≤ {cfg.support_yellow_max:g}")],
                             height=185, label="Support tickets by month")
    fact = _timeline_facts(ctx)
    dev = _flag(ctx.account.get("Dev Lead Engaged"), fact.get("Dev Lead"))
    sec = _flag(ctx.account.get("Security Lead Engaged"), fact.get("Security Lead"))
    since = ctx.get("Days Since Last Meeting")
    last = None if since is None else pd.Timestamp(ctx.as_of) - pd.Timedelta(days=since)
    entries = ctx.in_period(ctx.data.timeline, "Date").sort_values("Date", ascending=False,
                                                                   kind="stable")
    shown = _recent_interactions(entries)
    return {
        "chart": charts.image_src(chart),
        "note": "" if chart else "No support data in the review period.",
        "kpis": [
            {"label": "Tickets this month",
             "value": NO_DATA if ctx.get("Tickets (Month)") is None
             else fmt.num(ctx.get("Tickets (Month)")),
             "note": "no support data this month" if ctx.get("Tickets (Month)") is None
             else "1–5 a month is Green", **_colour(ctx.get("Support Health"))},
            {"label": "Emergency tickets", "value": ctx.get("Emergency Health") or NO_DATA,
             "note": "Red while one is open" if ctx.get("Emergency Health")
             else "no support data this month", **_colour(ctx.get("Emergency Health"))},
            {"label": "Meetings (12 months)",
             "value": fmt.num(fact.get("Meetings 12M")) if len(ctx.data.timeline) else NO_DATA,
             "note": "calls, meetings and EBRs" if len(ctx.data.timeline)
             else "no timeline recorded", "text": "", "cls": "brand"},
            {"label": "Last meeting", "value": fmt.date(last) if last is not None
             else "None recorded",
             "note": f"{fmt.days(since)} ago" if since is not None
             else "no call or meeting in the timeline",
             **_colour(ctx.get("Meeting Cadence Health"))},
        ],
        "personas": [{"label": "Dev Lead", "value": dev}, {"label": "Security Lead", "value": sec}],
        **{"persona_" + k: v for k, v in _colour(ctx.get("Persona Health")).items()},
        "timeline": shown,
        "timeline_more": f"the {len(shown)} most recent of {len(entries)} in the period"
        if len(entries) > len(shown) else "",
        "timeline_note": "" if len(entries) else "No calls, meetings or emails are recorded "
                                                 "in the review period.",
    }


def _recent_interactions(entries: pd.DataFrame) -> list:
    """The latest interactions that fit the page: at most ``MAX_TIMELINE`` rows and about
    ``MAX_TIMELINE_LINES`` printed lines (long notes wrap onto two lines)."""
    rows, lines = [], 0
    for _, r in entries.head(MAX_TIMELINE).iterrows():
        attendees = fmt.shorten(r["Attendees"], 80)
        notes = fmt.shorten(r["Notes"], 140)
        need = max(1, -(-len(notes) // 72), -(-len(attendees) // 44))
        if rows and lines + need > MAX_TIMELINE_LINES:
            break
        lines += need
        rows.append({"date": fmt.date(r["Date"]), "type": r["Type"] or "",
                     "attendees": attendees, "notes": notes})
    return rows


def _timeline_facts(ctx) -> dict:
    """The engine's timeline facts (meetings in 12 months, persona evidence) for the account."""
    ids = pd.Index([ctx.account.get("Account ID")])
    facts = timeline_facts(TimelinePrep(ctx.data.timeline, ids), pd.Timestamp(ctx.as_of))
    return {k: (None if fmt.is_blank(v[0]) else v[0]) for k, v in facts.items()}


def _flag(declared, observed) -> str:
    value = observed if fmt.is_blank(declared) else declared
    return NO_DATA if fmt.is_blank(value) else ("Engaged" if bool(value) else "Not engaged")


def appendix(ctx) -> dict:
    cfg = ctx.config
    gw, pw = cfg.group_weights(), cfg.product_weights()
    gsum, psum = sum(gw.values()), sum(pw.values())
    measure_names = {"license": "License utilization", "user_engagement": "User engagement",
                     "scm": "SCM", "ci": "CI", "cd": "CD", "security": "Security (Ultimate)"}
    red, yellow, green = cfg.points()
    changed = settings.changed_settings(cfg)
    return {
        "groups": [{"name": GROUP_LABELS[g], "weight": fmt.pct(gw[g] / gsum if gsum else None)}
                   for g in GROUPS],
        "product": [{"name": measure_names[m], "weight": fmt.pct(pw[m] / psum if psum else None)}
                    for m in PRODUCT_MEASURES],
        "bands": f"≤ {cfg.red_max:g} Red, > {cfg.red_max:g} and ≤ {cfg.yellow_max:g} Yellow, "
                 f"> {cfg.yellow_max:g} Green",
        "points": f"Red {red:g}, Yellow {yellow:g}, Green {green:g}",
        "goals": f"engage {cfg.goal_engage_days} days, onboard {cfg.goal_onboard_days} days, "
                 f"first value {cfg.goal_first_value_days} days",
        "settings": [{"label": c["label"], "meaning": c["meaning"]}
                     for c in changed],
        "generator": f"cs-workbook {__version__}",
    }
