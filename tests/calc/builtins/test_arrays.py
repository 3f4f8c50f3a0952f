"""Array formulas as Excel evaluates them (issue #9): broadcasting of arguments of different
shapes, LAMBDA calls, ``SINGLE``, legacy array areas, ``SORT``, ``MODE.MULT``, ``INDEX`` of an
array constant and ``COUNTIF``/``SUMIF`` & co with an array of criteria.

The oracle is Excel: every cell of the array areas of Excel-saved corpus workbooks (the oracle
test compares only each area's anchor), plus the examples of Microsoft's function reference
and properties against numpy's broadcasting and Python's sort."""

from __future__ import annotations

import importlib.util
import math
import re
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_workbook.calc import calculate
from cs_workbook.calc.builtins.array_forms import inline_lambdas, rewrite_array_forms
from cs_workbook.calc.builtins.array_functions import INDEX, MODE_MULT, SORT
from cs_workbook.calc.builtins.array_ifs import IFS
from cs_workbook.calc.builtins.array_map import Mapper
from cs_workbook.calc.builtins.arrays import IF, IFERROR, OP

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NA = {"type": "Error", "kind": "Na"}
DIV = {"type": "Error", "kind": "Div"}


# -- the rewrites ---------------------------------------------------------------------------

@pytest.mark.parametrize("formula, array, area, want", [
    ("_xlfn.LAMBDA(_xlpm.x, --_xlpm.x)(A1:A4=\"h\")", True, None, '--(A1:A4="h")'),
    ("_xlfn.LAMBDA(_xlpm.r, (_xlpm.r-AVERAGE(_xlpm.r)))(K1:M1)", True, None,
     "(K1:M1-AVERAGE(K1:M1))"),
    ('_xlfn.LAMBDA(_xlpm.x, _xlpm.x&"_xlpm.x")(B1)', False, None, 'B1&"_xlpm.x"'),
    ("_xlfn.LAMBDA(_xlpm.a, _xlfn.LAMBDA(_xlpm.b, _xlpm.a+_xlpm.b)(2))(1)", False, None,
     "1+2"),
    ("_xlfn.LAMBDA(_xlpm.a, _xlpm.a)(1, 2)", False, None,  # Excel: #VALUE!, left to the engine
     "_xlfn.LAMBDA(_xlpm.a, _xlpm.a)(1, 2)"),
    ("N(_xlfn.SINGLE(D18:D22))", False, None, "N(@(D18:D22))"),
    ("IF(A1:A4>2,H1:H2,E1:E2)", True, None, "_CSCALC_IF(A1:A4>2,H1:H2,E1:E2)"),
    ("IF(A1:A4>2,H1:H2,E1:E2)", False, None, "IF(A1:A4>2,H1:H2,E1:E2)"),
    ("IF(A1:A4>2,1,0)", True, None, "IF(A1:A4>2,1,0)"),
    ('IF(COUNTA(C3:C33)=0,"",SUMIF(C3:C33,_xlfn.ANCHORARRAY(A14),E3:E33))', True, None,
     'IF(COUNTA(C3:C33)=0,"",_CSCALC_SUMIF(C3:C33,_xlfn.ANCHORARRAY(A14),E3:E33))'),
    ("SUM(COUNTIF(C3:C33,A14#))", True, None, "SUM(_CSCALC_COUNTIF(C3:C33,A14#))"),
    ('IFERROR(LEFT(A7:C7, NA()), "x")', True, None,
     'IFERROR(_CSCALC_MAP("LEFT",A7:C7, NA()), "x")'),
    ("SUM(ROUND(A1:A3,0))", True, None, 'SUM(_CSCALC_MAP("ROUND",A1:A3,0))'),
    ("SUMPRODUCT(ROUND(A1:A3,0))+ROUND(A1,0)", False, None,
     'SUMPRODUCT(_CSCALC_MAP("ROUND",A1:A3,0))+ROUND(A1,0)'),
    ("ROUND(A1:A3,0)", False, None, "ROUND(A1:A3,0)"),  # legacy: intersected (prepare.py)
    ("MATCH(1,ROUND(A1:A3,0),0)", False, None, "MATCH(1,ROUND(A1:A3,0),0)"),
    ("SUMPRODUCT(LEN(A1:A3)*ISNUMBER(B1:B3))", False, None,
     'SUMPRODUCT(_CSCALC_MAP("LEN",A1:A3)*ISNUMBER(B1:B3))'),
    ("ROUND(A1,0)+_xlfn.DAYS(B1,A1)", True, None, "ROUND(A1,0)+_xlfn.DAYS(B1,A1)"),
    ("IFERROR(G4:G7/H4:H7, G12:G13)", True, None, "_CSCALC_IFERROR(G4:G7/H4:H7, G12:G13)"),
    ("COUNTIF(A1:A3,B1:B2)", True, None, "_CSCALC_COUNTIF(A1:A3,B1:B2)"),
    ("COUNTIF(A1:A3,B1)", True, None, "COUNTIF(A1:A3,B1)"),
    ("INDEX({1,2,3;4,5,6},-1,1)", True, None, "_CSCALC_INDEX({1,2,3;4,5,6},-1,1)"),
    ("INDEX(A1:C2,1,1)", True, None, "INDEX(A1:C2,1,1)"),
    ("LARGE(SUMIF(E2:E9,_xlfn.UNIQUE(E2:E9),F2:F9),1)", True, None,
     "LARGE(_CSCALC_SUMIF(E2:E9,_xlfn.UNIQUE(E2:E9),F2:F9),1)"),
    ('SUMIF(E2:E9,">"&B1,F2:F9)', True, None, 'SUMIF(E2:E9,">"&B1,F2:F9)'),
    ("SUMPRODUCT(1/COUNTIF(A1:A5,A1:A5))", False, None,
     "SUMPRODUCT(1/_CSCALC_COUNTIF(A1:A5,A1:A5))"),
    ("COUNTIF(A1:A5,A1:A5)", False, None, "COUNTIF(A1:A5,A1:A5)"),
    ('SUM(_xlfn.MAXIFS(C1:C5,A1:A5,{"a","b"}))', True, None,
     'SUM(_CSCALC_MAXIFS(C1:C5,A1:A5,{"a","b"}))'),
    ('SUM(SUMIFS(C1:C5,A1:A5,">1",B1:B5,"x"))', True, None,
     'SUM(SUMIFS(C1:C5,A1:A5,">1",B1:B5,"x"))'),
    ("A6:C6+{1,2}", True, None, '_CSCALC_OP("+",A6:C6,{1,2})'),
    ("{1,2}+A6:C6", True, None, '_CSCALC_OP("+",{1,2},A6:C6)'),
    ("A6:C6+{1,2,3}", True, None, "A6:C6+{1,2,3}"),
    ("A6:C6<{1;2}", True, None, "A6:C6<{1;2}"),  # a row against a column: the engine's
    ("2*A6:C6+{1,2}", True, None, "2*A6:C6+{1,2}"),  # precedence: left to the engine
    ("123", True, (4, 1), "_CSCALC_AREA(123,4,1)"),
    ("A1:A3*2", True, (1, 1), "A1:A3*2"),
])
def test_rewrites(formula, array, area, want):
    assert rewrite_array_forms(formula, array, area) == want


