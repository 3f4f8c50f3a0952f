"""The column-wise ``*IFS`` look-ups (:mod:`cs_workbook.calc.ifs`) equal the plain engine.

The reference is formualizer evaluating every formula as written (``engine="formualizer-plain"``),
on randomized tables whose keys mix case, blanks, empty text and text Excel reads as numbers,
booleans or wildcards (those calls must be declined and answered by the engine itself)."""

from __future__ import annotations

import openpyxl
import pytest
from calc_plain import fast_equals_plain, sheet_values
from hypothesis import HealthCheck, given, settings, strategies as st

from cs_workbook.calc import calculate
from cs_workbook.calc.ifs import Index, rewrite

PLAIN_KEYS = ["a", "A", "b", "B", "acc-1", "ACC-1", "Email", "email", None, ""]
RISKY_KEYS = ["5", "a*", "TRUE", "?", "~a", "1/2", "Jan-26", " a", "<>a", ">=3"]
CATS = ["Email", "email", "Call", "EBR", None]


def _formulas(i: int, n: int) -> list[str]:
    a, b, c = (f"Data!${x}$2:${x}${n + 1}" for x in "ABC")
    return [
        f"=SUMIFS({b},{a},$A{i})",
        f'=COUNTIFS({a},$A{i},{c},"<>Email")',
        f'=_xlfn.MAXIFS({b},{a},$A{i},{b},"<="&$B{i})',
        f'=_xlfn.MINIFS({b},{a},$A{i},{b},">"&$B{i})',
        f"=AVERAGEIFS({b},{c},$C{i})",
        f"=COUNTIF({a},$A{i})",
        f'=COUNTIFS({b},">="&$B{i})',
        f"=SUMIFS({b},{a},$A{i},{c},$C{i})+1",
    ]


def _book(path, data, lookups):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Key", "Number", "Type"])
    for row in data:
        ws.append(list(row))
    calc = wb.create_sheet("Calc")
    calc.append(["Key", "Bound", "Type"])
    for i, (key, bound, cat) in enumerate(lookups, start=2):
        calc.append([key, bound, cat] + _formulas(i, len(data)))
    wb.save(path)
    return path


def _both(path, tmp_path):
    return fast_equals_plain(path, tmp_path)[0]


# Negative zero is left out of the drawn numbers: Excel never saves one (it writes 0), and the
# reference engine itself counts a stored -0 as below ">=0" (test_negative_zero_counts_as_zero).
numbers = st.one_of(st.none(), st.integers(-5, 5),
                    st.floats(-10, 10, allow_nan=False).map(lambda x: x + 0.0))
rows = st.tuples(st.sampled_from(PLAIN_KEYS), numbers, st.sampled_from(CATS))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(rows, min_size=1, max_size=25),
       lookups=st.lists(st.tuples(st.sampled_from(PLAIN_KEYS[:-2]), st.integers(-5, 5),
                                  st.sampled_from(CATS[:-1])), min_size=1, max_size=6))
def test_lookups_equal_the_plain_engine(tmp_path, data, lookups):
    fast = _both(_book(tmp_path / "t.xlsx", data, lookups), tmp_path)
    assert fast.work["ifs_lookups"] > 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.tuples(st.sampled_from(PLAIN_KEYS + RISKY_KEYS), numbers,
                               st.sampled_from(CATS)), min_size=1, max_size=20),
       lookups=st.lists(st.tuples(st.sampled_from(PLAIN_KEYS + RISKY_KEYS), st.integers(-5, 5),
                                  st.sampled_from(CATS)), min_size=1, max_size=5))
def test_risky_keys_equal_the_plain_engine(tmp_path, data, lookups):
    _both(_book(tmp_path / "t.xlsx", data, lookups), tmp_path)


