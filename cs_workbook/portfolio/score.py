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
from ..metrics._vector import Shape, text_map, text_maps
from ..metrics.colours import NA, NAMES, RED, codes_of_scores, colour_codes, points_of_codes
from ..metrics.dates import day_diff, month_diff
from ..metrics.delivery import _cd_codes, _security_codes, security_eligible
from ..metrics.health import weighted_mean_columns
from ..metrics.licenses import lu_health_codes, utilization
from ..metrics.measures import (
    emergency_codes,
    meeting_cadence_codes,
    persona_codes,
    sentiment_codes,
    success_plan_codes,
    support_codes,
)
from ..metrics.milestones import STAGES, adoption_codes, stage_index
from ..metrics.platform import adoption_count
from ..metrics.trend import TRENDS, drop_codes, signal_flags, trend_index
from ..metrics.ttv import TTV_STATUSES, ttv_status_index
from ..metrics.usecases import measure_codes, ratio, use_case_score
from .snapshots import (
    AccountKeys,
    SortedSheet,
    TimelinePrep,
    declining,
    month_end_days,
    month_start,
    take,
    timeline_facts,
)
from .texts import labelled, passed_text

__all__ = ["score_accounts", "COLOUR_COLUMNS"]

USE_CASES = ("scm", "ci", "cd", "security")
COLOUR_COLUMNS = ("License Health", "User Engagement Health", "SCM Health", "CI Health",
                  "CD Health", "Security Health", "Product Health", "Risk (Sentiment)",
                  "Success Plan Health", "Support Health", "Emergency Health",
                  "Meeting Cadence Health", "Persona Health", "Health Colour",
                  "Previous Health Colour")
_DROP_LABELS = ("License", "User engagement", "SCM", "CI", "CD", "Security")
_USAGE_COLS = ("Billable Users", "Active Users", "Git Operation Users", "CI Builds",
               "Deployment Users", "Deployments", "Successful Deployments",
               "Failed Deployments", "Scanner Users", "Scans", "CI Pipelines", "Scanner Types")


def _in(names):
    """Whether a text is one of ``names`` (case and surrounding blanks aside)."""
    wanted = {s.lower() for s in names}
    return lambda t: t.strip().lower() in wanted


def _one_of(values: np.ndarray, names) -> np.ndarray:
    return text_map(values, _in(names))


def _dates(s: pd.Series) -> np.ndarray:
    return s.to_numpy().astype("datetime64[D]")


class _Prepared:
    """Everything about the workbook that does not depend on the as-of date, computed once."""

    def __init__(self, data: CSData, cfg: Config):
        acc = data.accounts
        self.acc = acc
        self.ids = pd.Index(acc["Account ID"])
        keys = AccountKeys(self.ids)
        self.n = n = len(acc)
        self.shape = Shape(False, n)
        keys_na = ("risk_na_segments", "outcomes_na_segments", "cadence_na_segments",
                   "persona_na_segments")
        self.seg_na = dict(zip(keys_na, text_maps(
            acc["Segment"].to_numpy(dtype=object),
            [_in(getattr(cfg, key)) for key in keys_na])))
        self.sentiment = colour_codes(self.shape, acc["CSM Sentiment"].to_numpy(dtype=object),
                                      cfg, "CSM Sentiment")
        self.eligible = security_eligible(acc["Tier"].to_numpy(dtype=object), cfg)
        # methodology §1.1: user engagement comes from Service Ping on self-managed only
        self.ue_na = _one_of(acc["Deployment"].to_numpy(dtype=object),
                             cfg.user_engagement_na_deployments)
        self.licensed = acc["Licensed Users"].to_numpy(dtype=float)
        self.contract = _dates(acc["Contract Date"])
        self.start = _dates(acc["Onboarding Start"].fillna(acc["Contract Date"]))
        plans = SortedSheet(data.success_plan, keys, "Target Date") \
            if len(data.success_plan) else None
        n_obj = plans.rows_per_account().astype(float) if plans else np.zeros(n)
        objectives = acc["Success Plan Objectives"].to_numpy(dtype=float)
        objectives = np.where(np.isnan(objectives), n_obj, objectives)
        status = text_map(acc["Success Plan Status"].to_numpy(dtype=object),
                          lambda t: {"active": 2, "draft": 1}.get(t.strip().lower(), 0), float)
        strategy = acc["Success Plan Strategy"].astype("boolean").to_numpy(
            dtype=float, na_value=np.nan)
        self.plan = success_plan_codes(status, objectives, strategy)
        self.dev = acc["Dev Lead Engaged"].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
        self.secl = acc["Security Lead Engaged"].astype("boolean").to_numpy(
            dtype=float, na_value=np.nan)
        self.priority = acc["CSM Priority"].to_numpy(dtype=float)
        self.last_meeting = _dates(acc["Last Meeting"])
        self.usage = SortedSheet(data.usage, keys, "Month")
        self.u = {c: self.usage.column(c) for c in _USAGE_COLS}
        self.valued = _valued(self.u["Billable Users"], self.licensed[self.usage.pos],
                              cfg.first_value_threshold)
        self.support = SortedSheet(data.support, keys, "Month")
        self.s = {c: self.support.column(c) for c in
                  ("Tickets", "Emergency Open", "Emergency Closed Last 7 Days")}
        self.timeline = TimelinePrep(data.timeline, keys)
        self.revenue = SortedSheet(data.revenue, keys, "Month")
        self.mrr = self.revenue.column("MRR")


