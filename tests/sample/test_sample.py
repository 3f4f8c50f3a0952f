"""The built-in sample portfolio: deterministic, schema-valid and internally consistent."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from cs_workbook.data import ATTRS, frame
from cs_workbook.errors import InvalidInput
from cs_workbook.schema import MRR_REASONS, SHEETS, sheet
from cs_workbook.sample import PRICE_PER_SEAT, STAGES, sample_portfolio

AS_OF = datetime.date(2026, 11, 23)
AS_OF_TS = pd.Timestamp(AS_OF)
MONTH = pd.Timestamp(2026, 11, 1)
WINDOW_START = MONTH - pd.DateOffset(months=17)
EXPANSION = ("Seat Expansion", "Product Change", "Product Change/Seat Change Mix",
             "Discount/Price Change")


@pytest.fixture(scope="module")
def data():
    return sample_portfolio(AS_OF)


@pytest.fixture(scope="module")
def accounts(data):
    return data.accounts.set_index("Account ID")


def stages(data) -> pd.Series:
    """Lifecycle stage by methodology §3.4 with the engine's adoption-complete rule."""
    acc = data.accounts.set_index("Account ID")
    latest = data.usage.sort_values("Month").groupby("Account ID").last()
    lu = latest["Billable Users"] / acc["Licensed Users"].reindex(latest.index)
    scm_green = latest["Git Operation Users"] / latest["Billable Users"] > 0.33
    complete = ((lu >= 0.80) & scm_green).reindex(acc.index, fill_value=False)
    stage = np.select(
        [acc["Onboarding Closed"].isna(), acc["Infrastructure Ready"].isna(), complete],
        ["Onboarding", "Implementation", "Optimize & Grow"], "Adoption")
    return pd.Series(stage, index=acc.index)


def test_same_arguments_give_identical_frames(data):
    again = sample_portfolio(AS_OF)
    for name, df in data.sheets().items():
        pd.testing.assert_frame_equal(df, again.sheets()[name], obj=name)
    assert again.config == {} and again.source == "sample"


def test_another_seed_gives_other_data(data):
    other = sample_portfolio(AS_OF, seed=7)
    assert not other.accounts.equals(data.accounts)
    assert not other.usage.equals(data.usage)


def test_default_as_of_is_today():
    today = datetime.date.today()
    data = sample_portfolio(n_accounts=4)
    assert data.support["Month"].max() == pd.Timestamp(today.year, today.month, 1)


def test_frames_have_canonical_columns_and_dtypes(data):
    for name, df in data.sheets().items():
        pd.testing.assert_frame_equal(df, frame(sheet(name), df), obj=name)
        assert len(df) > 0, name


def test_accounts_ids_names_and_spread(accounts):
    assert list(accounts.index) == [f"ACC-{i:03d}" for i in range(1, 41)]
    names = accounts["Account"]
    assert names.is_unique
    assert names.str.contains("&").any() and names.str.contains("'").any()
    assert not names.str.match(r"[=+\-@]").any()
    assert set(accounts["Segment"]) == {"Strategic", "Growth", "Scale", "Tech Touch"}
    assert set(accounts["Tier"]) == {"Free", "Premium", "Ultimate"}
    assert 1 <= (accounts["Tier"] == "Free").sum() <= 3
    assert set(accounts["Deployment"]) == {"SaaS", "Self-Managed", "Dedicated"}
    assert 5 <= accounts["CSM"].nunique() <= 6
    low_touch = accounts[accounts["Segment"].isin(["Scale", "Tech Touch"])]["CSM Priority"]
    assert low_touch.isna().any() and set(low_touch.dropna()) == {3}


def test_categorical_values_are_schema_choices(data):
    for s in SHEETS:
        if s.name == "Config":
            continue
        df = getattr(data, ATTRS[s.name])
        for col in s.columns:
            values = set(df[col.name].dropna())
            if col.choices:
                assert values <= set(col.choices), (s.name, col.name, values - set(col.choices))
            if col.required:
                assert df[col.name].notna().all(), (s.name, col.name)


