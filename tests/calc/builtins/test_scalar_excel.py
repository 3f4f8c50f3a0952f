"""Scalar built-ins where formualizer (or our first version) disagreed with Excel, checked
against the values Excel cached in the oracle corpus (``tests/calc/corpus``), Microsoft's
documented rules, and hypothesis properties."""

from __future__ import annotations

import datetime as _dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_workbook.calc import calculate
from cs_workbook.calc.builtins import prepare_sheet
from cs_workbook.calc.builtins.annuity import FV
from cs_workbook.calc.builtins.arithmetic import ERROR_TYPE
from cs_workbook.calc.builtins.date_text import DATEVALUE, TIMEVALUE
from cs_workbook.calc.builtins.dates import TIME, serial_of
from cs_workbook.calc.builtins.depreciation import VDB
from cs_workbook.calc.builtins.literal_args import excel_number
from cs_workbook.calc.builtins.lookup import HLOOKUP, VLOOKUP, bisect_match
from cs_workbook.calc.builtins.mode import MODE_SNGL
from cs_workbook.calc.builtins.rich_errors import error_names, restore
from cs_workbook.calc.lifted import _OVERRIDES

CORPUS = Path(__file__).parents[1] / "corpus"

# -- VDB with fractional periods: xlcalculator-VDB.xlsx Sheet1!D23:D37 and F23:F28 -------------
# =VDB(1, 0, 14, start, end, 1.25, FALSE), the values Excel cached

_VDB_EXCEL = [
    (0, 0.5, 0.044642857142857144), (0.5, 1.5, 0.08529974489795919),
    (1.5, 2.5, 0.07768369624635568), (2.5, 3.5, 0.07074765193864536),
    (3.5, 4.5, 0.06872629045468406), (7.5, 8.5, 0.06872629045468406),
    (12.5, 13.5, 0.06872629045468406), (13.5, 14, 0.03436314522734203),
    (13, 14, 0.06866789938377948), (11, 12, 0.06866789938377948),
]


@pytest.mark.parametrize("start, end, expected", _VDB_EXCEL)
def test_vdb_fractional_periods_match_excel(start, end, expected):
    assert VDB(1, 0, 14, start, end, 1.25, False) == pytest.approx(expected, rel=1e-12)


@given(st.floats(100, 1e6), st.floats(0, 0.5), st.integers(2, 40), st.floats(0.01, 0.99),
       st.floats(0.5, 3))
def test_vdb_from_a_fraction_to_the_end_completes_the_depreciation(cost, share, life, f, factor):
    salvage = cost * share
    assert VDB(cost, salvage, life, 0, f, factor) + VDB(cost, salvage, life, f, life, factor) \
        == pytest.approx(cost - salvage, rel=1e-9)


# -- DATEVALUE and TIMEVALUE -----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # Microsoft's DATEVALUE help page
    ("8/22/2011", 40777), ("22-MAY-2011", 40685), ("2011/02/23", 40597),
    # cells Excel cached: ironcalc-DATE.xlsx, ironcalc-DATEVALUE.xlsx
    ("29-Feb-1900", 60), ("1-Mar-1900", 61), ("1900-02-29", 60), ("2024-02-29 06:00", 45351),
    ("26-01-01", 36917), ("2026-07-16 4:35 PM", 46219), (" 2024-01-10 ", 45301),
    ("9999-12-31", 2958465), ("2026-1-1", 46023), ("2026-01-01 23:59:59", 46023),
])
def test_datevalue_reads_excel_forms(text, expected):
    assert DATEVALUE(text) == expected


@pytest.mark.parametrize("value", [
    "1789-05-05", "2026-13-01", "10000-01-01", "2025-02-29", "2100-02-29", '"2026-01-12"',
    "2026.01.01", "2026-01-01x", "-2026-01-01", "8", "10.0", "abc", "", 72.0, True, None])
def test_datevalue_rejects_what_excel_rejects(value):
    assert DATEVALUE(value) == {"type": "Error", "kind": "Value"}


