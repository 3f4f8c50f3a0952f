"""A fast, seeded, vectorised synthetic CS portfolio of any size (for benchmarks and load tests).

``synthetic_portfolio(n_accounts, as_of, seed)`` returns a :class:`~cs_workbook.data.CSData`
(through ``CSData.from_frames``, so canonical dtypes) with, per account:

* one Accounts row: every segment, tier (incl. Ultimate), deployment, CSM priority; blanks in
  optional columns; new accounts still in the onboarding grace period; zero licences;
* 12 monthly Usage rows (most ending in ``as_of``'s month, some a month earlier, some stale
  enough to make product usage NA); blanks in counters; zero billable users; zero pipelines;
* up to 3 Support rows (some accounts none, some stale);
* a few Timeline events (Poisson, with Dev/Security Lead attendees), Success Plan objectives
  for accounts with a plan, Revenue for the current month and the same month a year earlier,
  and a few MRR Changes.

Everything is built with numpy arrays (no per-row Python apart from the id/text strings), so
100,000 accounts (1.2 M usage rows) take a few seconds, most of it in ``CSData.from_frames``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cs_workbook.data import CSData
from cs_workbook.schema import (DEPLOYMENTS, MRR_REASONS, OBJECTIVE_STATUSES, SEGMENTS,
                                TIERS, TIMELINE_TYPES)

__all__ = ["synthetic_portfolio", "synthetic_frames", "AS_OF", "USAGE_MONTHS"]

AS_OF = dt.date(2025, 6, 15)
USAGE_MONTHS = 12
_PRICE = {"Free": 0.0, "Premium": 348.0, "Ultimate": 1188.0}
_CSMS = np.array([f"CSM {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(60)], dtype=object)
_ATTENDEES = np.array([
    "Dev Lead; Champion", "Security Lead; Champion", "Dev Lead; Security Lead; Sponsor",
    "Champion", "Sponsor; Admin", "Admin", None,
], dtype=object)
_ATT_P = [0.2, 0.12, 0.1, 0.23, 0.15, 0.1, 0.1]
_NOTES = np.array(["Quarterly review", "Roadmap walkthrough", "Renewal prep", None,
                   "Escalation follow-up", "CI migration workshop"], dtype=object)


def _days(n):
    return n.astype("timedelta64[D]")


def _null_dates(rng, d: np.ndarray, p: float) -> np.ndarray:
    d = d.copy()
    d[rng.random(len(d)) < p] = np.datetime64("NaT")
    return d


def _null_floats(rng, x: np.ndarray, p: float) -> np.ndarray:
    x = x.astype(float)
    x[rng.random(len(x)) < p] = np.nan
    return x


def _bools(rng, n: int, p_true: float, p_na: float) -> pd.Series:
    v = pd.array(rng.random(n) < p_true, dtype="boolean")
    v[rng.random(n) < p_na] = pd.NA
    return pd.Series(v)


def _choice(rng, options, n, p=None) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p)]


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.array([f"{prefix}{i:06d}" for i in range(1, n + 1)], dtype=object)


def synthetic_frames(n_accounts: int, as_of: dt.date = AS_OF, seed: int = 7,
                     months: int = USAGE_MONTHS) -> dict:
    """``{sheet name: DataFrame}`` of raw (not yet canonical) values; see module doc.

    ``months`` Usage rows per account (12 by default; the scale benchmark uses 24)."""
    rng = np.random.default_rng(seed)
    n = int(n_accounts)
    today = np.datetime64(as_of, "D")
    month_now = np.datetime64(as_of, "M")
    ids = _ids("ACC-", n)

    # -- Accounts ---------------------------------------------------------------------------
    segment = _choice(rng, SEGMENTS, n, [0.1, 0.25, 0.35, 0.3])
    tier = _choice(rng, TIERS, n, [0.15, 0.5, 0.35])
    new = rng.random(n) < 0.08  # in onboarding grace / too young for a licence colour
    age_days = np.where(new, rng.integers(3, 90, n), rng.integers(90, 2500, n))
    contract = today - _days(age_days)
    lic = np.clip(np.exp(rng.normal(4.0, 1.3, n)).round(), 1, 100_000)
    lic[rng.random(n) < 0.005] = 0
    arr = lic * np.vectorize(_PRICE.get, otypes=[float])(tier) * rng.uniform(0.8, 1.2, n)
    ob_start = _null_dates(rng, contract + _days(rng.integers(0, 15, n)), 0.1)
    ob_base = np.where(np.isnat(ob_start), contract, ob_start)
    first_meeting = _null_dates(rng, ob_base + _days(rng.integers(-3, 40, n)), 0.15)
    closed = ob_base + _days(rng.integers(10, 120, n))
    closed = _null_dates(rng, np.where(closed > today, np.datetime64("NaT"), closed), 0.1)
    infra = closed + _days(rng.integers(0, 90, n))
    infra = _null_dates(rng, np.where(infra > today, np.datetime64("NaT"), infra), 0.2)
    priority = _null_floats(rng, rng.integers(1, 4, n), 0.15)
    csm = _choice(rng, _CSMS, n)
    csm[(segment == "Tech Touch") & (rng.random(n) < 0.5)] = None
    sentiment = _choice(rng, ["Green", "Yellow", "Red", None], n, [0.5, 0.25, 0.1, 0.15])
    plan = _choice(rng, ["Active", "Draft", "None", None], n, [0.4, 0.2, 0.2, 0.2])
    accounts = pd.DataFrame({
        "Account ID": ids,
        "Account": np.char.add("Company ", np.arange(1, n + 1).astype(str)).astype(object),
        "Segment": segment,
        "CSM": csm,
        "CSM Priority": priority,
        "Tier": tier,
        "Deployment": _choice(rng, DEPLOYMENTS, n, [0.6, 0.3, 0.1]),
        "Contract Date": contract,
        "Subscription Start": _null_dates(rng, contract, 0.2),
        "Renewal Date": today + _days(rng.integers(-30, 365, n)),
        "Licensed Users": lic,
        "ARR": _null_floats(rng, arr.round(2), 0.05),
        "Onboarding Start": ob_start,
        "First Meeting": first_meeting,
        "Onboarding Closed": closed,
        "Infrastructure Ready": infra,
        "First Value Date": _null_dates(rng, contract + _days(rng.integers(5, 200, n)), 0.7),
        "Outcome Achieved": _null_dates(rng, contract + _days(rng.integers(60, 400, n)), 0.8),
        "CSM Sentiment": sentiment,
        "Sentiment Updated": _null_dates(rng, today - _days(rng.integers(0, 200, n)), 0.1),
        "Success Plan Status": plan,
        "Success Plan Objectives": _null_floats(rng, rng.integers(0, 5, n), 0.4),
        "Success Plan Strategy": _bools(rng, n, 0.6, 0.3),
        "Dev Lead Engaged": _bools(rng, n, 0.5, 0.5),
        "Security Lead Engaged": _bools(rng, n, 0.4, 0.5),
        "Last Meeting": _null_dates(rng, today - _days(rng.integers(0, 150, n)), 0.3),
    })

    # -- Usage: 12 months per account ending now, a month ago (fresh) or 3 months ago (stale) --
    m = int(months)
    lag = _choice(rng, [0, 1, 3], n, [0.85, 0.07, 0.08]).astype(int)
    acct = np.repeat(np.arange(n), m)
    step = np.tile(np.arange(m - 1, -1, -1), n)  # 11 … 0 months before the account's last
    month = (month_now - lag[acct] - step).astype("datetime64[D]")
    base = rng.beta(2, 2, n) * 1.3
    slope = rng.normal(0, 0.02, n)
    util = np.clip(base[acct] - slope[acct] * step + rng.normal(0, 0.03, n * m), 0, None)
    bill = np.floor(lic[acct] * util)
    bill[rng.random(n * m) < 0.01] = 0
    r = n * m

    def share(a, b):
        return np.floor(bill * rng.beta(a, b, r))

    deployments = np.floor(bill * rng.gamma(1.5, 3, r))
    successful = np.floor(deployments * rng.beta(8, 2, r))
    no_cd = (rng.random(n) < 0.15)[acct]
    sec_blank = np.where(tier == "Ultimate", 0.1, 0.6)
    no_sec = (rng.random(n) < sec_blank)[acct]
    pipelines = np.floor(bill * rng.gamma(2, 5, r))
    pipelines[rng.random(r) < 0.03] = 0

    def blank(x, mask):
        x = x.astype(float)
        x[mask] = np.nan
        return x

    usage = pd.DataFrame({
        "Account ID": ids[acct],
        "Month": month,
        "Billable Users": bill,
        "Active Users": _null_floats(rng, share(5, 2), 0.03),
        "Git Operation Users": _null_floats(rng, share(2, 3), 0.03),
        "CI Builds": _null_floats(rng, np.floor(bill * rng.gamma(2, 20, r)), 0.03),
        "Deployment Users": blank(share(1, 10), no_cd),
        "Deployments": blank(deployments, no_cd),
        "Successful Deployments": blank(successful, no_cd),
        "Failed Deployments": blank(deployments - successful, no_cd),
        "Scanner Users": blank(share(1, 6), no_sec),
        "Scans": blank(np.floor(pipelines * rng.beta(2, 3, r)), no_sec),
        "CI Pipelines": blank(pipelines, no_sec),
        "Scanner Types": blank(rng.integers(0, 7, r), no_sec),
    })

    # -- Support: last 3 months (10 % none, 10 % stopped two months ago) -------------------
    has = rng.random(n) >= 0.1
    s_lag = np.where(rng.random(n) < 0.1, 2, 0)
    s_acct = np.repeat(np.flatnonzero(has), 3)
    s_step = np.tile(np.arange(2, -1, -1), int(has.sum()))
    lam = np.exp(rng.normal(1.3, 1.0, n))
    k = len(s_acct)
    support = pd.DataFrame({
        "Account ID": ids[s_acct],
        "Month": (month_now - s_lag[s_acct] - s_step).astype("datetime64[D]"),
        "Tickets": rng.poisson(lam[s_acct]).astype(float),
        "Emergency Open": _null_floats(rng, rng.binomial(2, 0.05, k), 0.1),
        "Emergency Closed Last 7 Days": _null_floats(rng, rng.binomial(3, 0.07, k), 0.1),
    })

    # -- Timeline: a few events per account in the last ~13 months ---------------------------
    t_count = rng.poisson(3, n)
    t_acct = np.repeat(np.arange(n), t_count)
    k = len(t_acct)
    timeline = pd.DataFrame({
        "Account ID": ids[t_acct],
        "Date": today - _days(rng.integers(0, 400, k)),
        "Type": _choice(rng, TIMELINE_TYPES, k, [0.35, 0.35, 0.2, 0.1]),
        "Attendees": _choice(rng, _ATTENDEES, k, _ATT_P),
        "Notes": _choice(rng, _NOTES, k),
    })

    # -- Success Plan: objectives for accounts with an Active or Draft plan -----------------
    with_plan = np.isin(plan, ["Active", "Draft"])
    p_count = np.where(with_plan, rng.integers(0, 5, n), 0)
    p_acct = np.repeat(np.arange(n), p_count)
    k = len(p_acct)
    target = today + _days(rng.integers(-200, 200, k))
    status = _choice(rng, OBJECTIVE_STATUSES, k, [0.2, 0.4, 0.2, 0.1, 0.1])
    achieved = np.where(status == "Achieved", target - _days(rng.integers(0, 30, k)),
                        np.datetime64("NaT"))
    success_plan = pd.DataFrame({
        "Account ID": ids[p_acct],
        "Objective": np.char.add("Objective ", rng.integers(1, 50, k).astype(str)).astype(object),
        "Status": status,
        "Target Date": target,
        "Achieved Date": achieved.astype("datetime64[D]"),
    })

    # -- Revenue: this month and the same month a year ago --------------------------------
    mrr = np.nan_to_num(arr) / 12
    ago = rng.random(n) < 0.9
    now = rng.random(n) < 0.92
    mrr_now = mrr * rng.lognormal(0.05, 0.25, n)
    mrr_now[rng.random(n) < 0.03] = 0
    def at(month, k):
        return np.full(k, month).astype("datetime64[D]")

    revenue = pd.concat([
        pd.DataFrame({"Account ID": ids[ago], "Month": at(month_now - 12, ago.sum()),
                      "MRR": mrr[ago].round(2)}),
        pd.DataFrame({"Account ID": ids[now], "Month": at(month_now, now.sum()),
                      "MRR": mrr_now[now].round(2)}),
    ], ignore_index=True)

    # -- MRR Changes: ~10 % of accounts ---------------------------------------------------
    c_acct = np.flatnonzero(rng.random(n) < 0.1)
    k = len(c_acct)
    mrr_changes = pd.DataFrame({
        "Account ID": ids[c_acct],
        "Month": (month_now - rng.integers(0, 12, k)).astype("datetime64[D]"),
        "Change": (rng.normal(0, 1, k) * mrr[c_acct] * 0.2).round(2),
        "Reason": _choice(rng, MRR_REASONS, k),
    })

    return {"Accounts": accounts, "Usage": usage, "Support": support, "Timeline": timeline,
            "Success Plan": success_plan, "Revenue": revenue, "MRR Changes": mrr_changes}


def synthetic_portfolio(n_accounts: int, as_of: dt.date = AS_OF, seed: int = 7) -> CSData:
    """A canonical :class:`CSData` of ``n_accounts`` synthetic accounts (see module doc)."""
    return CSData.from_frames(synthetic_frames(n_accounts, as_of, seed), source="synthetic")
