"""docs/workbook.md against the Scorecard's columns and CS_ functions, the scores export, the SOW
calculator's sheets, tables and totals, and its own links (the sheets, columns, messages and
Config keys: ``test_workbook_doc.py``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from workbook_doc_page import DOC, doc, section, table, unquote


# --- the Scorecard -----------------------------------------------------------------------------


def _cs_functions(text: str) -> set[str]:
    return set(re.findall(r"\bCS_[A-Z_]+\b", text or ""))


def test_every_scorecard_column_and_its_cs_functions():
    from cs_workbook.workbook.scorecard_columns import SCORECARD_COLUMNS

    _, rows = table(section("## The Scorecard sheet"), ("Column", "Formula"))
    assert [unquote(r[0]) for r in rows] == [c[0] for c in SCORECARD_COLUMNS], \
        "list every Scorecard column, in sheet order"
    for (name, formula, *_), row in zip(SCORECARD_COLUMNS, rows):
        assert _cs_functions(row[1]) == _cs_functions(formula), \
            f"Scorecard column {name!r}: its formula uses {sorted(_cs_functions(formula))}"
        assert row[2], f"say what {name!r} shows"


#: what a Scorecard or scores column's Type says, by its number format
_FORMAT_TYPES = {"yyyy-mm-dd": ("date",), "yyyy-mm-dd;;": ("date",), "yyyy-mm": ("month",),
                 "0.0%": ("fraction",), "#,##0": ("whole number",), "0": ("whole number",
                                                                           "number"),
                 "0.0": ("number",), '"TRUE";"TRUE";"FALSE"': ("yes/no",),
                 "General": ("ID", "text", "category", "colour", "yes/no")}


def _type_word(cell: str) -> str:
    """``colour: `Green`, …`` → ``colour``."""
    return cell.split(":")[0].strip()


def test_every_scorecard_column_has_a_type_and_unit_that_match_its_format():
    from cs_workbook.workbook.scorecard_columns import COLOUR_COLUMNS, SCORECARD_COLUMNS

    head, rows = table(section("## The Scorecard sheet"), ("Column", "Formula"))
    assert head == ["Column", "Formula", "Shows", "Type", "Unit"]
    for (name, _, fmt, _), row in zip(SCORECARD_COLUMNS, rows):
        kind = _type_word(row[3])
        assert kind in _FORMAT_TYPES[fmt], f"Scorecard {name!r}: type {kind!r}, format {fmt!r}"
        assert (kind == "colour") == (name in COLOUR_COLUMNS), name
        if kind == "colour":
            assert "`Green`, `Yellow`, `Red`" in row[3], name
        assert row[4], f"Scorecard {name!r}: say its unit (— when none)"


def test_the_page_says_how_to_add_an_account_as_the_sheet_does():
    from cs_workbook.workbook.scorecard import NOTE

    how = "type its Account ID in column A of the first empty row under"
    assert how in NOTE
    assert how in " ".join(section("## The Scorecard sheet").split())


def test_scores_export_lists_every_column_with_type_unit_and_example():
    from cs_workbook.portfolio import score_accounts
    from cs_workbook.portfolio.score import COLOUR_COLUMNS
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook import export

    as_of = dt.date(2026, 3, 31)
    scores = score_accounts(sample_portfolio(as_of), as_of)
    head, rows = table(section("## The scores export"), ("Column", "Type"))
    assert head == ["Column", "Type", "Unit", "Meaning", "Example"]
    assert [unquote(r[0]) for r in rows] == list(scores.columns), \
        "list every column of Scores, in its order"
    first = scores.iloc[0]
    for row in rows:
        name, kind = unquote(row[0]), _type_word(row[1])
        assert row[2] and row[3], f"scores {name!r}: fill in unit and meaning"
        if name in export._PCT:
            assert kind == "fraction", name
        elif name in export._MONEY:
            assert kind == "money", name
        elif name in export._ONE_DP:
            assert kind == "number", name
        assert (kind == "colour") == (name in COLOUR_COLUMNS), name
        value = first[name]
        if isinstance(value, str):
            assert row[4] == value, f"scores {name!r}: the example is ACC-001's value"


def test_sow_totals_quote_the_formulas_of_the_calculator():
    from cs_workbook.workbook import sow

    wb = sow.write_sow_calculator  # the formulas are read back from a written calculator
    import openpyxl
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        ws = openpyxl.load_workbook(wb(Path(tmp) / "sow.xlsx"))["Estimate"]
        formulas = {ws.cell(r, 4).value: ws.cell(r, 5).value for r in range(3, 12)}
    _, named = table(section("## The SOW cost calculator"), ("Named cell", "Cell"))
    quoted = {r[2]: re.match(r"`(=[^`]*)`", r[3]) for r in named if r[1].startswith("E")}
    assert set(quoted) == set(formulas)
    for label, formula in formulas.items():
        assert quoted[label] and quoted[label].group(1) == formula, label


def test_scorecard_named_cells():
    from cs_workbook.workbook.scorecard_columns import SETTINGS

    _, rows = table(section("## The Scorecard sheet"), ("Name", "Cells"))
    assert [unquote(r[0]) for r in rows] == ["AsOf"] + [name for _, name, *_ in SETTINGS]
    assert [r[2] for r in rows][1:] == [label for label, *_ in SETTINGS]


# --- the SOW calculator ------------------------------------------------------------------------


def test_sow_calculator_names_sheets_and_tables(tmp_path):
    import openpyxl

    from cs_workbook.workbook import sow

    path = sow.write_sow_calculator(tmp_path / "sow.xlsx")
    wb = openpyxl.load_workbook(path)
    text = section("## The SOW cost calculator")
    assert wb.sheetnames == ["Rates", "Estimate"]
    for name in wb.sheetnames:
        assert f"### Sheet `{name}`" in text
    _, named = table(text, ("Named cell", "Cell"))
    listed = {unquote(r[0]): r[1] for r in named}
    for name, defined in wb.defined_names.items():
        if name == "Role_List":
            assert f"`{name}`" in text and defined.attr_text in text
            continue
        assert name in listed, f"named cell {name} is not documented"
        assert defined.attr_text == f"Estimate!${listed[name][0]}${listed[name][1:]}", name
    assert set(listed) <= set(wb.defined_names)
    rates = wb["Rates"].tables["Rates"]
    lines = wb["Estimate"].tables["Lines"]
    _, rate_rows = table(section("### Sheet `Rates`", text), ("Column",))
    assert [unquote(r[0]) for r in rate_rows] == [c.name for c in rates.tableColumns]
    assert f"`Rates` ({rates.ref})" in text
    _, line_rows = table(section("### Sheet `Estimate`", text), ("Column", "You type"))
    assert [unquote(r[0]) for r in line_rows] == [c.name for c in lines.tableColumns]
    assert f"({lines.ref}, {sow.LINE_ROWS} lines)" in text


# --- links -------------------------------------------------------------------------------------


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    return {github_slug(m) for m in re.findall(r"^#{1,6} (.*)$", text, re.MULTILINE)}


def test_links_resolve():
    text = doc()
    own = _anchors(text)
    targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"^\[[^\]]+\]: (\S+)$", text,
                                                                 re.MULTILINE)
    assert targets
    for target in targets:
        page, _, anchor = target.partition("#")
        if page.startswith(("http://", "https://")):
            continue
        if page:
            assert (DOC.parent / page).is_file(), f"broken link {target}"
        if anchor:
            anchors = own if not page else _anchors((DOC.parent / page).read_text("utf-8"))
            assert anchor in anchors, f"broken anchor {target}"
    used = set(re.findall(r"\]\[([^\]]+)\]", text))
    defined = set(re.findall(r"^\[([^\]]+)\]: ", text, re.MULTILINE))
    assert used <= defined, f"undefined link references: {sorted(used - defined)}"
