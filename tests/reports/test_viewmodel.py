"""EBR view model: goldens for a hand-built account (values worked out by hand in comments),
explicit "no data" notes instead of zeros, formatting helpers, and import hygiene."""

from __future__ import annotations

import datetime as dt
import doctest
import subprocess
import sys

import pytest
from cs_workbook.reports import brand as brand_mod
from cs_workbook.reports import fmt, render
from cs_workbook.reports import settings as settings_mod
from cs_workbook.reports import viewmodel as viewmodel_mod
from cs_workbook.reports.brand import Brand
from cs_workbook.reports.viewmodel import build_view

from cs_workbook.data import CSData
from cs_workbook.errors import InvalidInput

AS_OF = dt.date(2026, 11, 23)
NB = "\u00a0"


def tiny_data() -> CSData:
    """ACC-T1: every PROVE measure Green (87.5 points); ACC-T2: contract only, no data."""
    accounts = [
        {"Account ID": "ACC-T1", "Account": "Tiny Co", "Segment": "Strategic", "CSM": "Ana Lima",
         "CSM Priority": 1, "Tier": "Premium", "Deployment": "SaaS",
         "Contract Date": "2025-01-10", "Subscription Start": "2025-01-10",
         "Renewal Date": "2027-01-10", "Licensed Users": 100, "ARR": 34800,
         "Onboarding Start": "2025-01-15", "First Meeting": "2025-01-20",
         "Onboarding Closed": "2025-02-20", "Infrastructure Ready": "2025-03-01",
         "CSM Sentiment": "Green", "Sentiment Updated": "2026-11-01",
         "Success Plan Status": "Active", "Success Plan Objectives": 2,
         "Success Plan Strategy": True, "Dev Lead Engaged": True, "Security Lead Engaged": True,
         "Last Meeting": "2026-11-10"},
        {"Account ID": "ACC-T2", "Account": "Empty Ltd", "Segment": "Scale", "Tier": "Premium",
         "Deployment": "SaaS", "Contract Date": "2026-10-01", "Licensed Users": 10},
    ]
    usage = [{"Account ID": "ACC-T1", "Month": m, "Billable Users": b, "Active Users": b * 0.8,
              "Git Operation Users": 40, "CI Builds": 4500, "Deployment Users": 15,
              "Deployments": 900, "Successful Deployments": 95, "Failed Deployments": 5}
             for m, b in (("2026-09-01", 80), ("2026-10-01", 85), ("2026-11-01", 90))]
    support = [{"Account ID": "ACC-T1", "Month": "2026-11-01", "Tickets": 3,
                "Emergency Open": 0, "Emergency Closed Last 7 Days": 0}]
    plan = [{"Account ID": "ACC-T1", "Objective": "Migrate all repos", "Status": "Achieved",
             "Target Date": "2026-06-30", "Achieved Date": "2026-06-15"},
            {"Account ID": "ACC-T1", "Objective": "Roll out CI templates", "Status": "In Progress",
             "Target Date": "2027-03-31"}]
    revenue = [{"Account ID": "ACC-T1", "Month": m, "MRR": 2900}
               for m in ("2025-11-01", "2026-11-01")]
    return CSData.from_frames({"Accounts": accounts, "Usage": usage, "Support": support,
                               "Success Plan": plan, "Revenue": revenue})


@pytest.fixture(scope="module")
def view():
    return build_view(tiny_data(), "ACC-T1", AS_OF)


@pytest.fixture(scope="module")
def empty_view():
    return build_view(tiny_data(), "ACC-T2", AS_OF)


def test_health_golden(view):
    # Product: LU 90 % at 22 months (Green), UE 80 % (Green), SCM 44 %, CI 50/user,
    # CD 17 % / 10 per user / 95 % (all Green), Security NA (Premium) → 87.5;
    # Risk, Outcomes, Voice (3 tickets), Engagement (13 days, both personas) all Green → 87.5
    h = view["summary"]["health"]
    assert (h["score"], h["text"], h["cls"]) == ("88", "Green", "green")
    assert view["scorecard"]["drivers"]["score_exact"] == "87.5"
    assert [d["points"] for d in view["scorecard"]["drivers"]["rows"]] == ["88"] * 5


