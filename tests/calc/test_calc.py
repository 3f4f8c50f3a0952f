"""Headless calculation: values of built-ins and CS_* functions under every spelling, and
package preservation part by part on workbooks saved by Excel itself."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from paths import EXCEL_AUTHORED

from cs_workbook.errors import CSError
from cs_workbook.calc import calculate, excel_names
from cs_workbook.calc.refs import rewrite_structured, tables_of

FIXTURES = EXCEL_AUTHORED
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _twice(x):
    if isinstance(x, list):
        return [[None if v is None else v * 2 for v in row] for row in x]
    return x * 2


STAND_INS = {"CS_TWICE": _twice, "CS_NA": lambda x: "#N/A", "CS_BOOM": lambda x: 1 / 0}


def _values(path, sheet):
    wb = openpyxl.load_workbook(path, data_only=True)
    return {c.coordinate: c.value for row in wb[sheet].iter_rows() for c in row}


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# -- values ----------------------------------------------------------------------------------

@pytest.fixture
def book(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "My Data"
    ws.append(["A", "B", "C"])
    for i in range(1, 4):
        ws.append([i, i * 10, "=Data[[#This Row],[A]]+Data[[#This Row],[B]]"])
    ws.add_table(Table(displayName="Data", ref="A1:C4"))
    s = wb.create_sheet("S")
    formulas = {
        "A1": "=CS.TWICE(2)", "A2": "=_xldudf_CS_TWICE(3)", "A3": "=CS_TWICE('My Data'!A2)",
        "A4": '=_xlfn.MAXIFS(Data[A],Data[B],"<="&20)', "A5": "=SUM(Data[B])",
        "A6": '="a"&"b"', "A7": "=1/0", "A8": "=1>0", "A9": "=CS_NA(1)",
        "A10": "=Data[[#Headers],[B]]", "A11": '=CS_TWICE("x")', "A12": "=NOPE(1)",
        "A13": "=CS_BOOM(1)", "A14": "=cs_twice(5)", "A15": '=IF(A8,"","x")',
    }
    for ref, f in formulas.items():
        s[ref] = f
    path = tmp_path / "in.xlsx"
    wb.save(path)
    return path


def test_values_of_builtins_and_all_three_spellings(book, tmp_path):
    out = tmp_path / "out.xlsx"
    report = calculate(book, out, functions=STAND_INS)
    v = _values(out, "S")
    assert (v["A1"], v["A2"], v["A3"], v["A14"]) == (4, 6, 2, 10)
    assert v["A4"] == 2 and v["A5"] == 60 and v["A6"] == "ab"
    assert v["A7"] == "#DIV/0!" and v["A8"] is True and v["A9"] == "#N/A"
    assert v["A10"] == "B" and v["A11"] == "xx" and v["A12"] == "#NAME?"
    assert v["A13"] == "#VALUE!"  # a failing function shows #VALUE!, never a traceback
    assert v["A15"] in ("", None)  # openpyxl reads an empty text result as None
    assert [_values(out, "My Data")[f"C{r}"] for r in (2, 3, 4)] == [11, 22, 33]
    assert report.formulas == report.evaluated == 18 and not report.unevaluated


def test_text_results_are_str_cells_and_formulas_survive(book, tmp_path):
    out = tmp_path / "out.xlsx"
    calculate(book, out, functions=STAND_INS)
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet2.xml").decode()
    assert '<c r="A6" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>' in xml
    assert '<c r="A7" t="e"><f>1/0</f><v>#DIV/0!</v></c>' in xml
    assert '<c r="A8" t="b"><f>1&gt;0</f><v>1</v></c>' in xml
    assert re.search(r'<c r="A15" t="str"><f>IF\(A8,"","x"\)</f><v>\s*</v></c>', xml)
    wb = openpyxl.load_workbook(out)
    assert wb["S"]["A1"].value == "=CS.TWICE(2)"
    assert wb["My Data"]["C2"].value == "=Data[[#This Row],[A]]+Data[[#This Row],[B]]"


def test_input_never_touched_and_output_must_differ(book, tmp_path):
    before = _sha(book)
    calculate(book, tmp_path / "out.xlsx", functions=STAND_INS)
    assert _sha(book) == before
    with pytest.raises(CSError, match="must differ"):
        calculate(book, book, functions=STAND_INS)
    with pytest.raises(CSError, match="must differ"):
        calculate(book, tmp_path / "." / "in.xlsx", functions=STAND_INS)
    assert _sha(book) == before


def test_bad_inputs_are_one_line_errors(tmp_path):
    with pytest.raises(CSError, match="no such workbook"):
        calculate(tmp_path / "missing.xlsx", tmp_path / "o.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a zip")
    with pytest.raises(CSError, match="not an Excel workbook"):
        calculate(bad, tmp_path / "o.xlsx")
    assert not (tmp_path / "o.xlsx").exists()


def test_recalculating_the_output_changes_nothing(book, tmp_path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    calculate(book, first, functions=STAND_INS)
    report = calculate(first, second, functions=STAND_INS)
    assert report.changed == 0
    z1, z2 = zipfile.ZipFile(first), zipfile.ZipFile(second)
    assert all(z1.read(n) == z2.read(n) for n in z1.namelist())


def test_excel_names():
    assert excel_names("CS_HEALTH_SCORE") == (
        "CS_HEALTH_SCORE", "CS.HEALTH_SCORE", "_XLDUDF_CS_HEALTH_SCORE", "_XLDUDF_CS.HEALTH_SCORE")


# -- structured references -------------------------------------------------------------------

@pytest.fixture
def tables(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Usage Data"
    rows = [["Account ID", "Month", "Users #", "Note"]] + [["A", i, i, "x"] for i in range(5)]
    rows.append(["Total", None, 10, None])
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 2):
            ws.cell(r, c, v)
    ws.add_table(Table(displayName="Usage", ref="B2:E8", totalsRowCount=1))
    wb.save(tmp_path / "t.xlsx")
    return tables_of(openpyxl.load_workbook(tmp_path / "t.xlsx"))


@pytest.mark.parametrize("formula, expected", [
    ("=SUM(Usage[Month])", "=SUM('Usage Data'!$C$3:$C$7)"),
    ("=Usage[[#This Row],[Month]]*2", "='Usage Data'!$C$4*2"),
    ("=Usage[@Month]", "='Usage Data'!$C$4"),
    ("=Usage[@[Users '#]]", "='Usage Data'!$D$4"),
    ("=[@Month]", "='Usage Data'!$C$4"),
    ("=usage[#All]", "='Usage Data'!$B$2:$E$8"),
    ("=Usage[#Headers]", "='Usage Data'!$B$2:$E$2"),
    ("=Usage[[#Totals],[Users '#]]", "='Usage Data'!$D$8"),
    ("=Usage[[#Headers],[#Data],[Month]]", "='Usage Data'!$C$2:$C$7"),
    ("=SUM(Usage[[Month]:[Users '#]])", "=SUM('Usage Data'!$C$3:$D$7)"),
    ("=Usage[]", "='Usage Data'!$B$3:$E$7"),
    ("=Usage[Nope]", "=#REF!"),
    ('="Usage[Month]"&Other[x]', '="Usage[Month]"&Other[x]'),
    ("='Usage[Month]'!A1", "='Usage[Month]'!A1"),
])
def test_structured_references_become_a1(tables, formula, expected):
    assert rewrite_structured(formula, tables, "Usage Data", 4, 3) == expected


def test_this_row_outside_the_table_is_value_error(tables):
    assert rewrite_structured("=Usage[@Month]", tables, "Usage Data", 20, 3) == "=#VALUE!"


# -- package preservation on files saved by Excel ------------------------------------------

def _inject(src: Path, dst: Path, rows: str, defined: str | None = None):
    """Copy ``src`` adding formula ``rows`` (sheetData XML, stale <v>) to its first sheet."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                if "<sheetData/>" in text:
                    text = text.replace("<sheetData/>", "<sheetData></sheetData>")
                text = text.replace("</sheetData>", rows + "</sheetData>")
                data = text.encode("utf-8")
            zout.writestr(info, data)


