"""Section 2 of ``bench/engine.py``: the public *scalar* metric functions called once per account,
row by row, as a spreadsheet of hand-written formulas would, on the same synthetic portfolio.

:func:`row_inputs` looks every account's inputs up before the clock starts (latest usage row,
support month, timeline facts…); :func:`score_row` is the timed part (current-month core metrics
only, so the vectorised/row-by-row ratio is a conservative estimate); :func:`verify` asserts the
row-by-row answers equal ``score_accounts``' before any ratio is printed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

import numpy as np
import pandas as pd

from cs_workbook.config import DEFAULT
from cs_workbook.metrics import (cd_health, ci_health, days_between, emergency_health,
                                 health_colour, health_score, license_health,
                                 license_utilization, meeting_cadence_health, months_between,
                                 persona_health, product_score, scm_health, sentiment_status,
                                 success_plan_health, support_health, user_engagement_health,
                                 weighted_score)
from cs_workbook.metrics.delivery import cd_score, security_health, security_score

__all__ = ["row_inputs", "score_row", "verify"]

CFG = DEFAULT


def _py(v):
    """A pandas/numpy cell as a plain Python scalar (None for blanks)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if v != v else float(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(v)
        return None if ts is pd.NaT else ts.date()
    return v


def _month_end(d: dt.date | None) -> dt.date | None:
    if d is None:
        return None
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _latest(rows: pd.DataFrame | None, as_of: pd.Timestamp) -> dict | None:
    if rows is None:
        return None
    rows = rows[rows["Month"] <= as_of]
    if rows.empty:
        return None
    return {k: _py(v) for k, v in rows.sort_values("Month", kind="stable").iloc[-1].items()}


def row_inputs(data, ids, as_of: pd.Timestamp) -> list[dict]:
    """Each account's raw inputs as plain Python scalars (not timed: the lookups row-by-row
    code would do are excluded, which favours row-by-row)."""
    wanted = set(ids)

    def grouped(df):
        df = df[df["Account ID"].isin(wanted)]
        return {k: g for k, g in df.groupby("Account ID", sort=False)}

    usage, support = grouped(data.usage), grouped(data.support)
    timeline, plan = grouped(data.timeline), grouped(data.success_plan)
    acc = data.accounts.set_index("Account ID", drop=False).loc[list(ids)]
    persona_since = as_of - pd.DateOffset(months=3)
    out = []
    for aid, a in zip(ids, acc.to_dict("records")):
        a = {k: _py(v) for k, v in a.items()}
        u = _latest(usage.get(aid), as_of) or {}
        s = _latest(support.get(aid), as_of) or {}
        tl = timeline.get(aid)
        last_tl, dev_tl, sec_tl = None, None, None
        if tl is not None:
            meet = tl[(tl["Date"] <= as_of) & tl["Type"].isin(["Call", "Meeting", "EBR"])]
            if not meet.empty:
                last_tl = meet["Date"].max().date()
            recent = meet[meet["Date"] > persona_since]
            if not recent.empty:
                att = recent["Attendees"].fillna("").str.lower()
                dev_tl = bool(att.str.contains("dev lead", regex=False).any())
                sec_tl = bool(att.str.contains("security lead", regex=False).any())
        lm = a["Last Meeting"] if a["Last Meeting"] and a["Last Meeting"] <= as_of.date() else None
        last = max([d for d in (lm, last_tl) if d is not None], default=None)
        objectives = a["Success Plan Objectives"]
        if objectives is None and aid in plan:
            objectives = float(len(plan[aid]))
        out.append(dict(
            segment=a["Segment"], tier=a["Tier"], licensed=a["Licensed Users"],
            deployment=a["Deployment"],
            contract=a["Contract Date"], start=a["Onboarding Start"] or a["Contract Date"],
            snap=u.get("Month"), snap_end=_month_end(u.get("Month")),
            bill=u.get("Billable Users"), active=u.get("Active Users"),
            git=u.get("Git Operation Users"), ci=u.get("CI Builds"),
            du=u.get("Deployment Users"), dep=u.get("Deployments"),
            ok=u.get("Successful Deployments"), bad=u.get("Failed Deployments"),
            su=u.get("Scanner Users"), scans=u.get("Scans"), pipes=u.get("CI Pipelines"),
            types=u.get("Scanner Types"),
            sentiment=a["CSM Sentiment"], sent_updated=a["Sentiment Updated"],
            plan_status=a["Success Plan Status"], objectives=objectives,
            strategy=a["Success Plan Strategy"],
            support_end=_month_end(s.get("Month")), tickets=s.get("Tickets"),
            e_open=s.get("Emergency Open"), e_closed=s.get("Emergency Closed Last 7 Days"),
            last_meeting=last, priority=a["CSM Priority"],
            dev=a["Dev Lead Engaged"] if a["Dev Lead Engaged"] is not None else dev_tl,
            sec=a["Security Lead Engaged"] if a["Security Lead Engaged"] is not None else sec_tl,
        ))
    return out


def _na_for(segment, segments) -> bool:
    return (segment or "").lower() in {s.lower() for s in segments}


def score_row(r: dict, as_of: dt.date, cfg=CFG) -> dict:
    """One account's core metrics from the public scalar functions (the row-by-row way)."""
    grace_days = days_between(r["start"], as_of)
    in_grace = grace_days is not None and grace_days < cfg.onboarding_grace_days
    usage_age = days_between(r["snap_end"], as_of)
    usage_na = usage_age is None or usage_age > cfg.usage_na_days or in_grace

    util = license_utilization(r["bill"], r["licensed"])
    age = months_between(r["contract"], r["snap"]) if r["snap"] else None
    lic_h = license_health(util, age)
    ue_h = user_engagement_health(r["active"], r["bill"])
    scm_h = scm_health(r["git"], r["bill"])
    ci_h = ci_health(r["ci"], r["bill"])
    cd_args = (r["du"], r["dep"], r["ok"], r["bad"], r["bill"])
    cd_s, cd_h = cd_score(*cd_args), cd_health(*cd_args)
    sec_args = (r["su"], r["bill"], r["scans"], r["pipes"], r["types"], r["tier"])
    sec_s, sec_h = security_score(*sec_args), security_health(*sec_args)
    if usage_na:
        lic_h = ue_h = scm_h = ci_h = cd_s = cd_h = sec_s = sec_h = None
    if _na_for(r["deployment"], cfg.user_engagement_na_deployments):
        ue_h = None
    product = product_score(lic_h, ue_h, scm_h, ci_h, cd_s, sec_s)

    status = sentiment_status(r["sentiment"], r["sent_updated"], as_of)
    risk = r["sentiment"] if status == "Stale" else status
    if _na_for(r["segment"], cfg.risk_na_segments):
        risk = None

    outcomes = success_plan_health(r["plan_status"], r["objectives"], r["strategy"])
    if _na_for(r["segment"], cfg.outcomes_na_segments) or in_grace:
        outcomes = None

    support_age = days_between(r["support_end"], as_of)
    support_stale = support_age is not None and support_age > cfg.support_na_days
    voice = support_health(None if support_stale or in_grace else r["tickets"])
    emergency = None if support_stale or in_grace else emergency_health(r["e_open"],
                                                                        r["e_closed"])

    since = days_between(r["last_meeting"], as_of)
    cadence = meeting_cadence_health(since, r["priority"])
    if _na_for(r["segment"], cfg.cadence_na_segments) or in_grace:
        cadence = None
    persona = persona_health(r["dev"], r["sec"])
    if _na_for(r["segment"], cfg.persona_na_segments) or in_grace:
        persona = None
    engagement = weighted_score([cadence, persona],
                                [cfg.weight_meeting_cadence, cfg.weight_persona])

    groups = (product, risk, outcomes, voice, engagement)
    return {
        "License Utilization": util, "License Health": lic_h,
        "User Engagement Health": ue_h, "SCM Health": scm_h, "CI Health": ci_h,
        "CD Score": cd_s, "CD Health": cd_h, "Security Score": sec_s, "Security Health": sec_h,
        "Product Score": product, "Risk (Sentiment)": risk, "Success Plan Health": outcomes,
        "Support Health": voice, "Emergency Health": emergency,
        "Days Since Last Meeting": since, "Meeting Cadence Health": cadence,
        "Persona Health": persona, "Engagement Score": engagement,
        "Health Score": health_score(*groups), "Health Colour": health_colour(*groups),
    }


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and a != a):
        return b is None or (isinstance(b, float) and b != b)
    if b is None or (isinstance(b, float) and b != b):
        return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def verify(rows: list[dict], scores: pd.DataFrame, ids) -> int:
    """Assert the row-by-row answers equal score_accounts' on the subset; cells compared."""
    vec = scores.set_index("Account ID").loc[list(ids)]
    bad, checked = [], 0
    for aid, row in zip(ids, rows):
        for col, want in row.items():
            got = _py(vec.at[aid, col])
            checked += 1
            if not _same(want, got):
                bad.append((aid, col, want, got))
    if bad:
        lines = "\n".join(f"    {a} {c}: row-by-row {w!r} vs vectorised {g!r}"
                          for a, c, w, g in bad[:20])
        raise AssertionError(f"{len(bad)} of {checked} cells differ between row-by-row and "
                             f"score_accounts (first 20):\n{lines}")
    return checked
