"""Portfolio scoring: the same numbers as the metric rules, and hand-computed tiny portfolios."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cs_workbook import metrics
from cs_workbook.config import DEFAULT
from cs_workbook.data import CSData
from cs_workbook.portfolio import score_accounts
from cs_workbook.sample import sample_portfolio

AS_OF = dt.date(2026, 11, 23)
COMPONENTS = ["Product Score", "Risk (Sentiment)", "Success Plan Health", "Support Health",
              "Engagement Score"]


def _na(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))


def _py(v):
    """A cell as plain Python (NA → None)."""
    if _na(v):
        return None
    return float(v) if isinstance(v, (np.floating, np.integer)) else v


def _values(x) -> list:
    return [_py(v) for v in (x.to_numpy(dtype=object) if isinstance(x, pd.Series) else x)]


def _assert_same(actual, expected, what):
    bad = []
    for i, (a, e) in enumerate(zip(_values(actual), _values(expected))):
        if a is None or e is None:
            ok = a is None and e is None
        elif isinstance(a, float) or isinstance(e, float):
            ok = a == pytest.approx(e, rel=1e-9, abs=1e-9)
        else:
            ok = a == e
        if not ok:
            bad.append((i, a, e))
    assert not bad, f"{what}: (row, portfolio, rule) {bad[:5]}"


@pytest.fixture(scope="module")
def data():
    return sample_portfolio(AS_OF)


@pytest.fixture(scope="module")
def scores(data):
    return score_accounts(data, AS_OF, DEFAULT)


# -- the sample portfolio ----------------------------------------------------------------------

def test_one_row_per_account(data, scores):
    assert len(scores) == len(data.accounts)
    assert list(scores["Account ID"]) == list(data.accounts["Account ID"])
    assert scores["Account ID"].is_unique


def test_all_four_lifecycle_stages_present(scores):
    assert set(scores["Lifecycle Stage"]) == set(metrics.STAGES)


def test_health_scores_are_0_to_100_or_na(scores):
    s = scores["Health Score"].dropna()
    assert ((s >= 0) & (s <= 100)).all()
    for col in ("Product Score", "Engagement Score", "CD Score", "Security Score"):
        v = scores[col].dropna()
        assert ((v >= 0) & (v <= 100)).all(), col
    colours = set(scores["Health Colour"].dropna())
    assert colours <= {"Red", "Yellow", "Green"}


def test_health_score_is_the_rule_applied_to_the_row(scores):
    """The "same numbers" check: Health Score = health_score(own component columns)."""
    _assert_same(scores["Health Score"],
                 metrics.health_score(*(scores[c] for c in COMPONENTS)), "Health Score (column)")
    rowwise = [metrics.health_score(*(_py(r[c]) for c in COMPONENTS))
               for _, r in scores.iterrows()]
    _assert_same(scores["Health Score"], rowwise, "Health Score (row by row)")


def test_health_colour_is_the_rule_applied_to_the_row(scores):
    _assert_same(scores["Health Colour"],
                 metrics.health_colour(*(scores[c] for c in COMPONENTS)), "Health Colour")
    rowwise = [metrics.health_colour(*(_py(r[c]) for c in COMPONENTS))
               for _, r in scores.iterrows()]
    _assert_same(scores["Health Colour"], rowwise, "Health Colour (row by row)")


def test_red_sentiment_means_red_health(scores):
    red = scores["Risk (Sentiment)"] == "Red"
    assert red.any(), "the sample should contain a Red sentiment"
    assert (scores.loc[red, "Health Colour"] == "Red").all()


def test_product_score_is_the_rule_applied_to_the_row(scores):
    args = [scores[c] for c in ("License Health", "User Engagement Health", "SCM Health",
                                "CI Health", "CD Score", "Security Score")]
    _assert_same(scores["Product Score"], metrics.product_score(*args), "Product Score")
    _assert_same(scores["Product Health"], metrics.colour(scores["Product Score"]),
                 "Product Health")
    _assert_same(scores["CD Health"], metrics.colour(scores["CD Score"]), "CD Health")
    _assert_same(scores["Security Health"], metrics.colour(scores["Security Score"]),
                 "Security Health")


def test_license_utilization_is_the_rule(scores):
    _assert_same(scores["License Utilization"],
                 metrics.license_utilization(scores["Billable Users"], scores["Licensed Users"]),
                 "License Utilization")
    _assert_same(scores["Overage Seats"],
                 metrics.overage_seats(scores["Billable Users"], scores["Licensed Users"]),
                 "Overage Seats")


def _usage_current(data, scores, as_of=AS_OF) -> pd.Series:
    """Usage that may be scored: a snapshot within 60 days and past the 30-day grace [§1.5]."""
    acc = data.accounts.set_index("Account ID").loc[scores["Account ID"]]
    start = acc["Onboarding Start"].fillna(acc["Contract Date"]).to_numpy()
    asof = pd.Timestamp(as_of)
    grace = (asof - pd.to_datetime(start)).days < DEFAULT.onboarding_grace_days
    month_end = scores["Usage Month"] + pd.offsets.MonthEnd(0)
    fresh = (asof - month_end).dt.days <= DEFAULT.usage_na_days
    return pd.Series(fresh.to_numpy() & ~np.asarray(grace), index=scores.index)


def test_license_health_is_the_rule(data, scores):
    current = _usage_current(data, scores)
    assert current.any() and (~current).any(), "sample should have scored and NA usage"
    expected = metrics.license_health(scores["License Utilization"],
                                      scores["Account Age (Months)"])
    expected = expected.astype(object).where(current, None)
    _assert_same(scores["License Health"], expected, "License Health")


def test_stale_or_grace_usage_leaves_product_measures_na(data, scores):
    na = ~_usage_current(data, scores)
    for col in ("License Health", "User Engagement Health", "SCM Health", "CI Health",
                "CD Health", "Security Health", "Product Score"):
        assert scores.loc[na, col].isna().all(), col


def test_platform_adoption_is_the_rule(scores):
    args = [scores[c] for c in ("SCM Health", "CI Health", "CD Health", "Security Health")]
    _assert_same(scores["Platform Adoption"], metrics.platform_adoption(*args),
                 "Platform Adoption")


def test_support_health_is_the_rule(scores):
    _assert_same(scores["Support Health"], metrics.support_health(scores["Tickets (Month)"]),
                 "Support Health")


def test_engagement_score_is_the_rule(scores):
    expected = [metrics.weighted_score([_py(c), _py(p)], [50, 50]) for c, p in
                zip(scores["Meeting Cadence Health"], scores["Persona Health"])]
    _assert_same(scores["Engagement Score"], expected, "Engagement Score")


def test_segment_and_tier_applicability(scores):
    """methodology §1.1 applicability and §1.5 Security only for Ultimate."""
    seg = scores["Segment"]
    assert scores.loc[seg == "Tech Touch", "Risk (Sentiment)"].isna().all()
    assert scores.loc[seg.isin(["Scale", "Tech Touch"]), "Success Plan Health"].isna().all()
    assert scores.loc[seg.isin(["Scale", "Tech Touch"]), "Meeting Cadence Health"].isna().all()
    assert scores.loc[seg.isin(["Growth", "Scale", "Tech Touch"]), "Persona Health"].isna().all()
    assert scores.loc[scores["Tier"] != "Ultimate", "Security Health"].isna().all()


def test_retention_bounds(scores):
    g, n = scores["GRR"], scores["NRR"]
    both = g.notna()
    assert both.any()
    assert (g[both] <= 1).all() and (g[both] >= 0).all()
    assert (g[both] <= n[both] + 1e-12).all()
    _assert_same(g, [metrics.grr(_py(a), _py(b)) if not _na(a) and a > 0 else None
                     for a, b in zip(scores["MRR Year Ago"], scores["MRR Now"])], "GRR")


# -- a hand-built portfolio, expected values computed from docs/methodology.md by hand -------------------

TINY_AS_OF = dt.date(2025, 6, 15)


def _accounts(**changes):
    rows = [
        # A: healthy, fully scored Strategic Ultimate account
        dict({"Account ID": "ACC-A", "Account": "Alpha", "Segment": "Strategic", "CSM": "Ann",
              "CSM Priority": 1, "Tier": "Ultimate", "Deployment": "Self-Managed",
              "Contract Date": "2024-01-10", "Subscription Start": "2024-01-10",
              "Renewal Date": "2026-01-10", "Licensed Users": 100, "ARR": 118_800,
              "Onboarding Start": "2024-01-15", "First Meeting": "2024-01-20",
              "Onboarding Closed": "2024-02-20", "Infrastructure Ready": "2024-03-01",
              "CSM Sentiment": "Green", "Sentiment Updated": "2025-06-01",
              "Success Plan Status": "Active", "Success Plan Objectives": 2,
              "Success Plan Strategy": True, "Dev Lead Engaged": True,
              "Security Lead Engaged": False, "Last Meeting": "2025-06-01"},
             **changes.get("ACC-A", {})),
        # B: Tech Touch, usage stopped arriving in March (76 days before as_of)
        dict({"Account ID": "ACC-B", "Account": "Beta", "Segment": "Tech Touch", "CSM": None,
              "CSM Priority": 3, "Tier": "Premium", "Deployment": "SaaS",
              "Contract Date": "2023-01-01", "Licensed Users": 50, "ARR": 17_400,
              "Onboarding Start": "2023-01-05", "Onboarding Closed": "2023-02-15",
              "Infrastructure Ready": "2023-03-01", "CSM Sentiment": "Red",
              "Sentiment Updated": "2025-06-01", "Success Plan Status": "None"},
             **changes.get("ACC-B", {})),
        # C: Strategic account 10 days into onboarding (inside the 30-day grace)
        dict({"Account ID": "ACC-C", "Account": "Gamma", "Segment": "Strategic", "CSM": "Cy",
              "CSM Priority": 1, "Tier": "Ultimate", "Deployment": "SaaS",
              "Contract Date": "2025-06-01", "Licensed Users": 200, "ARR": 237_600,
              "Onboarding Start": "2025-06-05", "First Meeting": "2025-06-08",
              "CSM Sentiment": "Yellow", "Sentiment Updated": "2025-06-10",
              "Success Plan Status": "Draft", "Success Plan Objectives": 1,
              "Success Plan Strategy": False, "Dev Lead Engaged": True,
              "Security Lead Engaged": True, "Last Meeting": "2025-06-08"},
             **changes.get("ACC-C", {})),
    ]
    return rows


FULL_USAGE = {"Active Users": 70, "Git Operation Users": 40, "CI Builds": 4100,
              "Deployment Users": 8, "Deployments": 800, "Successful Deployments": 90,
              "Failed Deployments": 10, "Scanner Users": 25, "Scans": 60, "CI Pipelines": 100,
              "Scanner Types": 3}


def tiny(**changes) -> CSData:
    usage = [
        {"Account ID": "ACC-A", "Month": "2024-01-01", "Billable Users": 5},
        {"Account ID": "ACC-A", "Month": "2024-02-01", "Billable Users": 10},
        {"Account ID": "ACC-A", "Month": "2025-06-01", "Billable Users": 80, **FULL_USAGE},
        {"Account ID": "ACC-B", "Month": "2025-03-01", "Billable Users": 45, **FULL_USAGE},
        {"Account ID": "ACC-C", "Month": "2025-06-01", "Billable Users": 30, "Active Users": 25,
         "Git Operation Users": 20, "CI Builds": 300},
    ]
    support = [
        {"Account ID": "ACC-A", "Month": "2025-06-01", "Tickets": 3, "Emergency Open": 0,
         "Emergency Closed Last 7 Days": 0},
        {"Account ID": "ACC-B", "Month": "2025-06-01", "Tickets": 10, "Emergency Open": 0,
         "Emergency Closed Last 7 Days": 0},
        {"Account ID": "ACC-C", "Month": "2025-06-01", "Tickets": 2, "Emergency Open": 0,
         "Emergency Closed Last 7 Days": 0},
    ]
    revenue = [
        {"Account ID": "ACC-A", "Month": "2024-06-01", "MRR": 8000},
        {"Account ID": "ACC-A", "Month": "2025-06-01", "MRR": 9900},
        {"Account ID": "ACC-B", "Month": "2024-06-01", "MRR": 1450},
    ]
    return CSData.from_frames({"Accounts": _accounts(**changes), "Usage": usage,
                               "Support": support, "Revenue": revenue})


def _row(scores, account_id):
    return scores.set_index("Account ID").loc[account_id]


@pytest.fixture(scope="module")
def tiny_scores():
    return score_accounts(tiny(), TINY_AS_OF, DEFAULT)


def test_tiny_fully_scored_account(tiny_scores):
    a = _row(tiny_scores, "ACC-A")
    # §3.1 LU 80/100; §3.2 age 17 months (Jan 2024 → Jun 2025) and >75 % → Green
    assert a["License Utilization"] == pytest.approx(0.80)
    assert a["Account Age (Months)"] == 17
    assert a["License Health"] == "Green"
    # §2.1: UE 70/80 = 87.5 % G; SCM 40/80 = 50 % G; CI 4100/80 = 51.25 G;
    # CD: 10 % user deployments Y, 10 deployments/user G, 90 % success G → 79.17 G;
    # Security: 31.25 % G, 0.6 scans/pipeline G, 3 types G → 87.5 G
    assert [a[c] for c in ("User Engagement Health", "SCM Health", "CI Health", "CD Health",
                           "Security Health")] == ["Green"] * 5
    assert a["CD Score"] == pytest.approx((62.5 + 87.5 + 87.5) / 3)
    assert a["Security Score"] == pytest.approx(87.5)
    assert a["Platform Adoption"] == 4
    # §2.3: 0.85 × 87.5 + 0.15 × 79.1667 = 86.25
    assert a["Product Score"] == pytest.approx(86.25)
    assert a["Risk (Sentiment)"] == "Green"
    assert a["Success Plan Health"] == "Green"  # Active, 2 objectives, strategy
    assert a["Support Health"] == "Green"  # 3 tickets
    assert a["Emergency Health"] == "Green"
    assert a["Meeting Cadence Health"] == "Green"  # priority 1, 14 days
    assert a["Persona Health"] == "Yellow"  # Dev Lead only
    assert a["Engagement Score"] == pytest.approx(75.0)
    # §1.3: .5 × 86.25 + .25 × 87.5 + .1 × 87.5 + .05 × 87.5 + .1 × 75 = 85.625
    assert a["Health Score"] == pytest.approx(85.625)
    assert a["Health Colour"] == "Green"
    # §3.3 first value auto-detected in Feb 2024 (10/100, inclusive); §4.2 TTV KPIs
    assert pd.Timestamp(a["First Value Date"]) == pd.Timestamp("2024-02-01")
    assert (a["Time to First Value"], a["First Value Status"]) == (22, "Met")
    assert (a["Time to Engage"], a["Engage Status"]) == (5, "Met")
    assert (a["Time to Onboard"], a["Onboard Status"]) == (36, "Met")
    # §3.4 adoption complete (LU ≥ 80 % and SCM Green) → Optimize & Grow
    assert a["Adoption Complete"] is True or a["Adoption Complete"] == True  # noqa: E712
    assert a["Lifecycle Stage"] == "Optimize & Grow"
    # §5.1 MRR 8,000 → 9,900: GRR capped at 100 %, NRR 123.75 %
    assert a["GRR"] == pytest.approx(1.0)
    assert a["NRR"] == pytest.approx(9900 / 8000)


def test_tiny_stale_usage_and_tech_touch(tiny_scores):
    b = _row(tiny_scores, "ACC-B")
    # §1.5 usage last reported March 2025 → more than 60 days before 15 June → product NA
    for col in ("License Health", "User Engagement Health", "SCM Health", "CI Health",
                "CD Health", "Security Health", "CD Score", "Security Score", "Product Score",
                "Platform Adoption"):
        assert _na(b[col]), col
    # §1.1 Tech Touch: Risk, Outcomes, meeting cadence and persona NA
    for col in ("Risk (Sentiment)", "Success Plan Health", "Meeting Cadence Health",
                "Persona Health", "Engagement Score"):
        assert _na(b[col]), col
    # only Voice is left: 10 tickets → Yellow → 62.5; the Red sentiment entered for a Tech
    # Touch account is not applicable, so it does not force Red
    assert b["Support Health"] == "Yellow"
    assert b["Health Score"] == pytest.approx(62.5)
    assert b["Health Colour"] == "Yellow"
    # §5.1 churned customer (no MRR now)
    assert b["GRR"] == 0 and b["NRR"] == 0


def test_tiny_usage_30_days_old_is_still_scored():
    b = _row(score_accounts(tiny(), dt.date(2025, 4, 30), DEFAULT), "ACC-B")
    # 30 days after the end of the March snapshot (60 after its start): not yet stale
    assert b["License Health"] == "Green"  # 45/50 = 90 % at 27 months
    assert not _na(b["Product Score"])


def test_tiny_onboarding_grace_leaves_only_sentiment(tiny_scores):
    """methodology §1.5: all measures except CSM Sentiment are NULL for the first 30 days."""
    c = _row(tiny_scores, "ACC-C")
    assert c["Risk (Sentiment)"] == "Yellow"
    measures = ["License Health", "User Engagement Health", "SCM Health", "CI Health",
                "CD Health", "Security Health", "Product Score", "Success Plan Health",
                "Support Health", "Emergency Health", "Meeting Cadence Health",
                "Persona Health", "Engagement Score"]
    not_na = {m: c[m] for m in measures if not _na(c[m])}
    assert not not_na, f"inside the onboarding grace these measures are not NA: {not_na}"
    # only Risk is left: Yellow → 62.5
    assert c["Health Score"] == pytest.approx(62.5)
    assert c["Health Colour"] == "Yellow"


def test_tiny_onboarding_kpis(tiny_scores):
    c = _row(tiny_scores, "ACC-C")
    assert c["Lifecycle Stage"] == "Onboarding"
    assert (c["Time to Engage"], c["Engage Status"]) == (3, "Met")
    assert _na(c["Time to Onboard"]) and c["Onboard Status"] == "Open"  # 10 of 45 days


@pytest.mark.parametrize("days, stale, risk, colour, score", [
    # §1.5 stale after 90 days, NA after 120; §1.3.5 Red overrides only while applicable
    (90, False, "Red", "Red", 0.5 * 86.25 + 0.25 * 25 + 0.1 * 87.5 + 0.05 * 87.5 + 0.1 * 75),
    (91, True, "Red", "Red", 0.5 * 86.25 + 0.25 * 25 + 0.1 * 87.5 + 0.05 * 87.5 + 0.1 * 75),
    (120, True, "Red", "Red", 0.5 * 86.25 + 0.25 * 25 + 0.1 * 87.5 + 0.05 * 87.5 + 0.1 * 75),
    (121, False, None, "Green", (0.5 * 86.25 + 0.1 * 87.5 + 0.05 * 87.5 + 0.1 * 75) / 0.75),
])
def test_tiny_sentiment_staleness(days, stale, risk, colour, score):
    updated = (TINY_AS_OF - dt.timedelta(days=days)).isoformat()
    data = tiny(**{"ACC-A": {"CSM Sentiment": "Red", "Sentiment Updated": updated}})
    a = _row(score_accounts(data, TINY_AS_OF, DEFAULT), "ACC-A")
    assert bool(a["Sentiment Stale"]) is stale
    assert _py(a["Risk (Sentiment)"]) == risk
    assert a["Health Score"] == pytest.approx(score)
    assert a["Health Colour"] == colour


def test_tiny_config_is_honoured():
    cfg = DEFAULT.replace(colour_points="dbt")
    a = _row(score_accounts(tiny(), TINY_AS_OF, cfg), "ACC-A")
    # dbt points 25/63/88: product = .85 × 88 + .15 × (63 + 88 + 88)/3
    product = 0.85 * 88 + 0.15 * (63 + 88 + 88) / 3
    assert a["Product Score"] == pytest.approx(product)
    expected = 0.5 * product + 0.25 * 88 + 0.1 * 88 + 0.05 * 88 + 0.1 * (88 + 63) / 2
    assert a["Health Score"] == pytest.approx(expected)
