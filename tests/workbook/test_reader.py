"""Reading CS workbooks with python-calamine: conversion per column kind and one-line errors."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cs_workbook.data import empty_frame
from cs_workbook.errors import InvalidInput, WorkbookError
from cs_workbook.schema import SHEETS
from cs_workbook.workbook.reader import read_sheet_frame, read_workbook

ACCOUNT_HEADERS = ["Account ID", "Account", "Segment", "Tier", "Deployment", "Contract Date",
                   "Licensed Users"]


def account(aid, name="Acme"):
    """A valid Accounts row for ACCOUNT_HEADERS."""
    return [aid, name, "Growth", "Premium", "SaaS", dt.date(2024, 1, 15), 100]


def write_book(path, sheets: dict):
    """Write ``{sheet name: [header row, data rows...]}`` with openpyxl; returns ``path``."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def book(tmp_path, accounts=None, name="book.xlsx", **sheets):
    """A workbook with a valid two-account Accounts sheet unless ``accounts`` is given."""
    if accounts is None:
        accounts = [ACCOUNT_HEADERS, account("A1"), account("A2", "Beta")]
    content = {"Accounts": accounts}
    content.update({k.replace("_", " "): v for k, v in sheets.items()})
    return write_book(tmp_path / name, content)


def error_of(path, **kwargs) -> str:
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- happy path ---------------------------------------------------------------------------------


def test_happy_path_every_kind(tmp_path):
    headers = ACCOUNT_HEADERS + ["CSM", "CSM Priority", "ARR", "Renewal Date", "CSM Sentiment",
                                 "Success Plan Strategy", "Dev Lead Engaged",
                                 "Security Lead Engaged", "Notes (ours)"]
    accounts = [
        headers,
        [1001, "Acme", "growth", "ultimate", " saas ", dt.date(2024, 1, 15), 120, "Jo", 1,
         125000.5, "2025-01-15", "GREEN", "Yes", True, "n", "ignored"],
        ["B-2", "Beta", "Tech  Touch", "Free", "Self-Managed", 45352, "12", None, "3", 0,
         dt.datetime(2025, 2, 1, 13, 30), None, "y", "FALSE", 0, 42],
    ]
    usage = [["Account ID", "Month", "Billable Users", "Active Users"],
             ["1001", dt.date(2024, 3, 17), 10, 7.0],
             ["B-2", "2024-04", 11, None],
             ["1001", 45383, 12, "5"]]
    mrr = [["Account ID", "Month", "Change", "Reason"],
           ["1001", "2024-03-01", -250.75, "trueup"]]
    timeline = [["Account ID", "Date", "Type", "Notes"],
                ["1001", "2024-03-05T14:00", "ebr", "  kick-off\nnotes  "]]
    path = book(tmp_path, accounts, Usage=usage, MRR_Changes=mrr, Timeline=timeline)
    data = read_workbook(path)
    a = data.accounts
    assert a["Account ID"].tolist() == ["1001", "B-2"]
    assert a["Segment"].tolist() == ["Growth", "Tech Touch"]
    assert a["Tier"].tolist() == ["Ultimate", "Free"]
    assert a["Deployment"].tolist() == ["SaaS", "Self-Managed"]
    assert a["Contract Date"].tolist() == [pd.Timestamp("2024-01-15"), pd.Timestamp("2024-03-01")]
    assert a["Licensed Users"].tolist() == [120.0, 12.0]
    assert a["CSM"].tolist() == ["Jo", None]
    assert a["CSM Priority"].tolist() == [1.0, 3.0]
    assert a["ARR"].tolist() == [125000.5, 0.0]
    assert a["Renewal Date"].tolist() == [pd.Timestamp("2025-01-15"), pd.Timestamp("2025-02-01")]
    assert a["CSM Sentiment"].tolist() == ["Green", None]
    assert a["Success Plan Strategy"].tolist() == [True, True]
    assert a["Dev Lead Engaged"].tolist() == [True, False]
    assert a["Security Lead Engaged"].tolist() == [False, False]
    assert a["First Meeting"].isna().all()  # optional column absent from the sheet
    assert "Notes (ours)" not in a.columns
    u = data.usage
    assert u["Month"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-01"),
                                   pd.Timestamp("2024-04-01")]
    assert u["Billable Users"].tolist() == [10.0, 11.0, 12.0]
    assert u["Active Users"].tolist()[0] == 7.0 and np.isnan(u["Active Users"][1])
    assert u["Active Users"][2] == 5.0
    assert data.mrr_changes["Change"].tolist() == [-250.75]
    assert data.mrr_changes["Reason"].tolist() == ["Trueup"]
    assert data.timeline["Date"].tolist() == [pd.Timestamp("2024-03-05")]
    assert data.timeline["Type"].tolist() == ["EBR"]
    assert data.timeline["Notes"].tolist() == ["kick-off\nnotes"]
    assert data.source == str(path)
    assert data.support.empty and data.revenue.empty  # absent sheets are empty frames