def test_a_lambda_that_is_not_called_stays():
    assert inline_lambdas("_xlfn.LAMBDA(_xlpm.x,_xlpm.x+1)") == "_xlfn.LAMBDA(_xlpm.x,_xlpm.x+1)"


# -- broadcasting ---------------------------------------------------------------------------

def _grids(max_side=4):
    shape = st.tuples(st.integers(1, max_side), st.integers(1, max_side))
    return shape.flatmap(lambda s: st.lists(
        st.lists(st.integers(-50, 50).map(float), min_size=s[1], max_size=s[1]),
        min_size=s[0], max_size=s[0]))


@settings(max_examples=50)
@given(_grids(), _grids())
def test_operators_broadcast_as_numpy_where_it_can_and_pad_with_na_elsewhere(a, b):
    got = OP("+", a, b)
    rows, cols = max(len(a), len(b)), max(len(a[0]), len(b[0]))
    assert (len(got), len(got[0])) == (rows, cols)
    compatible = all(x == y or 1 in (x, y) for x, y in
                     ((len(a), len(b)), (len(a[0]), len(b[0]))))
    if compatible:
        assert got == (np.array(a) + np.array(b)).tolist()
    for i in range(rows):
        for j in range(cols):
            inside = all((len(g) == 1 or i < len(g)) and (len(g[0]) == 1 or j < len(g[0]))
                         for g in (a, b))
            assert (got[i][j] != NA) == inside


