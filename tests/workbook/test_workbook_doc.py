"""docs/workbook.md cannot drift from the code: sheets, columns, types, allowed values, error
wording, Config keys, Scorecard columns and the SOW calculator's names are checked against
``cs_workbook.schema``, the reader, ``scorecard_columns``, ``config`` and ``sow``.

The schema part of each sheet's column table (column, required, type, allowed values) is
rendered here from the schema; print the expected rows with
``python tests/workbook/test_workbook_doc.py`` and merge them into the page (the Unit and
Meaning cells are written by hand).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from cs_workbook.config import _CHOICES, DEFAULT, Config
from cs_workbook.schema import SHEETS, Column, Sheet


def repo_root() -> Path:
    """The folder holding pyproject.toml, searched upwards from this file."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise RuntimeError(f"no pyproject.toml above {here}")


ROOT = repo_root()
DOC = ROOT / "docs" / "workbook.md"
METHODOLOGY = ROOT / "docs" / "methodology.md"
HINT = "print the expected rows with: python tests/workbook/test_workbook_doc.py"

#: The "Type" words of the page for each schema kind.
KIND_LABELS = {
    "id": "ID",
    "text": "text",
    "category": "category",
    "date": "date",
    "month": "month",
    "int": "whole number",
    "number": "number",
    "money": "money",
    "bool": "yes/no",
}
COLUMN_TABLE = ("Column", "Required", "Type", "Allowed values", "Unit", "Meaning")


# --- rendering the schema part of the page ------------------------------------------------------


def allowed_values(col: Column) -> tuple[str, ...]:
    """What the Allowed values cell lists: the choices, or TRUE/FALSE (the drop-down)."""
    if col.choices:
        return tuple(str(c) for c in col.choices)
    if col.kind == "bool":
        return ("TRUE", "FALSE")
    return ()


def schema_cells(col: Column) -> list[str]:
    """The first four cells of a column's row in its sheet's table."""
    values = allowed_values(col)
    return [f"`{col.name}`", "required" if col.required else "optional", KIND_LABELS[col.kind],
            ", ".join(f"`{v}`" for v in values) if values else "—"]


def expected_rows(sheet: Sheet) -> list[str]:
    """The table of ``sheet`` as far as the schema decides it (Unit and Meaning left open)."""
    head = "| " + " | ".join(COLUMN_TABLE) + " |"
    rule = "|" + "---|" * len(COLUMN_TABLE)
    return [head, rule] + ["| " + " | ".join(schema_cells(c)) + " | … | … |"
                           for c in sheet.columns]


def config_default(value) -> str:
    """A Config default as the key table writes it."""
    if value is None:
        return "from the profile"
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, tuple):
        value = ", ".join(value)
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return f"`{value}`"


# --- reading the page --------------------------------------------------------------------------


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def section(heading: str, text: str | None = None) -> str:
    """The text under the heading line ``heading`` up to the next heading of its level or
    higher."""
    text = doc() if text is None else text
    lines = text.splitlines()
    try:
        start = lines.index(heading)
    except ValueError:
        pytest.fail(f"docs/workbook.md has no heading {heading!r}")
    level = len(heading) - len(heading.lstrip("#"))
    out = []
    for line in lines[start + 1:]:
        m = re.match(r"^(#+) ", line)
        if m and len(m.group(1)) <= level:
            break
        out.append(line)
    return "\n".join(out)


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def table(text: str, header: tuple[str, ...] | None = None, after: str | None = None):
    """The first markdown table in ``text`` (after the line starting with ``after``, if given)
    whose header row starts with ``header``: ``(header cells, [row cells...])``."""
    lines = text.splitlines()
    if after is not None:
        starts = [i for i, line in enumerate(lines) if line.startswith(after)]
        assert starts, f"no line starting with {after!r}"
        lines = lines[starts[0]:]
    for i, line in enumerate(lines):
        if not line.startswith("|") or (i and lines[i - 1].startswith("|")):
            continue
        head = cells(line)
        if header is not None and tuple(head[:len(header)]) != header:
            continue
        rows = []
        for body in lines[i + 2:]:
            if not body.startswith("|"):
                break
            rows.append(cells(body))
        return head, rows
    pytest.fail(f"no table with header {header!r}" + (f" after {after!r}" if after else ""))


def unquote(cell: str) -> str:
    return cell.strip().strip("`")


# --- sheets and columns ------------------------------------------------------------------------


