"""Mapping features (renames, value maps, date formats, units, month bucketing) and the one-line
errors of ``cs-workbook import`` (issue #12, item 2)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings

from cs_workbook import cli
from cs_workbook.errors import CSError
from cs_workbook.importers import apply_mapping, parse_mapping
from cs_workbook.rounding import excel_round
from cs_workbook.workbook.tables import read_data

MAPPING = """
[Accounts]
source = "accounts.csv"
[Accounts.columns]
"Account ID" = "id"
Account = "name"
Segment = "seg"
Tier = "plan"
"Contract Date" = "signed"
"Licensed Users" = "seats"
ARR = "arr_cents"
[Accounts.defaults]
Deployment = "SaaS"
[Accounts.values.Tier]
gold = "Ultimate"
silver = "Premium"
[Accounts.dates]
"Contract Date" = "%d.%m.%Y"
[Accounts.units]
ARR = "cents"

[Usage]
source = "daily_*.csv"
month = "Month"
[Usage.columns]
"Account ID" = "account"
Month = "day"
"Billable Users" = "billable"
"Active Users" = "active"
"CI Builds" = "builds"
[Usage.aggregate]
"Active Users" = "max"
"CI Builds" = "sum"

[Revenue]
source = "revenue.csv"
month = "Month"
[Revenue.columns]
"Account ID" = "account"
Month = "month"
MRR = "mrr_k"
[Revenue.units]
MRR = "thousands"
"""


def _csv(path: Path, header, rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def exports(tmp_path):
    (tmp_path / "map.toml").write_text(MAPPING)
    acc = _csv(tmp_path / "accounts.csv", ["id", "name", "seg", "plan", "signed", "seats",
                                           "arr_cents"],
               [["007", "Acme", "strategic", "Gold", "15.01.2025", "100", "1234567"],
                ["008", "Beta", "Scale", "silver", "01.06.2026", "10", ""]])
    days = pd.date_range("2026-04-01", "2026-05-31", freq="D")
    rows = []
    for i, d in enumerate(days):
        # billable users grow by one a day; the month's snapshot is its last day's value
        rows.append(["007", d.date().isoformat(), 50 + i, i % 17, 2])
    daily = _csv(tmp_path / "daily_usage.csv", ["account", "day", "billable", "active", "builds"],
                 rows)
    rev = _csv(tmp_path / "revenue.csv", ["account", "month", "mrr_k"],
               [["007", "2026-04-01", "1.5"], ["007", "2026-05-01", "2"],
                ["008", "2026-05-01", "0.25"]])
    return tmp_path, [acc, daily, rev]


def _run(argv) -> int:
    return cli.main([str(a) for a in argv])


def test_features(exports, capsys):
    tmp, sources = exports
    before = [p.read_bytes() for p in sources]
    assert _run(["import", *sources, "--mapping", tmp / "map.toml", "-o", tmp / "out/"]) == 0
    assert [p.read_bytes() for p in sources] == before  # inputs never modified
    data = read_data(tmp / "out")
    acc = data.accounts.set_index("Account ID")
    assert list(acc.index) == ["007", "008"]  # text IDs keep their zeros
    assert acc.loc["007", ["Segment", "Tier", "Deployment"]].tolist() == \
        ["Strategic", "Ultimate", "SaaS"]
    assert acc.loc["008", "Tier"] == "Premium"
    assert acc.loc["007", "Contract Date"] == pd.Timestamp("2025-01-15")
    assert acc.loc["007", "ARR"] == pytest.approx(12345.67)  # cents → dollars
    assert np.isnan(acc.loc["008", "ARR"])
    usage = data.usage.set_index("Month")
    assert list(usage.index) == [pd.Timestamp("2026-04-01"), pd.Timestamp("2026-05-01")]
    assert usage.loc["2026-04-01", "Billable Users"] == 50 + 29  # 30 April's value
    assert usage.loc["2026-05-01", "Billable Users"] == 50 + 60  # 31 May's value
    assert usage.loc["2026-05-01", "CI Builds"] == 2 * 31  # summed
    assert usage.loc["2026-04-01", "Active Users"] == 16  # max of i % 17 over 30 days
    rev = data.revenue.set_index(["Account ID", "Month"])["MRR"]
    assert rev[("007", pd.Timestamp("2026-05-01"))] == 2000  # thousands → dollars
    out = tmp / "s.json"
    assert _run(["score", tmp / "out", "--as-of", "2026-05-31", "-o", out]) == 0
    scores = {a["Account ID"]: a for a in json.loads(out.read_text())["accounts"]}
    assert scores["007"]["License Utilization"] == pytest.approx(110 / 100)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.dates(min_value=pd.Timestamp("2025-01-01").date(),
                                   max_value=pd.Timestamp("2025-04-30").date()),
                          st.integers(0, 10_000)), min_size=1, max_size=40,
                unique_by=lambda t: t[0]))
def test_bucketing_property(rows):
    """Shuffled daily rows: the month's ``last`` is the value of its latest day, ``sum`` its
    total, ``max`` its largest and ``mean`` its average rounded to whole users like Excel,
    whatever the rows' order."""
    mapping = parse_mapping("""
[Accounts]
source = "a.csv"
[Accounts.columns]
"Account ID" = "id"
Account = "id"
Segment = "s"
Tier = "s"
Deployment = "s"
"Contract Date" = "d"
"Licensed Users" = "n"
[Accounts.defaults]
Segment = "Scale"
Tier = "Free"
Deployment = "SaaS"
[Usage]
source = "u.csv"
month = "Month"
[Usage.columns]
"Account ID" = "id"
Month = "day"
"Billable Users" = "v"
"CI Builds" = "v"
"Scans" = "v"
"Active Users" = "v"
[Usage.aggregate]
"CI Builds" = "sum"
Scans = "max"
"Active Users" = "mean"
""")
    accounts = pd.DataFrame({"id": ["A"], "s": [""], "d": ["2024-01-01"], "n": ["1"]})
    daily = pd.DataFrame({"id": "A", "day": [d.isoformat() for d, _ in rows],
                          "v": [str(v) for _, v in rows]})
    data = apply_mapping(mapping, {"a.csv": accounts, "u.csv": daily})
    got = data.usage.set_index("Month")
    frame = pd.DataFrame({"day": pd.to_datetime([d for d, _ in rows]), "v": [v for _, v in rows]})
    frame["m"] = frame["day"].dt.to_period("M").dt.to_timestamp()
    for m, g in frame.groupby("m"):
        assert got.loc[m, "Billable Users"] == g.loc[g["day"].idxmax(), "v"]
        assert got.loc[m, "CI Builds"] == g["v"].sum()
        assert got.loc[m, "Scans"] == g["v"].max()
        assert got.loc[m, "Active Users"] == excel_round(g["v"].sum() / len(g))  # whole users
    assert len(got) == frame["m"].nunique()


