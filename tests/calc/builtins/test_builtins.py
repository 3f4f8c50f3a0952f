"""Our Python built-ins for formualizer (``cs_workbook.calc.builtins``) against sourced values:
Microsoft's documented examples, cells Excel saved (the oracle corpus), LibreOffice headless as
a second oracle for TEXT format codes, and hypothesis properties."""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_workbook.calc.builtins import expand_3d, prepare_sheet
from cs_workbook.calc.builtins.dates import DATE, EDATE, TIME, serial_of
from cs_workbook.calc.builtins.depreciation import DB, DDB, VDB
from cs_workbook.calc.builtins.dollar import DOLLARDE, DOLLARFR
from cs_workbook.calc.builtins.text_format import TEXT, general

HERE = Path(__file__).parent
with open(HERE / "text_cases.csv", newline="", encoding="utf-8") as fh:
    TEXT_CASES = list(csv.DictReader(fh))


def _shown(v):
    return "#" + {"Value": "VALUE!", "Num": "NUM!", "Div": "DIV/0!"}[v["kind"]] \
        if isinstance(v, dict) else v


@pytest.mark.parametrize("case", TEXT_CASES, ids=lambda c: f"{c['value']}|{c['format']}")
def test_text_matches_sourced_examples(case):
    assert _shown(TEXT(float(case["value"]), case["format"])) == case["expected"], case["source"]


def test_text_passes_text_and_errors_through():
    assert TEXT("abc", "0.00") == "abc"
    assert TEXT("abc", '0;0;0;"<"@">"') == "<abc>"
    assert TEXT(True, "0") == "TRUE"
    assert TEXT("12", "0.0") == "12.0"  # numeric text is a number
    assert TEXT({"type": "Error", "kind": "Na"}, "0") == {"type": "Error", "kind": "Na"}
    assert _shown(TEXT(-1, "yyyy")) == "#VALUE!"


# -- Microsoft's documented examples ----------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    # VDB help page: 2,400 cost, 300 salvage, 10 years
    ((2400, 300, 10 * 365, 0, 1), 1.32), ((2400, 300, 10 * 12, 0, 1), 40.00),
    ((2400, 300, 10, 0, 1), 480.00), ((2400, 300, 10 * 12, 6, 18), 396.31),
    ((2400, 300, 10 * 12, 6, 18, 1.5), 311.81), ((2400, 300, 10, 0, 0.875, 1.5), 315.00),
])
def test_vdb_microsoft_examples(args, expected):
    assert round(VDB(*args), 2) == expected


@pytest.mark.parametrize("args, expected", [
    ((2400, 300, 3650, 1), 1.32), ((2400, 300, 120, 1, 2), 40.00), ((2400, 300, 10, 1, 2), 480),
    ((2400, 300, 10, 2, 1.5), 306.00), ((2400, 300, 10, 10), 22.12),
])
def test_ddb_microsoft_examples(args, expected):
    assert round(DDB(*args), 2) == expected


@pytest.mark.parametrize("period, expected", [
    (1, 186083.33), (2, 259639.42), (3, 176814.44), (4, 120410.64), (5, 81999.64),
    (6, 55841.76), (7, 15845.10)])
def test_db_microsoft_examples(period, expected):
    assert round(DB(1_000_000, 100_000, 6, period, 7), 2) == expected


