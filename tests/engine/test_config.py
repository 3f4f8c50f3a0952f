"""Configuration: the defaults of docs/methodology.md, TOML loading, and errors that name the key."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cs_workbook import metrics
from cs_workbook.config import DEFAULT, GROUPS, PRODUCT_MEASURES, Config
from cs_workbook.config_files import load_toml
from cs_workbook.errors import ConfigError

# (key, default, where docs/methodology.md states it)
DOMAIN_DEFAULTS = [
    ("weights_profile", "gitlab_current", "§1.1 ship the current table as gitlab_current"),
    ("colour_points", "midpoint", "§1.2 default midpoint"),
    ("red_max", 50.0, "§1.4 ≤50 Red"),
    ("yellow_max", 75.0, "§1.4 ≤75 Yellow"),
    ("sentiment_override", True, "§1.3.5 Red sentiment → Red"),
    ("support_green_max", 5, "§1.2 1–5 Green"),
    ("support_yellow_max", 15, "§1.2 6–15 Yellow"),
    ("support_zero_tickets", "yellow", "§1.2 0 tickets → Yellow [DEFAULT]"),
    ("cadence_p1_green_days", 35, "§1.2 priority 1 G ≤35"),
    ("cadence_p1_yellow_days", 60, "§1.2 priority 1 Y ≤60"),
    ("cadence_p2_green_days", 65, "§1.2 priority 2 G ≤65"),
    ("cadence_p2_yellow_days", 90, "§1.2 priority 2 Y ≤90"),
    ("sentiment_stale_days", 90, "§1.5 stale after 90 days"),
    ("sentiment_na_days", 120, "§1.5 NA after 120 days"),
    ("usage_na_days", 60, "§1.5 product usage NA after 60 days"),
    ("support_na_days", 30, "§1.5 support NA after 30 days"),
    ("onboarding_grace_days", 30, "§1.5 first 30 days of onboarding"),
    ("risk_na_segments", ("Tech Touch",), "§1.1 Risk N/A for Tech Touch"),
    ("outcomes_na_segments", ("Scale", "Tech Touch"), "§1.1 Outcomes N/A for Scale, Tech Touch"),
    ("cadence_na_segments", ("Scale", "Tech Touch"), "§1.1 Meeting cadence N/A for Scale, Tech Touch"),
    ("persona_na_segments", ("Growth", "Scale", "Tech Touch"), "§1.1 Persona N/A for Growth, Scale, Tech Touch"),
    ("weight_meeting_cadence", 50, "§1.1 meeting cadence 50 %"),
    ("weight_persona", 50, "§1.1 persona engagement 50 %"),
    ("trend_epsilon", 0.0, "§1.6 dead-band ε = 0 by default"),
    ("threshold_set", "current", "§10.4 default current"),
    ("lu_table", "dbt", "§10.3 default DBT"),
    ("lu_min_age_months", 3, "§1.5/§3.2 NULL for age < 3 months [DBT]"),
    ("zero_denominator", "zero", "§2.1 replicate DBT DIV0 (parity)"),
    ("account_lu_method", "sum", "§3.1 default sum/sum"),
    ("security_tiers", ("Ultimate",), "§1.5 Security only for Ultimate"),
    ("first_value_threshold", 0.10, "§3.3 10 % of licenses"),
    ("adoption_threshold", 0.80, "§3.3 80 % of licenses"),
    ("expansion_lu", 0.90, "§1.6 ≥90 % license utilization"),
    ("expansion_engagement", 0.80, "§1.6 UMAU >80 %"),
    ("reduction_lu", 0.75, "§1.6 <75 % license utilization"),
    ("goal_engage_days", 14, "§4.2 Time to Engage goal 14 days"),
    ("goal_first_value_days", 30, "§4.2 Time to First Value goal 30 days"),
    ("goal_onboard_days", 45, "§4.2 Time to Onboard goal 45 days"),
    ("instance_ttv_since", dt.date(2022, 2, 1), "§4.4 subscriptions from February 2022"),
    ("grr_target", 0.90, "§5.1 GRR target 90 %"),
    ("nrr_target", 1.80, "§5.1 NRR target 180 %"),
    ("ps_billable_hours", 1880, "§6.1 1,880 annual billable hours"),
    ("sow_margin_target", 0.30, "§6.1 30 % gross margin target"),
]


@pytest.mark.parametrize("key, expected, where", DOMAIN_DEFAULTS,
                         ids=[k for k, _, _ in DOMAIN_DEFAULTS])
def test_default_matches_domain(key, expected, where):
    assert getattr(DEFAULT, key) == expected, where


def test_default_weights_and_points_match_domain():
    assert DEFAULT.group_weights() == {"product": 50, "risk": 25, "outcomes": 10, "voice": 5,
                                       "engagement": 10}  # §1.1
    assert DEFAULT.product_weights() == {"license": 30, "user_engagement": 10, "scm": 15,
                                         "ci": 15, "cd": 15, "security": 15}  # §1.1, §2.3
    assert DEFAULT.points() == (25.0, 62.5, 87.5)  # §1.2
    assert Config() == DEFAULT
    assert tuple(DEFAULT.group_weights()) == GROUPS
    assert tuple(DEFAULT.product_weights()) == PRODUCT_MEASURES


def test_gitlab_2022_profile():
    cfg = Config.from_mapping({"weights_profile": "gitlab_2022"})
    # §1.1 CHS-2022 triage scorecard: Product 25, Risk 50, Outcomes 10, VoC 5, Engagement 10
    assert list(cfg.group_weights().values()) == [25, 50, 10, 5, 10]
    assert cfg.product_weights() == {"license": 40, "user_engagement": 0, "scm": 15, "ci": 15,
                                     "cd": 15, "security": 15}


def test_weight_overrides_win_over_the_profile():
    cfg = Config.from_mapping({"weights_profile": "gitlab_2022", "weight_product": 60})
    assert cfg.group_weights()["product"] == 60
    assert cfg.group_weights()["risk"] == 50


def test_dbt_colour_points_change_points():
    cfg = Config(colour_points="dbt")
    assert cfg.points() == (25.0, 63.0, 88.0)
    assert metrics.points("Green", config=cfg) == 88.0
    assert metrics.points("Yellow", config=cfg) == 63.0
    assert Config.from_mapping({"colour_points": "DBT"}).points() == (25.0, 63.0, 88.0)
    # §1.2: (G+Y)/2 is 75 → Yellow with midpoints but 75.5 → Green with dbt points
    two = dict(weights=[1, 1, 0, 0, 0])
    assert metrics.health_colour("Green", "Yellow", None, None, None, **two) == "Yellow"
    assert metrics.health_colour("Green", "Yellow", None, None, None, **two, config=cfg) == "Green"


def test_mapping_keys_are_matched_loosely_and_values_converted():
    cfg = Config.from_mapping({"Colour Points": "dbt", "goal-engage-days": "10",
                               "first_value_threshold": "15%", "sentiment_override": "no",
                               "security_tiers": "Ultimate, Premium",
                               "instance_ttv_since": "2023-01-01"})
    assert cfg.colour_points == "dbt"
    assert cfg.goal_engage_days == 10
    assert cfg.first_value_threshold == pytest.approx(0.15)
    assert cfg.sentiment_override is False
    assert cfg.security_tiers == ("Ultimate", "Premium")
    assert cfg.instance_ttv_since == dt.date(2023, 1, 1)


def test_config_is_frozen_and_replace_validates():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.red_max = 40  # type: ignore[misc]
    assert DEFAULT.replace(red_max=40).red_max == 40
    assert DEFAULT.red_max == 50
    with pytest.raises(ConfigError, match="colour_points"):
        DEFAULT.replace(colour_points="rainbow")


# -- TOML --------------------------------------------------------------------------------------

def test_toml_flat(tmp_path):
    p = tmp_path / "flat.toml"
    p.write_text('colour_points = "dbt"\nred_max = 45\nsupport_zero_tickets = "na"\n')
    cfg = load_toml(p)
    assert (cfg.colour_points, cfg.red_max, cfg.support_zero_tickets) == ("dbt", 45, "na")
    assert cfg.yellow_max == DEFAULT.yellow_max


def test_toml_sectioned(tmp_path):
    p = tmp_path / "sections.toml"
    p.write_text('[health]\nweights_profile = "gitlab_2022"\n'
                 '[goals]\ngoal_engage_days = 10\ngoal_onboard_days = 40\n'
                 '[services]\nsow_margin_target = 0.35\n')
    cfg = load_toml(p)
    assert cfg.weights_profile == "gitlab_2022"
    assert (cfg.goal_engage_days, cfg.goal_onboard_days) == (10, 40)
    assert cfg.sow_margin_target == 0.35
    assert metrics.ttv_goal("engage", config=cfg) == 10


def test_toml_unknown_key_names_key_and_file(tmp_path):
    p = tmp_path / "typo.toml"
    p.write_text('[health]\ncolour_pionts = "dbt"\n')
    with pytest.raises(ConfigError, match="colour_pionts") as err:
        load_toml(p)
    assert "typo.toml" in str(err.value)


def test_toml_invalid_value_names_key(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('lu_table = "lucid"\n')
    with pytest.raises(ConfigError, match="lu_table"):
        load_toml(p)


def test_toml_unreadable_or_malformed(tmp_path):
    with pytest.raises(ConfigError):
        load_toml(tmp_path / "missing.toml")
    p = tmp_path / "broken.toml"
    p.write_text("colour_points = \n")
    with pytest.raises(ConfigError, match="broken.toml"):
        load_toml(p)


# -- invalid values name the key ------------------------------------------------------------------

@pytest.mark.parametrize("mapping, key", [
    ({"colour_pionts": "dbt"}, "colour_pionts"),
    ({"no_such_setting": 1}, "no_such_setting"),
])
def test_unknown_key_is_named(mapping, key):
    with pytest.raises(ConfigError, match=key):
        Config.from_mapping(mapping)


@pytest.mark.parametrize("mapping, key", [
    ({"colour_points": "rainbow"}, "colour_points"),
    ({"weights_profile": "gitlab_1999"}, "weights_profile"),
    ({"threshold_set": "2019"}, "threshold_set"),
    ({"zero_denominator": "infinity"}, "zero_denominator"),
    ({"support_zero_tickets": "green"}, "support_zero_tickets"),
    ({"red_max": -1}, "red_max"),
    ({"goal_engage_days": -3}, "goal_engage_days"),
    ({"weight_product": -10}, "weight_product"),
    ({"goal_engage_days": 2.5}, "goal_engage_days"),
    ({"usage_na_days": "sixty"}, "usage_na_days"),
    ({"first_value_threshold": 1.5}, "first_value_threshold"),
    ({"adoption_threshold": 80}, "adoption_threshold"),
    ({"sow_margin_target": 30}, "sow_margin_target"),
    ({"red_max": 80}, "red_max"),  # > yellow_max 75
    ({"red_max": 60, "yellow_max": 55}, "red_max"),
    ({"yellow_max": 101}, "yellow_max"),
    ({"sentiment_override": "maybe"}, "sentiment_override"),
    ({"instance_ttv_since": "not a date"}, "instance_ttv_since"),
    ({"cadence_p1_green_days": 70}, "cadence_p1_green_days"),  # > cadence_p1_yellow_days 60
    ({"sentiment_stale_days": 150}, "sentiment_stale_days"),  # > sentiment_na_days 120
    ({"support_green_max": 20}, "support_green_max"),  # > support_yellow_max 15
    ({"weight_product": 0, "weight_risk": 0, "weight_outcomes": 0, "weight_voice": 0,
      "weight_engagement": 0}, "weight"),
])
def test_invalid_value_is_named(mapping, key):
    with pytest.raises(ConfigError, match=key):
        Config.from_mapping(mapping)


def test_config_error_is_a_value_error_and_ours():
    from cs_workbook.errors import CSError
    with pytest.raises(CSError):
        Config.from_mapping({"colour_points": "rainbow"})
    assert issubclass(ConfigError, ValueError)


def test_unknown_ttv_kpi_is_a_config_error():
    with pytest.raises(ConfigError, match="kpi"):
        metrics.ttv_goal("time to lunch")
