"""Hypothesis strategies for the metric engine's property tests (one place, as in numpy-financial).

Valid-input strategies describe what a CS workbook can hold (colours in any spelling, scores
0–100, counts, dates, weights in Gainsight's 0–999,999 range); ``hostile`` describes what a
careless sheet or caller can pass instead. ``RULES`` lists each public rule with one strategy
per positional argument, for the scalar-vs-vector and totality properties.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

# -- valid inputs ----------------------------------------------------------------------------
COLOUR_WORDS = ("Red", "Yellow", "Green", "red", "YELLOW", "green", "R", "y", "G", "amber")
colour_words = st.sampled_from(COLOUR_WORDS)
colours = st.one_of(st.none(), colour_words)
scores = st.floats(0, 100, allow_nan=False, allow_infinity=False)
scores_or_na = st.one_of(st.none(), scores)
#: a measure or group input: a score 0–100, a colour word, or NA
score_inputs = st.one_of(st.none(), scores, colour_words)
#: numbers that a colour input may also be (scored with the §1.4 bands)
numeric_colours = st.one_of(scores, st.sampled_from([25.0, 62.5, 87.5, 50.0, 75.0]))

#: Gainsight accepts any weight 0–999,999 [methodology §7.1 GS-W]
weights = st.floats(0, 999_999, allow_nan=False, allow_infinity=False)
positive_weights = st.floats(1e-3, 999_999, allow_nan=False, allow_infinity=False)
scale_factors = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)

counts = st.integers(0, 100_000)
counts_or_na = st.one_of(st.none(), counts)
users = st.integers(1, 100_000)
utilizations = st.floats(0, 3, allow_nan=False, allow_infinity=False)
utilizations_or_na = st.one_of(st.none(), utilizations)
ages = st.integers(-3, 60)
days = st.integers(0, 400)
days_or_na = st.one_of(st.none(), days)
priorities = st.sampled_from([1, 2, 3, None])
tickets_or_na = st.one_of(st.none(), st.integers(0, 60))
bools_or_na = st.one_of(st.none(), st.booleans())
plan_statuses = st.sampled_from(["Active", "Draft", "None", "active", None])
tiers = st.sampled_from(["Ultimate", "Premium", "Free", "ultimate"])
tiers_or_blank = st.sampled_from(["Ultimate", "Premium", "Free", "ultimate", None])
kpis = st.sampled_from(["engage", "first_value", "onboard", "Time to Engage", "TTFV"])

calendar_dates = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))
#: a date as a date object or an ISO string
date_inputs = st.one_of(calendar_dates, calendar_dates.map(dt.date.isoformat))
dates_or_na = st.one_of(st.none(), date_inputs)

money = st.floats(0, 1e9, allow_nan=False, allow_infinity=False)
money_or_na = st.one_of(st.none(), money)
positive_money = st.floats(0.01, 1e9, allow_nan=False, allow_infinity=False)
margins_or_na = st.one_of(st.none(), st.floats(-5, 1, allow_nan=False))

#: (MRR a year ago, MRR now) per customer
mrr_pairs = st.lists(st.tuples(money, money_or_na), min_size=1, max_size=12)

# -- hostile inputs --------------------------------------------------------------------------
#: the brief's list: blanks, junk text, NaN/inf, negatives, huge numbers, booleans, dates where
#: numbers are expected, nested lists, and a few other shapes a caller can pass
HOSTILE = (
    None, "", "   ", "abc", "#N/A", float("nan"), float("inf"), float("-inf"), -1, -0.5,
    1e308, -1e308, True, False, dt.date(2024, 1, 1), dt.datetime(2024, 1, 1, 12, 30),
    [[1, 2]], [[1], [2, 3]], [[], []], [], {"a": 1}, b"x",
)
hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.text(max_size=6),
    st.booleans(),
    st.dates(),
    st.lists(st.lists(st.integers(-5, 5), max_size=3), max_size=3),
)

# -- the public rules: one element strategy per positional argument ------------------------
#: name → (element strategies, positions that stay scalar in the vector call)
RULES = {
    "colour": ((scores_or_na,), ()),
    "points": ((colours,), ()),
    "days_between": ((dates_or_na, dates_or_na), ()),
    "months_between": ((dates_or_na, dates_or_na), ()),
    "license_utilization": ((counts_or_na, counts_or_na), ()),
    "overage_seats": ((counts_or_na, counts_or_na), ()),
    "license_health": ((utilizations_or_na, ages), ()),
    "adoption_complete": ((utilizations_or_na, colours), ()),
    "lifecycle_stage": ((dates_or_na, dates_or_na, bools_or_na), ()),
    "user_engagement_health": ((counts_or_na, counts_or_na), ()),
    "scm_health": ((counts_or_na, counts_or_na), ()),
    "ci_health": ((counts_or_na, counts_or_na), ()),
    "cd_score": ((counts_or_na,) * 5, ()),
    "cd_health": ((counts_or_na,) * 5, ()),
    "security_score": ((counts_or_na,) * 5 + (tiers,), ()),
    "security_health": ((counts_or_na,) * 5 + (tiers,), ()),
    "platform_adoption": ((colours,) * 4, ()),
    "product_score": ((score_inputs,) * 6, ()),
    "health_score": ((score_inputs,) * 5, ()),
    # risk as words/NA here; numeric colours in ranges have their own property
    "health_colour": ((score_inputs, colours, score_inputs, score_inputs, score_inputs), ()),
    "meeting_cadence_health": ((days_or_na, priorities), ()),
    "support_health": ((tickets_or_na,), ()),
    "emergency_health": ((tickets_or_na, tickets_or_na), ()),
    "success_plan_health": ((plan_statuses, counts_or_na, bools_or_na), ()),
    "persona_health": ((bools_or_na, bools_or_na), ()),
    "sentiment_status": ((colours, dates_or_na, date_inputs), ()),
    "time_to_engage": ((dates_or_na, dates_or_na), ()),
    "time_to_first_value": ((dates_or_na, dates_or_na), ()),
    "time_to_onboard": ((dates_or_na, dates_or_na), ()),
    "ttv_status": ((kpis, dates_or_na, dates_or_na, date_inputs), (0,)),
    "trend": ((score_inputs, score_inputs), ()),
    "drop_alert": ((colours, colours), ()),
    "sow_margin": ((money_or_na, money_or_na), ()),
    "sow_markup": ((money_or_na, money_or_na), ()),
    "below_target": ((margins_or_na,), ()),
    "ps_standard_rate": ((money_or_na, money_or_na), ()),
}

#: rules whose arguments are colours that may also be given as numeric scores (§1.4 bands)
COLOUR_ARGUMENTS = {
    "points": (0,),
    "health_colour": (1,),
    "platform_adoption": (0, 1, 2, 3),
    "drop_alert": (0, 1),
    "adoption_complete": (1,),
    "sentiment_status": (0,),
}

# -- one valid call per public rule, for the totality sweep -------------------------------
_RATES = [["Quarter", "Effective From", "Role", "Standard Rate"],
          ["FY26-Q1", "2025-02-01", "Engineer", 110.0]]
VALID_CALLS = {
    "colour": (50,),
    "points": ("Green",),
    "days_between": ("2020-01-01", "2020-01-12"),
    "months_between": ("2020-01-01", "2020-03-12"),
    "health_colour": (70, "Green", "Yellow", "Green", 75, [50, 25, 10, 5, 10]),
    "health_drivers": (70, "Green", "Yellow", "Green", 75, [50, 25, 10, 5, 10]),
    "health_score": (70, "Green", "Yellow", "Green", 75, [50, 25, 10, 5, 10]),
    "weighted_score": ([47, 59, 21], [20, 15, 22]),
    "account_license_utilization": ([50, 30], [100, 100], [3000, 1000]),
    "adoption_complete": (0.8, "Green", 0.8),
    "first_value_date": (["2024-01-01", "2024-02-01"], [5, 20], 100, 0.1),
    "license_health": (0.3, 4),
    "license_utilization": (80, 100),
    "lifecycle_stage": ("2024-02-01", "2024-03-01", True),
    "overage_seats": (120, 100),
    "emergency_health": (0, 1),
    "meeting_cadence_health": (30, 1),
    "persona_health": (True, False),
    "sentiment_status": ("Green", "2024-01-01", "2024-02-01"),
    "success_plan_health": ("Active", 2, True),
    "support_health": (4,),
    "grr": ([50, 125], [100, 100]),
    "nrr": ([50, 125], [100, 100]),
    "reason_shares": (["Cancellation", "Seat Expansion"], [-100, 200]),
    "retention_from_components": (10.0, 0.6, 0.9, 1.8),
    "below_target": (0.25,),
    "ps_rate": ("Engineer", "2025-03-01", _RATES, "Standard Rate"),
    "ps_standard_rate": (180_000, 36_000, 1880),
    "rate_table": (_RATES,),
    "sow_cost": ([10, 20], [100, 50], 0.1, 500),
    "sow_margin": (30_000, 13_787.23),
    "sow_markup": (150, 100),
    "sow_price": ([10, 20], [200, 150], 0.1, 300),
    "drop_alert": ("Green", "Yellow"),
    "trend": (60, 70),
    "time_to_engage": ("2020-01-01", "2020-01-12"),
    "time_to_first_value": ("2021-03-01", "2021-03-20"),
    "time_to_onboard": ("2020-08-15", "2020-09-18"),
    "time_to_utilization": (["2023-01-01", "2023-02-01"], [5, 60], 100, "2022-12-20", 0.5),
    "ttv_goal": ("engage",),
    "ttv_status": ("engage", "2020-01-01", None, "2020-01-10"),
    "cd_health": (8, 800, 90, 10, 100),
    "cd_score": (8, 800, 90, 10, 100),
    "ci_health": (4100, 100),
    "platform_adoption": ("Green", "Green", "Yellow", None),
    "product_score": ("R", "Y", "G", "G", "G", "Y"),
    "scm_health": (30, 100),
    "security_health": (25, 100, 60, 100, 3, "Ultimate"),
    "security_score": (25, 100, 60, 100, 3, "Ultimate"),
    "user_engagement_health": (79, 100),
}