_COMMON = ('<row r="40"><c r="A40"><v>3</v></c><c r="B40"><f>A40*2</f><v>0</v></c>'
           '<c r="C40" t="str"><f>CS_TWICE(A40)</f><v>stale</v></c>'
           '<c r="D40"><f>CS.TWICE(B40)</f></c><c r="E40"><f>_xldudf_CS_TWICE(1)</f><v>0</v></c>'
           '<c r="F40"><f>"x"&amp;A40</f><v>0</v></c><c r="G40"><f>CS_NA(1)</f><v>1</v></c>'
           '<c r="H40"><f>A40&gt;1</f><v>0</v></c></row>'
           '<row r="41"><c r="A41"><v>4</v></c><c r="B41"><f t="shared" ref="B41:B43" si="7">'
           'A41*10</f><v>0</v></c></row>'
           '<row r="42"><c r="A42"><v>5</v></c><c r="B42"><f t="shared" si="7"/><v>0</v></c></row>'
           '<row r="43"><c r="A43"><v>6</v></c><c r="B43"><f t="shared" si="7"/><v>0</v></c></row>')
_EXPECTED = {"B40": 6, "C40": 6, "D40": 12, "E40": 2, "F40": "x3", "G40": "#N/A", "H40": True,
             "B41": 40, "B42": 50, "B43": 60}
_EXTRA = {
    "defined_name01.xlsx": ('<row r="44"><c r="A44"><f>Baz*100</f><v>0</v></c>'
                            '<c r="B44"><f>Abc+1</f><v>0</v></c></row>', {"A44": 98}),
    "table01.xlsx": ('<row r="4"><c r="C4"><v>1</v></c><c r="D4"><v>2</v></c>'
                     '<c r="F4"><f>Table1[[#This Row],[Column1]]+Table1[[#This Row],[Column2]]'
                     '</f><v>0</v></c></row>'
                     '<row r="44"><c r="A44"><f>SUM(Table1[Column1],Table1[Column4])</f><v>0</v>'
                     '</c></row>', {"F4": 3, "A44": 4}),
}