@pytest.mark.parametrize("text, expected", [
    # Microsoft's TIMEVALUE help page
    ("2:24 AM", 0.1), ("22-Aug-2011 6:35 AM", 0.2743),
    # cells Excel cached: ironcalc-TIMEVALUE.xlsx
    ("4 pm", 0.6666666666666666), ("4:5 pm", 0.6701388888888888), ("23:59:60", 0.0),
    ("24:00", 0.0), ("12:00 AM", 0.0), ("12:00 PM", 0.5), ("4:35 Am", 0.1909722222222222),
    ("7/7/2026 4:35 PM", 0.6909722222189885),
])
def test_timevalue_reads_excel_forms(text, expected):
    assert round(TIMEVALUE(text), 4 if expected == 0.2743 else 16) == expected


@pytest.mark.parametrize("value", [
    "13:00 PM", "4:35 A.M.", ":35", "4::35", "1600", "4.35", "-0.2", "0:0:86400", "4:35 PMx",
    16.0, False])
def test_timevalue_rejects_what_excel_rejects(value):
    assert TIMEVALUE(value) == {"type": "Error", "kind": "Value"}


def test_date_and_time_text_pass_errors_through():
    na = {"type": "Error", "kind": "Na"}
    assert DATEVALUE(na) == na and TIMEVALUE(na) == na


_FORMS = ["{y}-{m}-{d}", "{y}/{m}/{d}", "{m}/{d}/{y}", "{d}-{mon}-{y}", "{mon} {d}, {y}",
          "{d} {month} {y}", "{month} {d} {y}"]


@given(st.dates(_dt.date(1900, 3, 1), _dt.date(9999, 12, 31)), st.sampled_from(_FORMS))
def test_datevalue_reads_every_form_of_every_date(day, form):
    text = form.format(y=day.year, m=day.month, d=day.day, mon=day.strftime("%b"),
                       month=day.strftime("%B"))
    assert DATEVALUE(text) == serial_of(day.year, day.month, day.day)


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
def test_timevalue_of_a_12_hour_clock_equals_time(h, m, s):
    text = f"{h % 12 or 12}:{m:02d}:{s:02d} {'PM' if h >= 12 else 'AM'}"
    assert TIMEVALUE(text) == pytest.approx(TIME(h, m, s), abs=1e-15)


# -- VLOOKUP and HLOOKUP ---------------------------------------------------------------------

_FRUIT = [["Apples", 50.0], ["Oranges", 20.0], ["Bananas", 60.0], ["Lemons", 40.0]]


def test_approximate_lookup_bisects_unsorted_data_as_excel():
    # xlcalculator-VLOOKUP.xlsx Sheet1!B7: Excel cached 50 for this unsorted column
    assert VLOOKUP("Apples", _FRUIT, 2, True) == 50.0
    assert HLOOKUP("Apples", [list(c) for c in zip(*_FRUIT)], 2) == 50.0


def test_lookup_passes_an_error_lookup_value_through():
    # ironcalc-HVLOOKUP.xlsx VLOOKUP!N8, HLOOKUP!Q8: =VLOOKUP(1/0, …) is #DIV/0! in Excel
    div = {"type": "Error", "kind": "Div"}
    assert VLOOKUP(div, _FRUIT, 1) == div and HLOOKUP(div, _FRUIT, 1, True) == div


def test_lookup_index_bounds_and_one_cell_tables():
    assert VLOOKUP("Apples", _FRUIT, 0, False) == {"type": "Error", "kind": "Value"}
    assert VLOOKUP("Apples", _FRUIT, 3, False) == {"type": "Error", "kind": "Ref"}
    assert VLOOKUP("Aranda", 3.0, 1) == {"type": "Error", "kind": "Na"}  # HVLOOKUP!N12
    assert VLOOKUP("L*", _FRUIT, 2, False) == 40.0


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=30, unique=True), st.integers(-60, 60))
def test_bisection_on_sorted_data_finds_the_last_value_not_above(values, x):
    values = sorted(float(v) for v in values)
    want = max((i for i, v in enumerate(values) if v <= x), default=-1)
    assert bisect_match(values, float(x)) == want


