"""Hypothesis invariants of the metric engine: bounds, weight scaling, order independence, NA
redistribution, monotonicity, and retention/margin bounds (scalar/vector agreement and
totality: ``test_properties_calls.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from cs_workbook import metrics
from cs_workbook.errors import NotComputable
from cs_workbook.config import DEFAULT, GROUPS, PRODUCT_MEASURES

import strategies as S  # tests/ is on pytest's pythonpath (pyproject)

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
QUICK = settings(max_examples=25, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

RANK = {None: -1, "Red": 0, "Yellow": 1, "Green": 2}
GROUP_W = [DEFAULT.group_weights()[g] for g in GROUPS]
PRODUCT_W = [DEFAULT.product_weights()[m] for m in PRODUCT_MEASURES]


def _in_range(x):
    return x is None or (isinstance(x, float) and 0.0 <= x <= 100.0)


def _present(values, ws):
    return any(v is not None and w > 0 for v, w in zip(values, ws))


# -- bounds ----------------------------------------------------------------------------------

@FAST
@given(st.lists(st.tuples(S.score_inputs, S.weights), min_size=1, max_size=10))
def test_weighted_score_within_0_100(pairs):
    s, w = zip(*pairs)
    result = metrics.weighted_score(list(s), list(w))
    assert _in_range(result)
    assert (result is None) == (not _present(s, w))


@FAST
@given(st.tuples(*[S.score_inputs] * 5),
       st.one_of(st.none(), st.lists(S.weights, min_size=5, max_size=5)))
def test_health_score_within_0_100(groups, ws):
    assume(ws is None or sum(ws) > 0)
    result = metrics.health_score(*groups, weights=ws)
    assert _in_range(result)
    assert (result is None) == (not _present(groups, ws or GROUP_W))


@FAST
@given(st.tuples(*[S.score_inputs] * 6))
def test_product_score_within_0_100(measures):
    result = metrics.product_score(*measures)
    assert _in_range(result)
    assert (result is None) == (not _present(measures, PRODUCT_W))


@FAST
@given(st.tuples(*[S.counts_or_na] * 5))
def test_cd_score_within_0_100(args):
    assert _in_range(metrics.cd_score(*args))


@FAST
@given(st.tuples(*[S.counts_or_na] * 5), S.tiers_or_blank)
def test_security_score_within_0_100(args, tier):
    result = metrics.security_score(*args, tier)
    assert _in_range(result)
    if tier is not None and tier.lower() != "ultimate":
        assert result is None  # methodology §1.5: Security NA for non-Ultimate


@QUICK
@given(st.lists(st.tuples(S.scores, st.floats(1e6, 1e308)), min_size=1, max_size=4))
@example([(50.0, 1e308)])
@example([(50.0, 1e308), (60.0, 1e308)])
def test_weighted_score_stays_in_range_for_any_accepted_weight(pairs):
    """The engine accepts any finite weight ≥ 0, so the result must stay a 0–100 score.

    (Gainsight's UI caps weights at 999,999; bigger ones must not overflow to inf/NA.)
    """
    s, w = zip(*pairs)
    result = metrics.weighted_score(list(s), list(w))
    assert result is not None and 0.0 <= result <= 100.0, (s, w, result)


# -- weight scaling, order independence, NA redistribution ----------------------------------

@FAST
@given(st.lists(st.tuples(S.score_inputs, S.weights), min_size=1, max_size=8), S.scale_factors)
def test_weight_scaling_invariance(pairs, k):
    s, w = zip(*pairs)
    a = metrics.weighted_score(list(s), list(w))
    b = metrics.weighted_score(list(s), [x * k for x in w])
    if a is None or b is None:
        # scaling a tiny weight can underflow to 0; only then may presence change
        assert a is None and b is None or any(0 < x * k < 1e-300 or 0 < x < 1e-300 for x in w)
    else:
        assert b == pytest.approx(a, rel=1e-9, abs=1e-9)


@FAST
@given(st.tuples(*[S.score_inputs] * 5), st.lists(S.positive_weights, min_size=5, max_size=5),
       S.scale_factors)
def test_health_score_weight_scaling_invariance(groups, ws, k):
    a = metrics.health_score(*groups, weights=ws)
    b = metrics.health_score(*groups, weights=[x * k for x in ws])
    assert (a is None) == (b is None)
    if a is not None:
        assert b == pytest.approx(a, rel=1e-9, abs=1e-9)


@FAST
@given(st.lists(st.tuples(S.score_inputs, S.weights), min_size=1, max_size=8).flatmap(
    lambda p: st.tuples(st.just(p), st.permutations(p))))
def test_order_independence(pair_lists):
    original, permuted = pair_lists
    a = metrics.weighted_score(*map(list, zip(*original)))
    b = metrics.weighted_score(*map(list, zip(*permuted)))
    assert (a is None) == (b is None)
    if a is not None:
        assert b == pytest.approx(a, rel=1e-9, abs=1e-9)


@FAST
@given(st.lists(st.tuples(S.score_inputs, S.weights), min_size=1, max_size=8), S.weights,
       st.integers(0, 8))
def test_adding_an_na_measure_never_changes_the_score(pairs, w_na, at):
    s, w = map(list, zip(*pairs))
    before = metrics.weighted_score(s, w)
    at = min(at, len(s))
    after = metrics.weighted_score(s[:at] + [None] + s[at:], w[:at] + [w_na] + w[at:])
    assert (before is None) == (after is None)
    if before is not None:
        assert after == pytest.approx(before, rel=1e-12, abs=1e-12)


@FAST
@given(st.tuples(*[S.score_inputs] * 5), st.integers(0, 4))
def test_na_group_weight_is_redistributed(groups, na_index):
    """An NA PROVE group is the same as leaving that group (and its weight) out [§1.3.2]."""
    groups = list(groups)
    groups[na_index] = None
    keep = [i for i in range(5) if i != na_index]
    expected = metrics.weighted_score([groups[i] for i in keep], [GROUP_W[i] for i in keep])
    actual = metrics.health_score(*groups)
    assert (actual is None) == (expected is None)
    if actual is not None:
        assert actual == pytest.approx(expected, rel=1e-12)


@FAST
@given(st.tuples(*[S.score_inputs] * 6), st.integers(0, 5))
def test_na_product_measure_is_redistributed(measures, na_index):
    measures = list(measures)
    measures[na_index] = None
    keep = [i for i in range(6) if i != na_index]
    expected = metrics.weighted_score([measures[i] for i in keep], [PRODUCT_W[i] for i in keep])
    actual = metrics.product_score(*measures)
    assert (actual is None) == (expected is None)
    if actual is not None:
        assert actual == pytest.approx(expected, rel=1e-12)


@FAST
@given(st.tuples(*[S.score_inputs] * 5))
def test_health_drivers_explain_the_score(groups):
    """The drivers' contributions add up to the score; effective weights to 1 (or 0 if NA)."""
    d = metrics.health_drivers(*groups)
    score = metrics.health_score(*groups)
    assert list(d["effective weight"] >= 0) == [True] * 5
    if score is None:
        assert d["contribution"].isna().all() and d["effective weight"].sum() == 0
    else:
        assert d["contribution"].sum() == pytest.approx(score, rel=1e-9)
        assert d["effective weight"].sum() == pytest.approx(1.0, rel=1e-12)


@FAST
@given(st.tuples(*[S.score_inputs] * 5))
def test_health_colour_is_the_colour_of_the_score_unless_sentiment_is_red(groups):
    score = metrics.health_score(*groups)
    expected = metrics.colour(score)
    risk = groups[1]
    if risk is not None and metrics.points(risk) == 25.0:  # Red sentiment (or a score ≤ 50)
        expected = "Red"
    assert metrics.health_colour(*groups) == expected


# -- monotonicity ----------------------------------------------------------------------------

@FAST
@given(st.tuples(*[S.scores_or_na] * 5), st.integers(0, 4), st.floats(0, 100))
def test_raising_a_group_never_lowers_health_score(groups, i, delta):
    assume(groups[i] is not None)
    raised = list(groups)
    raised[i] = min(100.0, groups[i] + delta)
    assert metrics.health_score(*raised) >= metrics.health_score(*groups) - 1e-9


@FAST
@given(st.tuples(*[S.colours] * 5), st.integers(0, 4))
def test_raising_a_group_colour_never_lowers_health(groups, i):
    assume(groups[i] is not None and metrics.points(groups[i]) < 87.5)
    raised = list(groups)
    raised[i] = "Yellow" if metrics.points(groups[i]) == 25.0 else "Green"
    before, after = metrics.health_score(*groups), metrics.health_score(*raised)
    assert after >= before - 1e-9
    # the colour can only improve too, except that Red sentiment forces Red
    if i != 1:
        assert RANK[metrics.health_colour(*raised)] >= RANK[metrics.health_colour(*groups)]


@FAST
@given(st.tuples(*[S.scores_or_na] * 6), st.integers(0, 5), st.floats(0, 100))
def test_raising_a_measure_never_lowers_product_score(measures, i, delta):
    assume(measures[i] is not None)
    raised = list(measures)
    raised[i] = min(100.0, measures[i] + delta)
    assert metrics.product_score(*raised) >= metrics.product_score(*measures) - 1e-9


@FAST
@given(S.scores, S.scores)
def test_colour_band_is_monotone(a, b):
    lo, hi = sorted((a, b))
    assert RANK[metrics.colour(lo)] <= RANK[metrics.colour(hi)]


@FAST
@given(st.sampled_from(["scm_health", "ci_health", "user_engagement_health"]),
       S.counts, S.counts, S.users)
def test_more_usage_never_lowers_a_use_case_colour(name, a, b, billable):
    rule = getattr(metrics, name)
    lo, hi = sorted((a, b))
    assert RANK[rule(lo, billable)] <= RANK[rule(hi, billable)]


@FAST
@given(S.utilizations, S.utilizations, S.ages, st.sampled_from(["dbt", "handbook"]))
def test_higher_utilization_never_lowers_license_health(a, b, age, table):
    cfg = DEFAULT.replace(lu_table=table)
    lo, hi = sorted((a, b))
    low, high = (metrics.license_health(x, age, config=cfg) for x in (lo, hi))
    assert (low is None) == (high is None)
    assert RANK[low] <= RANK[high]


@FAST
@given(st.integers(1, 60), st.integers(1, 60))
def test_more_tickets_never_improve_support(a, b):
    lo, hi = sorted((a, b))
    assert RANK[metrics.support_health(lo)] >= RANK[metrics.support_health(hi)]


@FAST
@given(S.days, S.days, st.sampled_from([1, 2]))
def test_longer_since_meeting_never_improves_cadence(a, b, priority):
    lo, hi = sorted((a, b))
    assert (RANK[metrics.meeting_cadence_health(lo, priority)]
            >= RANK[metrics.meeting_cadence_health(hi, priority)])


# -- retention and margin bounds ---------------------------------------------------------------

@FAST
@given(S.mrr_pairs)
@example(pairs=[(0.0, None), (1.1125369292536007e-308, 2.0)])  # NRR past float range: found in CI
def test_grr_at_most_one_and_at_most_nrr(pairs):
    a, b = map(list, zip(*pairs))
    g = metrics.grr(a, b)
    try:
        n = metrics.nrr(a, b)
    except NotComputable:  # ΣB/ΣA past float range: #NUM!, never inf
        now = sum(y or 0.0 for y in b)  # a blank MRR now counts as 0 (churned)
        assert sum(a) > 0 and now / sum(a) > 1e300
        return
    assert (g is None) == (n is None) == (sum(x for x in a) <= 0)
    if g is not None:
        assert 0.0 <= g <= 1.0
        assert g <= n * (1 + 1e-12)


def test_nrr_past_float_range_is_num_not_infinity():
    """A tiny cohort MRR against a huge one now: ΣB/ΣA overflows; #NUM! in Excel, never inf."""
    from cs_workbook.udfs import CATALOGUE

    with pytest.raises(NotComputable):
        metrics.nrr(1e-300, 1e300)
    assert dict(CATALOGUE)["CS_NRR"]([[1e-300]], [[1e300]]) == "#NUM!"
    assert metrics.nrr(1e-300, 1e-290) == pytest.approx(1e10)  # large but finite stays


def test_account_utilization_past_float_range_is_num_not_infinity():
    from cs_workbook.config import Config

    with pytest.raises(NotComputable):
        metrics.account_license_utilization([1e300], [1e-300])
    with pytest.raises(NotComputable):
        metrics.account_license_utilization([1e300, 1e300], [1e-300, 1e-300], [1e300, 1e300],
                                            config=Config(account_lu_method="arr_weighted"))
    assert metrics.account_license_utilization([1e-290], [1e-300]) == pytest.approx(1e10)


@FAST
@given(S.money, S.money, S.money, S.money)
def test_component_retention_bounds(start, contraction, churn, expansion):
    assume(start > 0 and contraction + churn <= start)
    g, n = metrics.retention_from_components(start, contraction, churn, expansion)
    assert g <= 1.0 and g <= n + 1e-12


@FAST
@given(S.positive_money, S.positive_money)
def test_sow_margin_below_one_for_positive_cost(price, cost):
    m = metrics.sow_margin(price, cost)
    assert m < 1.0
    assert metrics.below_target(m) == (m < DEFAULT.sow_margin_target)


@FAST
@given(st.lists(st.tuples(st.floats(0.5, 2000), st.floats(1, 500), st.floats(1, 500)),
                min_size=1, max_size=6),
       st.floats(0, 0.5), st.floats(0, 0.5), S.money, S.money)
def test_sow_margin_of_a_priced_sow(lines, contingency, discount, travel_cost, travel_billed):
    hours, cost_rates, bill_rates = map(list, zip(*lines))
    cost = metrics.sow_cost(hours, cost_rates, contingency, travel_cost)
    price = metrics.sow_price(hours, bill_rates, discount, travel_billed)
    margin = metrics.sow_margin(price, cost)
    assert cost > 0 and price > 0
    assert margin < 1.0
    assert margin == pytest.approx((price - cost) / price, rel=1e-12, abs=1e-12)


@FAST
@given(S.dates_or_na, S.dates_or_na)
def test_time_to_engage_is_never_negative(start, end):
    v = metrics.time_to_engage(start, end)
    assert v is None or v >= 0
    d = metrics.days_between(start, end)
    assert v == (None if d is None else max(0, d))


@FAST
@given(S.calendar_dates, st.integers(-400, 400))
def test_days_between_inverts_date_arithmetic(start, n):
    assert metrics.days_between(start, start + dt.timedelta(days=n)) == n