def test_dates_microsoft_examples_and_bounds():
    assert DATE(2008, 1, 1) == 39448
    assert DATE(108, 1, 2) == serial_of(2008, 1, 2)  # years below 1900 count from 1900
    assert DATE(2008, 14, 2) == serial_of(2009, 2, 2) and DATE(2008, 1, 35) == serial_of(2008, 2, 4)
    jan15 = serial_of(2011, 1, 15)
    assert (EDATE(jan15, 1), EDATE(jan15, -1)) == (40589, 40527)
    assert EDATE(jan15, 2) == serial_of(2011, 3, 15)
    assert EDATE(serial_of(2011, 1, 31), 1) == serial_of(2011, 2, 28)
    assert TIME(12, 0, 0) == 0.5 and TIME(16, 48, 10) == pytest.approx(0.7001157407)
    num = {"type": "Error", "kind": "Num"}
    assert DATE(0, 0, 0) == num and DATE(10000, 1, 1) == num and DATE(9999, 12, 32) == num
    assert TIME(0, 0, -1) == num and EDATE(1, -1) == num
    assert EDATE(True, 1) == {"type": "Error", "kind": "Value"}


def test_dollar_microsoft_examples():
    assert DOLLARDE(1.02, 16) == 1.125 and DOLLARDE(1.1, 32) == pytest.approx(1.3125)
    assert DOLLARFR(1.125, 16) == pytest.approx(1.02) and DOLLARFR(1.125, 32) == pytest.approx(1.04)
    assert DOLLARDE(1, 0) == {"type": "Error", "kind": "Div"}
    assert DOLLARDE(1, -1) == {"type": "Error", "kind": "Num"}


# -- rewrites ---------------------------------------------------------------------------------

def test_3d_references_expand_in_sheet_order():
    sheets = ["Jan", "Feb", "Mar", "My Sheet", "Total"]
    assert expand_3d("SUM(Jan:Mar!B2:C3)", sheets) == "SUM(Jan!B2:C3,Feb!B2:C3,Mar!B2:C3)"
    assert expand_3d("SUM(Mar:'My Sheet'!$A$1)", sheets) == "SUM(Mar!$A$1,'My Sheet'!$A$1)"
    assert expand_3d('"Jan:Mar!A1"&Jan!A1:B2', sheets) == '"Jan:Mar!A1"&Jan!A1:B2'
    assert expand_3d("SUM(Jan:Nope!A1)", sheets) == "SUM(Jan:Nope!A1)"


def test_array_areas_are_cleared_for_the_engine():
    xml = (b'<worksheet><sheetData><row r="1"><c r="C1"><f t="array" ref="C1:C3">A1:A3*2</f>'
           b'<v>2</v></c><c r="D1"><v>7</v></c></row><row r="2"><c r="C2" t="e"><v>#N/A</v></c>'
           b'</row><row r="3"><c r="C3"><v>6</v></c></row></sheetData></worksheet>')
    out = prepare_sheet(xml, ["Sheet1"])
    assert b'<c r="C2"/>' in out and b'<c r="C3"/>' in out
    assert b'<c r="D1"><v>7</v></c>' in out and b"<v>2</v>" in out  # anchor and others stay
    plain = b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    assert prepare_sheet(plain, ["Sheet1"]) is plain


def _cell_by_cell(monkeypatch, *args):
    from cs_workbook.calc.builtins import sheet_rewrites

    with monkeypatch.context() as m:
        m.setattr(sheet_rewrites, "_formulas_only", lambda data, formula: None)
        return prepare_sheet(*args)


def test_formula_only_scan_equals_cell_by_cell_on_the_corpus(monkeypatch):
    """Without array areas only formula texts change, so prepare_sheet visits those alone:
    byte for byte what the cell-by-cell pass gives, on every sheet Excel saved."""
    import zipfile

    from cs_workbook.calc.package import sheet_parts

    changed = 0
    for path in sorted((HERE.parent / "corpus").glob("*.xls[xm]")):
        with zipfile.ZipFile(path) as zf:
            parts = sheet_parts(zf)
            for sheet, part in parts.items():
                xml = zf.read(part)
                args = (xml, list(parts), sheet, None, frozenset())
                got = prepare_sheet(*args)
                assert got == _cell_by_cell(monkeypatch, *args), (path.name, sheet)
                changed += got != xml
    assert changed >= 10  # the comparison saw rewrites, not only unchanged sheets