# -- text and error literals (Excel's argument rules) ----------------------------------------

def test_literal_arguments_follow_excel_and_referenced_text_does_not(tmp_path):
    """Cells Excel cached (ironcalc-AVERAGE/COUNT/SMALL_LARGE/MINUS_MINUS.xlsx) and the rule
    they show: direct text is read as a number or is #VALUE!, text in a cell is skipped."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Hola"
    cases = {"B1": ('=AVERAGE("Hola")', "#VALUE!"), "B2": ("=AVERAGE(A1)", "#DIV/0!"),
             "B3": ('=AVERAGEA(1,2,"5", "CASE")', "#VALUE!"), "B4": ('=--"$5"', 5),
             "B5": ('=TYPE(+"3")', 2), "B6": ("=COUNT(#N/A)", 0), "B7": ("=COUNT(1,A1)", 1),
             "B8": ('=SMALL("Hello", 1)', "#VALUE!"), "B9": ('=AVERAGE(1,2,"5")', 8 / 3),
             "B10": ('="$5"="$5"', True), "B11": ('="50%"*2', 1)}
    for ref, (formula, _) in cases.items():
        ws[ref] = formula
    wb.save(tmp_path / "in.xlsx")
    calculate(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    got = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True).active
    for ref, (formula, want) in cases.items():
        value = got[ref].value
        assert (value == pytest.approx(want) if isinstance(want, float) else value == want), \
            (formula, value)


@given(st.decimals(0, 10**9, places=2, allow_nan=False), st.booleans(), st.booleans(),
       st.booleans())
def test_excel_number_reads_currency_thousands_and_percent(x, dollar, negative, percent):
    text = f"{'$' if dollar else ''}{x:,.2f}{'%' if percent else ''}"
    text = f"({text})" if negative else text
    want = float(x) / (100 if percent else 1) * (-1 if negative else 1)
    assert excel_number(text) == pytest.approx(want, rel=1e-15)


# -- newer errors in constant cells (rich values) ---------------------------------------------

def test_newer_errors_are_read_from_rich_values():
    """ironcalc-ERROR.TYPE.xlsx saves #CALC! (A8) and #SPILL! (A14) as rich values with a
    #VALUE! fallback; Excel's ERROR.TYPE gives 14 and 9."""
    with zipfile.ZipFile(CORPUS / "ironcalc-ERROR.TYPE.xlsx") as zf:
        errors = error_names(zf)
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert errors == {1: "#CALC!", 2: "#SPILL!"}
    new = restore(xml, errors)
    assert b'<c r="A8"><f>#CALC!</f></c>' in new
    assert b"<f>#SPILL!</f>" in new and new.count(b"#VALUE!") == xml.count(b"#VALUE!") - 2
    assert ERROR_TYPE({"type": "Error", "kind": "Calc"}) == 14.0
    assert restore(xml, {}) is xml


# -- FV and MODE.SNGL ------------------------------------------------------------------------

def test_fv_errors_at_rate_minus_one_and_negative_bases():
    # ironcalc-FV.xlsx Sheet2!A1:B1 as Excel cached them
    assert FV(-1, -2, 1) == {"type": "Error", "kind": "Div"}
    assert FV(-3, -3.5, 1) == {"type": "Error", "kind": "Num"}
    assert FV(0, 10, -100) == 1000.0


@given(st.floats(-0.5, 0.5).filter(lambda r: abs(r) > 1e-6), st.integers(1, 120),
       st.floats(-1e4, 1e4), st.floats(-1e5, 1e5))
def test_fv_is_what_the_payments_compound_to(rate, n, pmt, pv):
    grown = pv
    for _ in range(n):
        grown = grown * (1 + rate) + pmt
    assert FV(rate, n, pmt, pv) == pytest.approx(-grown, rel=1e-9, abs=1e-6)