def test_every_kind_has_a_label_and_a_row_in_the_types_table():
    kinds = {c.kind for s in SHEETS for c in s.columns}
    assert kinds <= set(KIND_LABELS), f"label the new kinds: {kinds - set(KIND_LABELS)}"
    _, rows = table(section("### Types"), ("Type",))
    assert [r[0] for r in rows] == list(KIND_LABELS.values())


def test_sheets_at_a_glance_lists_every_sheet():
    _, rows = table(section("## Sheets at a glance"), ("Sheet",))
    names = [re.sub(r"\[(.*?)\]\(.*?\)", r"\1", r[0]) for r in rows]
    assert names == [s.name for s in SHEETS]
    from cs_workbook.schema import REQUIRED_SHEETS

    for sheet, row in zip(SHEETS, rows):
        assert row[1] == ("required" if sheet.name in REQUIRED_SHEETS else "optional"), sheet.name
        assert row[2] == f"`{sheet.table}`", sheet.name


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_every_sheet_has_a_section(sheet):
    from cs_workbook.schema import REQUIRED_SHEETS

    text = section(f"### {sheet.name}")
    need = "required" if sheet.name in REQUIRED_SHEETS else "optional"
    assert f"**Sheet:** {need}" in text, f"section {sheet.name!r} must say '**Sheet:** {need}'"
    assert f"**Excel table:** `{sheet.table}`" in text


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_column_table_matches_the_schema(sheet):
    head, rows = table(section(f"### {sheet.name}"), COLUMN_TABLE[:4])
    assert tuple(head) == COLUMN_TABLE, f"section {sheet.name!r}: header must be {COLUMN_TABLE}"
    expected = "\n".join(expected_rows(sheet))
    got = [r[:4] for r in rows]
    want = [schema_cells(c) for c in sheet.columns]
    assert [r[0] for r in got] == [w[0] for w in want], (
        f"section {sheet.name!r}: the columns must be the schema's, in its order; {HINT}\n"
        f"{expected}")
    for g, w in zip(got, want):
        assert g == w, (f"section {sheet.name!r}, column {w[0]}: expected {w}, found {g}; "
                        f"{HINT}")
    for r in rows:
        assert len(r) == len(COLUMN_TABLE) and r[4] and r[5], f"{sheet.name}: fill in {r[0]}"


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_category_columns_list_exactly_their_allowed_values(sheet):
    _, rows = table(section(f"### {sheet.name}"), COLUMN_TABLE[:4])
    by_name = {unquote(r[0]): r for r in rows}
    for col in sheet.columns:
        if col.kind != "category" and not col.choices:
            continue
        listed = [unquote(v) for v in by_name[col.name][3].split(", ")]
        assert listed == [str(c) for c in col.choices], f"{sheet.name} / {col.name}"


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_every_sheet_has_an_example_with_its_columns(sheet):
    head, rows = table(section(f"### {sheet.name}"), after="**Example")
    if head[:2] == ["Column", "Example"]:  # one row shown vertically
        names = [unquote(r[0]) for r in rows]
    else:
        names = head
        assert rows and all(len(r) == len(head) for r in rows)
    assert names == sheet.headers, f"the example of {sheet.name!r} must show every column"


# --- reading: the page quotes the reader's own wording -----------------------------------------

_ACC_HEADERS = ["Account ID", "Account", "Segment", "Tier", "Deployment", "Contract Date",
                "Licensed Users"]


def _account(aid="A1", **changes):
    row = dict(zip(_ACC_HEADERS, [aid, "Acme", "Growth", "Premium", "SaaS",
                                  dt.date(2024, 1, 15), 100]))
    row.update(changes)
    return row


def _usage(*rows):
    return {"Usage": [["Account ID", "Month", "Billable Users"], *rows]}


def _write(path, accounts, extra=(), sheets=None):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Accounts")
    headers = _ACC_HEADERS + list(extra)
    ws.append(headers)
    for row in accounts:
        ws.append([row.get(h) for h in headers])
    for name, rows in (sheets or {}).items():
        other = wb.create_sheet(name)
        for row in rows:
            other.append(row)
    wb.save(path)
    return path


