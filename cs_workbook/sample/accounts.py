"""The sample portfolio's accounts: each one's plan, timeline, success plan and Accounts row.

The plan fixes an account's lifecycle stage, segment, special role (churn, stale usage, quiet…),
contract and onboarding dates and usage curve; :mod:`.series` turns it into monthly series
and :func:`.sample.sample_portfolio` calls both in its fixed order of random draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .names import (COMPANIES, CSMS, NOTES, OBJECTIVES, SEGMENT_CYCLE, SEGMENT_PROFILES,
                           STAGE_CYCLE)

_CONTRACT_DAYS_AGO = ((12, 80), (75, 170), (200, 1080), (330, 1080))
_MEETING_INTERVAL = {1: (21, 35), 2: (35, 70), 3: (60, 120), None: (60, 120)}


def _month(ts: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(ts.year, ts.month, 1)


def _days(ts, n) -> pd.Timestamp:
    return ts + pd.Timedelta(days=int(n))


def _company(i: int) -> str:
    base, k = COMPANIES[i % len(COMPANIES)], i // len(COMPANIES)
    return f"{base} {k + 1}" if k else base


def _pick(rng, eligible: np.ndarray, k: int) -> np.ndarray:
    """Up to ``k`` distinct indices where ``eligible`` is True, sorted."""
    idx = np.flatnonzero(eligible)
    k = min(k, len(idx))
    return np.sort(rng.choice(idx, size=k, replace=False)) if k else idx[:0]


def _roles(rng, n, specs) -> np.ndarray:
    """``specs`` = (name, count, eligible mask) handed out in order, one name per account."""
    out = np.full(n, "", dtype=object)
    for name, k, eligible in specs:
        out[_pick(rng, eligible & (out == ""), k)] = name
    return out


def _pchoice(rng, options, p):
    return options[int(rng.choice(len(options), p=np.asarray(p) / np.sum(p)))]


def _plan_accounts(rng, as_of, n) -> list[dict]:
    """Stage, segment and special roles (churn, stale usage, quiet…) of every account."""
    stage = np.array([STAGE_CYCLE[i % 20] for i in range(n)])[rng.permutation(n)]
    segment = np.array([SEGMENT_CYCLE[i % 20] for i in range(n)], dtype=object)[rng.permutation(n)]
    tier = np.array([_pchoice(rng, ("Free", "Premium", "Ultimate"), SEGMENT_PROFILES[s]["tier_p"])
                     for s in segment], dtype=object)
    tier[_pick(rng, (segment == "Tech Touch") & (stage < 3), max(1, n // 20))] = "Free"
    paid, m = tier != "Free", lambda k: max(1, k * n // 40)  # m scales a count per 40 accounts
    role = _roles(rng, n, (("churn", m(3), (stage == 2) & paid), ("decline", n // 20, stage == 2),
                           ("stale", 1, stage == 2), ("highutil", n // 10, stage == 2)))
    meet = _roles(rng, n, (("none", m(2), stage == 0), ("early", m(2), stage >= 1),
                           ("quiet60", m(2), (stage >= 2) & (role != "churn")),
                           ("quiet90", m(2), stage >= 2)))
    pool = paid & (role != "churn") & (stage >= 1)
    rev = _roles(rng, n, (("Product Change", m(2), pool & (tier == "Ultimate")),
                          ("Product Change/Seat Change Mix", m(1), pool & (tier == "Ultimate")),
                          ("Trueup", m(3), pool & (stage == 3)), ("Seat Expansion", m(5), pool),
                          ("Downgrade", m(2), pool & (stage == 2)),
                          ("Discount/Price Change", m(2), pool)))
    support = _roles(rng, n, (("emergency_open", 1, stage >= 1),
                              ("emergency_closed", 1, stage >= 1), ("busy", 2, stage >= 1)))
    pool = (stage >= 2) & (segment != "Tech Touch") & (role != "churn")
    sentiment = _roles(rng, n, (("stale90", 3, pool), ("stale120", 1, pool)))
    csm_order = rng.permutation(n)
    accounts = []
    for i in range(n):
        a = {"stage": int(stage[i]), "segment": segment[i], "tier": tier[i],
             "role": role[i], "meet": meet[i], "rev": rev[i], "support": support[i],
             "sentiment": sentiment[i], "id": f"ACC-{i + 1:03d}", "name": _company(i),
             "csm": CSMS[int(csm_order[i]) % len(CSMS)]}
        seg = SEGMENT_PROFILES[a["segment"]]
        a["priority"] = _pchoice(rng, *seg["priority_p"])
        a["deployment"] = _pchoice(rng, ("SaaS", "Self-Managed", "Dedicated"), seg["deployment_p"])
        _dates(rng, a, as_of)
        _curve(rng, a)
        accounts.append(a)
    return accounts


def _dates(rng, a, as_of) -> None:
    """Contract, subscription, renewal and onboarding milestones consistent with the stage."""
    stage = a["stage"]
    lo, hi, step = SEGMENT_PROFILES[a["segment"]]["seats"]
    a["licensed"] = int(round(rng.integers(lo, hi + 1) / step) * step)
    if a["role"] == "churn":  # churn happens at a renewal 1–4 months ago
        a["churn_in"] = int(rng.integers(1, 5))
        base = _month(as_of) - pd.DateOffset(months=a["churn_in"], years=int(rng.integers(1, 3)))
        contract = _days(base, rng.integers(0, 28))
    else:
        contract = _days(as_of, -rng.integers(*_CONTRACT_DAYS_AGO[stage]))
    a["contract"] = contract
    sub = min(as_of, _days(contract, 0 if rng.random() < .7 else rng.integers(1, 8)))
    years = as_of.year - sub.year
    renewal = sub + pd.DateOffset(years=years)
    a["renewal"] = renewal if renewal > as_of else renewal + pd.DateOffset(years=1)
    start = min(as_of, _days(contract, rng.integers(4 if a["meet"] == "early" else 0, 8)))
    if a["meet"] == "none":
        first = None
    elif a["meet"] == "early":  # the kickoff call happened before the onboarding CTA opened
        first = _days(start, -rng.integers(1, 4))
    else:
        first = _days(start, min(int(rng.integers(0, 26)), (as_of - start).days))
    closed = infra = None
    if stage >= 1:
        closed = _days(start, rng.integers(20, 71))
        closed = min(max(closed, _days(first, 5)), _days(as_of, -1))
    if stage >= 2:
        infra = min(_days(closed, rng.integers(10, 91)), as_of)
    a.update(sub=sub, start=start, first=first, closed=closed, infra=infra)


def _curve(rng, a) -> None:
    """Parameters of the account's usage growth curves (utilization, git, CI, CD, security)."""
    stage, kind = a["stage"], a["role"]
    # (plateau low, plateau high, tau low, tau high) of the utilization curve by stage
    plateau = ((.15, .45, 5, 9), (.3, .65, 3, 6), (.35, .72, 2, 6), (.86, 1.18, 1.5, 3.5))[stage]
    git = (.15, .7)
    if kind == "highutil":
        plateau, git = (.84, .98, 1.5, 4), (.12, .28)
    elif kind in ("decline", "churn"):
        plateau = (.7, .95, 1.5, 4)
    elif stage == 3:
        git = (.42, .85)
    ci = ((0, 8), (1, 20), (3, 50), (25, 80))[stage]  # CI builds per billable user
    a["curve"] = {
        "u0": rng.uniform(.01, .05), "P": rng.uniform(*plateau[:2]),
        "tau": rng.uniform(*plateau[2:]), "g0": rng.uniform(.05, .15), "G": rng.uniform(*git),
        "tau_g": rng.uniform(1.5, 5), "active": rng.uniform(.55, .95), "ci": rng.uniform(*ci),
        "dep": rng.uniform(0, .25), "dpu": rng.uniform(0, 12), "ok": rng.uniform(.55, .98),
        "scan": rng.uniform(.05, .35), "spp": rng.uniform(.05, 1.5),
        "types": int(rng.integers(2, 8)), "runs": rng.uniform(3, 6),
    }