def _valued(billable: np.ndarray, licensed: np.ndarray, threshold: float) -> np.ndarray:
    """Usage rows whose license utilization reaches ``threshold`` (first value): the
    comparison :func:`utilization` would give, with one full-length temporary, not three."""
    has = licensed > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        util = np.divide(billable, licensed, out=licensed)  # ``licensed`` is our own copy
    out = util >= threshold
    out &= has
    return out


def _measures(p: _Prepared, as_of: pd.Timestamp, cfg: Config) -> dict:
    """All measure colours/points per account as of ``as_of``."""
    n, day = p.n, np.datetime64(as_of.date(), "D")
    in_grace = day_diff(p.start, np.full(n, day)) < cfg.onboarding_grace_days

    # product usage: latest snapshot, NA after usage_na_days or during onboarding grace
    li = p.usage.latest(day)
    snap = take(p.usage.dates, li)
    usage_na = ~(day_diff(month_end_days(snap), np.full(n, day)) <= cfg.usage_na_days) | in_grace
    u = {c: take(v, li) for c, v in p.u.items()}
    bill = u["Billable Users"]
    util = utilization(bill, p.licensed)
    age = month_diff(p.contract, snap)
    active_ratio = ratio(u["Active Users"], bill, cfg)
    codes = {
        "license": lu_health_codes(util, age, cfg),
        "user_engagement": measure_codes("user_engagement", active_ratio, cfg),
        "scm": measure_codes("scm", ratio(u["Git Operation Users"], bill, cfg), cfg),
        "ci": measure_codes("ci", ratio(u["CI Builds"], bill, cfg), cfg),
    }
    pts = {k: points_of_codes(v, cfg) for k, v in codes.items()}
    shape = p.shape
    pts["cd"] = use_case_score(_cd_codes(
        shape, u["Deployment Users"], u["Deployments"], u["Successful Deployments"],
        u["Failed Deployments"], bill, cfg), cfg)
    pts["security"] = use_case_score(_security_codes(
        shape, u["Scanner Users"], bill, u["Scans"], u["CI Pipelines"], u["Scanner Types"],
        p.eligible, cfg), cfg)
    for k in PRODUCT_MEASURES:
        pts[k] = np.where(usage_na | (p.ue_na if k == "user_engagement" else False),
                          np.nan, pts[k])
        codes[k] = (codes_of_scores(pts[k], cfg) if k in ("cd", "security")
                    else np.where(np.isnan(pts[k]), NA, codes[k]).astype(np.int8))
    pw = cfg.product_weights()
    product = weighted_mean_columns([pts[k] for k in PRODUCT_MEASURES],
                                    [pw[k] for k in PRODUCT_MEASURES])

    # risk: CSM sentiment with staleness; outcomes: success plan
    sent_eff, stale = sentiment_codes(p.sentiment, day_diff(_dates(p.acc["Sentiment Updated"]),
                                                            np.full(n, day)), cfg)
    risk = np.where(p.seg_na["risk_na_segments"], NA, sent_eff).astype(np.int8)
    outcomes = np.where(p.seg_na["outcomes_na_segments"] | in_grace, NA, p.plan).astype(np.int8)

    # voice: tickets in the latest support month, NA after support_na_days
    si = p.support.latest(day)
    s_stale = ~(day_diff(month_end_days(take(p.support.dates, si)), np.full(n, day))
                <= cfg.support_na_days)
    tickets = np.where(s_stale | in_grace, np.nan, take(p.s["Tickets"], si))
    voice = support_codes(tickets, cfg)
    emergency = np.where(s_stale | in_grace, NA, emergency_codes(
        take(p.s["Emergency Open"], si), take(p.s["Emergency Closed Last 7 Days"], si)))

    # engagement: meeting cadence + persona
    tl = timeline_facts(p.timeline, as_of)
    manual = np.where(p.last_meeting <= day, p.last_meeting, np.datetime64("NaT", "D"))
    last_meeting = _later(manual, tl["Last Meeting"])
    since_meeting = day_diff(last_meeting, np.full(n, day))
    cadence = meeting_cadence_codes(since_meeting, p.priority, cfg)
    cadence = np.where(p.seg_na["cadence_na_segments"] | in_grace, NA, cadence).astype(np.int8)
    dev = np.where(np.isnan(p.dev), tl["Dev Lead"], p.dev)
    secl = np.where(np.isnan(p.secl), tl["Security Lead"], p.secl)
    persona = np.where(p.seg_na["persona_na_segments"] | in_grace, NA,
                       persona_codes(dev, secl)).astype(np.int8)
    engagement = weighted_mean_columns(
        [points_of_codes(cadence, cfg), points_of_codes(persona, cfg)],
        [cfg.weight_meeting_cadence, cfg.weight_persona])

    groups = [product, points_of_codes(risk, cfg), points_of_codes(outcomes, cfg),
              points_of_codes(voice, cfg), engagement]
    gw = cfg.group_weights()
    score = weighted_mean_columns(groups, [gw[g] for g in GROUPS])
    colour = codes_of_scores(score, cfg)
    if cfg.sentiment_override:
        colour = np.where(risk == RED, RED, colour).astype(np.int8)
    return dict(
        latest=li, snap=snap, util=util, bill=bill, age=age, u=u, active_ratio=active_ratio,
        codes=codes, pts=pts, product=product, stale=stale, risk=risk, outcomes=outcomes,
        tickets=tickets, voice=voice, emergency=emergency, since_meeting=since_meeting,
        cadence=cadence, persona=persona, engagement=engagement, score=score, colour=colour,
        timeline=tl, last_meeting=last_meeting,
    )