def test_all_four_lifecycle_stages_present(data):
    counts = stages(data).value_counts()
    assert set(counts.index) == set(STAGES)
    assert (counts >= 4).all(), counts.to_dict()


def test_stage_milestones(accounts):
    onboarding = accounts[accounts["Onboarding Closed"].isna()]
    assert (onboarding["Contract Date"] >= AS_OF_TS - pd.Timedelta(days=92)).all()
    closed = accounts.dropna(subset=["Onboarding Closed"])
    days = (closed["Onboarding Closed"] - closed["Onboarding Start"]).dt.days
    assert days.between(20, 90).all()
    ready = accounts.dropna(subset=["Infrastructure Ready"])
    assert (ready["Infrastructure Ready"] > ready["Onboarding Closed"]).all()
    first = accounts["First Meeting"]
    assert first.isna().sum() in (1, 2)
    assert (first < accounts["Onboarding Start"]).sum() >= 1  # tests the Time to Engage clamp


def test_no_date_after_as_of(data):
    future_ok = {"Renewal Date", "Target Date"}
    for name, df in data.sheets().items():
        for col in df.columns:
            if df[col].dtype.kind == "M" and col not in future_ok:
                assert not (df[col] > AS_OF_TS).any(), (name, col)


def test_contract_subscription_and_renewal(accounts):
    assert accounts["Contract Date"].min() >= AS_OF_TS - pd.DateOffset(years=3, months=1)
    lag = (accounts["Subscription Start"] - accounts["Contract Date"]).dt.days
    assert lag.between(0, 7).all() and (lag > 0).any()
    renewal = accounts["Renewal Date"].dropna()
    start = accounts.loc[renewal.index, "Subscription Start"]
    assert (renewal > AS_OF_TS).all()
    assert (renewal <= AS_OF_TS + pd.DateOffset(years=1)).all()
    assert ((renewal.dt.month == start.dt.month) & (renewal.dt.day == start.dt.day)).all()


def test_arr_is_seats_times_price(data, accounts):
    churned = set(data.revenue.groupby("Account ID")["MRR"].last().pipe(lambda s: s[s == 0]).index)
    live = accounts.drop(index=sorted(churned))
    expected = live["Licensed Users"] * live["Tier"].map(PRICE_PER_SEAT)
    pd.testing.assert_series_equal(live["ARR"], expected, check_names=False)
    assert (accounts.loc[sorted(churned), "ARR"] == 0).all()
    seats = accounts.groupby("Segment")["Licensed Users"].agg(["min", "max"])
    assert seats.loc["Strategic", "min"] >= 1000 and seats.loc["Tech Touch", "max"] <= 120
    assert accounts["Licensed Users"].between(25, 5000).all()


def test_usage_months(data, accounts):
    usage = data.usage
    contract_month = accounts["Contract Date"].dt.to_period("M").dt.to_timestamp()
    assert (usage["Month"] >= usage["Account ID"].map(contract_month)).all()
    assert usage["Month"].between(WINDOW_START, MONTH).all()
    assert not usage.duplicated(["Account ID", "Month"]).any()
    per_account = usage.groupby("Account ID")["Month"].agg(["min", "max", "count"])
    old = contract_month[contract_month <= WINDOW_START].index
    assert len(old) >= 15
    full = per_account.loc[old]
    assert (full["count"] == 18).sum() == len(old) - 1  # all but the stale account
    stale = per_account[per_account["max"] < MONTH]
    assert len(stale) == 1 and stale["max"].iloc[0] == MONTH - pd.DateOffset(months=3)
    spans = (per_account["max"].dt.to_period("M") - per_account["min"].dt.to_period("M"))
    assert (spans.map(lambda p: p.n) + 1 == per_account["count"]).all()  # no gaps


