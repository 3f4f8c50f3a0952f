"""The ``config`` argument: a Key/Value range read in both delivery shapes and validated as the
Config sheet is, a real effect on every function that takes it, and parsing once per range."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from cs_workbook import udfs
from cs_workbook.config import DEFAULT, Config
from cs_workbook.udfs import CATALOGUE, UserError, config_arg, server, use_config

D = dt.date
OFFICEJS = server.officejs_module()

#: For every function that takes ``config``: arguments, and Config rows that change the answer.
EFFECTS = {
    "CS_TTV_GOAL": (("engage",), [["goal_engage_days", 10]]),
    "CS_TTV_STATUS": (("engage", D(2024, 1, 1), D(2024, 1, 13), None), [["goal_engage_days", 10]]),
    "CS_LICENSE_HEALTH": ((0.1, 4), [["lu_table", "handbook"]]),
    "CS_FIRST_VALUE_DATE": (([[D(2024, 1, 1)], [D(2024, 2, 1)]], [[15], [30]], 200, None),
                            [["first_value_threshold", 0.05]]),
    "CS_ADOPTION_COMPLETE": ((0.7, "Green", None), [["adoption_threshold", 0.7]]),
    "CS_USER_ENGAGEMENT_HEALTH": ((5, 0), [["zero_denominator", "na"]]),
    "CS_SCM_HEALTH": ((20, 100), [["threshold_set", "2023"]]),
    "CS_CI_HEALTH": ((300, 100), [["threshold_set", "2023"]]),
    "CS_CD_HEALTH": ((8, 800, 90, 10, 100), [["red_max", 80], ["yellow_max", 90]]),
    "CS_CD_SCORE": ((8, 800, 90, 10, 100), [["colour_points", "dbt"]]),
    "CS_SECURITY_HEALTH": ((25, 100, 60, 100, 3, "Premium"), [["security_tiers", "Premium"]]),
    "CS_SECURITY_SCORE": ((25, 100, 60, 100, 3, "Ultimate"), [["colour_points", "dbt"]]),
    "CS_PLATFORM_ADOPTION": ((80, 80, 80, 80), [["yellow_max", 85]]),
    "CS_PRODUCT_SCORE": (("R", "Y", "G", "G", "G", "Y"), [["weights_profile", "gitlab_2022"]]),
    "CS_COLOUR": ((52,), [["red_max", 55]]),
    "CS_POINTS": (("Yellow",), [["colour_points", "dbt"]]),
    "CS_WEIGHTED_SCORE": ((["Green", "Red"], [1, 1]), [["colour_points", "dbt"]]),
    "CS_HEALTH_SCORE": ((70, "Green", "Yellow", "Green", 75, None), [["weight_risk", 0]]),
    "CS_HEALTH_COLOUR": ((95, "Red", "G", "G", 90, None), [["sentiment_override", False]]),
    "CS_HEALTH_DRIVERS": ((70, "Green", "Yellow", "Green", 75, None), [["weight_risk", 0]]),
    "CS_MEETING_CADENCE_HEALTH": ((36, 1), [["cadence_p1_green_days", 40]]),
    "CS_SUPPORT_HEALTH": ((0,), [["support_zero_tickets", "na"]]),
    "CS_SENTIMENT_STATUS": (("Yellow", D(2024, 1, 1), D(2024, 4, 1)),
                            [["sentiment_stale_days", 100], ["sentiment_na_days", 120]]),
    "CS_TREND": ((60, 61), [["trend_epsilon", 5]]),
    "CS_DROP_ALERT": ((80, 70), [["yellow_max", 65]]),
    "CS_PS_STANDARD_RATE": ((180000, 36000, None), [["ps_billable_hours", 2000]]),
    "CS_PS_RATE": (("Engineer", D(2025, 5, 1),
                    [["Role", "Effective From", "Average Annual OTE", "Benefits", "Billable Hours"],
                     ["Engineer", D(2025, 1, 1), 180000, 36000, None]]),
                   [["ps_billable_hours", 2000]]),
    "CS_SOW_COST": (([[10], [20]], [[100], [50]], None, None), [["sow_contingency_pct", 0.1]]),
    "CS_SOW_PRICE": (([[10], [20]], [[200], [150]], None, None), [["sow_discount_pct", 0.1]]),
    "CS_CONFIG_VALUE": (("red_max",), [["red_max", 55]]),
    "CS_IN_CONFIG_LIST": (("Growth", "risk_na_segments"), [["risk_na_segments", "Growth"]]),
}


def test_the_functions_that_take_config_are_those_with_an_effect():
    takes = {n for n, f in CATALOGUE.items() if "config" in inspect.signature(f).parameters}
    assert takes == set(EFFECTS)
    for name in takes:
        params = list(inspect.signature(CATALOGUE[name]).parameters.values())
        assert params[-1].name == "config" and params[-1].default is None, name
        assert "optional" in CATALOGUE[name].__xlfunc__["argmap"]["config"]


@pytest.mark.parametrize("name", sorted(EFFECTS))
def test_the_config_range_changes_the_answer(name):
    args, rows = EFFECTS[name]
    fn = CATALOGUE[name]
    default = fn(*args)
    assert fn(*args, None) == default and fn(*args, [[None, None]]) == default
    changed = fn(*args, rows)
    assert changed != default, name
    assert fn(*args, [["Key", "Value"], *rows]) == changed  # with the header row
    with use_config(Config.from_mapping(dict(rows))):  # the same settings made active
        assert fn(*args) == changed


def test_the_range_overrides_the_active_configuration():
    with use_config(DEFAULT.replace(colour_points="dbt", red_max=40)):
        assert udfs.CS_POINTS("Yellow") == 63.0
        assert udfs.CS_COLOUR(45) == "Yellow"
        assert udfs.CS_COLOUR(45, [["red_max", 50]]) == "Red"  # base: the active one
        assert udfs.CS_POINTS("Yellow", [["red_max", 50]]) == 63.0


# -- delivery shapes ---------------------------------------------------------------------------

CLASSIC = [["Key", "Value"], ["colour_points", "dbt"], ["Instance TTV Since", dt.datetime(2023, 1, 1)],
           [None, None], ["sentiment_override", False], ["risk_na_segments", "Scale, Tech Touch"],
           ["usage_na_days", 45.0]]
OFFICE_JS = [["Key", "Value"], ["colour_points", "dbt"], ["Instance TTV Since", 44927.0],
             ["", ""], [0, ""], ["sentiment_override", False],
             ["risk_na_segments", {"type": "String", "basicValue": "Scale, Tech Touch"}],
             ["usage_na_days", {"type": "Double", "basicValue": 45}]]
WANT = DEFAULT.replace(colour_points="dbt", instance_ttv_since=D(2023, 1, 1),
                       sentiment_override=False, risk_na_segments=("Scale", "Tech Touch"),
                       usage_na_days=45)


@pytest.mark.parametrize("rows", [CLASSIC, OFFICE_JS, OFFICE_JS[1:],
                                  [r for r in CLASSIC if r[0] != "Instance TTV Since"]
                                  + [["instance_ttv_since", "2023-01-01"]]],
                         ids=["classic", "officejs", "no header", "iso date text"])
def test_both_delivery_shapes(rows):
    assert config_arg.configured(rows) == WANT


def test_officejs_variant_reads_the_matrix():
    assert OFFICEJS.CS_POINTS([["Yellow"]], OFFICE_JS) == 63.0
    assert OFFICEJS.CS_CONFIG_VALUE([["instance_ttv_since"]], OFFICE_JS) == D(2023, 1, 1)


@pytest.mark.parametrize("rows, message", [
    ([["colour_pointz", "dbt"]], "config: config key 'colour_pointz' is unknown"),
    ([["red_max", "lots"]], "red_max"),
    ([["usage_na_days", 1], ["usage_na_days", 2]], "key 'usage_na_days' appears twice"),
    ([["usage_na_days", "#N/A"]], "key 'usage_na_days' holds #N/A"),
    ([["usage_na_days", {"type": "Error", "errorType": "Div0"}]], "holds #DIV/0!"),
    ([["usage_na_days", None]], "usage_na_days"),  # a key with a blank value, as in the sheet
    ([["instance_ttv_since", "someday"]], "instance_ttv_since"),
    ([["usage_na_days", True]], "usage_na_days"),  # TRUE is not 1 here, despite 1 == True
    ([["red_max"], ["yellow_max"]], "2 columns"),
    ([["red_max", 1, 2]], "2 columns"),
    ("Config", "Key and Value"),
])
def test_bad_ranges_name_the_problem(rows, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        udfs.CS_COLOUR(70, rows)


def test_blank_ranges_are_the_active_configuration():
    for blank in (None, "", [[None]], [[""]], [[None, None], ["", ""]]):
        assert config_arg.configured(blank) == DEFAULT


# -- parsed once per range ---------------------------------------------------------------------

def test_repeated_calls_parse_once(monkeypatch):
    calls = []
    real = config_arg.parse_rows
    monkeypatch.setattr(config_arg, "parse_rows", lambda *a: calls.append(1) or real(*a))
    rows = [["Key", "Value"], ["colour_points", "dbt"], ["red_max", 55.5]]
    for score in range(2000):  # the Scorecard: one call per account row, the same range
        udfs.CS_COLOUR(score % 100, [list(r) for r in rows])
    assert len(calls) == 1
    udfs.CS_COLOUR(50, [["red_max", 55]])
    assert len(calls) == 2
    for _ in range(3):  # errors are kept too
        with pytest.raises(UserError):
            udfs.CS_COLOUR(50, [["red_max", "x"]])
    assert len(calls) == 3