def _later(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise later of two date arrays, ignoring NaT."""
    return np.where(np.isnat(a), b, np.where(np.isnat(b) | (a >= b), a, b))


def _drop_text(prev: dict, cur: dict) -> np.ndarray:
    bits = np.zeros(len(cur["license"]), dtype=np.int64)
    for k, key in enumerate(PRODUCT_MEASURES):
        bits |= drop_codes(prev[key], cur[key]).astype(np.int64) << k
    uniq, inv = np.unique(bits, return_inverse=True)
    labels = [", ".join(lbl for k, lbl in enumerate(_DROP_LABELS) if b >> k & 1) or None
              for b in uniq]
    return labelled(inv, labels)


def score_accounts(data: CSData, as_of=None, config: Config = DEFAULT) -> pd.DataFrame:
    """Every metric for every account of ``data`` as of ``as_of`` (default today).

    Returns one row per account (in workbook order) with identity columns, license and
    use-case adoption, PROVE components, the health score and colour with trend and drop
    alerts, time-to-value KPIs with statuses, lifecycle stage, retention and early-warning
    signals. Colour columns hold ``Red``/``Yellow``/``Green`` or ``None`` (NA).
    """
    cfg = config
    as_of = pd.Timestamp(as_of or _dt.date.today()).normalize()
    p = _Prepared(data, cfg)
    acc, n = p.acc, p.n
    day = np.datetime64(as_of.date(), "D")
    today = np.full(n, day)
    cur = _measures(p, as_of, cfg)
    prev = _measures(p, as_of - pd.DateOffset(months=1), cfg)

    # first value: auto-detected from usage (≥ threshold), else the manual date
    fv_auto = take(p.usage.dates, p.usage.first(
        (p.usage.dates <= day) & p.valued))
    manual_fv = _dates(acc["First Value Date"])
    fv = np.where(np.isnat(fv_auto), np.where(manual_fv <= day, manual_fv, np.datetime64("NaT")),
                  fv_auto).astype("datetime64[D]")
    manual_first = _dates(acc["First Meeting"])
    first_meeting = np.where(np.isnat(manual_first) | (manual_first > day),
                             cur["timeline"]["First Meeting"], manual_first)

    def ttv(start, end, goal, clamp=False):
        end = np.where(end <= day, end, np.datetime64("NaT", "D"))
        v = day_diff(start, end)
        v = np.maximum(v, 0) if clamp else v
        return v, labelled(ttv_status_index(v, day_diff(start, today), goal), TTV_STATUSES)

    ob_start = _dates(acc["Onboarding Start"])
    engage, engage_st = ttv(ob_start, first_meeting, cfg.goal_engage_days, True)
    fvd, fv_st = ttv(p.contract, fv, cfg.goal_first_value_days)
    onboard, onboard_st = ttv(ob_start, _dates(acc["Onboarding Closed"]), cfg.goal_onboard_days)

    primary = cur["codes"][cfg.primary_use_case]
    adopted = adoption_codes(cur["util"], primary, cfg.adoption_threshold)
    closed = _dates(acc["Onboarding Closed"]) <= day
    infra = _dates(acc["Infrastructure Ready"]) <= day
    stage = stage_index(closed, infra, adopted)

    # retention: MRR this month vs the same month a year ago
    month = np.datetime64(month_start(as_of).date(), "D")
    year_ago = np.datetime64((month_start(as_of) - pd.DateOffset(months=12)).date(), "D")
    a = take(p.mrr, p.revenue.last(p.revenue.dates == year_ago))
    now = take(p.mrr, p.revenue.last(p.revenue.dates == month))
    # a missing current MRR is churn (0), unless the workbook has no MRR at all for the as-of
    # month (Revenue not loaded that far yet): then MRR now, GRR and NRR are NA, not 0
    has_now = bool(np.isfinite(now).any())
    b = np.nan_to_num(now) if has_now else now
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        grr = np.where((a > 0) & np.isfinite(b), np.minimum(a, b) / a, np.nan)
        nrr = np.where((a > 0) & np.isfinite(b), b / a, np.nan)

    last_touch = _later(cur["timeline"]["Last Touch"], cur["last_meeting"])
    flags = signal_flags(
        utilization=cur["util"], engagement=cur["active_ratio"], onboarding=stage == 0,
        declining_users=declining(p.usage, cur["latest"], p.u["Billable Users"]),
        tier_eligible=p.eligible, security=cur["codes"]["security"], sentiment=cur["risk"],
        days_since_touch=day_diff(last_touch, today), cfg=cfg)

    c, u, bill = cur["codes"], cur["u"], cur["bill"]
    return pd.DataFrame({
        "Account ID": passed_text(acc["Account ID"], distinct=True),
        "Account": passed_text(acc["Account"], distinct=True),
        "Segment": passed_text(acc["Segment"]),
        "CSM": passed_text(acc["CSM"]),
        "Tier": passed_text(acc["Tier"]),
        "Deployment": passed_text(acc["Deployment"]),
        "ARR": acc["ARR"].to_numpy(dtype=float),
        "Renewal Date": acc["Renewal Date"].to_numpy(),
        "Days to Renewal": day_diff(today, _dates(acc["Renewal Date"])),
        "Lifecycle Stage": labelled(stage, STAGES),
        "Usage Month": cur["snap"].astype("datetime64[ns]"),
        "Account Age (Months)": cur["age"],
        "Licensed Users": p.licensed,
        "Billable Users": bill,
        "License Utilization": cur["util"],
        "Overage Seats": np.maximum(0, bill - p.licensed),
        "License Health": labelled(c["license"], NAMES),
        "User Engagement": cur["active_ratio"],
        "User Engagement Health": labelled(c["user_engagement"], NAMES),
        "Git Operation Utilization": ratio(u["Git Operation Users"], bill, cfg),
        "SCM Health": labelled(c["scm"], NAMES),
        "CI Builds per User": ratio(u["CI Builds"], bill, cfg),
        "CI Health": labelled(c["ci"], NAMES),
        "CD Score": cur["pts"]["cd"],
        "CD Health": labelled(c["cd"], NAMES),
        "Security Score": cur["pts"]["security"],
        "Security Health": labelled(c["security"], NAMES),
        "Platform Adoption": adoption_count([c[k] for k in USE_CASES]),
        "Product Score": cur["product"],
        "Product Health": labelled(codes_of_scores(cur["product"], cfg), NAMES),
        "Risk (Sentiment)": labelled(cur["risk"], NAMES),
        "Sentiment Stale": cur["stale"],
        "Success Plan Health": labelled(cur["outcomes"], NAMES),
        "Tickets (Month)": cur["tickets"],
        "Support Health": labelled(cur["voice"], NAMES),
        "Emergency Health": labelled(cur["emergency"], NAMES),
        "Days Since Last Meeting": cur["since_meeting"],
        "Meeting Cadence Health": labelled(cur["cadence"], NAMES),
        "Persona Health": labelled(cur["persona"], NAMES),
        "Engagement Score": cur["engagement"],
        "Health Score": cur["score"],
        "Health Colour": labelled(cur["colour"], NAMES),
        "Previous Health Score": prev["score"],
        "Previous Health Colour": labelled(prev["colour"], NAMES),
        "Health Trend": labelled(trend_index(prev["score"], cur["score"], cfg.trend_epsilon),
                                 TRENDS),
        "Drop Alerts": _drop_text(prev["codes"], c),
        "Adoption Complete": np.where(np.isnan(cur["util"]), None, adopted).astype(object),
        "First Value Date": fv.astype("datetime64[ns]"),
        "Time to Engage": engage,
        "Engage Status": engage_st,
        "Time to First Value": fvd,
        "First Value Status": fv_st,
        "Time to Onboard": onboard,
        "Onboard Status": onboard_st,
        "MRR Year Ago": a,
        "MRR Now": np.where(np.isnan(a) & np.isnan(now), np.nan, b),
        "GRR": grr,
        "NRR": nrr,
        **{name: flag.astype(bool) for name, flag in flags.items()},
    })