#: (case, workbook content, the message the page quotes)
_MESSAGES = [
    ("required", dict(accounts=[_account(Tier=None)]), "a value is required"),
    ("category", dict(accounts=[_account(Tier="Gold")]),
     "'Gold' is not one of: Free, Premium, Ultimate"),
    ("whole", dict(accounts=[_account(**{"Licensed Users": 2.5})]), "'2.5' is not a whole number"),
    ("number", dict(accounts=[_account()], sheets={"MRR Changes": [
        ["Account ID", "Month", "Change", "Reason"], ["A1", "2024-01", "lots", "Downgrade"]]}),
     "'lots' is not a number"),
    ("negative", dict(accounts=[_account(**{"Licensed Users": -3})]),
     "'-3' is negative (must be ≥ 0)"),
    ("date", dict(accounts=[_account(**{"Contract Date": "15/01/2024"})]),
     "'15/01/2024' is not a date (use an Excel date or YYYY-MM-DD)"),
    ("month", dict(accounts=[_account()], sheets=_usage(["A1", "March 2024", 3])),
     "'March 2024' is not a month (use an Excel date or YYYY-MM)"),
    ("bool", dict(accounts=[_account(**{"Dev Lead Engaged": "maybe"})],
                  extra=["Dev Lead Engaged"]),
     "'maybe' is not TRUE/FALSE (also accepted: Yes/No, Y/N, 1/0)"),
    ("priority", dict(accounts=[_account(**{"CSM Priority": 4})], extra=["CSM Priority"]),
     "'4' is not one of: 1, 2, 3"),
    ("duplicate", dict(accounts=[_account("ACC-007"), _account("A2"), _account("ACC-007")]),
     "Account ID 'ACC-007' appears twice (rows 2 and 4)"),
    ("unknown", dict(accounts=[_account()], sheets=_usage(["ACC-099", "2024-01", 3])),
     "account 'ACC-099' is not in the Accounts sheet"),
    ("two months", dict(accounts=[_account("ACC-001")], sheets=_usage(
        ["ACC-001", "2026-03", 3], ["ACC-001", dt.date(2026, 3, 20), 4])),
     "account 'ACC-001' has two rows for month 2026-03 (rows 2 and 3)"),
    ("config key", dict(accounts=[_account()], sheets={"Config": [
        ["Key", "Value"], ["usage_na_days", 45], ["usage_na_days", 30]]}),
     "key 'usage_na_days' appears twice (rows 2 and 3)"),
]


def _quoted_form(message: str) -> str:
    """The page's example numbers may differ (rows 8 and 41): compare with digits masked."""
    return re.sub(r"\d+", "0", message)


@pytest.mark.parametrize("case, content, message", _MESSAGES, ids=[m[0] for m in _MESSAGES])
def test_error_messages_are_the_readers(tmp_path, case, content, message):
    from cs_workbook.errors import WorkbookError
    from cs_workbook.workbook.reader import read_workbook

    path = _write(tmp_path / "book.xlsx", **content)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    text = str(info.value)
    assert text.startswith(f"{path}: sheet '") and text.endswith(f": {message}"), text
    _, rows = table(section("### Errors"), ("Problem",))
    quoted = {_quoted_form(unquote(r[1])) for r in rows}
    assert _quoted_form(message) in quoted, f"docs/workbook.md must quote: {message}"


def test_the_headline_error_line_is_exact(tmp_path):
    from cs_workbook.errors import WorkbookError
    from cs_workbook.workbook.reader import read_workbook

    usage = [["A1", f"2024-{m:02d}", m] for m in range(1, 13)]
    usage.append(["A1", "2025-01", "n/a"])  # Excel row 14
    path = _write(tmp_path / "book.xlsx", [_account()], sheets=_usage(*usage))
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    line = str(info.value).replace(str(path), "book.xlsx")
    assert line == "book.xlsx: sheet 'Usage', row 14, column 'Billable Users': 'n/a' is not a " \
                   "whole number"
    assert f"\n{line}\n" in section("### Errors")


# --- Config keys -------------------------------------------------------------------------------


def test_config_keys_defaults_and_choices():
    _, rows = table(section("### Config"), ("Key", "Default"))
    by_key = {unquote(r[0]): r for r in rows}
    keys = [f.name for f in dataclasses.fields(Config)]
    assert list(by_key) == keys, "the key table must list every Config field, in its order"
    for key in keys:
        row = by_key[key]
        assert row[1] == config_default(getattr(DEFAULT, key)), f"default of {key}"
        if key in _CHOICES:
            assert row[2] == "one of " + ", ".join(f"`{c}`" for c in _CHOICES[key]), key
        assert row[3], f"say what {key} means"


def test_config_example_is_valid():
    _, rows = table(section("### Config"), after="**Example")
    Config.from_mapping({r[0]: r[1] for r in rows})


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
                 "0.0": ("number",), '"TRUE";"TRUE";"FALSE"': ("yes/no",), "General": ("ID", "text", "category", "colour", "yes/no")}


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


if __name__ == "__main__":  # print the schema part of every sheet's table
    for s in SHEETS:
        print(f"### {s.name}\n")
        print("\n".join(expected_rows(s)), end="\n\n")
    sys.exit(0)
