"""The SOW cost calculator (docs/workbook.md, "SOW cost calculator", methodology §6): native Excel formulas only.

Two sheets. ``Rates`` is the quarterly rate card (table ``Rates``): one row per role and
quarter with its effective date; Standard Rate = (Average Annual OTE + Benefits) ÷ Billable
Hours is a formula. ``Estimate`` holds the SOW inputs (named cells ``SOW_Date``,
``Contingency_Pct`` …), the lines (table ``Lines``: role, hours, and the cost and bill rates
of the rate version effective on the SOW date) and the totals, margin and below-target flag.

Functions used are ones Excel 2019+, LibreOffice and the ``formulas`` package all evaluate
(MAXIFS, SUMIFS, COUNTIFS, IF, ISNUMBER, NA, SUM), so the workbook needs no add-in; its results
equal ``CS_PS_RATE``/``CS_SOW_COST``/``CS_SOW_PRICE``/``CS_SOW_MARGIN`` on the same inputs.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from ..config import DEFAULT
from ..files import atomic_path
from .cells import put
from .layout import print_setup

__all__ = ["write_sow_calculator", "RATE_CARD", "SAMPLE_ESTIMATE", "QUARTERS", "LINE_ROWS"]

#: GitLab's fiscal year starts on 1 February: FY26-Q1 begins 2025-02-01.
QUARTERS = (("FY26-Q1", _dt.date(2025, 2, 1)), ("FY26-Q2", _dt.date(2025, 5, 1)),
            ("FY26-Q3", _dt.date(2025, 8, 1)), ("FY26-Q4", _dt.date(2025, 11, 1)),
            ("FY27-Q1", _dt.date(2026, 2, 1)))
#: role → (average annual OTE in FY26-Q1, benefits share of OTE, bill rate per hour in FY26)
RATE_CARD = {
    "Project Manager": (170_000, 0.22, 225.0),
    "Technical Architect": (230_000, 0.20, 300.0),
    "Senior Consultant": (190_000, 0.21, 250.0),
    "Consultant": (150_000, 0.22, 200.0),
    "Trainer": (130_000, 0.23, 175.0),
}
SAMPLE_ESTIMATE = {
    "customer": "Northwind Health", "sow_date": _dt.date(2026, 3, 16), "currency": "USD",
    "lines": (("Project Manager", 40), ("Technical Architect", 80), ("Senior Consultant", 120),
              ("Consultant", 160), ("Trainer", 24)),
    "contingency_pct": 0.10, "travel_cost": 4500.0, "travel_billed": 3000.0,
    "discount_pct": 0.05,
}
LINE_ROWS = 12

_MONEY = '"$"#,##0.00'
_DATE = "yyyy-mm-dd"
_PCT = "0.0%"
_RATE_HEADERS = ("Quarter", "Effective From", "Role", "Average Annual OTE", "Benefits",
                 "Billable Hours", "Standard Rate", "Bill Rate")
_LINE_HEADERS = ("Role", "Hours", "Rate Effective From", "Cost Rate", "Bill Rate", "Cost", "Fees")
_FIRST_LINE = 14  # header of the Lines table is row 13


def _rate_rows():
    """The illustrative rate card: OTE rises 1 % a quarter, bill rates 4 % from FY27."""
    for q, (quarter, start) in enumerate(QUARTERS):
        for role, (ote, benefits, bill) in RATE_CARD.items():
            ote_q = round(ote * 1.01 ** q, -2)
            bill_q = round(bill * (1.04 if quarter.startswith("FY27") else 1), 0)
            yield quarter, start, role, ote_q, round(ote_q * benefits, -2), \
                DEFAULT.ps_billable_hours, bill_q


def _rates_sheet(wb):
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws = wb.active
    ws.title = "Rates"
    for j, h in enumerate(_RATE_HEADERS, 1):
        put(ws, 1, j, h)
    rows = list(_rate_rows())
    for i, (quarter, start, role, ote, benefits, hours, bill) in enumerate(rows, 2):
        put(ws, i, 1, quarter)
        put(ws, i, 2, start).number_format = _DATE
        put(ws, i, 3, role)
        put(ws, i, 4, ote).number_format = '"$"#,##0'
        put(ws, i, 5, benefits).number_format = '"$"#,##0'
        put(ws, i, 6, hours).number_format = "#,##0"
        ws.cell(i, 7).value = ("=(Rates[[#This Row],[Average Annual OTE]]"
                               "+Rates[[#This Row],[Benefits]])"
                               "/Rates[[#This Row],[Billable Hours]]")
        ws.cell(i, 7).number_format = _MONEY
        put(ws, i, 8, bill).number_format = _MONEY
    last = len(rows) + 1
    table = Table(displayName="Rates", ref=f"A1:H{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    for col, width in zip("ABCDEFGH", (10, 14, 22, 19, 12, 14, 15, 12)):
        ws.column_dimensions[col].width = width
    # the roles offered by the Estimate's drop-down, one of each
    put(ws, 1, 10, "Roles")
    for i, role in enumerate(RATE_CARD, 2):
        put(ws, i, 10, role)
    ws.column_dimensions["J"].width = 22
    put(ws, len(RATE_CARD) + 3, 10, "Add a block of rows per quarter; the Estimate uses the "
                                    "version effective on its SOW date.")
    ws.freeze_panes = "A2"
    return len(RATE_CARD)


def _name(wb, name, ref):
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _estimate_sheet(wb, sample: bool, roles: int):
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws = wb.create_sheet("Estimate")
    est = SAMPLE_ESTIMATE if sample else {}
    put(ws, 1, 1, "SOW cost estimate").font = Font(bold=True, size=14)
    inputs = (
        ("Customer", "Customer", est.get("customer"), None),
        ("SOW date", "SOW_Date", est.get("sow_date"), _DATE),
        ("Currency", "Currency", est.get("currency", "USD"), None),
        ("Margin target", "Margin_Target", DEFAULT.sow_margin_target, _PCT),
        ("Contingency %", "Contingency_Pct", est.get("contingency_pct",
                                                     DEFAULT.sow_contingency_pct), _PCT),
        ("Travel cost", "Travel_Cost", est.get("travel_cost", 0.0), _MONEY),
        ("Travel billed", "Travel_Billed", est.get("travel_billed", 0.0), _MONEY),
        ("Discount %", "Discount_Pct", est.get("discount_pct", DEFAULT.sow_discount_pct), _PCT),
    )
    for i, (label, name, value, fmt) in enumerate(inputs, 3):
        put(ws, i, 1, label).font = Font(bold=True)
        cell = put(ws, i, 2, value)
        if fmt:
            cell.number_format = fmt
        _name(wb, name, f"Estimate!$B${i}")

    last = _FIRST_LINE + LINE_ROWS - 1
    totals = (
        ("Labour cost", "Labour_Cost", "=SUM(Lines[Cost])", _MONEY),
        ("Contingency", "Contingency", "=Labour_Cost*Contingency_Pct", _MONEY),
        ("Total cost", "Total_Cost", "=Labour_Cost+Contingency+Travel_Cost", _MONEY),
        ("Fees", "Fees", "=SUM(Lines[Fees])", _MONEY),
        ("Discount", "Discount", "=Fees*Discount_Pct", _MONEY),
        ("Price", "Price", "=Fees-Discount+Travel_Billed", _MONEY),
        ("Margin", "Margin", "=IF(Price>0,(Price-Total_Cost)/Price,NA())", _PCT),
        ("Markup", "Markup", "=IF(Total_Cost>0,(Price-Total_Cost)/Total_Cost,NA())", _PCT),
        ("Below target", "Below_Target",
         '=IF(ISNUMBER(Margin),IF(Margin<Margin_Target,"Yes","No"),NA())', None),
    )
    for i, (label, name, formula, fmt) in enumerate(totals, 3):
        put(ws, i, 4, label).font = Font(bold=True)
        cell = ws.cell(i, 5)
        cell.value = formula
        if fmt:
            cell.number_format = fmt
        _name(wb, name, f"Estimate!$E${i}")

    for j, h in enumerate(_LINE_HEADERS, 1):
        put(ws, _FIRST_LINE - 1, j, h)
    lines = est.get("lines", ())
    this = "Lines[[#This Row],[{}]]".format
    for r in range(_FIRST_LINE, last + 1):
        k = r - _FIRST_LINE
        role, hours = lines[k] if k < len(lines) else (None, None)
        put(ws, r, 1, role)
        put(ws, r, 2, hours).number_format = "#,##0.0"
        formulas = (
            # the version in effect on the SOW date: latest Effective From ≤ SOW date for the role
            f'=IF({this("Role")}="","",IF(COUNTIFS(Rates[Role],{this("Role")},'
            f'Rates[Effective From],"<="&SOW_Date)=0,NA(),_xlfn.MAXIFS(Rates[Effective From],'
            f'Rates[Role],{this("Role")},Rates[Effective From],"<="&SOW_Date)))',
            f'=IF(ISNUMBER({this("Rate Effective From")}),SUMIFS(Rates[Standard Rate],'
            f'Rates[Role],{this("Role")},Rates[Effective From],{this("Rate Effective From")}),'
            f'{this("Rate Effective From")})',
            f'=IF(ISNUMBER({this("Rate Effective From")}),SUMIFS(Rates[Bill Rate],'
            f'Rates[Role],{this("Role")},Rates[Effective From],{this("Rate Effective From")}),'
            f'{this("Rate Effective From")})',
            # an unused line stays blank (SUM skips the empty text)
            f'=IF({this("Role")}="","",{this("Hours")}*{this("Cost Rate")})',
            f'=IF({this("Role")}="","",{this("Hours")}*{this("Bill Rate")})',
        )
        for j, (formula, fmt) in enumerate(zip(formulas, (_DATE, _MONEY, _MONEY, _MONEY,
                                                          _MONEY)), 3):
            ws.cell(r, j).value = formula
            ws.cell(r, j).number_format = fmt
    table = Table(displayName="Lines", ref=f"A{_FIRST_LINE - 1}:G{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)

    dv = DataValidation(type="list", formula1="=Role_List", allow_blank=True,
                        showErrorMessage=True, errorTitle="Unknown role",
                        error="Pick a role from the Rates sheet.")
    ws.add_data_validation(dv)
    dv.add(f"A{_FIRST_LINE}:A{last}")
    _name(wb, "Role_List", f"Rates!$J$2:$J${roles + 1}")
    for ref, kind in (("B6", "decimal"), ("B7", "decimal"), ("B10", "decimal")):
        pct = DataValidation(type=kind, operator="between", formula1="0", formula2="0.9999",
                             showErrorMessage=True, error="A fraction from 0 to below 100 %.")
        ws.add_data_validation(pct)
        pct.add(ref)
    when = DataValidation(type="date", operator="greaterThan", formula1="36526",
                          showErrorMessage=True, error="Enter the SOW date.")
    ws.add_data_validation(when)
    when.add("B4")
    _conditional_formats(ws)
    for col, width in zip("ABCDEFG", (22, 16, 19, 16, 14, 14, 14)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    return ws


def _conditional_formats(ws):
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    red = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
    green = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
    ws.conditional_formatting.add("E9:E11", FormulaRule(
        formula=['$E$11="Yes"'], fill=red, font=Font(color="9C0006", bold=True)))
    ws.conditional_formatting.add("E9:E11", FormulaRule(
        formula=['$E$11="No"'], fill=green, font=Font(color="006100")))


def write_sow_calculator(path, *, sample: bool = False) -> Path:
    """Write the SOW cost calculator to ``path`` (atomically) and return the path.

    ``sample=True`` fills an example estimate; otherwise the Estimate is blank. Both carry the
    illustrative quarterly rate card FY26-Q1 … FY27-Q1, to be replaced by the real figures.
    """
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    roles = _rates_sheet(wb)
    est = _estimate_sheet(wb, sample, roles)
    print_setup(wb["Rates"], title_rows="1:1")
    print_setup(est, title_rows=f"{_FIRST_LINE - 1}:{_FIRST_LINE - 1}")
    wb.active = 1
    wb["Rates"].sheet_view.tabSelected = False  # else both tabs open grouped
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
