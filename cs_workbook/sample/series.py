"""The sample portfolio's monthly series: usage, support tickets, MRR and the MRR changes.

Each is generated from an account's plan (:mod:`.accounts`) and ends at the review month.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .accounts import _month
from .names import SEGMENT_PROFILES

__all__ = ["PRICE_PER_SEAT", "USAGE_MONTHS", "REVENUE_MONTHS"]

#: list price per seat per year by tier (ARR = Licensed Users × price)
PRICE_PER_SEAT = {"Free": 0.0, "Premium": 348.0, "Ultimate": 1188.0}
USAGE_MONTHS = 18
#: 25 months so that the value 12 months before every one of the last 13 months exists
REVENUE_MONTHS = 25

_DECLINE = {"decline": (0.9, 0.8, 0.68), "churn": (0.8, 0.6, 0.4)}
_PREMIUM = PRICE_PER_SEAT["Premium"]
#: (seats, price per seat) before an MRR change, from those after it
_BEFORE = {
    "Seat Expansion": lambda rng, s, p: (max(1, round(s / rng.uniform(1.15, 1.6))), p),
    # a true-up bills the seats used over the license
    "Trueup": lambda rng, s, p: (s - max(1, round(s * rng.uniform(.04, .15))), p),
    "Product Change": lambda rng, s, p: (s, _PREMIUM),
    "Product Change/Seat Change Mix":
        lambda rng, s, p: (round(s / rng.uniform(1.1, 1.4)), _PREMIUM),
    "Discount/Price Change": lambda rng, s, p: (s, round(p * rng.uniform(.85, .95), 2)),
    "Downgrade": lambda rng, s, p: (round(s * rng.uniform(1.15, 1.5)), p),
}


def _mdiff(a: pd.Timestamp, b: pd.Timestamp) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _usage(rng, a, as_of) -> pd.DataFrame:
    """Monthly usage from the contract month (the last 18 months are kept); sets First Value."""
    c, L, first = a["curve"], a["licensed"], _month(a["contract"])
    n = _mdiff(first, _month(as_of)) + 1
    t = np.arange(n, dtype=float)
    months = pd.date_range(first, periods=n, freq="MS")
    ramp = 1 - np.exp(-(t + 1) / c["tau"])
    util = (c["u0"] + (c["P"] - c["u0"]) * (1 - np.exp(-t / c["tau"]))) * rng.normal(1, .03, n)
    git = c["g0"] + (c["G"] - c["g0"]) * (1 - np.exp(-t / c["tau_g"]))
    if a["role"] in _DECLINE:
        f = np.array(_DECLINE[a["role"]])[-n:]
        util[-len(f):] *= f
    kept = max(1, n - 3) if a["role"] == "stale" else n
    kind = "highutil" if a["role"] == "highutil" else ("", "", "low", "grow")[a["stage"]]
    tail = slice(max(0, kept - 3), kept)
    if kind == "grow":
        util[tail], git[tail] = np.maximum(util[tail], .82), np.maximum(git[tail], .38)
    elif kind == "highutil":
        git[tail] = np.minimum(git[tail], .28)
    b = np.maximum(1, np.rint(util * L)).astype(int)
    act = np.minimum(b, np.rint(b * c["active"] * rng.normal(1, .03, n))).astype(int)
    g = np.minimum(act, np.rint(b * git)).astype(int)
    _settle_stage(kind, b, act, g, kept - 1, L)
    ci = np.minimum(80 * b, np.rint(b * c["ci"] * ramp * rng.uniform(.85, 1.15, n)))
    deployments = np.rint(b * c["dpu"] * ramp)
    ok = np.rint(deployments * c["ok"])
    pipelines = np.rint(ci / c["runs"])
    share = {"Ultimate": (c["scan"], c["spp"], c["types"]), "Premium": (.02, .05, 1)}
    scan, spp, types = share.get(a["tier"], (0, 0, 0))
    reached = np.flatnonzero(b[:kept] / L >= .10)
    a["fvd"] = months[reached[0]] if len(reached) else None
    df = pd.DataFrame({
        "Account ID": a["id"], "Month": months, "Billable Users": b, "Active Users": act,
        "Git Operation Users": g, "CI Builds": ci, "Deployment Users": np.rint(b * c["dep"] * ramp),
        "Deployments": deployments, "Successful Deployments": ok,
        "Failed Deployments": deployments - ok, "Scanner Users": np.rint(b * scan * ramp),
        "Scans": np.rint(pipelines * spp * ramp), "CI Pipelines": pipelines,
        "Scanner Types": np.minimum(7, np.rint(types * ramp)),
    })
    start = _month(as_of) - pd.DateOffset(months=USAGE_MONTHS - 1)
    return df[(months >= start) & (t < kept)]


def _settle_stage(kind, b, act, g, j, licensed) -> None:
    """Make the latest usage row ``j`` state the planned stage exactly.

    Adoption is complete when license utilization ≥ 80 % and the SCM use case is Green
    (git operation users / billable users > 33 %), methodology §2.1 and §3.3.
    """
    if kind == "grow":
        b[j] = max(b[j], math.ceil(.8 * licensed))
        g[j] = max(g[j], b[j] // 3 + 1)
        act[j] = max(act[j], g[j])
    elif kind == "highutil":
        g[j] = min(g[j], int(.33 * b[j]))
    elif kind == "low":
        b[j] = min(b[j], int(.79 * licensed))
        act[j], g[j] = min(act[j], b[j]), min(g[j], b[j])


def _support(rng, a, as_of) -> list[dict]:
    """Monthly ticket counts for the usage window (from the contract month)."""
    am = _month(as_of)
    start = max(_month(a["contract"]), am - pd.DateOffset(months=USAGE_MONTHS - 1))
    months = pd.date_range(start, am, freq="MS")
    n = len(months)
    busy = a["support"] == "busy"
    rate = SEGMENT_PROFILES[a["segment"]]["tickets"]
    tickets = rng.poisson(rng.uniform(*((16, 24) if busy else rate)), n)
    em_open = (rng.random(n) < .02).astype(int)
    em_closed = (rng.random(n) < .03).astype(int)
    if a["support"] == "emergency_open":
        em_open[-1] = 1
    elif a["support"] == "emergency_closed":
        em_open[-1], em_closed[-1] = 0, 1
    return [{"Account ID": a["id"], "Month": m, "Tickets": tickets[k], "Emergency Open": em_open[k],
             "Emergency Closed Last 7 Days": em_closed[k]} for k, m in enumerate(months)]


def _revenue(rng, a, as_of) -> tuple[list[dict], list[dict]]:
    """Monthly MRR over the last 25 months and the MRR changes that explain it."""
    price, seats_now = PRICE_PER_SEAT[a["tier"]], a["licensed"]
    a["arr"] = 0.0 if a["role"] == "churn" else seats_now * price
    if price == 0:
        return [], []
    am = _month(as_of)
    start = max(_month(a["contract"]), am - pd.DateOffset(months=REVENUE_MONTHS - 1))
    months = pd.date_range(start, am, freq="MS")
    n = len(months)
    seats, prices, reasons = np.full(n, float(seats_now)), np.full(n, price), [None] * n
    if a["role"] == "churn":
        k = n - 1 - a["churn_in"]
        seats[k:], reasons[k] = 0, "Cancellation"
    reason = a["rev"]
    if reason and n >= 2:
        k = int(rng.integers(1, n))
        seats[:k], prices[:k] = _BEFORE[reason](rng, seats_now, price)
        reasons[k] = reason
        if reason == "Trueup" and k >= 2 and rng.random() < .5:
            k2 = int(rng.integers(1, k))
            seats[:k2], prices[:k2] = _BEFORE["Seat Expansion"](rng, seats[k2], prices[k2])
            reasons[k2] = "Seat Expansion"
    mrr = np.round(seats * prices / 12, 2)
    revenue = [{"Account ID": a["id"], "Month": m, "MRR": mrr[k]} for k, m in enumerate(months)]
    changes = [{"Account ID": a["id"], "Month": months[k], "Change": round(mrr[k] - mrr[k - 1], 2),
                "Reason": reasons[k]} for k in range(1, n) if mrr[k] != mrr[k - 1]]
    return revenue, changes