def _normalised(xml: bytes) -> bytes:
    """The sheet XML without the cached values and types of formula cells."""
    root = ElementTree.fromstring(xml)
    for c in root.iter(f"{MAIN}c"):
        if c.find(f"{MAIN}f") is not None:
            c.attrib.pop("t", None)
            for v in c.findall(f"{MAIN}v"):
                c.remove(v)
    return ElementTree.canonicalize(ElementTree.tostring(root))


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xls*")))
def test_calc_preserves_every_other_part(name, tmp_path):
    src = tmp_path / name
    extra_rows, extra_expected = _EXTRA.get(name, ("", {}))
    rows = _COMMON + extra_rows
    if name == "table01.xlsx":  # rows must stay in order: table data row 4 comes first
        rows = extra_rows.split('<row r="44">')[0] + _COMMON + '<row r="44">' + \
            extra_rows.split('<row r="44">')[1]
    _inject(FIXTURES / name, src, rows)
    before = _sha(src)
    out = tmp_path / ("out" + src.suffix)
    report = calculate(src, out, functions=STAND_INS)
    assert _sha(src) == before
    assert not report.unevaluated, report.unevaluated

    zin, zout = zipfile.ZipFile(src), zipfile.ZipFile(out)
    assert zin.namelist() == zout.namelist()
    changed = [n for n in zin.namelist() if zin.read(n) != zout.read(n)]
    assert changed == ["xl/worksheets/sheet1.xml"]
    for info_in, info_out in zip(zin.infolist(), zout.infolist()):
        assert (info_in.date_time, info_in.compress_type) == (
            info_out.date_time, info_out.compress_type)
    a, b = zin.read(changed[0]), zout.read(changed[0])
    assert _normalised(a) == _normalised(b)
    # outside sheetData the part is byte-identical, not merely equivalent
    head = re.compile(rb"^(.*?)<sheetData", re.S)
    tail = re.compile(rb"</sheetData>(.*)$", re.S)
    assert head.search(a).group(1) == head.search(b).group(1)
    assert tail.search(a).group(1) == tail.search(b).group(1)

    wb = openpyxl.load_workbook(out, data_only=True, keep_vba=out.suffix == ".xlsm")
    if wb.vba_archive is not None:  # openpyxl leaves it open; closed at collection it warns
        wb.vba_archive.close()
    ws = wb.worksheets[0]
    for ref, value in {**_EXPECTED, **extra_expected}.items():
        assert ws[ref].value == value, ref
    if name == "defined_name01.xlsx":
        assert ws["B44"].value == (ws["A1"].value or 0) + 1


def test_macro_workbook_keeps_its_vba_project(tmp_path):
    src = tmp_path / "macro.xlsm"
    _inject(FIXTURES / "macro01.xlsm", src, _COMMON)
    out = tmp_path / "macro-out.xlsm"
    calculate(src, out, functions=STAND_INS)
    zin, zout = zipfile.ZipFile(src), zipfile.ZipFile(out)
    assert zout.read("xl/vbaProject.bin") == zin.read("xl/vbaProject.bin")
    assert zout.read("[Content_Types].xml") == zin.read("[Content_Types].xml")
    assert b"macroEnabled" in zout.read("[Content_Types].xml")


def test_unmodified_fixture_is_copied_part_for_part(tmp_path):
    src = tmp_path / "chart.xlsx"
    shutil.copy(FIXTURES / "chart_bar01.xlsx", src)
    out = tmp_path / "out.xlsx"
    report = calculate(src, out, functions=STAND_INS)
    assert report.formulas == 0 and report.changed == 0
    zin, zout = zipfile.ZipFile(src), zipfile.ZipFile(out)
    assert all(zin.read(n) == zout.read(n) for n in zin.namelist())


def test_the_garbage_collector_is_paused_while_calculating_and_restored(tmp_path):
    import gc

    wb = openpyxl.Workbook()
    wb.active["A1"] = "=CS_SEEN(1)"
    wb.save(tmp_path / "gc.xlsx")
    seen = []
    funcs = {"CS_SEEN": lambda x: seen.append(gc.isenabled()) or 1}
    assert gc.isenabled()
    calculate(tmp_path / "gc.xlsx", tmp_path / "out.xlsx", functions=funcs)
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(CSError):  # an error on the way restores it too
        calculate(tmp_path / "missing.xlsx", tmp_path / "out2.xlsx", functions=funcs)
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that paused it keeps it paused
        calculate(tmp_path / "gc.xlsx", tmp_path / "out3.xlsx", functions=funcs)
        assert not gc.isenabled()
    finally:
        gc.enable()