def test_formula_only_scan_skips_shared_followers_and_falls_back(monkeypatch):
    row = (b'<row r="2"><c r="A2"><f t="shared" si="0"/><v>1</v></c><c r="B2"><v>5</v></c>'
           b'<c r="C2"><f>ROUND(B1:B3,0)</f><v>5</v></c></row>')
    xml = b"<worksheet><sheetData>" + row + b"</sheetData></worksheet>"
    out = prepare_sheet(xml, ["Sheet1"])
    assert b'<f t="shared" si="0"/><v>1</v>' in out and b"<f>ROUND(@B1:B3,0)</f>" in out
    assert out == _cell_by_cell(monkeypatch, xml, ["Sheet1"])
    spaced = xml.replace(b'<c r="C2"><f>', b'<c r="C2">\n  <f>')  # not a first child: per cell
    assert prepare_sheet(spaced, ["Sheet1"]) == _cell_by_cell(monkeypatch, spaced, ["Sheet1"])
    assert b"ROUND(@B1:B3,0)" in prepare_sheet(spaced, ["Sheet1"])


# -- properties -------------------------------------------------------------------------------

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@given(finite)
def test_text_grouping_only_adds_separators(x):
    assert TEXT(x, "#,##0.00").replace(",", "") == TEXT(x, "0.00")


@given(finite)
def test_text_fixed_decimals_round_half_away_from_zero(x):
    from decimal import ROUND_HALF_UP, Decimal

    want = Decimal(f"{abs(x):.15g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    got = TEXT(x, "0.00")
    assert got.lstrip("-") == f"{want:f}"
    assert got.startswith("-") == (x < 0 and want != 0)


@given(finite)
def test_general_fits_eleven_characters_and_keeps_the_value(x):
    text = general(x)
    assert len(text.lstrip("-")) <= 11
    assert math.isclose(float(text), x, rel_tol=1e-4, abs_tol=1e-9 if abs(x) < 1e-4 else 0)


@given(st.dates(min_value=__import__("datetime").date(1900, 3, 1),
                max_value=__import__("datetime").date(9999, 12, 31)))
def test_date_serials_round_trip_through_text(d):
    serial = DATE(d.year, d.month, d.day)
    assert TEXT(serial, "yyyy-mm-dd") == d.isoformat()


# -- LibreOffice headless as a second oracle for TEXT --------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
#: Format codes LibreOffice and Excel agree on (by the Excel-saved and Microsoft values above);
#: LibreOffice differs from Excel for General (its own width rule) and for fractions' padding.
LO_CODES = ["0", "0.00", "#,##0", "#,##0.00", "#,##0_);(#,##0)", "0%", "0.00%", "0.00E+00",
            "0.0,,", "#,", "00-00-00-00", "$#,##0.00;[Red]($#,##0.00)", '0.0 "units"',
            "yyyy-mm-dd", "dd/mm/yy", "ddd d mmm yyyy", "dddd", "mmmm", "h:mm:ss", "hh:mm AM/PM",
            "[h]:mm", '[>=1000]#,##0,"K";0']
LO_VALUES = [0, 1, -1, 0.5, 12.345, -1234.5678, 1234567.891, 0.000123, 41181.75, 45000.3,
             99999.999, -0.004]
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_text_agrees_with_libreoffice(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for j, code in enumerate(LO_CODES, start=2):
        ws.cell(1, j, code)
    for i, v in enumerate(LO_VALUES, start=2):
        ws.cell(i, 1, v)
        for j in range(2, len(LO_CODES) + 2):
            col = openpyxl.utils.get_column_letter(j)
            ws.cell(i, j, f"=TEXT($A{i},{col}$1)")
    src = tmp_path / "text.xlsx"
    wb.save(src)
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE)
    out = tmp_path / "lo"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=300)
    lo = openpyxl.load_workbook(out / "text.xlsx", data_only=True).active
    diffs = []
    for i, v in enumerate(LO_VALUES, start=2):
        for j, code in enumerate(LO_CODES, start=2):
            if not code[0].isdigit() and code[0] in "ydhm[" and not 61 <= v < 99999:
                continue  # LibreOffice counts serials below 61 from 1899-12-30, Excel not
            want, got = lo.cell(i, j).value or "", TEXT(float(v), code)
            if want != _shown(got):
                diffs.append(f"TEXT({v},{code!r}): LibreOffice {want!r}, ours {got!r}")
    assert not diffs, "\n".join(diffs)


