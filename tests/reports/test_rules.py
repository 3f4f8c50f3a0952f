"""Executive-summary rules: each rule fires on its methodology condition and stays silent
otherwise; the summary keeps the most important findings of each kind."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from cs_workbook.reports import rules
from cs_workbook.reports.rules import Facts, summarise

from cs_workbook.config import DEFAULT

AS_OF = dt.date(2026, 11, 23)
START = dt.date(2025, 12, 1)
NB = "\u00a0"


def facts(account=None, previous=None, objectives=(), drivers=(), **row) -> Facts:
    return Facts(row=row, as_of=AS_OF, period_start=START, account=account or {},
                 previous=previous, objectives=tuple(objectives), drivers=tuple(drivers),
                 config=DEFAULT)


def texts(found):
    return [f.text for f in found]


def test_every_rule_has_a_domain_citation():
    for rule in rules.WIN_RULES + rules.RISK_RULES + rules.NEXT_RULES:
        assert "§" in (rule.__doc__ or ""), rule.__name__


def test_health_green_and_colour_risk():
    assert texts(rules.win_health_green(facts(**{"Health Colour": "Green",
                                                 "Health Score": 76.875}))) == [
        "Overall health is Green at 77 points"]
    assert rules.win_health_green(facts(**{"Health Colour": "Yellow"})) == []
    found = rules.risk_health_colour(facts(
        drivers=[("Product", 66.9), ("Risk (CSM sentiment)", 25.0), ("Engagement", None)],
        **{"Health Colour": "Red", "Health Score": 48.2, "Risk (Sentiment)": "Red"}))
    assert texts(found) == [("Overall health is Red at 48 points (CSM sentiment is Red, which "
                             "overrides the score); weakest area: Risk (CSM sentiment) at 25 "
                             "points")]
    assert found[0].rank < rules.risk_health_colour(facts(**{"Health Colour": "Yellow",
                                                            "Health Score": 70}))[0].rank


@pytest.mark.parametrize("trend, rule, expected", [
    ("Up", rules.win_health_improved, "Health score up from 70 to 74 since last month"),
    ("Down", rules.risk_health_declined, "Health score down from 70 to 74 since last month"),
])
def test_trend(trend, rule, expected):
    f = facts(**{"Health Trend": trend, "Previous Health Score": 70.2, "Health Score": 74.0})
    assert texts(rule(f)) == [expected]
    assert rule(facts(**{"Health Trend": "Same"})) == []


def test_trend_same_display_value():
    f = facts(**{"Health Trend": "Down", "Previous Health Score": 77.2, "Health Score": 76.9})
    assert texts(rules.risk_health_declined(f)) == [
        "Health score slipped slightly since last month (77)"]


def test_score_drops_name_both_colours():
    f = facts(previous={"CI Health": "Green", "License Health": "Yellow"},
              **{"Drop Alerts": "License, CI", "CI Health": "Yellow", "License Health": "Red"})
    assert texts(rules.risk_score_drops(f)) == [
        "License health dropped from Yellow to Red this month",
        "CI health dropped from Green to Yellow this month"]
    assert rules.risk_score_drops(facts(**{"Drop Alerts": None})) == []


def test_ttv_met_only_counts_inside_the_period():
    account = {"Onboarding Start": pd.Timestamp("2026-03-01"),
               "Contract Date": pd.Timestamp("2024-01-01")}
    f = facts(account, **{"Engage Status": "Met", "Time to Engage": 9,
                          "First Value Status": "Met", "Time to First Value": 20})
    # engage ended 10 Mar 2026 (inside the period); first value 21 Jan 2024 (long before)
    assert texts(rules.win_ttv_met(f)) == [f"Time to engage: 9{NB}days, within the 14-day goal"]


def test_ttv_overdue_and_missed():
    account = {"Onboarding Start": pd.Timestamp("2026-09-01"),
               "Contract Date": pd.Timestamp("2026-08-01")}
    f = facts(account, **{"Onboard Status": "Overdue", "First Value Status": "Missed",
                          "Time to First Value": 40})
    found = texts(rules.risk_ttv(f))
    assert f"Time to onboard is overdue: still open after 83{NB}days (goal 45 days)" in found
    assert f"Time to first value goal missed: 40{NB}days against 30 days" in found
    assert texts(rules.next_ttv(f)) == ["Agree a date to reach the onboard milestone"]


def test_signals():
    f = facts(**{"Seat expansion": True, "License Utilization": 0.94, "Seat reduction": True,
                 "Licensed Users": 100.0, "Billable Users": 60.0, "Downtier risk": True,
                 "Security Health": "Yellow", "Churn risk": True, "Risk (Sentiment)": "Red"})
    assert texts(rules.win_strong_consumption(f)) == [
        f"Strong seat consumption: 94{NB}% of licenses in use"]
    assert texts(rules.risk_seat_reduction(facts(**{"Seat reduction": True,
                                                    "License Utilization": 0.6}))) == [
        f"Seat reduction risk: 60{NB}% license utilization, below 75{NB}%"]
    assert texts(rules.risk_seat_reduction(facts(**{"Seat reduction": True,
                                                    "License Utilization": 0.8}))) == [
        "Seat reduction risk: billable users falling month over month"]
    assert texts(rules.risk_downtier(f)) == [
        "Downtier risk: Ultimate security features under-used (Security Yellow)"]
    assert texts(rules.risk_churn(f)) == ["Churn risk: CSM sentiment is Red"]
    assert texts(rules.risk_churn(facts(**{"Churn risk": True}))) == [
        "Churn risk: no customer touch in over 90 days"]
    steps = texts(rules.next_signals(f))
    assert steps[:2] == ["Hold an executive alignment call to confirm goals and sponsorship",
                         "Agree an activation plan for the 40 unused seats"]
    assert len(steps) == 4
    quiet = facts(**{k: False for k in ("Seat expansion", "Seat reduction", "Downtier risk",
                                        "Churn risk")})
    assert rules.next_signals(quiet) == [] and rules.risk_churn(quiet) == []


def test_renewal():
    soon = facts(**{"Days to Renewal": 40.0, "Renewal Date": pd.Timestamp("2027-01-02"),
                    "Health Colour": "Yellow"})
    assert texts(rules.risk_renewal(soon)) == [
        f"Renewal in 40{NB}days (2 Jan 2027) with health Yellow"]
    assert texts(rules.next_renewal(soon)) == [
        f"Prepare the renewal due 2 Jan 2027 (40{NB}days away)"]
    green = facts(**{"Days to Renewal": 40.0, "Health Colour": "Green"})
    assert rules.risk_renewal(green) == []
    past = facts(**{"Days to Renewal": -5.0, "Renewal Date": pd.Timestamp("2026-11-18")})
    assert texts(rules.risk_renewal(past)) == [
        "Renewal date 18 Nov 2026 has passed; no new term is recorded"]
    assert rules.next_renewal(facts(**{"Days to Renewal": 400.0})) == []


def test_objectives():
    objectives = [
        {"Objective": "Done in period", "Status": "Achieved",
         "Achieved Date": pd.Timestamp("2026-05-01")},
        {"Objective": "Done long ago", "Status": "Achieved",
         "Achieved Date": pd.Timestamp("2024-05-01")},
        {"Objective": "Late", "Status": "In Progress", "Target Date": pd.Timestamp("2026-10-01"),
         "Achieved Date": None},
        {"Objective": "Flagged", "Status": "At Risk", "Target Date": pd.Timestamp("2027-10-01")},
        {"Objective": "On track", "Status": "In Progress",
         "Target Date": pd.Timestamp("2027-01-01")},
    ]
    f = facts(objectives=objectives)
    assert texts(rules.win_objectives_achieved(f)) == [
        "1 success-plan objective achieved: Done in period"]
    assert texts(rules.risk_objectives(f)) == [
        "Success-plan objective at risk or late: Late; Flagged"]
    assert texts(rules.next_objectives(f)) == [
        "Re-plan the late success-plan objectives with the sponsor"]
    assert texts(rules.next_objectives(facts())) == [
        "Agree a success plan with measurable objectives"]


def test_adoption_and_use_cases():
    f = facts(**{"SCM Health": "Green", "CI Health": "Green", "CD Health": "Yellow",
                 "Security Health": "Green", "Adoption Complete": True,
                 "License Utilization": 0.85})
    assert texts(rules.win_use_cases_adopted(f)) == [
        "Successful platform adoption: 3 of 4 use cases Green (SCM, CI, Security)"]
    assert texts(rules.win_adoption_complete(f)) == [
        f"Adoption complete: 85{NB}% of licenses in use and SCM Green"]
    assert texts(rules.next_use_case(f)) == [
        "Grow CD adoption (currently Yellow) toward Green"]
    assert texts(rules.win_use_cases_adopted(facts(**{"SCM Health": "Green"}))) == [
        "SCM adopted (Green)"]
    assert rules.next_use_case(facts()) == []


def test_support_engagement_sentiment_retention():
    f = facts(**{"Emergency Health": "Red", "Support Health": "Red", "Tickets (Month)": 18.0,
                 "Meeting Cadence Health": "Red", "Days Since Last Meeting": 75.0,
                 "Persona Health": "Yellow", "Sentiment Stale": True, "GRR": 0.8, "NRR": 1.25})
    assert texts(rules.risk_support(f)) == ["An emergency support ticket is open",
                                            "High support load: 18 tickets this month"]
    assert texts(rules.risk_engagement(f))[0] == (
        f"Last meeting 75{NB}days ago, beyond the agreed cadence")
    assert texts(rules.risk_stale_sentiment(f)) == [
        "CSM sentiment not updated in over 90 days"]
    assert texts(rules.risk_gross_retention(f)) == [
        f"Gross revenue retention 80{NB}%, below the 90{NB}% target"]
    assert texts(rules.win_net_retention(f)) == [
        f"Net revenue retention of 125{NB}% year over year"]
    assert len(rules.next_engagement(f)) == 3


def test_summary_limits_and_order():
    f = facts(**{"Health Colour": "Red", "Health Score": 40.0, "Churn risk": True,
                 "Risk (Sentiment)": "Red", "Emergency Health": "Red", "Support Health": "Red",
                 "Tickets (Month)": 20.0, "Sentiment Stale": True, "Seat reduction": True,
                 "License Utilization": 0.3, "Persona Health": "Red",
                 "Days to Renewal": 30.0, "Renewal Date": pd.Timestamp("2026-12-23")})
    s = summarise(f)
    assert len(s.risks) == 4 and len(s.next_steps) <= 4 and s.wins == ()
    ranks = [r.rank for r in s.risks]
    assert ranks == sorted(ranks)
    assert s.risks[0].rule == "risk_health_colour"


def test_no_data_raises_nothing():
    s = summarise(facts())
    assert s.wins == () and s.risks == ()
    assert [f.rule for f in s.next_steps] == ["next_objectives"]
