"""Implicit intersection of legacy formulas: a range passed straight to a one-value function is
intersected with the formula's row, but nothing nested in an array-taking function is
(Excel evaluates SUMPRODUCT's, INDEX's, MATCH's … arguments as arrays even without Ctrl+Shift+Enter)."""
import datetime as dt

import openpyxl
import pytest

from cs_workbook.calc import calculate
from cs_workbook.calc.builtins.sheet_rewrites import intersect_legacy


@pytest.mark.parametrize("formula, want", [
    ("ROUND(J2:J7,2)", "ROUND(@J2:J7,2)"),
    ('SUMPRODUCT(ISNUMBER(SEARCH("a",D1:D3))*1)', 'SUMPRODUCT(ISNUMBER(SEARCH("a",D1:D3))*1)'),
    ("INDEX(A1:A3,MATCH(1,ABS(B1:B3),0))", "INDEX(A1:A3,MATCH(1,ABS(B1:B3),0))"),
    ("SUM(ROUND(A1:A3,0))+SUMPRODUCT(ROUND(A1:A3,0))", "SUM(ROUND(@A1:A3,0))+SUMPRODUCT(ROUND(A1:A3,0))"),
    ("_xlfn.XLOOKUP(1,ABS(B1:B3),A1:A3)", "_xlfn.XLOOKUP(1,ABS(B1:B3),A1:A3)"),
])
def test_array_taking_calls_are_not_intersected(formula, want):
    assert intersect_legacy(formula) == want


def test_sumproduct_of_search_over_a_range_counts_every_row(tmp_path):
    """The Scorecard's persona fallback counts meetings whose attendees mention a role."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, (day, text) in enumerate([(1, "xa"), (2, "b"), (3, "ab"), (4, "A")], start=1):
        ws.cell(i, 1, dt.date(2026, 6 if day != 2 else 4, day))
        ws.cell(i, 4, text)
    ws["C1"] = dt.date(2026, 8, 10)
    ws["B6"] = '=SUMPRODUCT(ISNUMBER(SEARCH("a",D1:D4))*1)'
    ws["B7"] = '=SUMPRODUCT((A1:A4>EDATE(C1,-3))*ISNUMBER(SEARCH("a",D1:D4)))'
    ws["B8"] = '=LEN(D1:D4)'  # legacy: intersected with row 8, outside D1:D4
    wb.save(tmp_path / "in.xlsx")
    calculate(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    got = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True).active
    assert got["B6"].value == 3
    assert got["B7"].value == 3
    assert got["B8"].value == "#VALUE!"
