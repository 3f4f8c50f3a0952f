"""The EBR appendix's settings in plain words: a label and a meaning for every configuration key.

Only settings that differ from the defaults are printed; each reads as a short sentence
("Colour points: GitLab's dbt values 25/63/88"), never as a raw ``key value`` pair.
Every field of :class:`cs_workbook.config.Config` has an entry (a test checks it).
"""

from __future__ import annotations

from dataclasses import fields

from cs_workbook.config import DEFAULT, Config

from . import fmt

__all__ = ["LABELS", "MEANINGS", "changed_settings"]


def _pct(v) -> str:
    return fmt.pct(v)


def _days(v) -> str:
    return fmt.days(v)


def _list(v) -> str:
    return ", ".join(v) if v else "none"


#: key → label (what the setting is, in plain words)
LABELS = {
    "weights_profile": "Weight profile",
    "weight_product": "Weight of Product",
    "weight_risk": "Weight of Risk (CSM sentiment)",
    "weight_outcomes": "Weight of Outcomes (success plan)",
    "weight_voice": "Weight of Voice of the customer (support)",
    "weight_engagement": "Weight of Engagement",
    "weight_license": "Weight of license utilization in Product",
    "weight_user_engagement": "Weight of user engagement in Product",
    "weight_scm": "Weight of SCM in Product",
    "weight_ci": "Weight of CI in Product",
    "weight_cd": "Weight of CD in Product",
    "weight_security": "Weight of Security in Product",
    "weight_meeting_cadence": "Weight of meeting cadence in Engagement",
    "weight_persona": "Weight of persona coverage in Engagement",
    "colour_points": "Colour points",
    "red_max": "Red band",
    "yellow_max": "Yellow band",
    "sentiment_override": "Red sentiment override",
    "support_green_max": "Support tickets for Green",
    "support_yellow_max": "Support tickets for Yellow",
    "support_zero_tickets": "Months without tickets",
    "cadence_p1_green_days": "Meeting cadence, priority 1, Green",
    "cadence_p1_yellow_days": "Meeting cadence, priority 1, Yellow",
    "cadence_p2_green_days": "Meeting cadence, priority 2, Green",
    "cadence_p2_yellow_days": "Meeting cadence, priority 2, Yellow",
    "sentiment_stale_days": "Stale CSM sentiment",
    "sentiment_na_days": "Expired CSM sentiment",
    "usage_na_days": "Usage data expiry",
    "support_na_days": "Support data expiry",
    "onboarding_grace_days": "Onboarding grace period",
    "risk_na_segments": "Segments without a sentiment score",
    "outcomes_na_segments": "Segments without a success-plan score",
    "cadence_na_segments": "Segments without a meeting-cadence score",
    "persona_na_segments": "Segments without a persona score",
    "user_engagement_na_deployments": "Deployments without a user-engagement score",
    "trend_epsilon": "Trend tolerance",
    "threshold_set": "Use-case thresholds",
    "lu_table": "License-utilization table",
    "lu_min_age_months": "License utilization scored from",
    "zero_denominator": "Use cases with no billable users",
    "account_lu_method": "Account license utilization",
    "security_tiers": "Tiers scored on Security",
    "first_value_threshold": "First value",
    "adoption_threshold": "Adoption complete",
    "primary_use_case": "Primary use case",
    "expansion_lu": "Seat-expansion signal",
    "expansion_engagement": "Seat-expansion signal (engagement)",
    "reduction_lu": "Seat-reduction signal",
    "gone_dark_days": "Churn signal (no contact)",
    "goal_engage_days": "Time-to-engage goal",
    "goal_first_value_days": "Time-to-first-value goal",
    "goal_onboard_days": "Time-to-onboard goal",
    "instance_ttv_since": "Time to value counted for contracts from",
    "grr_target": "GRR target",
    "nrr_target": "NRR target",
    "ps_billable_hours": "Billable hours a year (services)",
    "sow_margin_target": "Services margin target",
    "sow_contingency_pct": "Services contingency",
    "sow_discount_pct": "Services discount",
}

_WEIGHT = "{v:g} (instead of the profile's value)"

