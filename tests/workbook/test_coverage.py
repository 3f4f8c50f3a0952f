"""Issue #10 item 2: the reader records the optional sheets and columns a workbook lacks, and
:func:`data_coverage` names them with the measures they leave NA (checked against the scores
of a workbook with and without each sheet); duplicate headers are errors naming both columns."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from cs_workbook.errors import WorkbookError
from cs_workbook.portfolio import portfolio_summary, score_accounts
from cs_workbook.portfolio.coverage import data_coverage, rests_on
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.reader import read_workbook
from cs_workbook.workbook.writer import write_workbook

AS_OF = dt.date(2026, 10, 1)

#: what the page docs/workbook.md promises goes NA for every account without the sheet
#: (written out here, not taken from coverage.SHEET_FEEDS, so the two are checked against
#: each other and against the scores)
NA_WITHOUT = {
    "Usage": ["License Utilization", "License Health", "User Engagement Health", "SCM Health",
              "CI Health", "CD Health", "Security Health", "Product Score", "Platform Adoption",
              "Adoption Complete"],
    "Support": ["Tickets (Month)", "Support Health", "Emergency Health"],
    "Revenue": ["MRR Year Ago", "MRR Now", "GRR", "NRR"],
    "Timeline": [], "Success Plan": [], "MRR Changes": [], "Config": [],
}


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("cov") / "book.xlsx"
    write_workbook(sample_portfolio(AS_OF), path, as_of=AS_OF)
    return path


def variant(src, dst, drop_sheets=(), drop_columns=(), rename=None):
    """A copy of ``src`` without some sheets or columns ``(sheet, header)``, or with a header
    renamed ``{(sheet, old): new}``."""
    wb = openpyxl.load_workbook(src)
    for name in drop_sheets:
        del wb[name]
    for sheet, header in drop_columns:
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(header) + 1
        for table in list(ws.tables):
            del ws.tables[table]
        ws.delete_cols(col)
    for (sheet, old), new in (rename or {}).items():
        ws = wb[sheet]
        for table in list(ws.tables):
            del ws.tables[table]
        ws.cell(1, [c.value for c in ws[1]].index(old) + 1, new)
    wb.save(dst)
    return dst


def test_a_complete_workbook_records_nothing_absent(sample_book):
    assert read_workbook(sample_book).absent == {}


@pytest.mark.parametrize("sheet", list(NA_WITHOUT))
def test_each_missing_optional_sheet_is_named_with_its_na_measures(sample_book, tmp_path,
                                                                  sheet):
    data = read_workbook(variant(sample_book, tmp_path / "b.xlsx", drop_sheets=[sheet]))
    assert data.absent == {sheet: None}
    scores = score_accounts(data, AS_OF)
    notes = [n for n in data_coverage(data, scores, AS_OF).portfolio() if n.sheet == sheet]
    assert len(notes) == 1 and notes[0].kind == "absent sheet"
    note = notes[0]
    assert f"no sheet {sheet}" in note.text
    assert list(note.na) == NA_WITHOUT[sheet]
    full = score_accounts(read_workbook(sample_book), AS_OF)
    for column in note.na:  # NA because of the sheet: all NA without it, not all NA with it
        assert scores[column].isna().all(), column
        assert not full[column].isna().all(), column
        assert f"{column}" in note.text


def test_missing_usage_changes_scores_and_coverage_says_why(sample_book, tmp_path):
    # the case: health moves (68 → 60 on its sample) with no word; now there is one
    data = read_workbook(variant(sample_book, tmp_path / "b.xlsx", drop_sheets=["Usage"]))
    scores = score_accounts(data, AS_OF)
    full = score_accounts(read_workbook(sample_book), AS_OF)
    assert not scores["Health Score"].equals(full["Health Score"])
    lines = data_coverage(data, scores, AS_OF).lines()
    assert lines[0].startswith("no sheet Usage") and "License Health" in lines[0]


def test_missing_optional_column_is_named(sample_book, tmp_path):
    path = variant(sample_book, tmp_path / "b.xlsx", drop_columns=[("Usage", "CI Builds"),
                                                                   ("Accounts", "CSM Sentiment")])
    data = read_workbook(path)
    assert data.absent == {"Accounts": ("CSM Sentiment",), "Usage": ("CI Builds",)}
    scores = score_accounts(data, AS_OF)
    notes = {(n.sheet, n.column): n for n in data_coverage(data, scores, AS_OF).portfolio()}
    ci = notes[("Usage", "CI Builds")]
    assert ci.kind == "absent column" and ci.na == ("CI Builds per User", "CI Health")
    assert "sheet Usage has no column 'CI Builds'" in ci.text
    assert notes[("Accounts", "CSM Sentiment")].na == ("Risk (Sentiment)",)
    assert scores["CI Health"].isna().all() and scores["Risk (Sentiment)"].isna().all()


def test_as_of_past_the_last_revenue_month_is_na_with_reason(sample_book):
    data = read_workbook(sample_book)
    late = dt.date(2027, 3, 1)
    scores = score_accounts(data, late)
    summary = portfolio_summary(data, scores, late)
    assert summary["grr"] is None and summary["nrr"] is None  # never 0 %
    assert scores["GRR"].isna().all() and scores["NRR"].isna().all()
    notes = [n for n in data_coverage(data, scores, late).portfolio() if n.sheet == "Revenue"]
    assert [n.kind for n in notes] == ["ends early"]
    assert notes[0].text.startswith("Revenue ends Oct 2026: no MRR for Mar 2027")
    assert {"GRR", "NRR", "MRR Now"} <= set(notes[0].na)


def test_per_account_notes_are_grouped_in_a_few_lines(sample_book):
    data = read_workbook(sample_book)
    late = dt.date(2027, 3, 1)
    cov = data_coverage(data, score_accounts(data, late), late)
    per_account = [n for n in cov.notes if n.account is not None]
    assert len(per_account) > 30  # stale sentiment for most accounts …
    lines = cov.lines()
    assert len(lines) <= 8  # … said in one line, with three IDs and a count
    stale = next(line for line in lines if line.startswith("CSM sentiment stale"))
    assert stale.startswith("CSM sentiment stale for 37 accounts (ACC-001, ACC-002, ACC-003 "
                            "and 34 more): NA Risk (Sentiment)")


def test_every_na_claim_holds_for_its_account(sample_book, tmp_path):
    path = variant(sample_book, tmp_path / "b.xlsx", drop_sheets=["Support"])
    data = read_workbook(path)
    for day in (AS_OF, dt.date(2027, 3, 1), dt.date(2025, 6, 1)):
        scores = score_accounts(data, day).set_index("Account ID")
        for note in data_coverage(data, scores.reset_index(), day).notes:
            rows = scores if note.account is None else scores.loc[[note.account]]
            for column in note.na:
                assert rows[column].isna().all(), (day, note)


def test_stale_usage_of_one_account(sample_book):
    data = read_workbook(sample_book)
    scores = score_accounts(data, AS_OF)
    cov = data_coverage(data, scores, AS_OF)
    stale = [n for n in cov.notes if n.sheet == "Usage" and n.kind == "stale"]
    assert stale, "the sample has an account whose usage stopped (ACC-025)"
    for n in stale:
        row = scores[scores["Account ID"] == n.account].iloc[0]
        assert pd.isna(row["License Health"]) and "License Health" in n.na


def test_rests_on_facts(sample_book, tmp_path):
    data = read_workbook(variant(sample_book, tmp_path / "b.xlsx", drop_sheets=["Support"]))
    facts = rests_on(data, "ACC-001", AS_OF)
    assert facts[:3] == ["usage and revenue through Oct 2026", "timeline through Sep 2026",
                         "no support data"]
    assert facts[3].startswith("CSM sentiment ") and facts[3].endswith(" days old")


def test_an_account_scoped_coverage_speaks_of_that_account(sample_book, tmp_path):
    data = read_workbook(variant(sample_book, tmp_path / "b.xlsx", drop_sheets=["Usage"]))
    scores = score_accounts(data, AS_OF)
    cov = data_coverage(data, scores, AS_OF, account="ACC-001")
    assert cov.notes and {n.account for n in cov.notes} == {"ACC-001"}
    assert cov.lines()[0].startswith("no sheet Usage") and "for every account" not in \
        cov.lines()[0]


# --- duplicate headers ---------------------------------------------------------------------------


def test_duplicate_header_names_both_columns(sample_book, tmp_path):
    path = variant(sample_book, tmp_path / "book.xlsx", rename={("Usage", "Scans"):
                                                                 "Billable Users"})
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    wb = openpyxl.load_workbook(path)
    headers = [c.value for c in wb["Usage"][1]]
    first, second = [openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(headers)
                     if h == "Billable Users"]
    assert str(info.value) == (f"{path}: sheet 'Usage': columns {first} and {second} are both "
                               "headed 'Billable Users'")
    assert (first, second) == ("C", "L")


def test_duplicate_header_in_another_spelling(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["Account ID", "Account", "Segment", "Tier", "Deployment", "Contract Date",
               "Licensed Users", "ARR", "Notes", "Notes", "arr"])
    ws.append(["A1", "Acme", "Growth", "Premium", "SaaS", dt.date(2024, 1, 15), 10, 5, "x", "y",
               6])
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "b.xlsx")
    # two 'Notes' columns are not in the schema and ignored; two ARR columns are an error
    assert str(info.value).endswith("sheet 'Accounts': columns H and K are headed 'ARR' and "
                                    "'arr', both the column 'ARR'")


def test_duplicate_config_header(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["Account ID", "Account", "Segment", "Tier", "Deployment", "Contract Date",
               "Licensed Users"])
    cfg = wb.create_sheet("Config")
    cfg.append(["Key", "Value", "Value"])
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(WorkbookError, match="sheet 'Config': columns B and C are both headed "
                                            "'Value'"):
        read_workbook(tmp_path / "b.xlsx")


def _doc_section(heading: str) -> str:
    """The text of docs/workbook.md under ``heading`` (as tests/workbook/test_workbook_doc.py)."""
    from workbook_doc_page import section

    return section(heading)


def test_the_page_quotes_real_notes_and_messages(sample_book, tmp_path):
    section = _doc_section

    path = variant(sample_book, tmp_path / "book.xlsx", drop_sheets=["Support"],
                   drop_columns=[("Usage", "CI Builds")])
    late = dt.date(2027, 3, 1)
    data = read_workbook(path)
    lines = data_coverage(data, score_accounts(data, late), late).lines()
    quoted = [line[4:] for line in section("## Sheets at a glance").splitlines()
              if line.startswith("  - ")]
    assert quoted and all(line in lines for line in quoted), (quoted, lines)
    errors = section("### Errors")
    assert "book.xlsx: sheet 'Usage': columns D and F are both headed 'Billable Users'" in errors
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["Account ID", "Account", "Segment", "Tier", "Deployment", "Contract Date",
               "Licensed Users"])
    usage = wb.create_sheet("Usage")
    usage.append(["Account ID", "Month", "Active Users", "Billable Users", "CI Builds",
                  "billable users"])
    wb.save(tmp_path / "book.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "book.xlsx")
    assert str(info.value).replace(str(tmp_path / "book.xlsx"), "book.xlsx") in errors
