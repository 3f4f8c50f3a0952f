"""Never invent a value: what the engine cannot evaluate keeps Excel's cached value (and so do
its dependents); a bad formula never aborts the workbook; a huge sparse sheet costs its cells;
``calc --check`` lists the differences from the cached values."""

from __future__ import annotations

import re
import tracemalloc
import zipfile

import openpyxl
import pytest

from cs_workbook import cli
from cs_workbook.calc import calculate


def _with_rows(tmp_path, rows: str, name="in.xlsx") -> str:
    """A one-sheet workbook ("S") whose sheetData is ``rows`` (raw XML, cached values)."""
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active["A1"] = 1
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<sheetData>.*</sheetData>|<sheetData\s*/>",
                              b"<sheetData>" + rows.encode() + b"</sheetData>", data, flags=re.S)
            zout.writestr(info, data)
    return path


_BAD = ('<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*3</f><v>0</v></c></row>'
        '<row r="2"><c r="A2"><f>1000%%</f><v>0</v></c>'
        '<c r="B2"><f>A1-(-4,3)</f><v>11</v></c>'
        '<c r="C2"><f>[1]!Addin(A1)</f><v>12</v></c>'
        '<c r="D2"><f>NOPE(A1)</f><v>13</v></c>'
        '<c r="E2"><f>SUM(1,</f><v>14</v></c>'
        '<c r="F2"><f>IFERROR(NOPE(A1),5)</f><v>15</v></c></row>'
        '<row r="3"><c r="A3"><f>D2+1</f><v>23</v></c><c r="B3"><f>SUM(A3,C2)</f><v>24</v></c>'
        '<c r="C3"><f>SUM(B1:B2)</f><v>25</v></c><c r="D3"><f>B1+1</f><v>0</v></c></row>')
_KEPT = {"B2": 11, "C2": 12, "D2": 13, "E2": 14, "F2": 15, "A3": 23, "B3": 24, "C3": 25}


def test_what_cannot_be_evaluated_keeps_its_cached_value(tmp_path):
    src = _with_rows(tmp_path, _BAD)
    out = tmp_path / "out.xlsx"
    report = calculate(src, out, functions={})
    ws = openpyxl.load_workbook(out, data_only=True)["S"]
    assert ws["B1"].value == 6 and ws["D3"].value == 7  # the rest is evaluated
    assert ws["A2"].value == pytest.approx(0.1)  # 1000%% is 1000/100/100, as in Excel
    assert {ref: ws[ref].value for ref in _KEPT} == _KEPT
    kept = {cell: why for _, cell, why in report.unevaluated}
    assert set(kept) == set(_KEPT)
    assert "Addin" in kept["C2"] and "NOPE" in kept["D2"] and "NOPE" in kept["F2"]
    assert "pars" in kept["E2"] and "D2" in kept["A3"]
    assert report.formulas == 11 and report.evaluated == 3 and report.kept_cached == 8
    first, second = report.summary().splitlines()
    assert "calculated 3 of 11 formula cells, 8 kept their cached value" in first
    assert second.startswith("8 cells kept their cached value: S!") and "and 5 more" in second


def test_unknown_function_without_a_cached_value_is_name_error(tmp_path):
    src = _with_rows(tmp_path, '<row r="1"><c r="A1"><f>NOPE(1)</f></c>'
                               '<c r="B1"><f>A1</f></c></row>')
    report = calculate(src, tmp_path / "out.xlsx", functions={})
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["S"]
    assert ws["A1"].value == "#NAME?" and ws["B1"].value == "#NAME?"
    assert report.evaluated == 2 and not report.unevaluated


def test_a_huge_sparse_sheet_costs_its_cells(tmp_path):
    rows = ('<row r="1"><c r="A1"><v>4</v></c><c r="B1"><f>A1*2</f><v>0</v></c>'
            '<c r="XFD1"><v>5</v></c></row>'
            '<row r="1048576"><c r="A1048576"><f>XFD1+A1</f><v>0</v></c></row>')
    src = _with_rows(tmp_path, rows)
    tracemalloc.start()
    report = calculate(src, tmp_path / "out.xlsx", functions={})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["S"]
    assert ws["B1"].value == 8 and ws["A1048576"].value == 9
    assert report.evaluated == 2
    assert peak < 50_000_000  # Python-side memory: nothing proportional to the used range


def test_check_lists_the_differences(tmp_path, capsys):
    src = _with_rows(tmp_path, '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*3</f><v>6</v>'
                               '</c><c r="C1"><f>A1*4</f><v>7</v></c></row>')
    assert cli.main(["calc", str(src), "--check"]) == 1
    out = capsys.readouterr().out
    assert "1 of 2 evaluated formula cells differ" in out and "S!C1: cached 7, calculated 8" in out
    fixed = tmp_path / "fixed.xlsx"
    assert cli.main(["calc", str(src), "-o", str(fixed), "--check"]) == 1
    assert cli.main(["calc", str(fixed), "--check"]) == 0
    assert "all 2 evaluated formula cells equal their cached value" in capsys.readouterr().out


def test_bad_formula_never_aborts_the_formulas_engine_either(tmp_path):
    src = _with_rows(tmp_path, '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*3</f><v>0</v>'
                               '</c><c r="C1"><f>[1]!Addin(A1)</f><v>12</v></c></row>')
    report = calculate(src, tmp_path / "out.xlsx", functions={}, engine="formulas")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["S"]
    assert ws["B1"].value == 6 and ws["C1"].value == 12
    assert [c for _, c, _ in report.unevaluated] == ["C1"]


