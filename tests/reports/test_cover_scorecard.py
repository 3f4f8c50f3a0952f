"""Issue #11 items 3 and 5: the scorecard page says "no data" with the reason instead of n/a
chips, "what changed" carries one arrow and no repeated phrase, and the cover carries the
account, period, CSM and headline figures. Text is read back from the PDF (pypdf)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pandas as pd
import pytest

pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")

from pdf_checks import text_of

from cs_workbook.config import DEFAULT
from cs_workbook.portfolio import score_accounts
from cs_workbook.reports import fmt
from cs_workbook.reports.brand import Brand
from cs_workbook.reports.reasons import no_data_reason
from cs_workbook.reports.render import Renderer
from cs_workbook.reports.viewmodel import build_view, quarter_label
from cs_workbook.sample import sample_portfolio

AS_OF = dt.date(2026, 10, 1)


def png_logo(width=3, height=2) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def sample():
    return sample_portfolio(AS_OF, n_accounts=12)


@pytest.fixture(scope="module")
def scores(sample):
    return score_accounts(sample, AS_OF)


@pytest.fixture(scope="module")
def pages(sample):
    renderer = Renderer()
    return {a: text_of(renderer.pdf(build_view(sample, a, AS_OF)))
            for a in ("ACC-001", "ACC-007", "ACC-012")}


def row(scores, account):
    return scores[scores["Account ID"] == account].iloc[0]


# -- item 3: scorecard chips --------------------------------------------------------------

@pytest.mark.parametrize("account", ["ACC-001", "ACC-007", "ACC-012"])
def test_scorecard_has_no_na(pages, account):
    scorecard = pages[account][2]
    assert scorecard.startswith("2 Health scorecard")
    assert "n/a" not in scorecard


def test_acc_007_says_why_measures_have_no_data(pages, scores):
    r = row(scores, "ACC-007")  # Premium, usage last reported Jul 2026 (stale on 1 Oct 2026)
    assert r["Tier"] == "Premium" and pd.Timestamp(r["Usage Month"]).month == 7
    assert pd.isna(r["SCM Health"]) and pd.isna(r["Security Health"])
    scorecard = pages["ACC-007"][2]
    assert "no data usage last reported Jul 2026 · Git operation users" in scorecard
    assert "no data not part of the Premium plan" in scorecard
    # every NA colour column of the measure table reads "no data", none "n/a"
    assert scorecard.count("no data") >= 8


def test_what_changed_has_one_arrow(pages, scores):
    for account in ("ACC-001", "ACC-007", "ACC-012"):
        r = row(scores, account)
        line = pages[account][2].split("WHAT CHANGED SINCE LAST MONTH", 1)[1][:120]
        now, before = fmt.points(r["Health Score"]), fmt.points(r["Previous Health Score"])
        if now == before:
            assert line.startswith(f" Health score {now}, unchanged since last month;"), line
        else:
            assert line.startswith(f" Health score {before} → {now}, "), line
            assert "↑" not in line and "↓" not in line
        assert line.count("→") <= 2  # score, colour: never "69 → 69 →"
    # ACC-012 is unchanged (69 → 69) in the sample
    assert "Health score 69, unchanged since last month; colour Yellow , unchanged" \
        in pages["ACC-012"][2]


@pytest.mark.parametrize("account", ["ACC-001", "ACC-007", "ACC-012"])
def test_no_phrase_twice_in_a_sentence(pages, account):
    for page in pages[account]:
        for sentence in page.split(";"):
            assert sentence.count("since last month") <= 1, sentence
            assert sentence.count("unchanged") <= 1, sentence


# -- reasons, rule by rule (docs/methodology.md §1.1, §1.5) ---------------------------------

def ctx(**kw):
    account = {"Segment": "Enterprise", "Tier": "Ultimate", "Onboarding Start": None,
               "Contract Date": pd.Timestamp("2024-01-01"), "CSM Sentiment": "Green",
               "Sentiment Updated": pd.Timestamp("2026-09-01")}
    scored = {"Usage Month": pd.Timestamp("2026-09-01"), "Account Age (Months)": 30,
              "Tickets (Month)": 3, "Days Since Last Meeting": 10}
    for k, v in kw.items():
        (account if k in account else scored)[k] = v
    return SimpleNamespace(config=DEFAULT, as_of=AS_OF, row=scored, account=account)


def test_usage_is_stale_from_day_61_after_the_snapshot_month():
    # the July snapshot's month ends 31 Jul; 1 Oct is day 62, 29 Sep day 60
    assert no_data_reason(ctx(**{"Usage Month": pd.Timestamp("2026-07-01")}), "CI Health") \
        == "usage last reported Jul 2026"
    c = ctx(**{"Usage Month": pd.Timestamp("2026-07-01")})
    c.as_of = dt.date(2026, 9, 29)
    assert no_data_reason(c, "CI Health") == ""
    c.as_of = dt.date(2026, 9, 30)
    assert no_data_reason(c, "CI Health") == "usage last reported Jul 2026"
    assert no_data_reason(ctx(**{"Usage Month": None}), "SCM Health") == "no usage reported"


def test_reasons_of_the_other_rules():
    assert no_data_reason(ctx(Tier="Premium"), "Security Health") == \
        "not part of the Premium plan"
    assert no_data_reason(ctx(Segment="Growth"), "Persona Health") == \
        "not measured for Growth accounts"
    assert no_data_reason(ctx(Segment="scale"), "Meeting Cadence Health") == \
        "not measured for scale accounts"
    young = ctx(**{"Onboarding Start": pd.Timestamp("2026-09-10")})  # day 21 of 30
    assert no_data_reason(young, "Support Health").startswith("onboarding")
    assert no_data_reason(young, "Risk (Sentiment)") == ""  # sentiment has no grace
    assert no_data_reason(ctx(**{"Account Age (Months)": 2}), "License Health") == \
        "account under 3 months old"
    assert no_data_reason(ctx(**{"CSM Sentiment": None}), "Risk (Sentiment)") == \
        "not recorded by the CSM"
    old = ctx(**{"Sentiment Updated": pd.Timestamp("2026-05-01")})  # 153 days
    assert "over 120 days ago" in no_data_reason(old, "Risk (Sentiment)")
    assert no_data_reason(ctx(**{"Tickets (Month)": None}), "Support Health") == \
        "no recent support data"
    assert no_data_reason(ctx(), "CD Health") == ""  # no known rule: just "no data"


# -- item 5: the cover -------------------------------------------------------------------

def test_quarter_label():
    assert [quarter_label(dt.date(2026, m, 1)) for m in (1, 3, 4, 9, 10, 12)] == \
        ["Q1 2026", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026", "Q4 2026"]


def test_cover_carries_the_headline(pages, scores):
    for account in ("ACC-001", "ACC-007"):
        r = row(scores, account)
        cover = pages[account][0]
        # pypdf reads text object by object, not in reading order: look for each piece
        assert cover.startswith("EXECUTIVE BUSINESS REVIEW · Q4 2026 "), cover
        assert r["Account"] in cover and r["CSM"] in cover and "PREPARED BY" in cover
        assert "data as of 1 Oct 2026" in cover
        assert f"OVERALL HEALTH {fmt.points(r['Health Score'])} {r['Health Colour']}" in cover
        assert f"ANNUAL RECURRING REVENUE ${r['ARR']:,.0f}" in cover
        assert f"{account} · {r['Segment']} · {r['Tier']}" in cover
        assert "Executive summary Health scorecard Adoption" in cover  # the agenda


def test_cover_of_an_unscored_account_says_so():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("_ebr_vm_tests_cover",
                                                  Path(__file__).with_name("test_viewmodel.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    view = build_view(module.tiny_data(), "ACC-T2", dt.date(2026, 11, 23))  # a contract, no data
    assert view["cover"]["score"] == "No data" and view["cover"]["colour"] == "not scored"
    assert view["cover"]["trend"] == ""


def test_cover_uses_the_given_logo(sample):
    pdf = Renderer().pdf(build_view(sample, "ACC-001", AS_OF, brand=Brand(logo=png_logo())))
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"]["/XObject"]

    def images(objs):
        for obj in objs.values():
            obj = obj.get_object()
            if obj["/Subtype"] == "/Image":
                yield obj
            elif "/Resources" in obj and "/XObject" in obj["/Resources"]:
                yield from images(obj["/Resources"]["/XObject"])

    assert [(im["/Width"], im["/Height"]) for im in images(xobjects)] == [(3, 2)]
