"""docs/workbook.md cannot drift from the code: sheets, columns, types, allowed values, error
wording, Config keys, Scorecard columns and the SOW calculator's names are checked against
``cs_workbook.schema``, the reader and ``config`` (the Scorecard, the scores export and the SOW
calculator: ``test_workbook_doc_scorecard.py``; reading the page: ``tests/workbook_doc_page.py``).

The schema part of each sheet's column table (column, required, type, allowed values) is
rendered here from the schema; print the expected rows with
``python tests/workbook_doc_page.py`` and merge them into the page (the Unit and
Meaning cells are written by hand).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from workbook_doc_page import (COLUMN_TABLE, HINT, KIND_LABELS, config_default, expected_rows,
                               schema_cells, section, table, unquote)

from cs_workbook.config import _CHOICES, DEFAULT, Config
from cs_workbook.schema import SHEETS


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