def test_dtypes_are_canonical(tmp_path):
    path = book(tmp_path, Usage=[["Account ID", "Month", "Billable Users"], ["A1", "2024-01", 3]])
    data = read_workbook(path)
    for name, df in data.sheets().items():
        expected = empty_frame(next(s for s in SHEETS if s.name == name))
        assert list(df.columns) == list(expected.columns), name
        assert df.dtypes.to_dict() == expected.dtypes.to_dict(), name


def test_text_cells_hold_str_or_none(tmp_path):
    data = read_workbook(book(tmp_path))
    assert data.accounts["CSM"].tolist() == [None, None]
    assert all(type(v) is str for v in data.accounts["Account ID"])


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2024, 2, 29), "2024-02-29"),
        (dt.datetime(2024, 2, 29, 23, 59), "2024-02-29"),
        ("2024-02-29", "2024-02-29"),
        ("2024-02-29 08:15:00", "2024-02-29"),
        (45351, "2024-02-29"),
        (45351.75, "2024-02-29"),
        (1, "1900-01-01"),
        (59, "1900-02-28"),
        (60, "1900-02-28"),  # Excel's fictitious 1900-02-29
        (61, "1900-03-01"),
    ],
)
def test_date_forms(tmp_path, value, expected):
    accounts = [ACCOUNT_HEADERS, ["A1", "Acme", "Growth", "Premium", "SaaS", value, 1]]
    data = read_workbook(book(tmp_path, accounts))
    assert data.accounts["Contract Date"][0] == pd.Timestamp(expected)


@pytest.mark.parametrize("value", ["03/01/2024", "2024-02-30", "20240301", "2024-03", 0, -5,
                                   True, dt.time(10, 30)])
def test_bad_dates(tmp_path, value):
    accounts = [ACCOUNT_HEADERS, ["A1", "Acme", "Growth", "Premium", "SaaS", value, 1]]
    message = error_of(book(tmp_path, accounts))
    assert "sheet 'Accounts', row 2, column 'Contract Date'" in message
    assert "is not a date" in message


def test_header_matching(tmp_path):
    usage = [["account  id", "MONTH", " Billable\tUsers ", "Other"],
             ["A1", "2024-01-01", 5, "x"]]
    accounts = [[h.upper() for h in ACCOUNT_HEADERS], account("A1")]
    data = read_workbook(book(tmp_path, accounts, usage=usage))
    assert data.usage["Billable Users"].tolist() == [5.0]
    assert data.accounts["Account ID"].tolist() == ["A1"]


def test_sheet_names_match_loosely_and_extra_sheets_are_ignored(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {
        "ACCOUNTS": [ACCOUNT_HEADERS, account("A1")],
        "success plan": [["Account ID", "Objective", "Status"], ["A1", "Go live", "in progress"]],
        "Scorecard": [["anything"], [1]],
    })
    data = read_workbook(path)
    assert data.success_plan["Status"].tolist() == ["In Progress"]