def _attendees(rng, kind, p_dev, p_sec) -> str:
    if kind == "Email":
        return _pchoice(rng, ("Engineering Manager", "Dev Lead", "Procurement"), (.5, .35, .15))
    people = ["VP Engineering", "CTO"] if kind == "EBR" else []
    for persona, p in (("Dev Lead", p_dev), ("Security Lead", p_sec), ("VP Engineering", .2),
                       ("Engineering Manager", .4), ("Platform Engineer", .4)):
        if rng.random() < p and persona not in people:
            people.append(persona)
    return "; ".join(people or ["Engineering Manager"])


def _timeline(rng, a, as_of) -> list[dict]:
    """Welcome email, kickoff call, then calls/meetings/emails/EBRs at the priority's cadence."""
    p_dev = rng.uniform(.2, .9)
    p_sec = rng.uniform(.2, .8) if a["tier"] == "Ultimate" else rng.uniform(0, .3)
    rows = [(a["start"], "Email", "Engineering Manager",
             "Welcome email: onboarding plan and kickoff invite")]
    if a["first"] is not None:
        rows.append((a["first"], "Call", "Dev Lead; Engineering Manager; Platform Engineer",
                     "Kickoff call: goals, onboarding plan, success criteria"))
        gap = {"quiet60": (61, 86), "quiet90": (95, 151)}.get(a["meet"], (0, 1))
        end = _days(as_of, -rng.integers(*gap))
        lo, hi = _MEETING_INTERVAL[a["priority"]]
        d, last_ebr = _days(a["first"], rng.integers(lo, hi + 1)), a["first"]
        while d <= end:
            if a["segment"] in ("Strategic", "Growth") and (d - last_ebr).days >= 180:
                kind, last_ebr = "EBR", d
            elif a["priority"] in (1, 2):
                kind = _pchoice(rng, ("Call", "Meeting", "Email"), (.45, .35, .2))
            else:
                kind = _pchoice(rng, ("Email", "Call"), (.6, .4))
            note = NOTES[kind][int(rng.integers(len(NOTES[kind])))]
            rows.append((d, kind, _attendees(rng, kind, p_dev, p_sec), note))
            d = _days(d, rng.integers(lo, hi + 1))
    meetings = [d for d, kind, _, _ in rows if kind != "Email"]
    a["last_meeting"] = max(meetings) if meetings else None
    recent = [people.split("; ") for d, _, people, _ in rows if (as_of - d).days <= 90]
    a["dev_lead"] = any("Dev Lead" in p for p in recent)
    a["security_lead"] = any("Security Lead" in p for p in recent)
    return [{"Account ID": a["id"], "Date": d, "Type": kind, "Attendees": people, "Notes": note}
            for d, kind, people, note in rows]