def test_negative_zero_counts_as_zero(tmp_path):
    """A -0 cell (openpyxl writes one; Excel never does) is 0 to a ">=0" criterion, as in
    Excel, where the plain engine answers 0 for the blank-then--0 column."""
    fast = calculate(_book(tmp_path / "t.xlsx", [("a", None, "Email"), ("a", -0.0, "Email")],
                           [("a", 0, "Email")]), tmp_path / "fast.xlsx")
    assert fast.work["ifs_lookups"] >= 1
    assert sheet_values(tmp_path / "fast.xlsx", "Calc")["J2"] == 1  # COUNTIFS(B, ">="&0)


@pytest.mark.parametrize("key", ["a*", "5", "TRUE", "<>a"])
def test_a_criterion_it_does_not_handle_falls_back(tmp_path, key):
    data = [("a", 1, "Call"), ("ab", 2, "Email"), ("A", 4, "Call"), ("5", 8, None)]
    fast = _both(_book(tmp_path / "t.xlsx", data, [(key, 0, "Call"), ("a", 0, "Call")]),
                 tmp_path)
    assert fast.work["ifs_declined"] >= 1  # the wildcard/number-like row went to the engine
    assert fast.work["ifs_lookups"] > 0  # and the plain row did not


def test_numeric_text_in_a_column_falls_back(tmp_path):
    data = [("a", 1, "Call"), ("5", 2, "Email"), (5, 4, "Call")]
    fast = _both(_book(tmp_path / "t.xlsx", data, [(5, 0, "Call")]), tmp_path)
    assert fast.work["ifs_declined"] >= 1


def test_only_constant_absolute_one_column_ranges_are_rewritten():
    index = Index()
    const = lambda sheet, r1, c, r2: sheet != "F"  # noqa: E731 - sheet F holds formulas
    f = rewrite('=SUMIFS(D!$B$2:$B$9,D!$A$2:$A$9,A1)', "S", "C1", index, const)
    assert f.startswith("=_CSFAST_IFS(0,") and f.endswith(",A1)")
    for kept in ('=SUMIFS(D!B2:B9,D!$A$2:$A$9,A1)',  # relative
                 '=SUMIFS(F!$B$2:$B$9,F!$A$2:$A$9,A1)',  # formulas inside
                 '=SUMIFS(D!$B$2:$B$9,D!$A$2:$A$8,A1)',  # heights differ
                 '=SUMIFS(D!$B$2:$C$9,D!$A$2:$A$9,A1)',  # two columns
                 '="SUMIFS(D!$B$2:$B$9,D!$A$2:$A$9,A1)"',  # text
                 '=SUMIFS(D!$B$2:$B$9,D!$A$2:$A$9,COUNTIF(D!$A$2:$A$9,A1))'):  # nested
        assert "_CSFAST_IFS(" not in rewrite(kept, "S", "C1", index, const).split(",COUNTIF")[0] \
            or kept.startswith("=SUMIFS(D!$B$2:$B$9,D!$A$2:$A$9,COUNTIF")
    nested = rewrite('=SUMIFS(D!$B$2:$B$9,D!$A$2:$A$9,COUNTIF(D!$A$2:$A$9,A1))', "S", "C1",
                     index, const)
    assert nested.startswith("=SUMIFS(")  # the outer call keeps its formula


def test_a_huge_sparse_used_range_costs_its_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"], ws["A2"], ws["B1"], ws["B2"] = "x", "y", 3, 4
    ws["A1048576"], ws["XFD1"] = 5, 6
    ws["C1"] = '=SUMIFS($B$1:$B$2,$A$1:$A$2,"x")'
    ws["C2"] = "=A1048576+XFD1"
    ws["C3"] = '=COUNTIFS($A$1:$A$2,"y")+C1'
    path = tmp_path / "sparse.xlsx"
    wb.save(path)
    report = calculate(path, tmp_path / "out.xlsx")
    assert (report.formulas, report.evaluated, report.kept_cached) == (3, 3, 0)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["Data"]
    assert (ws["C1"].value, ws["C2"].value, ws["C3"].value) == (3, 11, 4)  # cells, not a grid
    # work done: two look-ups, a few evaluation rounds, no call of ours per row or column
    assert report.work["ifs_lookups"] == 2 and report.work["ifs_declined"] == 0
    assert report.work["rounds"] <= 2 and report.work["python_calls"] == 0