def test_blank_rows_are_skipped_and_row_numbers_stay_excel_rows(tmp_path):
    usage = [["Account ID", "Month", "Billable Users"],
             ["A1", "2024-01", 5],
             [None, None, None],
             ["  ", None, None],
             ["A1", "2024-02", "n/a"],
             [None, None, None]]
    path = book(tmp_path, Usage=usage)
    assert error_of(path) == (f"{path}: sheet 'Usage', row 5, column 'Billable Users': "
                              "'n/a' is not a whole number")


def test_trailing_blank_rows(tmp_path):
    path = tmp_path / "t.xlsx"
    write_book(path, {"Accounts": [ACCOUNT_HEADERS, account("A1")]})
    wb = openpyxl.load_workbook(path)
    ws = wb["Accounts"]
    ws.cell(row=50, column=3, value="")  # an empty string far below the table
    ws.cell(row=60, column=1).number_format = "yyyy-mm-dd"  # formatted but empty
    wb.save(path)
    assert read_workbook(path).accounts["Account ID"].tolist() == ["A1"]


def test_table_not_at_a1_is_not_shifted(tmp_path):
    # the header must be row 1: a sheet that starts lower reports the missing columns
    rows = [[None], [None], ACCOUNT_HEADERS, account("A1")]
    path = write_book(tmp_path / "b.xlsx", {"Accounts": rows})
    assert "missing required columns" in error_of(path)


def test_blank_required_cell(tmp_path):
    accounts = [ACCOUNT_HEADERS, account("A1"), ["A2", None, "Growth", "Premium", "SaaS",
                                                  dt.date(2024, 1, 1), 3]]
    message = error_of(book(tmp_path, accounts))
    assert message.endswith("sheet 'Accounts', row 3, column 'Account': a value is required")


# --- structure errors ----------------------------------------------------------------------------


def test_missing_required_columns_are_all_named(tmp_path):
    usage = [["Account ID", "Active Users"], ["A1", 3]]
    message = error_of(book(tmp_path, Usage=usage))
    assert message.endswith("sheet 'Usage': missing required columns: Month, Billable Users")


def test_missing_one_required_column(tmp_path):
    accounts = [[h for h in ACCOUNT_HEADERS if h != "Tier"], ["A1", "Acme", "Growth", "SaaS",
                                                             dt.date(2024, 1, 1), 3]]
    assert error_of(book(tmp_path, accounts)).endswith(
        "sheet 'Accounts': missing required column: Tier")


def test_missing_accounts_sheet(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"Usage": [["Account ID", "Month", "Billable Users"]]})
    assert error_of(path) == f"{tmp_path / 'b.xlsx'}: missing sheet 'Accounts'"


def test_empty_optional_sheet_is_empty_frame(tmp_path):
    path = book(tmp_path, Usage=[["Account ID", "Month", "Billable Users"]], Support=[])
    data = read_workbook(path)
    assert data.usage.empty and data.support.empty


# --- value errors --------------------------------------------------------------------------------


def test_bad_number_message(tmp_path):
    usage = [["Account ID", "Month", "Billable Users"]] + [["A1", f"2024-{m:02d}", m]
                                                            for m in range(1, 13)]
    usage[12][2] = "n/a"  # Excel row 13
    path = book(tmp_path, Usage=usage, name="sample.xlsx")
    assert error_of(path) == (f"{path}: sheet 'Usage', row 13, column 'Billable Users': "
                              "'n/a' is not a whole number")


@pytest.mark.parametrize(
    "value, fragment",
    [(2.5, "'2.5' is not a whole number"), (-1, "'-1' is negative"), ("1,000", "not a whole"),
     (True, "'TRUE' is not a whole number"), (dt.date(2024, 1, 1), "not a whole number")],
)
def test_int_rejects(tmp_path, value, fragment):
    accounts = [ACCOUNT_HEADERS, ["A1", "Acme", "Growth", "Premium", "SaaS", "2024-01-01", value]]
    message = error_of(book(tmp_path, accounts))
    assert "row 2, column 'Licensed Users'" in message and fragment in message


def test_int_accepts_formula_noise(tmp_path):
    accounts = [ACCOUNT_HEADERS, ["A1", "Acme", "Growth", "Premium", "SaaS", "2024-01-01",
                                  3.0000000000000004]]
    assert read_workbook(book(tmp_path, accounts)).accounts["Licensed Users"][0] == 3.0