def _success_plan(rng, a, as_of) -> list[dict]:
    """Plan status, strategy flag and 0–4 objectives with target and achieved dates."""
    status = _pchoice(rng, ("Active", "Draft", "None"), SEGMENT_PROFILES[a["segment"]]["plan_p"])
    if a["stage"] == 0 and status == "Active":
        status = "Draft"
    n_obj = int(rng.integers(*{"Active": (1, 5), "Draft": (0, 3), "None": (0, 1)}[status]))
    strategy = bool(rng.random() < {"Active": .75, "Draft": .2, "None": 0}[status])
    a.update(plan=status, objectives=n_obj, strategy=strategy)
    rows = []
    for k in rng.permutation(len(OBJECTIVES))[:n_obj]:
        target, achieved, r = _days(a["start"], rng.integers(60, 400)), None, rng.random()
        if status == "Active" and (a["stage"] == 3 and r < .6 or target < as_of and r < .5):
            status_k = "Achieved"
            achieved = min(as_of, max(_days(a["start"], 14), _days(target, rng.integers(-45, 21))))
        elif target < as_of:
            status_k = "At Risk" if r < .88 else "Cancelled"
        else:
            status_k = "In Progress" if r < .6 else "Not Started"
        rows.append({"Account ID": a["id"], "Objective": OBJECTIVES[k], "Status": status_k,
                     "Target Date": target, "Achieved Date": achieved})
    return rows


def _finish_account(rng, a, as_of) -> None:
    """Sentiment, outcome and the Accounts row (after usage, timeline and plan are known)."""
    if a["segment"] == "Tech Touch" and rng.random() < .5:
        sentiment = updated = None
    else:
        if a["role"] == "churn":
            sentiment = "Red"
        elif a["role"] == "decline":
            sentiment = _pchoice(rng, ("Yellow", "Red"), (.6, .4))
        else:
            sentiment = _pchoice(rng, ("Green", "Yellow", "Red"), (.55, .3, .15))
        age = {"stale90": (91, 120), "stale120": (121, 200)}.get(a["sentiment"], (2, 61))
        updated = max(a["start"], _days(as_of, -rng.integers(*age)))
    outcome = None
    if a["stage"] == 3 and rng.random() < .65:
        lo = _days(max(a["infra"], a["fvd"] or a["infra"]), 30)
        if lo < as_of:
            outcome = _days(lo, rng.integers(0, (as_of - lo).days + 1))
    a["row"] = {
        "Account ID": a["id"], "Account": a["name"], "Segment": a["segment"], "CSM": a["csm"],
        "CSM Priority": a["priority"], "Tier": a["tier"], "Deployment": a["deployment"],
        "Contract Date": a["contract"], "Subscription Start": a["sub"],
        "Renewal Date": None if a["role"] == "churn" else a["renewal"],
        "Licensed Users": a["licensed"], "ARR": a["arr"], "Onboarding Start": a["start"],
        "First Meeting": a["first"], "Onboarding Closed": a["closed"],
        "Infrastructure Ready": a["infra"], "First Value Date": a["fvd"],
        "Outcome Achieved": outcome, "CSM Sentiment": sentiment, "Sentiment Updated": updated,
        "Success Plan Status": a["plan"], "Success Plan Objectives": a["objectives"],
        "Success Plan Strategy": a["strategy"], "Dev Lead Engaged": a["dev_lead"],
        "Security Lead Engaged": a["security_lead"], "Last Meeting": a["last_meeting"],
    }