# --- errors: one line, exit 2 --------------------------------------------------------------------

def _error(capsys, argv) -> str:
    code = _run(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def test_unmapped_required_column_says_which_key_to_add(exports, capsys):
    tmp, sources = exports
    text = MAPPING.replace('Segment = "seg"\n', "")
    (tmp / "salesforce.toml").write_text(text)
    err = _error(capsys, ["import", *sources, "--mapping", tmp / "salesforce.toml",
                          "-o", tmp / "o.xlsx"])
    assert err == ("cs-workbook: error: mapping salesforce.toml, sheet Accounts: required column "
                   "'Segment' is not mapped; add `[Accounts.columns] Segment = "
                   "\"<source column>\"`")
    assert not (tmp / "o.xlsx").exists()


def test_unmapped_required_column_quotes_keys_with_spaces():
    with pytest.raises(CSError, match=r'add `\[Accounts.columns\] "Licensed Users" = '):
        parse_mapping(MAPPING.replace('"Licensed Users" = "seats"\n', ""), "m.toml")


def test_missing_source_file(exports, capsys):
    tmp, _ = exports
    err = _error(capsys, ["import", tmp / "nope.csv", "--mapping", tmp / "map.toml",
                          "-o", tmp / "o.xlsx"])
    assert "nope.csv: source file not found" in err


def test_no_source_matches_the_glob(exports, capsys):
    tmp, sources = exports
    err = _error(capsys, ["import", sources[0], "--mapping", tmp / "map.toml",
                          "-o", tmp / "o.xlsx"])
    assert "mapping map.toml, sheet Usage: no SOURCE file matches source = 'daily_*.csv'" in err


def test_missing_source_column_names_file_and_column(exports, capsys):
    tmp, sources = exports
    (tmp / "map2.toml").write_text(MAPPING.replace('"seats"', '"Seats Purchased"'))
    err = _error(capsys, ["import", *sources, "--mapping", tmp / "map2.toml",
                          "-o", tmp / "o.xlsx"])
    assert "accounts.csv: column 'Seats Purchased' not found" in err
    assert "key columns.'Licensed Users'" in err


def test_bad_toml_names_file_and_line(exports, capsys):
    tmp, sources = exports
    (tmp / "bad.toml").write_text("[Accounts]\nsource = \n")
    err = _error(capsys, ["import", *sources, "--mapping", tmp / "bad.toml", "-o", tmp / "o/"])
    assert "mapping bad.toml: not valid TOML" in err and "line 2" in err


@pytest.mark.parametrize("edit, expected", [
    (("[Usage.aggregate]", "[Usage.aggregate]\nScans = \"median\""),
     "sheet Usage: key aggregate.'Scans': unknown aggregation 'median'"),
    (("[Accounts.units]\nARR = \"cents\"", "[Accounts.units]\nARR = \"pennies\""),
     "sheet Accounts: key units.'ARR': unknown unit 'pennies'"),
    (("[Revenue]", "[Revenue]\nwhere = 1"), "sheet Revenue: unknown key 'where'"),
    (("[Revenue]", "[Revnue]"), "unknown sheet [Revnue]"),
    (("Account = \"name\"", "Acount = \"name\""),
     "sheet Accounts: key columns.'Acount': sheet Accounts has no column 'Acount'"),
])
def test_bad_keys_name_the_key(exports, capsys, edit, expected):
    tmp, sources = exports
    assert edit[0] in MAPPING
    (tmp / "m.toml").write_text(MAPPING.replace(edit[0], edit[1], 1))
    err = _error(capsys, ["import", *sources, "--mapping", tmp / "m.toml", "-o", tmp / "o/"])
    assert f"mapping m.toml, {expected}" in err or f"mapping m.toml: {expected}" in err


def test_unknown_value_says_which_value_map_to_add(exports, capsys):
    tmp, sources = exports
    _csv(sources[0], ["id", "name", "seg", "plan", "signed", "seats", "arr_cents"],
         [["007", "Acme", "Enterprise", "Gold", "15.01.2025", "100", ""]])
    err = _error(capsys, ["import", *sources, "--mapping", tmp / "map.toml", "-o", tmp / "o/"])
    assert "accounts.csv: row 2, column 'seg': 'Enterprise' is not one of Strategic" in err
    assert '`[Accounts.values.Segment] "Enterprise" = "<one of them>"`' in err


def test_bad_date_says_which_format_key(exports, capsys):
    tmp, sources = exports
    _csv(sources[0], ["id", "name", "seg", "plan", "signed", "seats", "arr_cents"],
         [["007", "Acme", "Scale", "Gold", "15.01.2025", "100", ""],
          ["008", "Beta", "Scale", "Gold", "2025-01-15", "100", ""]])
    err = _error(capsys, ["import", *sources, "--mapping", tmp / "map.toml", "-o", tmp / "o/"])
    assert "accounts.csv: row 3, column 'signed': '2025-01-15' is not a date in format " \
           "'%d.%m.%Y'" in err


def test_invalid_result_leaves_no_output(exports, capsys):
    """Usage rows of an account that is not in Accounts: the read-back check refuses them."""
    tmp, sources = exports
    _csv(sources[1], ["account", "day", "billable", "active", "builds"],
         [["999", "2026-04-03", "5", "1", "1"]])
    for out in ("o.xlsx", "o/"):
        err = _error(capsys, ["import", *sources, "--mapping", tmp / "map.toml", "-o", tmp / out])
        assert "the imported data is not a valid CS workbook" in err
        assert not (tmp / out).exists()
    assert not [p for p in tmp.iterdir() if p.name.startswith(".o")]  # no temporary left


def test_duplicate_accounts_suggest_group_by(exports, capsys):
    tmp, sources = exports
    _csv(sources[0], ["id", "name", "seg", "plan", "signed", "seats", "arr_cents"],
         [["007", "Acme", "Scale", "Gold", "15.01.2025", "100", ""],
          ["007", "Acme", "Scale", "Gold", "15.01.2025", "100", ""]])
    err = _error(capsys, ["import", *sources, "--mapping", tmp / "map.toml", "-o", tmp / "o/"])
    assert "Account ID '007' is on rows 2 and 3" in err and 'group_by = ["Account ID"]' in err


def test_mapping_and_from_are_exclusive(exports, capsys):
    tmp, sources = exports
    err = _error(capsys, ["import", *sources, "-o", tmp / "o/"])
    assert "give exactly one of --mapping" in err


def test_existing_folder_with_other_tables_is_refused(exports, capsys):
    tmp, sources = exports
    out = tmp / "o"
    out.mkdir()
    (out / "Support.csv").write_text("Account ID,Month,Tickets\n007,2026-04,1\n")
    err = _error(capsys, ["import", *sources, "--mapping", tmp / "map.toml", "-o", out])
    assert "holds Support.csv, which this import does not write" in err
    assert sorted(p.name for p in out.iterdir()) == ["Support.csv"]
    (out / "Support.csv").unlink()
    (out / "notes.txt").write_text("kept")
    assert _run(["import", *sources, "--mapping", tmp / "map.toml", "-o", out]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["Accounts.csv", "Revenue.csv", "Usage.csv",
                                                     "notes.txt"]
    # importing again over our own output is fine
    assert _run(["import", *sources, "--mapping", tmp / "map.toml", "-o", out]) == 0


def test_scorecard_as_of(exports):
    import datetime

    import openpyxl

    tmp, sources = exports
    assert _run(["import", *sources, "--mapping", tmp / "map.toml", "-o", tmp / "b.xlsx",
                 "--as-of", "2026-05-31"]) == 0
    sheet = openpyxl.load_workbook(tmp / "b.xlsx")["Scorecard"]
    dates = [c.value.date() for row in sheet.iter_rows(max_row=6) for c in row
             if isinstance(c.value, datetime.datetime)]
    assert datetime.date(2026, 5, 31) in dates


_CELL = st.one_of(st.just(""), st.text(max_size=8), st.sampled_from(
    ["007", "1,000", "$5", "-3", "1e3", "nan", "31.12.2025", "2026-02-30", "Gold", "yes"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*[_CELL] * 7), min_size=1, max_size=4),
       st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL, _CELL), max_size=4))
