"""The SOW cost calculator: structure, and its native formulas evaluated headlessly equal the
engine's CS_PS_RATE / CS_SOW_* answers on the same inputs (methodology §6)."""

from __future__ import annotations

import datetime as dt
import math
import zipfile

import openpyxl
import pytest

from cs_workbook.calc import calculate
from sow_oracle import read_sow, sow_results

from cs_workbook.workbook.sow import (LINE_ROWS, QUARTERS, RATE_CARD,
                                     write_sow_calculator)

TOTALS = ("Labour_Cost", "Total_Cost", "Fees", "Price", "Margin", "Markup", "Below_Target")
FIRST_LINE = 14


def edit(path, **changes):
    """Change Estimate inputs (``sow_date=…``, ``lines=[(role, hours)…]`` …) in place."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Estimate"]
    cells = {"customer": "B3", "sow_date": "B4", "margin_target": "B6", "contingency_pct": "B7",
             "travel_cost": "B8", "travel_billed": "B9", "discount_pct": "B10"}
    for key, value in changes.items():
        if key == "lines":
            for k in range(LINE_ROWS):
                role, hours = value[k] if k < len(value) else (None, None)
                ws.cell(FIRST_LINE + k, 1).value = role
                ws.cell(FIRST_LINE + k, 2).value = hours
        else:
            ws[cells[key]].value = value
    wb.save(path)


def workbook_results(path) -> dict:
    """Cached values of the Estimate's totals and line rates (as any reader sees them)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["Estimate"]
    out = {name: ws.cell(row, 5).value for row, name in enumerate(
        ("Labour_Cost", "Contingency", "Total_Cost", "Fees", "Discount", "Price", "Margin",
         "Markup", "Below_Target"), 3)}
    rows = [r for r in ws.iter_rows(min_row=FIRST_LINE, max_row=FIRST_LINE + LINE_ROWS - 1,
                                    values_only=True) if r[0]]
    out["cost_rates"] = [r[3] for r in rows]
    out["bill_rates"] = [r[4] for r in rows]
    return out


def assert_same(got: dict, want: dict, rel=1e-12):
    for key in (*TOTALS, "cost_rates", "bill_rates"):
        g, w = got[key], want[key]
        if isinstance(w, list):
            assert len(g) == len(w), key
            for a, b in zip(g, w):
                assert a == b if isinstance(b, str) else math.isclose(a, b, rel_tol=rel), key
        elif isinstance(w, (bool, str)):
            assert g == w, (key, g, w)
        else:
            assert math.isclose(g, w, rel_tol=rel, abs_tol=1e-9), (key, g, w)


SCENARIOS = {
    "sample": {},
    "on a quarter start": {"sow_date": dt.date(2025, 8, 1)},
    "day before a quarter": {"sow_date": dt.date(2025, 7, 31)},
    "after the last version": {"sow_date": dt.date(2027, 6, 30)},
    "below target": {"discount_pct": 0.45, "contingency_pct": 0.2},
    "exactly at target": {"lines": [("Consultant", 10)], "contingency_pct": 0,
                          "travel_cost": 0, "travel_billed": 0, "discount_pct": 0,
                          "margin_target": 0.5},
    "gaps, fractions, zero hours": {
        "lines": [("Trainer", 7.5), ("Consultant", 0), ("Project Manager", None),
                  ("Technical Architect", 12.25)],
        "contingency_pct": 0.15, "travel_cost": 1234.5, "travel_billed": 0, "discount_pct": 0},
    "no rate version yet": {"sow_date": dt.date(2024, 12, 31)},
    "role case differs": {"lines": [("consultant", 10), ("TRAINER", 3)]},
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_headless_calculation_equals_the_engine(scenario, tmp_path):
    path = tmp_path / "sow.xlsx"
    write_sow_calculator(path, sample=True)
    if SCENARIOS[scenario]:
        edit(path, **SCENARIOS[scenario])
    out = tmp_path / "sow-calc.xlsx"
    report = calculate(path, out, functions={})
    assert not report.unevaluated
    assert_same(workbook_results(out), sow_results(read_sow(path)))


def test_the_sample_versions_pick_the_effective_quarter(tmp_path):
    path = tmp_path / "sow.xlsx"
    write_sow_calculator(path, sample=True)
    out = tmp_path / "o.xlsx"
    calculate(path, out, functions={})
    ws = openpyxl.load_workbook(out, data_only=True)["Estimate"]
    assert ws["C14"].value == dt.datetime(2026, 2, 1)  # FY27-Q1 for a March 2026 SOW
    assert ws["E11"].value == "No" and 0.3 < ws["E9"].value < 0.6


def test_empty_template_computes_to_na_margin(tmp_path):
    path = tmp_path / "sow.xlsx"
    write_sow_calculator(path)
    out = tmp_path / "o.xlsx"
    calculate(path, out, functions={})
    got = workbook_results(out)
    assert got["Price"] == 0 and got["Total_Cost"] == 0
    assert got["Margin"] == "#N/A" and got["Below_Target"] == "#N/A"
    assert sow_results(read_sow(path))["Margin"] == "#N/A"


def test_structure_is_real_excel(tmp_path):
    path = tmp_path / "sow.xlsx"
    write_sow_calculator(path, sample=True)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Rates", "Estimate"]
    rates, est = wb["Rates"], wb["Estimate"]
    assert [c.value for c in rates[1][:8]] == ["Quarter", "Effective From", "Role",
                                               "Average Annual OTE", "Benefits",
                                               "Billable Hours", "Standard Rate", "Bill Rate"]
    assert rates.tables["Rates"].ref == f"A1:H{len(QUARTERS) * len(RATE_CARD) + 1}"
    assert {q for q, _ in QUARTERS} == {r[0].value for r in rates.iter_rows(min_row=2, max_col=1)
                                        if r[0].value}
    assert rates["G2"].value.startswith("=(Rates[[#This Row],[Average Annual OTE]]")
    assert est.tables["Lines"].ref == f"A13:G{FIRST_LINE + LINE_ROWS - 1}"
    assert {"SOW_Date", "Margin_Target", "Price", "Margin", "Role_List"} <= set(wb.defined_names)
    lists = [dv for dv in est.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == "=Role_List" and "A14" in str(lists[0].sqref)
    assert est.conditional_formatting and rates.freeze_panes == "A2"
    assert est["B4"].number_format == "yyyy-mm-dd" and est["E9"].number_format == "0.0%"
    assert est.page_setup.orientation == "landscape" and est.page_setup.fitToWidth == 1
    # native formulas only: no CS_ function anywhere
    xml = b"".join(zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist())
    assert b"CS_" not in xml and b"CS." not in xml
    # MAXIFS carries Excel's future-function prefix, or Excel would show #NAME?
    assert "_xlfn.MAXIFS(" in est["C14"].value


def test_text_inputs_stay_text(tmp_path, monkeypatch):
    from cs_workbook.workbook import sow

    monkeypatch.setitem(sow.SAMPLE_ESTIMATE, "customer", '=HYPERLINK("http://x","y")')
    path = tmp_path / "sow.xlsx"
    write_sow_calculator(path, sample=True)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>HYPERLINK" not in xml
    assert openpyxl.load_workbook(path)["Estimate"]["B3"].data_type == "s"


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "sub" / "sow.xlsx"
    assert write_sow_calculator(path) == path
    assert [p.name for p in path.parent.iterdir()] == ["sow.xlsx"]
