"""The Scorecard sheet: CS_* formulas over the data tables, evaluated headlessly with the CS_*
catalogue, equal ``score_accounts`` cell by cell (docs/workbook.md, issue 3 §6b).

Two portfolios: the sample as generated, and a smaller sample scored at an earlier date (rows
after the as-of date must be ignored) with the Accounts fields the engine falls back from left
blank — objectives (→ Success Plan rows), Dev/Security Lead Engaged (→ Timeline attendees),
First/Last Meeting (→ Timeline), Onboarding Start (→ Contract Date for the grace period),
First Value Date — and sentiments typed in lower case.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re

import numpy as np
import openpyxl
import pytest
from scorecard_checks import COMPARED, differences, scorecard_frame

from cs_workbook.config import GROUPS
from cs_workbook.portfolio import score_accounts
from cs_workbook.calc import calculate
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.scorecard import COLOUR_COLUMNS, SCORECARD_COLUMNS, add_scorecard
from cs_workbook.workbook.scorecard_columns import SETTINGS, setting_formula

AS_OF = dt.date(2026, 11, 23)
EARLIER = dt.date(2026, 8, 10)


def _write(data, path, as_of=AS_OF):
    from cs_workbook.workbook.writer import write_workbook

    write_workbook(data, path, scorecard=False)
    wb = openpyxl.load_workbook(path)
    add_scorecard(wb, data, as_of)
    wb.save(path)
    return path


def _with_blanks(data):
    """The Accounts fields the engine falls back from, blank on some accounts."""
    acc = data.accounts
    rows = np.arange(len(acc))
    for col in ("Success Plan Objectives", "Dev Lead Engaged", "Security Lead Engaged",
                "First Meeting", "Last Meeting"):
        acc.loc[rows % 3 == 1, col] = None
    acc.loc[rows % 5 == 1, "Onboarding Start"] = None
    acc.loc[rows % 4 == 2, "First Value Date"] = None
    lower = rows % 7 == 3
    acc.loc[lower, "CSM Sentiment"] = acc.loc[lower, "CSM Sentiment"].str.lower()
    return data


def _score(tmp, data, as_of):
    src = _write(data, tmp / "portfolio.xlsx", as_of)
    out = tmp / "calculated.xlsx"
    report = calculate(src, out)  # with the CS_* catalogue
    return scorecard_frame(out), score_accounts(data, as_of), report


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    return _score(tmp_path_factory.mktemp("scorecard"), sample_portfolio(AS_OF), AS_OF)


@pytest.fixture(scope="module")
def scored_blanks(tmp_path_factory):
    data = _with_blanks(sample_portfolio(AS_OF, n_accounts=24))
    return _score(tmp_path_factory.mktemp("scorecard_blanks"), data, EARLIER)


def _differences(scored, column):
    got, want, _ = scored
    return differences(got, want, column)


@pytest.mark.parametrize("which", ["scored", "scored_blanks"])
def test_every_formula_evaluates(request, which):
    _, _, report = request.getfixturevalue(which)
    assert report.formulas >= 24 * (len(SCORECARD_COLUMNS) - 1)
    assert not report.unevaluated, report.unevaluated[:3]


@pytest.mark.parametrize("column", COMPARED)
def test_scorecard_equals_score_accounts(scored, column):
    bad = _differences(scored, column)
    assert not bad, f"{column}: {len(bad)} accounts differ, e.g. {bad[:3]}"


@pytest.mark.parametrize("column", COMPARED)
def test_scorecard_equals_score_accounts_with_fallbacks(scored_blanks, column):
    bad = _differences(scored_blanks, column)
    assert not bad, f"{column}: {len(bad)} accounts differ, e.g. {bad[:3]}"


@pytest.mark.parametrize("which", ["scored", "scored_blanks"])
def test_sentiment_status_flags_stale_sentiment(request, which):
    got, want, _ = request.getfixturevalue(which)
    assert list(got["Sentiment Status"] == "Stale") == list(want["Sentiment Stale"])


def test_sample_exercises_every_colour_and_na(scored):
    got, _, _ = scored
    assert {"Green", "Yellow", "Red", "#N/A"} <= set(got[list(COLOUR_COLUMNS)].to_numpy().ravel())
    for column in ("Product Health", "Risk (Sentiment)", "Success Plan Health", "Support Health",
                   "Meeting Cadence Health", "Persona Health"):
        assert {"Green", "Yellow", "Red", "#N/A"} <= set(got[column]), column
    assert {"Green", "Yellow", "Red"} <= set(got["Health Colour"])


def test_fallbacks_are_exercised(scored_blanks):
    got, want, _ = scored_blanks
    blank = np.arange(len(got)) % 3 == 1
    assert (got.loc[blank, "Plan Objectives"] > 0).any()  # counted on the Success Plan sheet
    leads = set(got.loc[blank, "Dev Lead Engaged"]) | set(got.loc[blank, "Security Lead Engaged"])
    assert {True, False} <= leads  # from Timeline attendees
    assert got.loc[blank, "First Meeting"].map(lambda d: isinstance(d, dt.datetime)).any()
    assert want.loc[blank, "Persona Health"].notna().any()
    assert {"Open", "Met", "Missed"} <= set(want["First Value Status"])


def test_structure(tmp_path):
    data = sample_portfolio(AS_OF, n_accounts=5)
    path = _write(data, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Scorecard"]
    last = openpyxl.utils.get_column_letter(len(SCORECARD_COLUMNS))
    assert ws.tables["Scorecard"].ref == f"A3:{last}8"
    assert ws["B1"].value == dt.datetime(2026, 11, 23) and "AsOf" in wb.defined_names
    assert ws.freeze_panes == "C4" and ws.conditional_formatting
    formulas = {c.value: f.value for c, f in zip(ws[3], ws[4])}
    assert formulas["License Utilization"].startswith(
        "=CS_LICENSE_UTILIZATION(Scorecard[[#This Row],")
    assert formulas["Platform Adoption"].startswith("=CS_PLATFORM_ADOPTION(Scorecard[")
    assert "IFNA" not in formulas["Platform Adoption"] + formulas["Product Score"]
    assert ws["A4"].data_type == "s" and ws["A4"].value == "ACC-001"


def _named(wb, name):
    ws_name, ref = next(iter(wb.defined_names[name].destinations))
    cells = wb[ws_name][ref.replace("$", "")]
    if isinstance(cells, tuple):
        return [c.value for row in cells for c in row]
    return cells.value


def test_settings_are_named_cells_that_read_the_config_table(tmp_path):
    data = sample_portfolio(AS_OF, n_accounts=3)
    wb = openpyxl.load_workbook(_write(data, tmp_path / "d.xlsx"))
    assert _named(wb, "Usage_NA_Days") == '=CS_CONFIG_VALUE("usage_na_days",Config[[Key]:[Value]])'
    assert _named(wb, "Health_Weights") == [
        f'=CS_CONFIG_VALUE("weight_{g}",Config[[Key]:[Value]])' for g in GROUPS]
    assert len(_named(wb, "Engagement_Weights")) == 2
    ws = wb["Scorecard"]
    formulas = {c.value: f.value for c, f in zip(ws[3], ws[4])}
    assert 'CS_IN_CONFIG_LIST(Scorecard[[#This Row],[Segment]],"risk_na_segments",' \
        'Config[[Key]:[Value]])' in formulas["Risk (Sentiment)"]
    assert 'IF(Primary_Use_Case="ci",Scorecard[[#This Row],[CI Health]]' in \
        formulas["Adoption Complete"]
    assert "Tech Touch" not in " ".join(formulas.values())  # no list is baked in


def _calls(formula):
    """(function, its argument text) of every CS_* call in ``formula``."""
    out = []
    for m in re.finditer(r"\b(CS_[A-Z_]+)\(", formula):
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(formula[i], 0)
            i += 1
        out.append((m.group(1), formula[m.end():i - 1]))
    return out


def test_every_configuration_dependent_call_passes_the_config_table():
    from cs_workbook.udfs import CATALOGUE

    formulas = [f for _, f, *_ in SCORECARD_COLUMNS if f] + [
        setting_formula(k) for *_, keys, _ in SETTINGS for k in keys]
    seen = set()
    for formula in formulas:
        for name, args in _calls(formula):
            takes = "config" in inspect.signature(CATALOGUE[name]).parameters
            assert args.endswith(",Config[[Key]:[Value]]") == takes, (name, formula)
            seen.add(name)
    assert {"CS_HEALTH_SCORE", "CS_CONFIG_VALUE", "CS_IN_CONFIG_LIST", "CS_SUPPORT_HEALTH"} <= seen


def test_write_only_workbooks_and_text_ids(tmp_path):
    from openpyxl import Workbook

    data = sample_portfolio(AS_OF, n_accounts=2)
    data.accounts.loc[0, "Account ID"] = "=1+1"
    wb = Workbook(write_only=True)
    add_scorecard(wb, data, AS_OF)
    wb.save(tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["Scorecard"]
    assert ws["A4"].value == "=1+1" and ws["A4"].data_type == "s"
    assert ws["B4"].data_type == "f"
