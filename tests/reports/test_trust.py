"""Issue #11 items 2, 3 and 5: every statement on a page is true for its account; missing
data reads "No data" with the reason, never 0 % or a sentence stitched from n/a values."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("pypdf")

import importlib.util
from pathlib import Path

from pdf_checks import text_of

from cs_workbook.portfolio import portfolio_summary, score_accounts
from cs_workbook.reports.render import Renderer
from cs_workbook.reports.viewmodel import build_view, trend_sentence, use_case_note
from cs_workbook.sample import sample_portfolio

_spec = importlib.util.spec_from_file_location("_ebr_viewmodel_tests",
                                               Path(__file__).with_name("test_viewmodel.py"))
_vm_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_vm_tests)
tiny_data = _vm_tests.tiny_data  # ACC-T1 with every measure, ACC-T2 with a contract only

DATA_END = dt.date(2026, 10, 1)   # the sample's last Usage and Revenue month
LATE = dt.date(2026, 11, 15)      # a month past the last Revenue month
EMPTY_AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def sample():
    return sample_portfolio(DATA_END)


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


def page_texts(renderer, data, account, as_of):
    return text_of(renderer.pdf(build_view(data, account, as_of)))


def kpis(view, part="summary"):
    return {k["label"]: k for k in view[part]["kpis"]}


# -- item 2: the use-case card names what is Green, what is not, what is not in the plan ----

def test_use_case_card_of_acc_007(sample):
    card = kpis(build_view(sample, "ACC-007", DATA_END))["Use cases adopted"]
    # ACC-007 (Premium): SCM Yellow, CI Green, CD Yellow, Security not scored on Premium
    assert card["value"] == "1 of 4"
    assert card["note"] == "Green: CI · not Green: SCM (Yellow), CD (Yellow) · not in plan: Security"


def test_use_case_card_differs_by_account_and_matches_scores(sample):
    scores = score_accounts(sample, DATA_END)
    notes = set()
    for _, row in scores.iterrows():
        row = {k: (None if v != v else v) for k, v in row.items()}
        note = use_case_note(row)
        notes.add(note)
        green = note.split(" · ")[0]
        named = green[len("Green: "):].split(", ") if green.startswith("Green: ") else []
        assert len(named) == (row["Platform Adoption"] or 0), (row["Account ID"], note)
        for label, col in (("SCM", "SCM Health"), ("CI", "CI Health"), ("CD", "CD Health"),
                           ("Security", "Security Health")):
            if row[col] == "Green":
                assert label in named
            elif row[col]:
                assert f"{label} ({row[col]})" in note
        if row["Tier"] != "Ultimate":
            assert "not in plan: Security" in note
    assert len(notes) > 5   # not the same sentence on every deck


def test_use_case_card_in_the_pdf(sample, renderer):
    page = page_texts(renderer, sample, "ACC-007", DATA_END)[1]
    assert "SCM, CI, CD, Security: Green" not in page
    assert "Green: CI · not Green: SCM (Yellow), CD (Yellow) · not in plan: Security" in page


# -- item 3: missing data is "No data" with the reason ---------------------------------------

def test_retention_is_na_past_the_last_revenue_month(sample):
    scores = score_accounts(sample, LATE)
    assert scores["MRR Now"].isna().all()
    assert scores["GRR"].isna().all() and scores["NRR"].isna().all()
    assert scores["MRR Year Ago"].notna().any()
    summary = portfolio_summary(sample, scores, LATE)
    assert summary["grr"] is None and summary["nrr"] is None
    # inside the data a missing current MRR still counts as churn (methodology §5.1)
    inside = score_accounts(sample, DATA_END)
    assert inside["GRR"].notna().any()
    assert portfolio_summary(sample, inside, DATA_END)["grr"] is not None


def test_commercials_past_the_last_revenue_month(sample, renderer):
    view = build_view(sample, "ACC-007", LATE)
    com = kpis(view, "commercials")
    for label in ("Net revenue retention", "Gross revenue retention"):
        assert com[label]["value"] == "No data"
        assert com[label]["note"] == "no MRR recorded for Nov 2026 yet"
    page = next(t for t in page_texts(renderer, sample, "ACC-007", LATE) if "7 Commercials" in t)
    assert "MRR $0" not in page and "n/a vs" not in page
    assert "NET REVENUE RETENTION No data" in page


def test_near_empty_account_reads_no_data(renderer):
    data = tiny_data()
    view = build_view(data, "ACC-T2", EMPTY_AS_OF)
    text = " ".join(page_texts(renderer, data, "ACC-T2", EMPTY_AS_OF))
    for stitched in ("n/a of", "of n/a", "n/a billable of", "from n/a", "n/a vs", "vs n/a",
                     "strategy recorded Not recorded", "(was n/a)", "n/a → n/a",
                     "snapshot (n/a)", "· n/a"):
        assert stitched not in text, stitched
    s = kpis(view)
    assert s["License utilization"]["value"] == "No data"
    assert s["License utilization"]["note"] == "no recent usage reported for the 10 licensed seats"
    assert view["summary"]["health"]["score"] == "No data"
    assert view["summary"]["health"]["coverage"] == "no data for any of the 5 components"
    com = kpis(view, "commercials")
    assert com["Net revenue retention"]["note"] == "no MRR for Nov 2025 (12 months ago)"
    assert view["plan"]["strategy"] == "strategy: no data"


def test_headline_on_one_component_says_so():
    """An account whose only scored component is Voice (support): the headline says so."""
    data = tiny_data()
    support = data.support.copy()
    row = support.iloc[0].copy()
    row["Account ID"], row["Tickets"] = "ACC-T2", 30
    import pandas as pd
    from dataclasses import replace
    data = replace(data, support=pd.concat([support, row.to_frame().T], ignore_index=True)
                   .astype(support.dtypes.to_dict()))
    view = build_view(data, "ACC-T2", EMPTY_AS_OF)
    health = view["summary"]["health"]
    assert health["score"] == "25" and health["text"] == "Red"
    assert health["coverage"] == "based on 1 of 5 components"
    full = build_view(tiny_data(), "ACC-T1", EMPTY_AS_OF)["summary"]["health"]
    assert full["coverage"] == ""


# -- item 5: wording -------------------------------------------------------------------------

def test_trend_wording_names_last_month_once():
    assert trend_sentence("Same", 62) == "unchanged since last month"
    assert trend_sentence("Down", 70) == "down from 70 last month"
    assert trend_sentence("Up", 58) == "up from 58 last month"
    assert trend_sentence(None, None) == "no previous score to compare"


# -- item 4: the appendix in plain words -----------------------------------------------------

def test_every_config_key_has_a_label_and_meaning():
    from dataclasses import fields

    from cs_workbook.config import DEFAULT, Config
    from cs_workbook.reports import settings

    keys = {f.name for f in fields(Config)}
    assert set(settings.LABELS) == keys
    assert set(settings.MEANINGS) == keys
    for key in keys:
        value = getattr(DEFAULT, key)
        if value is not None:
            text = settings.meaning(key, value)
            assert text and key not in text, key
    assert settings.changed_settings(DEFAULT) == []


def test_appendix_lists_only_changed_settings_in_words(sample, renderer):
    from cs_workbook.config import DEFAULT

    cfg = DEFAULT.replace(colour_points="dbt", goal_engage_days=21, zero_denominator="na")
    view = build_view(sample, "ACC-007", DATA_END, cfg)
    assert [(c["label"], c["meaning"]) for c in view["appendix"]["settings"]] == [
        ("Colour points", "GitLab's dbt values 25/63/88"),
        ("Use cases with no billable users", "not scored"),
        ("Time-to-engage goal", "21\u00a0days"),
    ]
    pages = text_of(renderer.pdf(view))
    appendix = next(t for t in pages if "Appendix" in t and "SETTINGS IN FORCE" in t.upper())
    assert "Colour points: GitLab's dbt values 25/63/88" in appendix
    assert "Time-to-engage goal: 21 days" in appendix
    from dataclasses import fields
    from cs_workbook.config import Config
    for f in fields(Config):
        assert f.name not in appendix, f.name
    default = text_of(renderer.pdf(build_view(sample, "ACC-007", DATA_END)))
    assert "All settings are the defaults" in " ".join(default)
    assert "zero_denominator" not in " ".join(default)


def test_mrr_bar_labels_show_the_drop(sample, renderer):
    """ACC-007's MRR falls 3,799 → 3,190 in Sep 2026: the labels must not both round to $k."""
    page = next(t for t in page_texts(renderer, sample, "ACC-007", DATA_END)
                if "7 Commercials" in t)
    assert "Aug 26 $3.8k" in page and "Sep 26 $3.2k" in page
    assert "$4k" not in page and "$3k" not in page
