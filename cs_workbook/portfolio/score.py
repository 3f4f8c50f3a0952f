"""Score every account of a CS workbook as of a date: one row of metrics per account.

Pure: DataFrames in, a DataFrame out. Every number comes from the metric rules in
:mod:`cs_workbook.metrics`; this module only selects each account's inputs (latest usage
snapshot, support month, timeline, segment applicability, staleness) and composes them.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from ..config import DEFAULT, GROUPS, PRODUCT_MEASURES, Config
from ..data import CSData
from ..metrics._vector import Shape
from ..metrics.colours import NA, RED, codes_of_scores, colour_codes, points_of_codes
from ..metrics.dates import day_diff, month_diff
from ..metrics.health import weighted_mean
from ..metrics.licenses import STAGES, lu_health_codes, utilization
from ..metrics.licenses import first_value_dates
from ..metrics.measures import (emergency_codes, meeting_cadence_codes, persona_codes, sentiment_codes,
                                success_plan_codes, support_codes)
from ..metrics.trend import drop_codes, signal_flags, trend_codes
from ..metrics.ttv import ttv_status_codes
from ..metrics.usecases import (_cd_codes, _security_codes, adoption_count, measure_codes,
                                ratio, use_case_score)
from .snapshots import declining, latest_by_account, month_end, month_start, timeline_facts

__all__ = ["score_accounts", "COLOUR_COLUMNS"]

USE_CASES = ("scm", "ci", "cd", "security")
NAMES = np.array([None, "Red", "Yellow", "Green"], dtype=object)
COLOUR_COLUMNS = ("License Health", "User Engagement Health", "SCM Health", "CI Health",
                  "CD Health", "Security Health", "Product Health", "Risk (Sentiment)",
                  "Success Plan Health", "Support Health", "Emergency Health",
                  "Meeting Cadence Health", "Persona Health", "Health Colour",
                  "Previous Health Colour")


def _name(codes):
    return NAMES[np.asarray(codes) + 1]


def _days(a, b) -> np.ndarray:
    return day_diff(np.asarray(a, dtype="datetime64[D]"), np.asarray(b, dtype="datetime64[D]"))


def _seg_na(segments: pd.Series, names) -> np.ndarray:
    wanted = {s.lower() for s in names}
    return segments.fillna("").str.lower().isin(wanted).to_numpy()


def _bool_float(s: pd.Series) -> np.ndarray:
    return s.astype("boolean").to_numpy(dtype=float, na_value=np.nan)


def _measures(data: CSData, acc: pd.DataFrame, as_of: pd.Timestamp, cfg: Config) -> dict:
    """All measure colours/points for ``acc`` (indexed by Account ID) as of ``as_of``."""
    ids = acc.index
    n = len(ids)
    shape = Shape(False, n)
    asof_d = np.datetime64(as_of.date(), "D")

    # -- product usage: latest snapshot, stale after usage_na_days ------------------------
    u = latest_by_account(data.usage, as_of).reindex(ids)
    snap = u["Month"]
    usage_age = _days(month_end(snap), np.full(n, asof_d))
    start = acc["Onboarding Start"].fillna(acc["Contract Date"])
    in_grace = _days(start, np.full(n, asof_d)) < cfg.onboarding_grace_days
    usage_na = (usage_age > cfg.usage_na_days) | np.isnan(usage_age) | in_grace
    bill = u["Billable Users"].to_numpy(dtype=float)
    lic = acc["Licensed Users"].to_numpy(dtype=float)
    util = utilization(bill, lic)
    age = month_diff(acc["Contract Date"].to_numpy().astype("datetime64[D]"),
                     snap.to_numpy().astype("datetime64[D]"))
    f = {k: u[c].to_numpy(dtype=float) for k, c in (
        ("active", "Active Users"), ("git", "Git Operation Users"), ("ci", "CI Builds"))}
    m = {
        "license": lu_health_codes(util, age, cfg),
        "user_engagement": measure_codes("user_engagement", ratio(f["active"], bill, cfg), cfg),
        "scm": measure_codes("scm", ratio(f["git"], bill, cfg), cfg),
        "ci": measure_codes("ci", ratio(f["ci"], bill, cfg), cfg),
    }
    cd = _cd_codes(shape, u["Deployment Users"], u["Deployments"], u["Successful Deployments"],
                   u["Failed Deployments"], u["Billable Users"], cfg)
    sec = _security_codes(shape, u["Scanner Users"], u["Billable Users"], u["Scans"],
                          u["CI Pipelines"], u["Scanner Types"], acc["Tier"], cfg)
    pts = {k: points_of_codes(v, cfg) for k, v in m.items()}
    pts["cd"], pts["security"] = use_case_score(cd, cfg), use_case_score(sec, cfg)
    for k in PRODUCT_MEASURES:
        pts[k] = np.where(usage_na, np.nan, pts[k])
    codes = {k: (codes_of_scores(pts[k], cfg) if k in ("cd", "security")
                 else np.where(usage_na, NA, m[k]).astype(np.int8)) for k in PRODUCT_MEASURES}
    pw = cfg.product_weights()
    product = weighted_mean(np.column_stack([pts[k] for k in PRODUCT_MEASURES]),
                            [pw[k] for k in PRODUCT_MEASURES])

    # -- risk: CSM sentiment with staleness; NA for tech touch -------------------------------
    sent = colour_codes(shape, acc["CSM Sentiment"].to_numpy(dtype=object), cfg, "CSM Sentiment")
    s_age = _days(acc["Sentiment Updated"], np.full(n, asof_d))
    sent_eff, stale = sentiment_codes(sent, s_age, cfg)
    risk = np.where(_seg_na(acc["Segment"], cfg.risk_na_segments), NA, sent_eff).astype(np.int8)

    # -- outcomes: success plan; NA for scale / tech touch ---------------------------------
    plan_rows = data.success_plan[data.success_plan["Account ID"].isin(ids)]
    n_obj = plan_rows.groupby("Account ID").size().reindex(ids)
    objectives = acc["Success Plan Objectives"].fillna(n_obj).to_numpy(dtype=float)
    status = acc["Success Plan Status"].fillna("None").str.lower().map(
        {"active": 2, "draft": 1, "none": 0}).to_numpy(dtype=float)
    plan = success_plan_codes(status, objectives, _bool_float(acc["Success Plan Strategy"]))
    outcomes = np.where(_seg_na(acc["Segment"], cfg.outcomes_na_segments) | in_grace, NA, plan)

    # -- voice: support tickets in the latest month, NA after support_na_days --------------
    s = latest_by_account(data.support, as_of).reindex(ids)
    s_stale = _days(month_end(s["Month"]), np.full(n, asof_d)) > cfg.support_na_days
    tickets = np.where(s_stale | in_grace, np.nan, s["Tickets"].to_numpy(dtype=float))
    voice = support_codes(tickets, cfg)
    e_open = s["Emergency Open"].to_numpy(dtype=float)
    e_closed = s["Emergency Closed Last 7 Days"].to_numpy(dtype=float)
    emergency = np.where(s_stale, NA, emergency_codes(e_open, e_closed))

    # -- engagement: meeting cadence + persona ---------------------------------------------
    tl = timeline_facts(data.timeline, as_of).reindex(ids)
    last_meeting = acc["Last Meeting"].where(acc["Last Meeting"] <= as_of)
    last_meeting = pd.concat([last_meeting, tl["Last Meeting"]], axis=1).max(axis=1)
    since_meeting = _days(last_meeting, np.full(n, asof_d))
    cadence = meeting_cadence_codes(since_meeting, acc["CSM Priority"].to_numpy(dtype=float), cfg)
    cadence = np.where(_seg_na(acc["Segment"], cfg.cadence_na_segments), NA, cadence)
    dev = acc["Dev Lead Engaged"].astype("boolean").fillna(tl["Dev Lead"].astype("boolean"))
    secl = acc["Security Lead Engaged"].astype("boolean").fillna(
        tl["Security Lead"].astype("boolean"))
    persona = persona_codes(_bool_float(dev), _bool_float(secl))
    persona = np.where(_seg_na(acc["Segment"], cfg.persona_na_segments), NA, persona)
    engagement = weighted_mean(
        np.column_stack([points_of_codes(cadence.astype(np.int8), cfg),
                         points_of_codes(persona.astype(np.int8), cfg)]),
        [cfg.weight_meeting_cadence, cfg.weight_persona])

    groups = np.column_stack([product, points_of_codes(risk, cfg),
                              points_of_codes(outcomes.astype(np.int8), cfg),
                              points_of_codes(voice, cfg), engagement])
    gw = cfg.group_weights()
    score = weighted_mean(groups, [gw[g] for g in GROUPS])
    colour = codes_of_scores(score, cfg)
    if cfg.sentiment_override:
        colour = np.where(risk == RED, RED, colour).astype(np.int8)
    return dict(
        snap=snap, util=util, bill=bill, lic=lic, age=age, ratios=f, codes=codes, pts=pts,
        product=product, sent_eff=sent_eff, stale=stale, risk=risk, outcomes=outcomes,
        tickets=tickets, voice=voice, emergency=emergency, since_meeting=since_meeting,
        cadence=cadence, persona=persona, engagement=engagement, groups=groups, score=score,
        colour=colour, timeline=tl, last_meeting=last_meeting, in_grace=in_grace,
    )


def score_accounts(data: CSData, as_of=None, config: Config = DEFAULT) -> pd.DataFrame:
    """Every metric for every account of ``data`` as of ``as_of`` (default today).

    Returns one row per account (in workbook order) with identity columns, license and
    use-case adoption, PROVE components, the health score and colour with trend and drop
    alerts, time-to-value KPIs with statuses, lifecycle stage, retention and early-warning
    signals. Colour columns hold ``Red``/``Yellow``/``Green`` or ``None`` (NA).
    """
    cfg = config
    as_of = pd.Timestamp(as_of or _dt.date.today()).normalize()
    acc = data.accounts.set_index("Account ID", drop=False)
    ids = acc.index
    n = len(ids)
    asof_d = np.full(n, np.datetime64(as_of.date(), "D"))
    cur = _measures(data, acc, as_of, cfg)
    prev_as_of = as_of - pd.DateOffset(months=1)
    prev = _measures(data, acc, prev_as_of, cfg)

    # first value: auto-detected from usage (≥ threshold), else the manual date
    usage = data.usage[data.usage["Month"] <= as_of]
    lic_map = acc["Licensed Users"]
    u_util = utilization(usage["Billable Users"].to_numpy(dtype=float),
                         usage["Account ID"].map(lic_map).to_numpy(dtype=float))
    fv_auto = first_value_dates(usage["Account ID"].to_numpy(), usage["Month"].to_numpy(),
                                u_util, cfg.first_value_threshold).reindex(ids)
    fv = fv_auto.fillna(acc["First Value Date"].where(acc["First Value Date"] <= as_of))
    first_meeting = acc["First Meeting"].where(acc["First Meeting"] <= as_of).fillna(
        cur["timeline"]["First Meeting"])

    def ttv(start, end, goal, clamp=False):
        end = pd.Series(end).where(pd.Series(end) <= as_of)
        v = _days(start, end)
        v = np.maximum(v, 0) if clamp else v
        return v, ttv_status_codes(v, _days(start, asof_d), goal)

    engage, engage_st = ttv(acc["Onboarding Start"], first_meeting, cfg.goal_engage_days, True)
    fvd, fv_st = ttv(acc["Contract Date"], fv, cfg.goal_first_value_days)
    onboard, onboard_st = ttv(acc["Onboarding Start"], acc["Onboarding Closed"],
                              cfg.goal_onboard_days)

    primary = cur["codes"][cfg.primary_use_case]
    adopted = (cur["util"] >= cfg.adoption_threshold) & (primary == 2)
    closed = acc["Onboarding Closed"].notna().to_numpy() & (acc["Onboarding Closed"] <= as_of).to_numpy()
    infra = acc["Infrastructure Ready"].notna().to_numpy() & (acc["Infrastructure Ready"] <= as_of).to_numpy()
    stage = np.array(STAGES, dtype=object)[np.where(~closed, 0, np.where(~infra, 1,
                                                    np.where(~adopted, 2, 3)))]

    # retention: MRR this month vs the same month a year ago
    month = month_start(as_of)
    rev = data.revenue
    mrr_now = rev[rev["Month"] == month].groupby("Account ID")["MRR"].sum().reindex(ids)
    mrr_ago = rev[rev["Month"] == month - pd.DateOffset(months=12)].groupby(
        "Account ID")["MRR"].sum().reindex(ids)
    a = mrr_ago.to_numpy(dtype=float)
    b = np.nan_to_num(mrr_now.to_numpy(dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        grr = np.where(a > 0, np.minimum(a, b) / a, np.nan)
        nrr = np.where(a > 0, b / a, np.nan)

    tier_ok = acc["Tier"].fillna("").str.lower().isin({t.lower() for t in cfg.security_tiers})
    last_touch = pd.concat([cur["timeline"]["Last Touch"], cur["last_meeting"]], axis=1).max(axis=1)
    flags = signal_flags(
        utilization=cur["util"], engagement=ratio(cur["ratios"]["active"], cur["bill"], cfg),
        onboarding=stage == STAGES[0], declining_users=declining(data.usage, as_of)
        .reindex(ids).fillna(False).to_numpy(dtype=bool),
        tier_eligible=tier_ok.to_numpy(), security=cur["codes"]["security"],
        sentiment=cur["risk"], days_since_touch=_days(last_touch, asof_d), cfg=cfg)

    drops = np.full(n, "", dtype=object)
    for k, label in zip(PRODUCT_MEASURES, ("License", "User engagement", "SCM", "CI", "CD",
                                           "Security")):
        hit = drop_codes(prev["codes"][k], cur["codes"][k])
        drops = np.where(hit, np.where(drops == "", label, drops + ", " + label), drops)

    out = pd.DataFrame({
        "Account ID": ids.to_numpy(),
        "Account": acc["Account"].to_numpy(),
        "Segment": acc["Segment"].to_numpy(),
        "CSM": acc["CSM"].to_numpy(),
        "Tier": acc["Tier"].to_numpy(),
        "Deployment": acc["Deployment"].to_numpy(),
        "ARR": acc["ARR"].to_numpy(dtype=float),
        "Renewal Date": acc["Renewal Date"].to_numpy(),
        "Days to Renewal": _days(asof_d, acc["Renewal Date"]),
        "Lifecycle Stage": stage,
        "Usage Month": cur["snap"].to_numpy(),
        "Account Age (Months)": cur["age"],
        "Licensed Users": cur["lic"],
        "Billable Users": cur["bill"],
        "License Utilization": cur["util"],
        "Overage Seats": np.maximum(0, cur["bill"] - cur["lic"]),
        "License Health": _name(cur["codes"]["license"]),
        "User Engagement": ratio(cur["ratios"]["active"], cur["bill"], cfg),
        "User Engagement Health": _name(cur["codes"]["user_engagement"]),
        "Git Operation Utilization": ratio(cur["ratios"]["git"], cur["bill"], cfg),
        "SCM Health": _name(cur["codes"]["scm"]),
        "CI Builds per User": ratio(cur["ratios"]["ci"], cur["bill"], cfg),
        "CI Health": _name(cur["codes"]["ci"]),
        "CD Score": cur["pts"]["cd"],
        "CD Health": _name(cur["codes"]["cd"]),
        "Security Score": cur["pts"]["security"],
        "Security Health": _name(cur["codes"]["security"]),
        "Platform Adoption": adoption_count([cur["codes"][k] for k in USE_CASES]),
        "Product Score": cur["product"],
        "Product Health": _name(codes_of_scores(cur["product"], cfg)),
        "Risk (Sentiment)": _name(cur["risk"]),
        "Sentiment Stale": cur["stale"],
        "Success Plan Health": _name(cur["outcomes"]),
        "Tickets (Month)": cur["tickets"],
        "Support Health": _name(cur["voice"]),
        "Emergency Health": _name(cur["emergency"]),
        "Days Since Last Meeting": cur["since_meeting"],
        "Meeting Cadence Health": _name(cur["cadence"]),
        "Persona Health": _name(cur["persona"]),
        "Engagement Score": cur["engagement"],
        "Health Score": cur["score"],
        "Health Colour": _name(cur["colour"]),
        "Previous Health Score": prev["score"],
        "Previous Health Colour": _name(prev["colour"]),
        "Health Trend": trend_codes(prev["score"], cur["score"], cfg.trend_epsilon),
        "Drop Alerts": np.where(drops == "", None, drops),
        "Adoption Complete": np.where(np.isnan(cur["util"]), None, adopted).astype(object),
        "First Value Date": fv.to_numpy(),
        "Time to Engage": engage,
        "Engage Status": engage_st,
        "Time to First Value": fvd,
        "First Value Status": fv_st,
        "Time to Onboard": onboard,
        "Onboard Status": onboard_st,
        "MRR Year Ago": a,
        "MRR Now": np.where(np.isnan(a) & np.isnan(mrr_now.to_numpy(dtype=float)), np.nan, b),
        "GRR": grr,
        "NRR": nrr,
        **{name: flag.astype(bool) for name, flag in flags.items()},
    })
    return out