def test_money_and_number(tmp_path):
    revenue = [["Account ID", "Month", "MRR"], ["A1", "2024-01", -5]]
    assert "column 'MRR': '-5' is negative" in error_of(book(tmp_path, Revenue=revenue))
    changes = [["Account ID", "Month", "Change", "Reason"], ["A1", "2024-01", "lots", "Downgrade"]]
    message = error_of(book(tmp_path, MRR_Changes=changes))
    assert "column 'Change': 'lots' is not a number" in message


def test_csm_priority_range(tmp_path):
    accounts = [ACCOUNT_HEADERS + ["CSM Priority"], account("A1") + [4]]
    assert "column 'CSM Priority': '4' is not one of: 1, 2, 3" in error_of(book(tmp_path, accounts))


def test_category_unknown_lists_allowed_values(tmp_path):
    accounts = [ACCOUNT_HEADERS, ["A1", "Acme", "Growth", "Platinum", "SaaS", "2024-01-01", 1]]
    message = error_of(book(tmp_path, accounts))
    assert message.endswith(
        "row 2, column 'Tier': 'Platinum' is not one of: Free, Premium, Ultimate")


@pytest.mark.parametrize(
    "value, expected",
    [("TRUE", True), ("false", False), ("Yes", True), ("NO", False), ("y", True), ("N", False),
     (1, True), (0, False), ("1", True), ("0", False), (True, True), (False, False), (None, None)],
)
def test_bool_parsing(tmp_path, value, expected):
    accounts = [ACCOUNT_HEADERS + ["Dev Lead Engaged"], account("A1") + [value]]
    got = read_workbook(book(tmp_path, accounts)).accounts["Dev Lead Engaged"][0]
    assert (got is pd.NA) if expected is None else (got == expected)


@pytest.mark.parametrize("value", ["maybe", 2, "T"])
def test_bool_rejects(tmp_path, value):
    accounts = [ACCOUNT_HEADERS + ["Dev Lead Engaged"], account("A1") + [value]]
    assert "column 'Dev Lead Engaged':" in error_of(book(tmp_path, accounts))


def test_first_problem_wins_by_row_then_column(tmp_path):
    accounts = [ACCOUNT_HEADERS,
                account("A1"),
                ["A2", "Beta", "Nope", "Premium", "SaaS", "2024-01-01", "x"],
                ["A3", "Gamma", "Growth", "Premium", "SaaS", "bad", 1]]
    assert "row 3, column 'Segment'" in error_of(book(tmp_path, accounts))


def test_accounts_errors_come_before_other_sheets(tmp_path):
    accounts = [ACCOUNT_HEADERS, account("A1"), ["A2", "Beta", "Growth", "Premium", "SaaS",
                                                  "2024-01-01", -3]]
    usage = [["Account ID", "Month", "Billable Users"], ["A1", "2024-01", "bad"]]
    assert "sheet 'Accounts', row 3" in error_of(book(tmp_path, accounts, Usage=usage))


# --- keys ----------------------------------------------------------------------------------------


def test_duplicate_account_ids(tmp_path):
    accounts = [ACCOUNT_HEADERS, account("A1"), account("A2"), account(" A1 ")]
    message = error_of(book(tmp_path, accounts))
    assert message.endswith("sheet 'Accounts', row 4, column 'Account ID': "
                            "Account ID 'A1' appears twice (rows 2 and 4)")


def test_numeric_account_ids_match_text(tmp_path):
    accounts = [ACCOUNT_HEADERS, account(1001)]
    usage = [["Account ID", "Month", "Billable Users"],
             ["1001", "2024-01", 3], [1001.0, "2024-02", 4]]
    data = read_workbook(book(tmp_path, accounts, Usage=usage))
    assert data.usage["Account ID"].tolist() == ["1001", "1001"]