def test_if_and_iferror_pad_as_excel_saved_them():
    # ironcalc-IF_ARRAY.xlsx E8:H8, E12:H12 and ironcalc-IFERROR.xlsx C49:C52, C53:D55
    assert IF([[True, False]], [[1.0, 2.0, 3.0, 4.0]], [[10.0, 11.0, 12.0, 13.0]]) == \
        [[1.0, 11.0, NA, NA]]
    assert IF([[True, False]], [[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0, 4.0]]) == \
        [[1.0, 2.0, NA, NA]]
    assert IFERROR([[20.0], [DIV], [10.0], [DIV]], [[10.0], [20.0]]) == \
        [[20.0], [20.0], [10.0], [NA]]
    assert IFERROR([[DIV], [DIV], [DIV]], [[7.0, 8.0]]) == [[7.0, 8.0]] * 3
    assert IF([[True], [NA]], 1.0, 0.0) == [[1.0], [NA]]


_MAPPER = Mapper()


@settings(max_examples=25, deadline=None)
@given(_grids(3), st.integers(0, 2).map(float))
def test_a_lifted_call_is_the_engines_call_on_each_element(grid, digits):
    got = _MAPPER("ROUND", [[x / 7 for x in row] for row in grid], digits)
    assert got == [[_MAPPER("ROUND", x / 7, digits) for x in row] for row in grid]
    assert all(math.isclose(v, round(x / 7, int(digits)), abs_tol=10 ** -digits)
               for row, grow in zip(got, grid) for v, x in zip(row, grow))


def test_a_lifted_call_pads_and_passes_errors_on():
    assert _MAPPER("MOD", [[7.0, 8.0, 9.0]], [[2.0, 3.0]]) == [[1.0, 2.0, NA]]
    assert _MAPPER("LEN", [["ab", None, DIV]]) == [[2.0, 0.0, DIV]]
    assert _MAPPER("UPPER", "ab") == "AB"
    assert _MAPPER("NOT A NAME", 1.0) == {"type": "Error", "kind": "Value"}


# -- SORT, MODE.MULT, INDEX, SUMIF --------------------------------------------------------

_values = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.text("abAB", max_size=3),
                    st.booleans(), st.none(),
                    st.sampled_from([NA, DIV, {"type": "Error", "kind": "Value"}]))


@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=30))
def test_sort_of_numbers_is_pythons_sort(xs):
    column = [[x] for x in xs]
    assert SORT(column) == [[x] for x in sorted(xs)]
    assert SORT(column, 1, -1) == [[x] for x in sorted(xs, reverse=True)]
    assert SORT([xs], 1, 1, True) == [sorted(xs)]


@given(st.lists(_values, min_size=1, max_size=30), st.sampled_from([1, -1]))
def test_sort_orders_types_as_excel_and_puts_blanks_last(xs, order):
    got = [r[0] for r in SORT([[x] for x in xs], 1, order)]
    blanks = xs.count(None)
    assert got[len(got) - blanks:] == [0.0] * blanks
    rank = [0 if isinstance(v, float) else 1 if isinstance(v, str) else
            2 if isinstance(v, bool) else 3 for v in got[:len(got) - blanks]]
    assert rank == sorted(rank, reverse=order == -1)
    assert sorted(map(repr, got[:len(got) - blanks])) == sorted(repr(v) for v in xs
                                                                  if v is not None)