def test_usage_values_are_plausible(data, accounts):
    u = data.usage
    licensed = u["Account ID"].map(accounts["Licensed Users"])
    assert (u["Active Users"] <= u["Billable Users"]).all()
    assert (u["Git Operation Users"] <= u["Billable Users"]).all()
    assert (u["Deployment Users"] <= u["Billable Users"]).all()
    assert (u["Scanner Users"] <= u["Billable Users"]).all()
    assert (u["Successful Deployments"] + u["Failed Deployments"] == u["Deployments"]).all()
    assert (u["CI Builds"] <= 80 * u["Billable Users"]).all()
    assert u["Scanner Types"].between(0, 7).all()
    tier = u["Account ID"].map(accounts["Tier"])
    assert (u.loc[tier != "Ultimate", "Scanner Types"] <= 1).all()
    assert u.loc[tier == "Ultimate", "Scanner Types"].max() >= 3
    utilization = u["Billable Users"] / licensed
    assert utilization.max() > 1.0 and utilization.min() < 0.1
    assert (u.select_dtypes("number") >= 0).all().all()


def test_some_accounts_decline_in_the_last_three_months(data):
    last = data.usage[data.usage["Month"] >= MONTH - pd.DateOffset(months=3)]
    wide = last.pivot(index="Account ID", columns="Month", values="Billable Users").dropna()
    declining = (wide.diff(axis=1).iloc[:, 1:] < 0).all(axis=1)
    assert declining.sum() >= 2


def test_first_value_date_matches_usage(data, accounts):
    usage = data.usage.sort_values("Month")
    ratio = usage["Billable Users"] / usage["Account ID"].map(accounts["Licensed Users"])
    first_hit = usage[ratio >= 0.10].groupby("Account ID")["Month"].min()
    contract_month = accounts["Contract Date"].dt.to_period("M").dt.to_timestamp()
    checked = 0
    for acc, row in accounts.iterrows():
        fvd = row["First Value Date"]
        if contract_month[acc] >= WINDOW_START:  # the whole history is in the usage sheet
            expected = first_hit.get(acc, pd.NaT)
            assert (pd.isna(fvd) and pd.isna(expected)) or fvd == expected, acc
            checked += 1
        else:
            assert fvd < WINDOW_START or fvd == first_hit[acc], acc
    assert checked >= 10
    assert accounts["First Value Date"].isna().sum() >= 2


def test_sentiment_and_meetings(data, accounts):
    updated = accounts.dropna(subset=["CSM Sentiment"])["Sentiment Updated"]
    age = (AS_OF_TS - updated).dt.days
    assert (age > 90).sum() >= 3 and (age > 120).sum() >= 1
    assert accounts["CSM Sentiment"].isna().eq(accounts["Sentiment Updated"].isna()).all()
    assert set(accounts["CSM Sentiment"].dropna()) == {"Green", "Yellow", "Red"}
    since = (AS_OF_TS - accounts["Last Meeting"]).dt.days
    assert (since > 60).sum() >= 2 and (since > 90).sum() >= 2 and (since <= 35).sum() >= 5
    tl = data.timeline
    meetings = tl[tl["Type"] != "Email"].groupby("Account ID")["Date"].max()
    pd.testing.assert_series_equal(accounts["Last Meeting"].dropna(), meetings, check_names=False,
                                   check_index_type=False)
    assert set(tl["Type"]) == {"Call", "Meeting", "Email", "EBR"}
    assert tl["Attendees"].str.contains("Dev Lead; Security Lead").any()


def test_persona_flags_follow_the_timeline(data, accounts):
    recent = data.timeline[data.timeline["Date"] > AS_OF_TS - pd.Timedelta(days=91)]
    for persona, column in (("Dev Lead", "Dev Lead Engaged"),
                            ("Security Lead", "Security Lead Engaged")):
        seen = recent[recent["Attendees"].str.split("; ").map(lambda p: persona in p)]
        expected = accounts.index.isin(seen["Account ID"])
        assert list(accounts[column]) == list(expected), column
        assert accounts[column].any() and not accounts[column].all()