# -- SUBTOTAL, database functions, lifting -----------------------------------------------------

def test_subtotal_microsoft_example_and_masks():
    from cs_workbook.calc.builtins.subtotal import CSCALC_SUBTOTAL, SheetFacts, rewrite_subtotals

    col = [[120.0], [10.0], [150.0], [23.0]]
    counted = [[0.0], [0.0], [0.0], [0.0]]
    assert CSCALC_SUBTOTAL(9.0, col, counted) == 303  # Microsoft's SUBTOTAL example
    assert CSCALC_SUBTOTAL(1.0, col, counted) == 75.75
    mask = [[0.0], [1.0], [2.0], [3.0]]  # shown, hidden, filtered out, a nested subtotal
    assert CSCALC_SUBTOTAL(9.0, col, mask) == 130 and CSCALC_SUBTOTAL(109.0, col, mask) == 120
    assert CSCALC_SUBTOTAL(2.0, col, mask) == 2
    assert CSCALC_SUBTOTAL(12.0, col, mask)["kind"] == "Value"
    assert CSCALC_SUBTOTAL(101.0, [[None]], [[0.0]])["kind"] == "Div"
    facts = {"S": SheetFacts(hidden={3, 4}, filtered={4}, subtotals={(5, 2)}),
             "Other sheet": SheetFacts(hidden={1})}
    assert rewrite_subtotals("SUBTOTAL(9,B2:B5)", "S", facts) == \
        "CSCALC_SUBTOTAL(9,B2:B5,{0;1;2;3})"
    assert rewrite_subtotals("SUBTOTAL(9,'Other sheet'!A1:B2)", "S", facts) == \
        "CSCALC_SUBTOTAL(9,'Other sheet'!A1:B2,{1,1;0,0})"
    assert rewrite_subtotals('SUBTOTAL(9,OFFSET(A1,0,0,3))', "S", facts) == \
        'SUBTOTAL(9,OFFSET(A1,0,0,3))'  # not a plain reference: the engine's own


ORCHARD = [["Tree", "Height", "Age", "Yield", "Profit"],
           ["Apple", 18.0, 20.0, 14.0, 105.0], ["Pear", 12.0, 12.0, 10.0, 96.0],
           ["Cherry", 13.0, 14.0, 9.0, 105.0], ["Apple", 14.0, 15.0, 10.0, 75.0],
           ["Pear", 9.0, 8.0, 8.0, 76.8], ["Apple", 8.0, 9.0, 6.0, 45.0]]
CRITERIA = [["Tree", "Height", "Age", "Yield", "Profit", "Height"],
            ["=Apple", ">10", None, None, None, "<16"], ["=Pear", None, None, None, None, None]]


def _cols(rows, n):
    return [r[:n] for r in rows]