def test_a_two_column_table_reaches_our_functions_as_rows(tmp_path):
    from openpyxl.worksheet.table import Table

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Config"
    for row in (["Key", "Value"], ["red_max", 55], ["colour_points", "dbt"]):
        ws.append(row)
    ws.add_table(Table(displayName="Config", ref="A1:B3"))
    s = wb.create_sheet("S")
    for ref, formula in {"A1": "=CS_SHAPE(Config[[Key]:[Value]])", "A2": "=CS.SHAPE(Config[Key])",
                         "A3": "=_xldudf_CS_SHAPE(Config!A2:B3)", "A4": "=CS_SHAPE(1)"}.items():
        s[ref] = formula
    wb.save(tmp_path / "in.xlsx")

    def shape(x):
        if not isinstance(x, list):
            return "scalar"
        return f"{len(x)}x{len(x[0])}:" + ",".join(str(v) for row in x for v in row)
    report = calculate(tmp_path / "in.xlsx", tmp_path / "out.xlsx", functions={"CS_SHAPE": shape})
    got = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["S"]
    assert got["A1"].value == got["A3"].value == "2x2:red_max,55.0,colour_points,dbt"
    assert got["A2"].value == "2x1:red_max,colour_points" and got["A4"].value == "scalar"
    assert report.evaluated == 4


def _names_book(tmp_path, names: dict, formulas: dict, cached: dict, local=()):
    """A sheet "S" with ``formulas``, defined ``names`` ({name: formula}, those in ``local``
    scoped to S) and Excel's cached values ``cached`` written into the cells."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["C1"], ws["C2"], ws["C3"] = 10, 20, 30
    for ref, formula in formulas.items():
        ws[ref] = formula
    for name, text in names.items():
        where = ws.defined_names if name in local else wb.defined_names
        where[name] = DefinedName(name, attr_text=text)
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    src = tmp_path / "names.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                for ref, value in cached.items():  # Excel's cached values
                    data = re.sub(rb'(<c r="' + ref.encode() + rb'"[^>]*>)(<f>.*?</f>)'
                                  rb"(<v>.*?</v>|<v/>)?",
                                  rb"\1\2<v>" + str(value).encode() + b"</v>", data)
            zout.writestr(info, data)
    return src


_INC = {"CS_INC": lambda x: [[v[0] + 1] for v in x] if isinstance(x, list) else x + 1}


def test_a_defined_name_calling_ours_is_evaluated_through_a_cell(tmp_path):
    """formualizer leaves out a defined name calling one of ours (it loads names before our
    functions exist): such a name whose references are absolute and name their sheet is
    evaluated through a cell of ours, workbook- or sheet-scoped, and through another name."""
    src = _names_book(
        tmp_path,
        {"Plus3": "CS_INC(2)", "Chain": "Plus3*2", "Local": "CS_INC(5)",
         "FromCell": "CS_INC(S!$C$2)+SUM(S!$C$1:$C$3)"},
        {"A1": "=Plus3", "A2": "=Chain+1", "A3": "=A1*10", "A4": '="Plus3"&LEN("x")',
         "A5": "=Local", "A6": "=CS_INC(1)", "A7": "=FromCell"},
        {"A1": 99, "A2": 99, "A3": 99, "A5": 99, "A7": 99}, local={"Local"})
    report = calculate(src, tmp_path / "out.xlsx", functions=_INC)
    assert not report.unevaluated, report.unevaluated
    out = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["S"]
    got = {ref: out[ref].value for ref in ("A1", "A2", "A3", "A4", "A5", "A6", "A7")}
    assert got == {"A1": 3, "A2": 7, "A3": 30, "A4": "Plus31", "A5": 6, "A6": 2,
                   "A7": 21 + 60}
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(tmp_path / "out.xlsx") as b:
        assert a.namelist() == b.namelist()  # the cell of ours is the loaded copy's only
        assert a.read("xl/workbook.xml") == b.read("xl/workbook.xml")


def test_a_defined_name_that_cannot_move_keeps_cached_values_not_name_errors(tmp_path):
    """A name calling ours with a relative or unqualified reference (it means another cell
    for each cell using it), or whose value is an array, keeps the cached values of the cells
    using it, and of their dependents; nothing shows #NAME?."""
    src = _names_book(
        tmp_path,
        {"Rel": "CS_INC(S!C1)", "Bare": "CS_INC($C$1)", "Arr": "CS_INC(S!$C$1:$C$3)",
         "Ok": "CS_INC(1)"},
        {"A1": "=Rel", "A2": "=Bare", "A3": "=SUM(Arr)", "A4": "=A1*10", "A5": "=Ok"},
        {"A1": 11, "A2": 12, "A3": 13, "A4": 14})
    report = calculate(src, tmp_path / "out.xlsx", functions=_INC)
    kept = {ref: why for _, ref, why in report.unevaluated}
    assert kept == {"A1": "uses the name Rel, which the engine cannot evaluate",
                    "A2": "uses the name Bare, which the engine cannot evaluate",
                    "A3": "uses the name Arr, which the engine cannot evaluate",
                    "A4": "depends on S!A1, which keeps its cached value"}
    out = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["S"]
    assert [out[f"A{r}"].value for r in range(1, 6)] == [11, 12, 13, 14, 2]