def test_unknown_account_in_usage(tmp_path):
    usage = [["Account ID", "Month", "Billable Users"], ["A1", "2024-01", 3], ["A9", "2024-01", 3]]
    message = error_of(book(tmp_path, Usage=usage))
    assert message.endswith("sheet 'Usage', row 3, column 'Account ID': "
                            "account 'A9' is not in the Accounts sheet")


def test_duplicate_account_month(tmp_path):
    support = [["Account ID", "Month", "Tickets"],
               ["A1", dt.date(2024, 3, 1), 3],
               ["A2", dt.date(2024, 3, 1), 3],
               ["A1", "2024-03-20", 1]]
    message = error_of(book(tmp_path, Support=support))
    assert message.endswith("sheet 'Support', row 4, column 'Month': "
                            "account 'A1' has two rows for month 2024-03 (rows 2 and 4)")


def test_mrr_changes_may_repeat_months(tmp_path):
    changes = [["Account ID", "Month", "Change", "Reason"],
               ["A1", "2024-01", 10, "Seat Expansion"],
               ["A1", "2024-01", -5, "Discount/Price Change"]]
    assert len(read_workbook(book(tmp_path, MRR_Changes=changes)).mrr_changes) == 2


# --- config --------------------------------------------------------------------------------------


def test_config_sheet(tmp_path):
    config = [["Key", "Value"], [" health.weight.usage ", 0.4], ["threshold_set", "Strict"],
              [None, "ignored"], ["as_of", dt.date(2024, 6, 30)], ["flag", True], ["empty", None]]
    data = read_workbook(book(tmp_path, Config=config))
    assert data.config == {"health.weight.usage": 0.4, "threshold_set": "Strict",
                           "as_of": dt.date(2024, 6, 30), "flag": True, "empty": None}


def test_config_duplicate_key(tmp_path):
    config = [["Key", "Value"], ["a", 1], ["b", 2], ["a", 3]]
    message = error_of(book(tmp_path, Config=config))
    assert message.endswith(
        "sheet 'Config', row 4, column 'Key': key 'a' appears twice (rows 2 and 4)")


# --- files ---------------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "nope.xlsx") == f"{tmp_path / 'nope.xlsx'}: file not found"


@pytest.mark.parametrize("content", [b"hello, world\n", b"PK\x03\x04 truncated zip"])
def test_not_a_workbook(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    message = error_of(path)
    assert message.startswith(f"{path}: not a readable .xlsx workbook")


def test_truncated_workbook(tmp_path):
    good = book(tmp_path).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    assert "not a readable .xlsx workbook" in error_of(path)


def test_csv_is_refused(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("Account ID,Account\nA1,Acme\n")
    assert "not a readable .xlsx workbook" in error_of(path)


def test_file_is_not_modified(tmp_path):
    path = book(tmp_path, Usage=[["Account ID", "Month", "Billable Users"], ["A1", "2024-01", 3]])
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    read_workbook(path)
    read_sheet_frame(path, "usage")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime


# --- options -------------------------------------------------------------------------------------


def test_sheets_option_reads_only_those(tmp_path):
    usage = [["Account ID", "Month", "Billable Users"], ["A1", "2024-01", 3]]
    support = [["Account ID", "Month", "Tickets"], ["A1", "2024-01", "broken"]]
    data = read_workbook(book(tmp_path, Usage=usage, Support=support), sheets=("usage",))
    assert len(data.usage) == 1 and data.support.empty and len(data.accounts) == 2


def test_sheets_option_rejects_unknown_names(tmp_path):
    with pytest.raises(InvalidInput, match="unknown sheet 'Nope'"):
        read_workbook(book(tmp_path), sheets=("Nope",))


def test_read_sheet_frame(tmp_path):
    usage = [["Account ID", "Month", "Extra"], ["A1", dt.date(2024, 1, 1), None]]
    path = book(tmp_path, Usage=usage)
    df = read_sheet_frame(path, "USAGE")
    assert list(df.columns) == ["Account ID", "Month", "Extra"]
    assert df.iloc[0].tolist() == ["A1", dt.date(2024, 1, 1), None]
    with pytest.raises(WorkbookError, match="missing sheet 'Nope'"):
        read_sheet_frame(path, "Nope")
