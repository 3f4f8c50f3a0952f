"""Issue #10 item 2 through the command line: ``score`` says what it rests on (stderr, a Notes
sheet, a ``notes`` key; CSV: stderr only), a duplicate header exits 2 with one line, and the
terminal table never prints ``nan`` or ``None`` even for a workbook with nothing but Accounts."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest

from cs_workbook import cli
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.writer import write_workbook

AS_OF = "2026-10-01"
LATE = "2027-03-01"  # past the sample's last Revenue month (Oct 2026)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("books")
    full = folder / "book.xlsx"
    write_workbook(sample_portfolio(dt.date(2026, 10, 1)), full, as_of=dt.date(2026, 10, 1))
    wb = openpyxl.load_workbook(full)
    for name in ("Usage", "Support", "Timeline", "Success Plan", "Revenue", "MRR Changes",
                 "Config", "Scorecard"):
        del wb[name]
    bare = folder / "bare.xlsx"
    wb.save(bare)
    return full, bare


def score(capsys, *argv):
    code = cli.main(["score", *map(str, argv)])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out


def test_notes_go_to_stderr_in_a_few_lines(books, capsys):
    _, bare = books
    out = score(capsys, bare, "--as-of", AS_OF)
    lines = out.err.splitlines()
    assert lines[0] == f"{bare}: what the scores rest on (as of {AS_OF}):"
    body = [line[4:] for line in lines[1:]]
    assert all(line.startswith("  - ") for line in lines[1:])
    for sheet in ("Usage", "Support", "Timeline", "Success Plan", "Revenue", "MRR Changes"):
        assert any(line.startswith(f"no sheet {sheet} (") for line in body), sheet
    assert "no sheet Config: the defaults are in force" in body
    assert len(lines) < 15  # 40 accounts, never a line each
    assert "ACC-001" in out.out and "rest on" not in out.out


def test_json_has_notes_and_keeps_its_shape(books, capsys, tmp_path):
    full, _ = books
    target = tmp_path / "s.json"
    score(capsys, full, "--as-of", LATE, "-o", target)
    doc = json.loads(target.read_text())
    assert list(doc) == ["summary", "accounts", "notes"]
    assert len(doc["accounts"]) == 40 and doc["summary"]["grr"] is None
    revenue = [n for n in doc["notes"] if n["sheet"] == "Revenue" and n["account"] is None]
    assert revenue[0]["kind"] == "ends early"
    assert revenue[0]["note"].startswith("Revenue ends Oct 2026: no MRR for Mar 2027")
    assert {"GRR", "NRR"} <= set(revenue[0]["na"])
    assert all(a["GRR"] is None and a["NRR"] is None for a in doc["accounts"])
    assert set(doc["notes"][0]) == {"account", "sheet", "column", "kind", "note", "na"}


def test_xlsx_has_a_notes_sheet(books, capsys, tmp_path):
    full, _ = books
    target = tmp_path / "s.xlsx"
    score(capsys, full, "--as-of", LATE, "-o", target)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Scores", "Portfolio", "Notes"]
    rows = list(wb["Notes"].iter_rows(values_only=True))
    assert rows[0] == ("Account ID", "Sheet", "Column", "Kind", "Note", "NA")
    revenue = [r for r in rows[1:] if r[1] == "Revenue" and r[0] is None]
    assert revenue and revenue[0][4].startswith("Revenue ends Oct 2026")
    assert "GRR" in revenue[0][5] and "NRR" in revenue[0][5]
    portfolio = {r[0]: r[1] for r in wb["Portfolio"].iter_rows(values_only=True) if r[0]}
    assert portfolio["GRR"] is None and portfolio["NRR"] is None  # blank, never 0 %
    stale = [r for r in rows[1:] if r[0] == "ACC-001"]
    assert stale and stale[0][3] == "stale"


def test_csv_notes_on_stderr_only(books, capsys, tmp_path):
    _, bare = books
    target = tmp_path / "s.csv"
    out = score(capsys, bare, "--as-of", AS_OF, "-o", target)
    assert "no sheet Usage" in out.err
    with open(target, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "Account ID" and len(rows) == 41
    assert not any("no sheet" in cell for row in rows for cell in row)


def test_the_terminal_table_never_prints_nan_or_none(books, capsys):
    _, bare = books
    for day in (AS_OF, LATE):
        out = score(capsys, bare, "--as-of", day).out
        words = out.replace(",", " ").split()
        assert not {"nan", "NaN", "None", "NaT", "<NA>"} & set(words), out
        assert "GRR NA, NRR NA" in out


def test_a_duplicate_header_exits_2_naming_both_columns(books, capsys, tmp_path):
    full, _ = books
    wb = openpyxl.load_workbook(full)
    ws = wb["Usage"]
    for table in list(ws.tables):
        del ws.tables[table]
    ws["F1"] = "Billable Users"
    path = tmp_path / "dup.xlsx"
    wb.save(path)
    before = path.read_bytes()
    for argv in (["score", str(path)], ["ebr", str(path), "--account", "ACC-001", "-o",
                                        str(tmp_path / "x.pdf")]):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err == (f"cs-workbook: error: {path}: sheet 'Usage': columns C and F are both "
                       "headed 'Billable Users'\n")
    assert path.read_bytes() == before