def test_sort_as_excel_saved_it():
    # ironcalc-SORT.xlsx Sheet1 A1:A25 and E1:E17 (descending): errors, text, numbers
    data = [1, 5, 2, -2, 5, 7, "Hola", "De", "HOLA", {"type": "Error", "kind": "Name"},
            "Qwer", None, "AAAA", 123, "2", DIV, NA] + [None] * 8
    got = [r[0] for r in SORT([[float(v) if isinstance(v, int) else v] for v in data], 1, -1)]
    assert got[:17] == [NA, {"type": "Error", "kind": "Name"}, DIV, "Qwer", "Hola", "HOLA",
                        "De", "AAAA", "2", 123.0, 7.0, 5.0, 5.0, 2.0, 1.0, -2.0, 0.0]
    assert SORT([[1.0]], 2) == {"type": "Error", "kind": "Value"}


def test_mode_mult_as_documented_and_as_excel_saved_it():
    # Microsoft's MODE.MULT example: 1,2,3,4,3,2,1,2,3,5,6,1 -> 1;2;3
    data = [[float(v)] for v in (1, 2, 3, 4, 3, 2, 1, 2, 3, 5, 6, 1)]
    assert MODE_MULT(data) == [[1.0], [2.0], [3.0]]
    # ironcalc-MODE.xlsx S2:S3: ties in the order they first appear
    assert MODE_MULT([[2.0], [2.0], [2.0], [1.0], [1.0], [1.0], [3.0], [3.0]]) == [[2.0], [1.0]]
    assert MODE_MULT([[1.0], [2.0]]) == NA


def test_index_of_an_array_as_documented_and_as_excel_saved_it():
    # Microsoft's INDEX example: =INDEX({1,2;3,4},0,2) -> 2;4
    assert INDEX([[1.0, 2.0], [3.0, 4.0]], 0, 2) == [[2.0], [4.0]]
    assert INDEX([[1.0, 2.0], [3.0, 4.0]], 2, 2) == 4.0
    # ironcalc-INDEX.xlsx C9, E9:G9, E18:G18, E20, A4:D4
    assert INDEX([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], -1, 1) == {"type": "Error", "kind": "Value"}
    assert INDEX([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], 1) == [[1.0, 2.0, 3.0]]
    assert INDEX([[1.0, 2.0, 3.0]], 1, 0, 1) == [[1.0, 2.0, 3.0]]
    assert INDEX([[1.0, 2.0, 3.0]], 1, 0, 2) == {"type": "Error", "kind": "Ref"}
    assert INDEX([[1.0, 2.0, 3.0, 4.0]], None, None) == [[1.0, 2.0, 3.0, 4.0]]
    assert INDEX([[1.0, 2.0, 3.0]], 4) == {"type": "Error", "kind": "Ref"}


SUMIF, COUNTIF = IFS["SUMIF"][0], IFS["COUNTIF"][0]
COUNTIFS, AVERAGEIF = IFS["COUNTIFS"][0], IFS["AVERAGEIF"][0]


def test_countif_as_documented():
    # Microsoft's COUNTIF examples: apples 32, oranges 54, peaches 75, apples 86
    fruit = [["apples"], ["oranges"], ["peaches"], ["apples"]]
    count = [[32.0], [54.0], [75.0], [86.0]]
    assert COUNTIF(fruit, "apples") == 2
    assert COUNTIF(fruit, "peaches") == 1
    assert COUNTIF(count, ">55") == 2
    assert COUNTIF(count, "<>75") == 3
    assert COUNTIF(count, ">=32") - COUNTIF(count, ">85") == 3
    assert COUNTIF(fruit, "*") == 4
    assert COUNTIF(fruit, "?????es") == 2
    assert COUNTIF(fruit, fruit) == [[2.0], [1.0], [1.0], [2.0]]
    # Microsoft: a criterion that is an empty cell is 0 (so 1/COUNTIF(r, r) fails on blanks)
    assert COUNTIF([[None], [0.0], ["a"]], [[None]]) == [[1.0]]
    assert COUNTIFS(fruit, "apples", count, ">40") == 1
    assert COUNTIFS(fruit, [["apples", "peaches"]], count, ">40") == [[1.0, 1.0]]
    assert AVERAGEIF(fruit, "pears", count) == DIV


