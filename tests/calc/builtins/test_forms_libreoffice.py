"""End to end: workbooks using 3-D references, the 1904 date system, SUBTOTAL over hidden rows
and database functions, calculated by ``cs_workbook.calc.calculate`` and by LibreOffice
headless (recalculating on load), cell by cell. openpyxl writes them with no cached values."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from cs_workbook.calc import calculate

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
              pytest.mark.filterwarnings("ignore::UserWarning")]

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _libreoffice(src, tmp_path):
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE)
    out = tmp_path / "lo"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=300)
    return out / src.name


def _book(date1904: bool = False) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904 if date1904 else wb.epoch
    first = wb.active
    first.title = "Jan"
    for k, name in enumerate(["Jan", "Feb", "Mar"]):
        ws = first if k == 0 else wb.create_sheet(name)
        for r in range(1, 5):
            ws.cell(r, 1, (k + 1) * r)
            ws.cell(r, 2, f"x{r}")
    out = wb.create_sheet("Out")
    data = [["Region", "Units", "Revenue"], ["East", 120, 12000], ["West", 80, 9600],
            ["East", 200, 20000], ["South", 150, 15000], ["West", 50, 6000]]
    for r, row in enumerate(data, start=1):
        for c, v in enumerate(row, start=1):
            out.cell(r, c, v)
    out.row_dimensions[3].hidden = True
    out["E1"], out["E2"] = "Region", "East"
    out["F1"], out["F2"] = "Units", ">100"
    out["G1"], out["G2"] = "Units", "=200"
    formulas = {
        "H1": "=SUM(Jan:Mar!A1)", "H2": "=SUM(Jan:Mar!A1:A4)", "H3": "=COUNTA(Jan:Mar!B1:B4)",
        "H4": "=MAX(Feb:Mar!A2:A3)", "H5": "=AVERAGE(Jan:Feb!A4)",
        "I1": "=SUBTOTAL(109,B2:B6)", "I2": "=SUBTOTAL(9,B2:B6)", "I3": "=SUBTOTAL(103,A2:A6)",
        "I4": "=SUBTOTAL(101,C2:C6)", "I5": "=SUBTOTAL(9,B2:B6)+SUBTOTAL(104,C2:C6)",
        "J1": "=DSUM(A1:C6,\"Revenue\",E1:E2)", "J2": "=DAVERAGE(A1:C6,2,F1:F2)",
        "J3": "=DCOUNT(A1:C6,\"Units\",E1:F2)", "J4": "=DMAX(A1:C6,3,E1:E2)",
        "J5": "=DMIN(A1:C6,\"Units\",F1:F2)", "J6": "=DGET(A1:C6,\"Revenue\",G1:G2)",
        "K1": "=DATE(2024,2,29)", "K2": "=YEAR(K1)&\"-\"&MONTH(K1)&\"-\"&DAY(K1)",
        "K3": "=TEXT(K1,\"yyyy-mm-dd ddd\")", "K4": "=EDATE(K1,12)",
        "K5": "=TEXT(61,\"yyyy-mm-dd\")",
        "K6": "=VDB(2400,300,10,0,1)", "K7": "=DB(1000000,100000,6,2,7)",
        "K8": "=CEILING(-2.5,-2)", "K9": "=QUOTIENT(-10,3)", "K10": "=DOLLARDE(1.02,16)",
    }
    for ref, f in formulas.items():
        out[ref] = f
    return wb


def _values(path):
    import datetime as dt

    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for row in wb["Out"]["H1:K10"]:
        for c in row:
            v = c.value
            if isinstance(v, dt.datetime):  # LibreOffice gives DATE's cell a date format
                v = openpyxl.utils.datetime.to_excel(v, wb.epoch)
            if v is not None:
                out[c.coordinate] = v
    return out


@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_calculate_agrees_with_libreoffice(tmp_path, date1904):
    src = tmp_path / f"forms{int(date1904)}.xlsx"
    _book(date1904).save(src)
    if date1904:
        import zipfile

        with zipfile.ZipFile(src) as zf:
            assert b'date1904="1"' in zf.read("xl/workbook.xml")
    ours = tmp_path / "ours.xlsx"
    calculate(src, ours, functions={})
    want, got = _values(_libreoffice(src, tmp_path)), _values(ours)
    assert len(want) >= 26
    diffs = [f"{ref}: LibreOffice {v!r}, ours {got.get(ref)!r}" for ref, v in want.items()
             if not (v == got.get(ref) or isinstance(v, (int, float)) and isinstance(
                 got.get(ref), (int, float)) and abs(v - got[ref]) <= 1e-9 * max(1, abs(v)))]
    assert not diffs, "\n".join(diffs)


def test_nested_subtotals_are_ignored_as_excel_does(tmp_path):
    """Microsoft's SUBTOTAL page: subtotals inside the references are ignored (LibreOffice
    counts a referenced subtotal cell; the Excel-saved corpus shows Excel does not)."""
    src = tmp_path / "nested.xlsx"
    wb = _book()
    wb["Out"]["I6"] = "=SUBTOTAL(9,B2:B6,I1)"
    wb["Out"]["I7"] = "=SUBTOTAL(9,I1:I2)"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    calculate(src, out, functions={})
    ws = openpyxl.load_workbook(out, data_only=True)["Out"]
    assert (ws["I1"].value, ws["I2"].value, ws["I6"].value, ws["I7"].value) == (520, 600, 600, 0)