def test_success_plan(data, accounts):
    counts = data.success_plan.groupby("Account ID").size()
    objectives = accounts["Success Plan Objectives"]
    assert (objectives == counts.reindex(accounts.index, fill_value=0)).all()
    assert (objectives[accounts["Success Plan Status"] == "None"] == 0).all()
    assert set(accounts["Success Plan Status"]) == {"Active", "Draft", "None"}
    assert counts.max() <= 4
    sp = data.success_plan
    assert (sp["Achieved Date"].notna() == (sp["Status"] == "Achieved")).all()
    assert sp["Status"].nunique() >= 4


def test_support_months_and_emergencies(data):
    s = data.support
    assert s["Month"].between(WINDOW_START, MONTH).all()
    latest = s[s["Month"] == MONTH]
    assert latest["Emergency Open"].sum() >= 1 and latest["Emergency Closed Last 7 Days"].sum() >= 1
    assert s["Tickets"].max() > 15 and (s["Tickets"] == 0).any()


def test_revenue_window_and_churn(data, accounts):
    rev = data.revenue
    assert rev["Month"].min() == MONTH - pd.DateOffset(months=24)
    assert rev["Month"].max() == MONTH
    paid = accounts.index[accounts["Tier"] != "Free"]
    assert set(rev["Account ID"]) == set(paid)
    last = rev.sort_values("Month").groupby("Account ID")["MRR"].last()
    live = last[last > 0]
    arr = accounts.loc[live.index, "ARR"]
    assert np.allclose(live, arr / 12, atol=0.01)
    assert 2 <= (last == 0).sum() <= 3
    year_ago = rev[rev["Month"] == MONTH - pd.DateOffset(months=12)]
    assert len(year_ago) >= 15


def test_mrr_changes_explain_revenue(data):
    rev = data.revenue.sort_values(["Account ID", "Month"])
    delta = rev.groupby("Account ID")["MRR"].diff().round(2)
    moves = rev.assign(Change=delta)[delta.fillna(0) != 0][["Account ID", "Month", "Change"]]
    changes = data.mrr_changes.sort_values(["Account ID", "Month"])
    pd.testing.assert_frame_equal(moves.reset_index(drop=True),
                                  changes[["Account ID", "Month", "Change"]].reset_index(drop=True))
    assert set(changes["Reason"]) <= set(MRR_REASONS)
    reasons = changes["Reason"].value_counts()
    assert reasons.get("Trueup", 0) >= 2 and reasons.get("Cancellation", 0) >= 2
    assert reasons.get("Downgrade", 0) >= 1
    assert changes[changes["Reason"].isin(EXPANSION)]["Account ID"].nunique() >= 5
    assert (changes.loc[changes["Reason"].isin(EXPANSION + ("Trueup",)), "Change"] > 0).all()
    assert (changes.loc[changes["Reason"].isin(["Cancellation", "Downgrade"]), "Change"] < 0).all()


@pytest.mark.parametrize("as_of", [datetime.date(2024, 2, 29), datetime.date(2026, 1, 1),
                                   datetime.date(2026, 12, 31)])
@pytest.mark.parametrize("n", [4, 9, 60])
def test_invariants_hold_for_other_dates_and_sizes(as_of, n):
    data = sample_portfolio(as_of, n_accounts=n, seed=n)
    assert len(data.accounts) == n and data.accounts["Account ID"].is_unique
    assert set(stages(data)) == set(STAGES)
    month = pd.Timestamp(as_of.year, as_of.month, 1)
    assert data.usage["Month"].max() == month and data.revenue["Month"].max() == month
    for name, df in data.sheets().items():
        for col in df.columns:
            if df[col].dtype.kind == "M" and col not in ("Renewal Date", "Target Date"):
                assert not (df[col] > pd.Timestamp(as_of)).any(), (name, col)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "40"])
def test_rejects_bad_account_counts(bad):
    with pytest.raises(InvalidInput):
        sample_portfolio(AS_OF, n_accounts=bad)


def test_rejects_non_date_as_of():
    with pytest.raises(InvalidInput):
        sample_portfolio("2026-11-23")