#: key → what a value means: a format string on ``v`` or a function of the value
MEANINGS = {
    "weights_profile": {"gitlab_current": "GitLab's current weights",
                        "gitlab_2022": "GitLab's 2022 weights (Risk 50 %, Product 25 %)"},
    **{k: _WEIGHT for k in LABELS if k.startswith("weight_") and k not in
       ("weight_meeting_cadence", "weight_persona")},
    "weight_meeting_cadence": "{v:g}",
    "weight_persona": "{v:g}",
    "colour_points": {"midpoint": "band midpoints 25/62.5/87.5",
                      "dbt": "GitLab's dbt values 25/63/88"},
    "red_max": "Red up to {v:g} points",
    "yellow_max": "Yellow up to {v:g} points",
    "sentiment_override": {True: "a Red CSM sentiment makes the account Red",
                           False: "a Red CSM sentiment counts only through its weight"},
    "support_green_max": "Green up to {v:g} tickets a month",
    "support_yellow_max": "Yellow up to {v:g} tickets a month",
    "support_zero_tickets": {"yellow": "a month with no tickets is Yellow",
                             "na": "a month with no tickets is not scored"},
    "cadence_p1_green_days": lambda v: f"Green within {_days(v)}",
    "cadence_p1_yellow_days": lambda v: f"Yellow within {_days(v)}",
    "cadence_p2_green_days": lambda v: f"Green within {_days(v)}",
    "cadence_p2_yellow_days": lambda v: f"Yellow within {_days(v)}",
    "sentiment_stale_days": lambda v: f"flagged stale after {_days(v)}",
    "sentiment_na_days": lambda v: f"not scored after {_days(v)}",
    "usage_na_days": lambda v: f"usage older than {_days(v)} is not scored",
    "support_na_days": lambda v: f"support data older than {_days(v)} is not scored",
    "onboarding_grace_days": lambda v: f"measures other than CSM sentiment are not scored "
                                        f"in the first {_days(v)} of onboarding",
    "risk_na_segments": _list,
    "outcomes_na_segments": _list,
    "cadence_na_segments": _list,
    "persona_na_segments": _list,
    "user_engagement_na_deployments": _list,
    "trend_epsilon": "changes up to {v:g} points count as unchanged",
    "threshold_set": {"current": "GitLab's current thresholds",
                      "2023": "GitLab's 2023 thresholds"},
    "lu_table": {"dbt": "GitLab's dbt table", "handbook": "the handbook table"},
    "lu_min_age_months": "an account age of {v:g} months",
    "zero_denominator": {"zero": "score 0 (Red)", "na": "not scored"},
    "account_lu_method": {"sum": "all instances' seats added up",
                          "arr_weighted": "instances weighted by ARR"},
    "security_tiers": _list,
    "first_value_threshold": lambda v: f"{_pct(v)} of seats in use",
    "adoption_threshold": lambda v: f"{_pct(v)} of seats in use and the primary use case Green",
    "primary_use_case": lambda v: str(v).upper(),
    "expansion_lu": lambda v: f"at {_pct(v)} of licenses used",
    "expansion_engagement": lambda v: f"above {_pct(v)} of billable users active",
    "reduction_lu": lambda v: f"below {_pct(v)} of licenses used",
    "gone_dark_days": lambda v: f"no customer contact in {_days(v)}",
    "goal_engage_days": lambda v: _days(v),
    "goal_first_value_days": lambda v: _days(v),
    "goal_onboard_days": lambda v: _days(v),
    "instance_ttv_since": lambda v: fmt.date(v),
    "grr_target": lambda v: _pct(v),
    "nrr_target": lambda v: _pct(v),
    "ps_billable_hours": "{v:,g} hours",
    "sow_margin_target": lambda v: _pct(v),
    "sow_contingency_pct": lambda v: _pct(v),
    "sow_discount_pct": lambda v: _pct(v),
}


def meaning(key: str, value) -> str:
    """What ``value`` of ``key`` means, in words.

    >>> meaning("colour_points", "dbt")
    "GitLab's dbt values 25/63/88"
    >>> meaning("goal_engage_days", 21)
    '21\\xa0days'
    """
    how = MEANINGS[key]
    if isinstance(how, dict):
        return how.get(value, str(value))
    if callable(how):
        return how(value)
    return how.format(v=value)


def changed_settings(config: Config, default: Config = DEFAULT) -> list[dict]:
    """``[{"label", "meaning"}]`` for every setting of ``config`` that differs from ``default``."""
    out = []
    for f in fields(config):
        value = getattr(config, f.name)
        if value == getattr(default, f.name):
            continue
        out.append({"key": f.name, "label": LABELS[f.name],
                    "meaning": "from the profile" if value is None else meaning(f.name, value)})
    return out