def test_database_functions_microsoft_examples():
    from cs_workbook.calc.builtins.database import DATABASE as D

    a1_f2, a1_a3, a1_a2, a1_b2 = CRITERIA[:2], _cols(CRITERIA, 1), _cols(CRITERIA[:2], 1), \
        _cols(CRITERIA[:2], 2)
    assert D["DCOUNT"](ORCHARD, "Age", a1_f2) == 1
    assert D["DCOUNTA"](ORCHARD, "Profit", a1_f2) == 1
    assert D["DMAX"](ORCHARD, "Profit", a1_a3) == 105
    assert D["DMIN"](ORCHARD, "Profit", a1_b2) == 75
    assert D["DSUM"](ORCHARD, "Profit", a1_a2) == 225
    assert D["DSUM"](ORCHARD, "Profit", a1_f2) == 75
    assert D["DPRODUCT"](ORCHARD, "Yield", a1_f2) == 10
    assert D["DAVERAGE"](ORCHARD, "Yield", a1_b2) == 12
    assert D["DAVERAGE"](ORCHARD, 3.0, ORCHARD) == 13
    assert D["DSTDEV"](ORCHARD, "Yield", a1_a3) == pytest.approx(2.96647939)
    assert D["DSTDEVP"](ORCHARD, "Yield", a1_a3) == pytest.approx(2.65329983)
    assert D["DVAR"](ORCHARD, "Yield", a1_a3) == pytest.approx(8.8)
    assert D["DVARP"](ORCHARD, "Yield", a1_a3) == pytest.approx(7.04)
    assert D["DGET"](ORCHARD, "Yield", a1_a3)["kind"] == "Num"  # more than one record
    assert D["DGET"](ORCHARD, "Yield", a1_f2) == 10
    assert D["DSUM"](ORCHARD, "Nope", a1_a2)["kind"] == "Value"
    # text without an operator matches values that begin with it; a blank row matches all
    assert D["DSUM"](ORCHARD, "Profit", [["Tree"], ["P"]]) == pytest.approx(172.8)
    assert D["DSUM"](ORCHARD, "Profit", [["Tree"], ["Apple"], [None]]) == pytest.approx(502.8)


def test_scalar_builtins_lift_over_arrays():
    from cs_workbook.calc.builtins.arithmetic import CEILING, ERROR_TYPE, QUOTIENT
    from cs_workbook.calc.builtins.dates import DAY, MONTH, YEAR

    assert DATE([[2020.0, 2021.0]], 1, 1) == [[serial_of(2020, 1, 1), serial_of(2021, 1, 1)]]
    assert YEAR([[45000.0], ["46000"]]) == [[2023.0], [2025.0]]
    assert (MONTH(45000.0), DAY(45000.0), DAY(60.0), MONTH(60.0)) == (3.0, 15.0, 29.0, 2.0)
    na = {"type": "Error", "kind": "Na"}
    assert DATE(2020, [[1.0, 2.0, 3.0]], na) == [[na, na, na]]
    assert QUOTIENT([[1.0, 2.0, 3.0]], [[1.0, 2.0]]) == [[1.0, 1.0, na]]  # beyond: #N/A
    assert CEILING(2.0, -2.0)["kind"] == "Num" and CEILING(-2.5, -2.0) == -4
    assert ERROR_TYPE({"type": "Error", "kind": "Div"}) == 2 and ERROR_TYPE(1.0) == na
    assert DATE("NaN", 1, 1)["kind"] == "Value"


def test_xmatch_modes():
    from cs_workbook.calc.builtins.lookup import XMATCH

    countries = [["Albania"], ["Indonesia"], ["India"], ["Germany"], ["Spain"], ["Venezuela"],
                 ["Italy"], ["Francialy"]]  # ironcalc XMATCH.xlsx, saved by Excel
    assert XMATCH("Spain", countries) == 5
    assert XMATCH("Ind*", countries, 2) == 2 and XMATCH("Ind*", countries, 2, -1) == 3
    assert XMATCH("[A-Z][a-z]+y", countries, 3, 1) == 4
    assert XMATCH("[A-Z][a-z]+y", countries, 3, -1) == 8
    assert XMATCH(42.0, [["apple"], ["bannana"]], 3)["kind"] == "Na"
    sizes = [[10.0], [20.0], [30.0]]
    assert (XMATCH(25.0, sizes, -1), XMATCH(25.0, sizes, 1), XMATCH(5.0, sizes, -1)["kind"]) == \
        (2.0, 3.0, "Na")