def test_kpi_goldens(view):
    kpis = {k["label"]: k for k in view["summary"]["kpis"]}
    assert kpis["License utilization"]["value"] == f"90{NB}%"  # 90 billable ÷ 100 licensed
    assert kpis["License utilization"]["note"] == "90 of 100 seats"
    assert kpis["Use cases adopted"]["value"] == "3 of 4"  # SCM, CI, CD Green; Security NA
    assert kpis["Renewal"]["value"] == "10 Jan 2027"
    assert kpis["Renewal"]["note"] == f"in 48{NB}days"  # 7 + 31 + 10
    com = {k["label"]: k["value"] for k in view["commercials"]["kpis"]}
    assert com["Annual recurring revenue"] == "$34,800"
    assert com["Net revenue retention"] == f"100{NB}%"


def test_ttv_goldens(view):
    rows = {r["name"]: r for r in view["ttv"]["rows"]}
    assert (rows["Engage"]["value"], rows["Engage"]["status"]) == (f"5{NB}days", "Met")
    assert (rows["Onboard"]["value"], rows["Onboard"]["status"]) == (f"36{NB}days", "Met")
    # first value auto-detected in Sep 2026 (80 % ≥ 10 %): 365 + 234 days after 10 Jan 2025
    assert (rows["First value"]["value"], rows["First value"]["status"]) == (f"599{NB}days",
                                                                             "Missed")
    assert rows["Infrastructure ready"]["value"] == f"50{NB}days"  # 10 Jan → 1 Mar 2025
    assert rows["Outcome achieved"]["status"] == "Open"
    assert view["ttv"]["chart"].startswith("data:image/svg+xml;base64,")


def test_plan_and_period(view):
    assert view["period"]["label"] == "Dec 2025 – Nov 2026"
    assert [o["objective"] for o in view["plan"]["rows"]] == ["Migrate all repos",
                                                              "Roll out CI templates"]
    assert view["plan"]["rows"][0]["achieved"] == "15 Jun 2026"
    assert view["plan"]["note"] == ""
    assert "1 success-plan objective achieved: Migrate all repos" in view["summary"]["wins"]


def test_metadata(view):
    meta = view["meta"]
    assert meta["title"] == "Executive business review: Tiny Co"
    assert meta["author"] == "Ana Lima, Customer Success"
    assert meta["created"] == meta["modified"] == "2026-11-23T00:00:00Z"
    assert "ACC-T1" in meta["keywords"]


def test_missing_sections_say_so(empty_view):
    v = empty_view
    assert v["adoption"]["chart"] is None and "No usage data" in v["adoption"]["note"]
    assert v["support"]["chart"] is None and "No support data" in v["support"]["note"]
    assert "No success-plan objectives" in v["plan"]["note"]
    assert "No calls, meetings" in v["support"]["timeline_note"]
    assert "No MRR changes" in v["commercials"]["changes_note"]
    assert v["commercials"]["mrr_chart"] is None and v["commercials"]["mrr_note"]
    lu = {k["label"]: k["value"] for k in v["summary"]["kpis"]}["License utilization"]
    assert lu == "No data"  # issue #11: no data, with the reason in the note
    values = [k["value"] for part in ("summary", "adoption", "support") for k in v[part]["kpis"]]
    assert not any(val.startswith("0") for val in values), values


def test_unknown_account():
    with pytest.raises(InvalidInput, match="ACC-NOPE"):
        build_view(tiny_data(), "ACC-NOPE", AS_OF)


@pytest.mark.parametrize("value, expected", [
    (0.942439, f"94{NB}%"), (0.125, f"13{NB}%"), (None, "n/a"), (float("nan"), "n/a")])
def test_pct(value, expected):
    assert fmt.pct(value) == expected


def test_doctests():
    for module in (fmt, render, brand_mod, settings_mod, viewmodel_mod):
        failed, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert failed == 0, module.__name__


def test_brand_validation(tmp_path):
    assert Brand(colour="#ABC").colour == "#aabbcc"
    with pytest.raises(InvalidInput):
        Brand(colour="red; background: url(http://x)")
    bad = tmp_path / "logo.txt"
    bad.write_text("<html>")
    with pytest.raises(InvalidInput, match="not a PNG"):
        Brand(logo=bad).logo_src()
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    assert Brand(logo=png).logo_src().startswith("data:image/png;base64,")


def test_imports_stay_light():
    code = ("import sys, cs_workbook.reports, cs_workbook.cli.ebr, "
            "cs_workbook.reports.viewmodel; "
            "print(sorted(m for m in ('weasyprint', 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