@example(accounts=[("",) * 7], daily=[("", "/1", "", "", "")])  # the year 0: found in CI
def test_any_cells_give_data_or_our_error(accounts, daily):
    """Totality: whatever the export's cells hold, applying the mapping gives data or a CSError
    (never a bare TypeError/ValueError from pandas)."""
    mapping = parse_mapping(MAPPING, "map.toml")
    acc = pd.DataFrame(accounts, columns=["id", "name", "seg", "plan", "signed", "seats",
                                          "arr_cents"])
    usage = pd.DataFrame(daily, columns=["account", "day", "billable", "active", "builds"])
    revenue = pd.DataFrame({"account": [], "month": [], "mrr_k": []}, dtype=object)
    try:
        data = apply_mapping(mapping, {"accounts.csv": acc, "daily_u.csv": usage,
                                       "revenue.csv": revenue})
    except CSError as exc:
        assert "\n" not in str(exc)
    else:
        assert len(data.accounts) == len(acc)


def test_keys_with_spaces_are_quoted_in_hints():
    text = MAPPING + """
["MRR Changes"]
source = "revenue.csv"
["MRR Changes".columns]
"Account ID" = "account"
Month = "month"
Change = "mrr_k"
Reason = "account"
"""
    mapping = parse_mapping(text, "m.toml")
    acc = pd.DataFrame({"id": ["007"], "name": ["A"], "seg": ["Scale"], "plan": ["Gold"],
                        "signed": ["01.01.2025"], "seats": ["1"], "arr_cents": [""]})
    rev = pd.DataFrame({"account": ["007"], "month": ["2026-01-01"], "mrr_k": ["1"]})
    usage = pd.DataFrame({c: [] for c in ["account", "day", "billable", "active", "builds"]})
    with pytest.raises(CSError, match=r'`\["MRR Changes".values.Reason\] "007" = '):
        apply_mapping(mapping, {"accounts.csv": acc, "revenue.csv": rev, "daily_u.csv": usage})


def test_a_date_past_what_a_date_column_holds_is_one_line_naming_the_cell():
    """``/1`` reads as the year 0 in the mapping's day format: our error, not pandas'
    OutOfBoundsDatetime."""
    mapping = parse_mapping(MAPPING, "map.toml")
    acc = pd.DataFrame([("A1", "Acme", "", "", "", "", "")],
                       columns=["id", "name", "seg", "plan", "signed", "seats", "arr_cents"])
    usage = pd.DataFrame([("A1", "/1", "", "", "")],
                         columns=["account", "day", "billable", "active", "builds"])
    revenue = pd.DataFrame({"account": [], "month": [], "mrr_k": []}, dtype=object)
    with pytest.raises(CSError) as err:
        apply_mapping(mapping, {"accounts.csv": acc, "daily_u.csv": usage,
                                "revenue.csv": revenue})
    assert "'/1' is not a date between 1677 and 2262" in str(err.value)
    assert "daily_u.csv" in str(err.value) and "\n" not in str(err.value)