def test_mode_sngl_takes_the_first_of_tied_values():
    # ironcalc-MODE.xlsx R2 and N2: Excel cached 2 and 1
    assert MODE_SNGL([[2.0], [2.0], [2.0], [1.0], [1.0], [1.0], [3.0], [3.0]]) == 2.0
    assert MODE_SNGL([[1.0], [1.0], [1.0], [2.0], [2.0], [2.0]]) == 1.0
    assert MODE_SNGL([[1.0], [True], ["1"], [2.0]]) == {"type": "Error", "kind": "Na"}


def test_choose_of_a_literal_index_evaluates_only_the_chosen_argument(tmp_path):
    # ironcalc-CHOOSE.xlsx B22 and B40 as Excel cached them
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A4"], ws["A9"], ws["A10"], ws["A11"] = "1st", 10, 20, 30
    ws["B22"] = "=CHOOSE(TRUE, A4)"
    ws["B40"] = '=CHOOSE(2, B40, "Not a cycle")'
    ws["B41"] = "=SUM(A9:CHOOSE(2,A9,A10,A11))"
    ws["B42"] = "=CHOOSE(2, 1, 1+2)*3"
    wb.save(tmp_path / "in.xlsx")
    calculate(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    got = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True).active
    assert [got[c].value for c in ("B22", "B40", "B41", "B42")] == ["1st", "Not a cycle", 30, 9]


@pytest.mark.parametrize("find, within, expected", [
    # ironcalc-FIND_SEARCH.xlsx E26:E32 as Excel cached them
    ("~*", "Ho*la", 3), ("~~", "Hi ~Bang!", 4), ("~", "Hi ~Bang!", 1), ("~", "Hello", 1),
    ("~d", "My dear", 4), ("~~*", "Ho*la", None), ("*~?", "Late?", 1)])
def test_search_reads_a_final_tilde_as_nothing(find, within, expected):
    search = _OVERRIDES["SEARCH"][0]
    got = search(find, within, 1.0)
    assert got == expected if expected is not None else not isinstance(got, float)


def test_the_loaded_copy_gets_choose_and_sheet_rewritten_without_any_quote():
    xml = (b'<worksheet><sheetData><row r="1"><c r="B1"><f>CHOOSE(2,B1,1)</f></c>'
           b'<c r="C1"><f>_xlfn.SHEET(1)</f></c></row></sheetData></worksheet>')
    new = prepare_sheet(xml, ["Sheet1"], "Sheet1")
    assert b"<f>1</f>" in new and b"<f>_xlfn.SHEET(#N/A)</f>" in new


def test_an_undefined_name_is_not_counted_and_is_name_error_in_sheet(tmp_path):
    # ironcalc-defined_names.xlsx Errors!B5, ironcalc-tables.xlsx Sheet1!A12 (Hello is defined
    # for another sheet only): Excel cached 0 and #NAME?
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Main"
    other = wb.create_sheet("Other")
    ws["A1"], ws["A2"] = 1, 2
    wb.defined_names["Known"] = DefinedName("Known", attr_text="Main!$A$1:$A$2")
    other.defined_names["Hello"] = DefinedName("Hello", attr_text="Main!$A$1")
    ws["B1"], ws["B2"], ws["B3"] = "=COUNT(Known)", "=COUNT(Nope)", "=SHEET(Hello)"
    other["B1"] = "=COUNT(Hello)"
    wb.save(tmp_path / "in.xlsx")
    calculate(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    got = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)
    assert [got["Main"][c].value for c in ("B1", "B2", "B3")] == [2, 0, "#NAME?"]
    assert got["Other"]["B1"].value == 1


def test_date_and_time_text_edges():
    assert TIMEVALUE("4:35PM") == {"type": "Error", "kind": "Value"}  # MrExcel: needs a space
    assert TIMEVALUE("123:40") == pytest.approx(3 / 24 + 40 / 1440)  # days dropped (MrExcel)
    assert DATEVALUE("4:35 PM") == {"type": "Error", "kind": "Value"}  # LibreOffice agrees
    assert DATEVALUE("Feb 2020") == 43862  # LibreOffice: the 1st of the month