def test_sumif_as_documented():
    # Microsoft's SUMIF examples (property values and commissions; categories and foods)
    values = [[100000.0], [200000.0], [300000.0], [400000.0]]
    commissions = [[7000.0], [14000.0], [21000.0], [28000.0]]
    assert SUMIF(values, ">160000", commissions) == 63000
    assert SUMIF(values, ">160000") == 900000
    assert SUMIF(values, 300000.0, commissions) == 21000
    category = [["Vegetables"], ["Vegetables"], ["Fruits"], [None], ["Vegetables"], ["Fruits"]]
    food = [["Tomatoes"], ["Celery"], ["Oranges"], ["Butter"], ["Carrots"], ["Apples"]]
    sales = [[2300.0], [5500.0], [800.0], [400.0], [4200.0], [1200.0]]
    assert SUMIF(category, "Fruits", sales) == 2000
    assert SUMIF(category, "Vegetables", sales) == 12000
    assert SUMIF(food, "*es", sales) == 4300
    assert SUMIF(category, "", sales) == 400
    assert SUMIF(category, [["Fruits"], ["Vegetables"], [""]], sales) == \
        [[2000.0], [12000.0], [400.0]]


# -- whole array areas against Excel's cached values ----------------------------------------

def _oracle():
    spec = importlib.util.spec_from_file_location("calc_oracle_arrays",
                                                  CORPUS.parent / "oracle.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["calc_oracle_arrays"] = module
    spec.loader.exec_module(module)
    return module


_AREA = re.compile(rb'<(?:\w+:)?c r="([A-Z]+[0-9]+)"[^>]*>\s*<(?:\w+:)?f t="array"[^>]*'
                   rb'ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_KINDS = {"#N/A": "Na", "#DIV/0!": "Div", "#VALUE!": "Value", "#REF!": "Ref", "#NAME?": "Name",
          "#NUM!": "Num", "#NULL!": "Null"}


def _engine(path: Path, tmp_path: Path):
    """formualizer loaded and evaluated as ``calculate`` does, on a copy of ``path`` without
    the cached values of its formula cells."""
    from cs_workbook.calc import builtins
    from cs_workbook.calc.lifted import _OVERRIDES
    from cs_workbook.calc.loading import _load
    from cs_workbook.calc.package import sheet_parts

    stripped = tmp_path / path.name
    _oracle().strip_cached(path, stripped)
    with zipfile.ZipFile(stripped) as zf:
        parts = sheet_parts(zf)
        wb = _load(stripped, zf, parts)
        wb.set_temporal_egress("serial")
        for name, (func, least, most) in _OVERRIDES.items():
            wb.register_function(name, func, min_args=least, max_args=most,
                                 allow_override_builtin=True)
        builtins.register(wb, zf)
        wb.evaluate_all()
        areas = [(sheet, m.group(1).decode(), m.group(2).decode())
                 for sheet, part in parts.items() for m in _AREA.finditer(zf.read(part))]
    return wb, areas


def _same(excel, ours) -> bool:
    if isinstance(excel, str) and excel in _KINDS:
        return isinstance(ours, dict) and ours.get("kind") == _KINDS[excel]
    if excel is None:  # a blank in a spill shows as 0 (Excel saves no value)
        return ours in (None, 0.0, "")
    if isinstance(excel, bool) or isinstance(ours, bool):
        return excel is ours
    if isinstance(excel, (int, float)):
        return isinstance(ours, (int, float)) and math.isclose(excel, ours, rel_tol=1e-9,
                                                               abs_tol=1e-12)
    return excel == ours


#: Corpus workbooks whose array areas must agree with Excel in every cell: ``{file: anchors
#: left out}``. Left out: a comparison of an array with a scalar error (``A1:C1=1/0``), which
#: formualizer answers with one error where Excel fills the area with it, and ``TEXT`` with an
#: error format, answered as one error.
AREAS = {
    "ironcalc-IF_ARRAY.xlsx": set(), "ironcalc-IFERROR.xlsx": set(), "ironcalc-INDEX.xlsx": set(),
    "ironcalc-SORT.xlsx": set(), "ironcalc-MODE.xlsx": set(), "ironcalc-spill_operator.xlsx": set(),
    "ironcalc-arithmetic.xlsx": set(), "ironcalc-MINUS_MINUS.xlsx": set(),
    "ironcalc-error_broadcast.xlsx": {"E16", "E17", "E18", "E25", "E53", "E54", "A4"},
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(AREAS))
def test_every_cell_of_the_array_areas_is_excels(name, tmp_path):
    import formualizer as fz
    from openpyxl.utils import range_boundaries

    path = CORPUS / name
    excel = openpyxl.load_workbook(path, data_only=True)
    wb, areas = _engine(path, tmp_path)
    checked, bad = 0, []
    for sheet, anchor, ref in areas:
        if anchor in AREAS[name]:
            continue
        c1, r1, c2, r2 = range_boundaries(ref)
        got = wb.sheet(sheet).get_values(fz.RangeAddress(sheet, r1, c1, r2, c2))
        for i, r in enumerate(range(r1, r2 + 1)):
            for j, c in enumerate(range(c1, c2 + 1)):
                checked += 1
                want = excel[sheet].cell(r, c).value
                if not _same(want, got[i][j]):
                    bad.append(f"{sheet}!{anchor} ({ref}) row {r} col {c}: {want!r} → "
                               f"{got[i][j]!r}")
    assert checked >= 2
    assert not bad, bad[:5]


def test_a_legacy_array_area_and_its_anchor_array_through_calculate(tmp_path):
    """openpyxl writes a Ctrl+Shift+Enter formula (no dynamic-array metadata): Excel fills its
    area, so ``SUM(_xlfn.ANCHORARRAY(C1))`` and ``SUM(C1:C3)`` count every cell of it; and
    one-value functions are lifted over ranges in array formulas and inside SUMPRODUCT."""
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 6):
        ws.cell(r, 4, r * 10)
    ws["C1"] = ArrayFormula("C1:C3", "=7")
    ws["E1"] = "=SUM(_xlfn.ANCHORARRAY(C1))"
    ws["E2"] = "=SUM(C1:C3)"
    ws["E3"] = "=N(_xlfn.SINGLE(D1:D5))"
    ws["E4"] = "=_xlfn.LAMBDA(_xlpm.x,_xlpm.y,_xlpm.x*_xlpm.y)(D2,3)"
    ws["F1"] = ArrayFormula("F1:F3", "=IF({TRUE;FALSE;TRUE},D1:D2,D4:D5)")
    for r, v in enumerate([1.4, 2.6, 3.5, "ab", "h"], start=1):
        ws.cell(r, 1, v)
    # Excel lifts these over their ranges: 1+3+4, 3+3+3+2+1, one "h", 14 mod 3 + …
    ws["G1"] = ArrayFormula("G1", "=SUM(ROUND(A1:A3,0))")
    ws["G2"] = "=SUMPRODUCT(ROUND(A1:A3,0))"
    ws["G3"] = ArrayFormula("G3", "=SUM(LEN(A1:A5))")
    ws["G4"] = '=SUMPRODUCT(--EXACT(A1:A5,"h"))'
    ws["G5"] = ArrayFormula("G5", "=SUM(MOD(A1:A3*10,3))")
    ws["G6"] = ArrayFormula("G6", '=SUM(VALUE("1"&A1:A3))')
    ws["G7"] = "=SUMPRODUCT(1/COUNTIF(A1:A5,A1:A5))"  # distinct values
    ws["G8"] = ArrayFormula("G8", '=SUM(COUNTIF(A1:A5,{"h","ab",">2"}))')
    wb.save(tmp_path / "in.xlsx")
    report = calculate(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    got = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True).active
    assert (got["E1"].value, got["E2"].value, got["E3"].value, got["E4"].value) == \
        (21, 21, 30, 60)
    assert got["F1"].value == 10
    assert [got[f"G{r}"].value for r in range(1, 9)] == [8, 8, 12, 1, 6, 37.5, 5, 4]
    assert not report.unevaluated


def test_sumproduct_lifts_on_a_sheet_without_array_formulas(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, v in enumerate([1.4, 2.6, 3.5], start=1):
        ws.cell(r, 1, v)
    ws["B1"] = "=SUMPRODUCT(ROUND(A1:A3,0))"
    ws["B2"] = "=ROUND(A1:A3,0)"  # legacy: A2, the cell of the formula's row
    wb.save(tmp_path / "in.xlsx")
    calculate(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    got = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True).active
    assert (got["B1"].value, got["B2"].value) == (8, 3)
