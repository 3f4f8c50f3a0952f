"""A folder of CSV/Parquet tables reads as the same workbook would (issue #12, item 1).

The folder is made from the workbook by other software: openpyxl reads the xlsx (not calamine,
which our reader uses) and the standard csv module writes it, or pyarrow writes Parquet from
typed columns. Data, scores, JSON exports and EBR PDFs must come out identical, and a bad cell
must give the workbook's own one-line message with the file's name in front.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_workbook import cli
from cs_workbook.config_files import workbook_config
from cs_workbook.errors import WorkbookError
from cs_workbook.portfolio import score_accounts
from cs_workbook.schema import SHEETS
from cs_workbook.workbook.reader import read_workbook
from cs_workbook.workbook.tables import read_data, read_tables, table_files

AS_OF = dt.date(2025, 6, 15)
NEW_YORK = ZoneInfo("America/New_York")
CONFIG = {"red_max": 45, "colour_points": "dbt", "sentiment_override": False}
SCHEMA_NAMES = {s.name for s in SHEETS}


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook.writer import write_workbook

    path = tmp_path_factory.mktemp("book") / "book.xlsx"
    return write_workbook(sample_portfolio(AS_OF, n_accounts=12), path, config_rows=CONFIG,
                          as_of=AS_OF)


def _csv_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    return str(v)


def to_csv_folder(xlsx: Path, folder: Path, *, renames=None) -> Path:
    """Each schema sheet of ``xlsx`` as ``folder/<sheet>.csv``, through openpyxl and csv."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(xlsx, data_only=True)
    for ws in wb.worksheets:
        if ws.title not in SCHEMA_NAMES:
            continue
        name = (renames or {}).get(ws.title, ws.title)
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            for row in ws.iter_rows(values_only=True):
                out.writerow([_csv_value(v) for v in row])
    return folder


def to_parquet_folder(xlsx: Path, folder: Path) -> Path:
    """Each sheet's typed columns (as the workbook reader gives them) as Parquet via pyarrow."""
    folder.mkdir(parents=True, exist_ok=True)
    data = read_workbook(xlsx)
    for name, df in data.sheets().items():
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False),
                       folder / f"{name}.parquet")
    config = pd.DataFrame({"Key": list(data.config), "Value": [str(v) for v in
                                                               data.config.values()]})
    pq.write_table(pa.Table.from_pandas(config, preserve_index=False), folder / "Config.parquet")
    return folder


def assert_same_data(a, b):
    for name in a.sheets():
        pd.testing.assert_frame_equal(a.sheets()[name], b.sheets()[name], obj=name)


# --- same data, same results ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_folder_reads_as_the_workbook(book, tmp_path, kind):
    make = to_csv_folder if kind == "csv" else to_parquet_folder
    folder = make(book, tmp_path / kind)
    (folder / "Notes.csv").write_text("anything,at all\n1,2\n")  # not a sheet: ignored
    want, got = read_workbook(book), read_tables(folder)
    assert len(want.accounts) == 12 and len(want.usage) > 100
    assert_same_data(want, got)
    # Config cells are text in a CSV ('45', 'FALSE'): the settings they give must be the same
    assert set(got.config) == set(CONFIG)
    assert workbook_config(got.config) == workbook_config(want.config) != workbook_config({})
    assert got.source == str(folder)
    pd.testing.assert_frame_equal(score_accounts(want, AS_OF), score_accounts(got, AS_OF))


def test_sheet_names_match_like_workbook_tabs(book, tmp_path):
    folder = to_csv_folder(book, tmp_path / "f", renames={"MRR Changes": "mrrchanges",
                                                          "Accounts": "ACCOUNTS"})
    assert set(table_files(folder)) == SCHEMA_NAMES
    assert_same_data(read_workbook(book), read_tables(folder))


def test_cli_score_and_ebr_identical(book, tmp_path, capsys):
    folder = to_csv_folder(book, tmp_path / "csv")
    parquet = to_parquet_folder(book, tmp_path / "pq")
    outs = {}
    for name, source in (("xlsx", book), ("csv", folder), ("parquet", parquet)):
        out = tmp_path / f"{name}.json"
        assert cli.main(["score", str(source), "--as-of", AS_OF.isoformat(), "-o", str(out)]) == 0
        outs[name] = out.read_bytes()
    assert outs["xlsx"] == outs["csv"] == outs["parquet"]
    pdfs = []
    for name, source in (("xlsx", book), ("csv", folder)):
        pdf = tmp_path / f"{name}.pdf"
        code = cli.main(["ebr", str(source), "--account", "ACC-001", "--as-of",
                         AS_OF.isoformat(), "-o", str(pdf)])
        assert code == 0, capsys.readouterr().err
        pdfs.append(pdf.read_bytes())
    assert pdfs[0][:5] == b"%PDF-" and pdfs[0] == pdfs[1]


def test_score_writes_parquet(book, tmp_path):
    out = tmp_path / "s.parquet"
    assert cli.main(["score", str(book), "--as-of", AS_OF.isoformat(), "-o", str(out)]) == 0
    back = pq.read_table(out).to_pandas()
    data = read_workbook(book)
    want = score_accounts(data, AS_OF, workbook_config(data.config))
    assert list(back.columns) == list(want.columns)
    assert back["Account ID"].tolist() == want["Account ID"].tolist()
    pd.testing.assert_series_equal(back["Health Score"], want["Health Score"])


def test_read_data_picks_by_path(book, tmp_path):
    folder = to_csv_folder(book, tmp_path / "f")
    assert read_data(book).source == str(book)
    assert read_data(folder).source == str(folder)


# --- same errors ---------------------------------------------------------------------------------


def _with_cell(book: Path, tmp_path: Path, sheet: str, row: int, column: str, value) -> Path:
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1).value = value
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    return path


def _error(fn, path) -> str:
    with pytest.raises(WorkbookError) as info:
        fn(path)
    message = str(info.value)
    assert "\n" not in message
    return message


BAD_CELLS = [
    ("Usage", 5, "Billable Users", "n/a", "'n/a' is not a whole number"),
    ("Usage", 7, "Active Users", 2.5, "'2.5' is not a whole number"),
    ("Accounts", 4, "Licensed Users", -3, "'-3' is negative"),
    ("Accounts", 3, "Segment", "Enterprise", "'Enterprise' is not one of"),
    ("Accounts", 6, "Contract Date", "2025-13-01", "is not a date"),
    ("Accounts", 2, "Account", None, "a value is required"),
    ("Accounts", 5, "Account ID", "ACC-001", "appears twice (rows 2 and 5)"),
    ("Usage", 9, "Account ID", "ACC-999", "'ACC-999' is not in the Accounts sheet"),
    ("Success Plan", 3, "Status", "Done", "'Done' is not one of"),
    ("Accounts", 8, "Success Plan Strategy", "maybe", "is not TRUE/FALSE"),
]


@pytest.mark.parametrize("sheet,row,column,value,says", BAD_CELLS,
                         ids=[f"{c[0]}-{c[2]}" for c in BAD_CELLS])
def test_csv_errors_are_the_workbook_errors(book, tmp_path, sheet, row, column, value, says):
    bad = _with_cell(book, tmp_path, sheet, row, column, value)
    folder = to_csv_folder(bad, tmp_path / "csv")
    from_book = _error(read_workbook, bad)
    from_folder = _error(read_tables, folder)
    assert from_book.startswith(f"{bad}: sheet {sheet!r}, row {row}, column {column!r}: ")
    assert from_folder.startswith(f"{folder / (sheet + '.csv')}: row {row}, column {column!r}: ")
    assert says in from_folder
    assert from_folder.split(": ", 2)[2] == from_book.split(": ", 2)[2]


def test_blank_lines_count_as_rows(book, tmp_path):
    folder = to_csv_folder(book, tmp_path / "csv")
    path = folder / "Usage.csv"
    lines = path.read_text().splitlines()
    lines.insert(2, "")  # a blank line after the first record: row 3
    lines.insert(3, "," * (lines[0].count(",")))  # a row of empty fields: row 4
    lines[5] = re.sub(r"^([^,]*,[^,]*,)[^,]*", r"\1lots", lines[5])  # row 6, Billable Users
    path.write_text("\n".join(lines) + "\n")
    assert _error(read_tables, folder) == (f"{path}: row 6, column 'Billable Users': 'lots' "
                                           "is not a whole number")
    path.write_text("\n".join(lines[:5] + [",,,"]) + "\n")  # a short row: pyarrow's reason
    assert _error(read_tables, folder) == (f"{path}: not a readable CSV file (CSV parse error: "
                                           "Expected 14 columns, got 4: ,,,)")


def test_missing_required_column_names_the_file(book, tmp_path):
    folder = to_csv_folder(book, tmp_path / "csv")
    df = pd.read_csv(folder / "Usage.csv", dtype=str, keep_default_na=False)
    df.drop(columns=["Billable Users"]).to_csv(folder / "Usage.csv", index=False)
    assert _error(read_tables, folder) == (f"{folder / 'Usage.csv'}: missing required column: "
                                           "Billable Users")


def test_text_keeps_leading_zeros_and_na_is_not_blank(tmp_path):
    (tmp_path / "Accounts.csv").write_text(
        "Account ID,Account,Segment,Tier,Deployment,Contract Date,Licensed Users\n"
        "007,Bond,Growth,Premium,SaaS,2024-01-15,10\n"
        "008,NA,Growth,Premium,SaaS,2024-01-15,NA\n")
    message = _error(read_tables, tmp_path)
    assert message == (f"{tmp_path / 'Accounts.csv'}: row 3, column 'Licensed Users': 'NA' is "
                       "not a whole number")
    (tmp_path / "Accounts.csv").write_text(
        "Account ID,Account,Segment,Tier,Deployment,Contract Date,Licensed Users\n"
        "007,NA,growth,premium,saas,2024-01-15,10\n")
    acc = read_tables(tmp_path).accounts
    assert acc["Account ID"].tolist() == ["007"] and acc["Account"].tolist() == ["NA"]
    assert acc["Segment"].tolist() == ["Growth"] and acc["Deployment"].tolist() == ["SaaS"]


def _accounts_parquet(path: Path, **columns):
    base = {"Account ID": ["A1", "A2"], "Account": ["Acme", "Beta"],
            "Segment": ["Growth", "Scale"], "Tier": ["Premium", "Free"],
            "Deployment": ["SaaS", "Dedicated"],
            "Contract Date": pa.array([dt.date(2024, 1, 15), dt.date(2024, 2, 1)]),
            "Licensed Users": pa.array([100, None], type=pa.int64())}
    base.update(columns)
    pq.write_table(pa.table(base), path)


def test_parquet_types(tmp_path):
    _accounts_parquet(
        tmp_path / "Accounts.parquet",
        **{"Licensed Users": pa.array([100, 7], type=pa.int32()),
           # 04:30 and 05:15 UTC on the next days
           "Contract Date": pa.array([dt.datetime(2024, 1, 15, 23, 30, tzinfo=NEW_YORK),
                                      dt.datetime(2024, 2, 1, 0, 15, tzinfo=NEW_YORK)],
                                     type=pa.timestamp("us", tz="America/New_York")),
           "Dev Lead Engaged": pa.array([True, None]),
           # a NaN that is not null (pandas' from_pandas would have made it one) is blank
           "ARR": pa.array([1200.5, float("nan")], from_pandas=False)})
    pq.write_table(pa.table({"Account ID": ["A1", "A1"], "Month": pa.array(
        [dt.date(2025, 5, 31), dt.date(2025, 6, 2)]), "Billable Users": [3.0, None]}),
        tmp_path / "Usage.parquet")
    with pytest.raises(WorkbookError, match=r"Usage.parquet: row 3, column 'Billable Users': "
                                            r"a value is required"):
        read_tables(tmp_path)
    pq.write_table(pa.table({"Account ID": ["A1", "A1"], "Month": pa.array(
        [dt.date(2025, 5, 31), dt.date(2025, 6, 2)]), "Billable Users": [3.0, 4.0]}),
        tmp_path / "Usage.parquet")
    data = read_tables(tmp_path)
    acc = data.accounts
    assert acc["Licensed Users"].tolist() == [100.0, 7.0]
    # the wall-clock date where the timestamp was taken, as Excel would show it
    assert acc["Contract Date"].tolist() == [pd.Timestamp("2024-01-15"),
                                             pd.Timestamp("2024-02-01")]
    assert acc["Dev Lead Engaged"].tolist() == [True, pd.NA]
    assert acc["ARR"].iloc[0] == 1200.5 and pd.isna(acc["ARR"].iloc[1])
    assert data.usage["Month"].tolist() == [pd.Timestamp("2025-05-01"),
                                            pd.Timestamp("2025-06-01")]


def test_parquet_number_in_a_date_column_is_an_error(tmp_path):
    _accounts_parquet(tmp_path / "Accounts.parquet",
                      **{"Contract Date": pa.array([45000.0, None])})
    assert _error(read_tables, tmp_path) == (
        f"{tmp_path / 'Accounts.parquet'}: row 2, column 'Contract Date': '45000' is not a date "
        "(use YYYY-MM-DD; numbers are not read as dates from CSV or Parquet)")


def test_folder_problems(tmp_path):
    assert _error(read_tables, tmp_path / "nope") == f"{tmp_path / 'nope'}: folder not found"
    assert _error(read_tables, tmp_path) == (f"{tmp_path}: no Accounts.csv or Accounts.parquet "
                                             "in the folder")
    (tmp_path / "Accounts.parquet").write_bytes(b"PAR1 not really")
    assert _error(read_tables, tmp_path).startswith(
        f"{tmp_path / 'Accounts.parquet'}: not a readable Parquet file (")
    (tmp_path / "accounts.csv").write_text("Account ID\n")
    assert _error(read_tables, tmp_path) == (
        f"{tmp_path}: files 'Accounts.parquet' and 'accounts.csv' are both sheet 'Accounts'; "
        "keep one")
    (tmp_path / "Accounts.parquet").unlink()
    (tmp_path / "accounts.csv").write_text("")
    assert _error(read_tables, tmp_path) == (f"{tmp_path / 'accounts.csv'}: empty CSV file: the "
                                             "first line must be the header")


def test_cli_bad_folder_is_one_line_exit_2(book, tmp_path, capsys):
    bad = _with_cell(book, tmp_path, "Usage", 5, "Billable Users", "n/a")
    folder = to_csv_folder(bad, tmp_path / "csv")
    before = {p: p.read_bytes() for p in folder.iterdir()}
    assert cli.main(["score", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err == (f"cs-workbook: error: {folder / 'Usage.csv'}: row 5, column 'Billable Users': "
                   "'n/a' is not a whole number\n")
    assert cli.main(["score", str(folder), "-o", str(folder / "Usage.csv")]) == 2
    assert "output must differ from the input" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in folder.iterdir()} == before


# --- Excel's sheet limits ------------------------------------------------------------------------


def test_xlsx_outputs_refuse_more_rows_than_excel_holds(tmp_path):
    from cs_workbook.data import CSData, empty_frame
    from cs_workbook.schema import sheet
    from cs_workbook.workbook.export import write_scores
    from cs_workbook.workbook.writer import write_workbook
    from cs_workbook.workbook.xlsx_limits import MAX_ROWS

    scores = pd.DataFrame({"Account ID": [f"A{i}" for i in range(MAX_ROWS)]})
    out = tmp_path / "s.xlsx"
    with pytest.raises(WorkbookError) as info:
        write_scores(scores, out)
    assert str(info.value) == (f"{out}: sheet 'Scores': 1,048,577 rows do not fit in an .xlsx "
                               "sheet (Excel's limit is 1,048,576 rows): write .parquet or .csv "
                               "instead")
    assert not out.exists()
    write_scores(scores.iloc[:-1], tmp_path / "s.csv")  # CSV has no such limit
    assert cli_rows(tmp_path / "s.csv") == MAX_ROWS  # header + 1,048,575 rows

    usage = pd.concat([empty_frame(sheet("Usage"))] * 1).reindex(range(MAX_ROWS))
    data = CSData(usage=usage)
    book = tmp_path / "big.xlsx"
    with pytest.raises(WorkbookError, match=r"big.xlsx: sheet 'Usage': 1,048,577 rows do not fit "
                                            r".*keep this portfolio as a folder of CSV/Parquet"):
        write_workbook(data, book)
    assert not book.exists()


def cli_rows(path: Path) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def test_folder_without_optional_tables_records_them_as_the_workbook_does(book, tmp_path):
    """Coverage notes rest on ``CSData.absent``: a folder lacking the Usage and Support files
    says the same as a workbook lacking those sheets."""
    from cs_workbook.portfolio.coverage import data_coverage

    wb = openpyxl.load_workbook(book)
    for name in ("Usage", "Support"):
        del wb[name]
    wb.save(tmp_path / "less.xlsx")
    folder = to_csv_folder(tmp_path / "less.xlsx", tmp_path / "less")
    want, got = read_workbook(tmp_path / "less.xlsx"), read_tables(folder)
    assert want.absent == got.absent
    assert {"Usage", "Support"} <= set(got.absent)
    notes = [data_coverage(d, score_accounts(d, AS_OF), AS_OF).records() for d in (want, got)]
    assert notes[0] == notes[1] and any(n.get("sheet") == "Usage" for n in notes[1])


def to_text_parquet_folder(csv_folder: Path, folder: Path) -> Path:
    """Each CSV as a Parquet file of text columns (empty → null), as pyarrow reads it."""
    import pyarrow.csv as pacsv

    folder.mkdir(parents=True, exist_ok=True)
    for path in csv_folder.glob("*.csv"):
        header = next(csv.reader(open(path, encoding="utf-8", newline="")))
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header}, null_values=[""],
            strings_can_be_null=True))
        pq.write_table(table, folder / f"{path.stem}.parquet", row_group_size=3)
    return folder


@pytest.mark.parametrize("sheet,row,column,value,says", BAD_CELLS,
                         ids=[f"{c[0]}-{c[2]}" for c in BAD_CELLS])
def test_text_parquet_errors_are_the_workbook_errors(book, tmp_path, sheet, row, column, value,
                                                     says):
    """Parquet text columns (read as dictionaries, in several row groups) give the same one-line
    errors as the workbook: key checks and categories work on dictionary codes there."""
    bad = _with_cell(book, tmp_path, sheet, row, column, value)
    folder = to_text_parquet_folder(to_csv_folder(bad, tmp_path / "csv"), tmp_path / "pq")
    from_book = _error(read_workbook, bad)
    from_folder = _error(read_tables, folder)
    assert from_folder.startswith(f"{folder / (sheet + '.parquet')}: row {row}, "
                                  f"column {column!r}: ")
    assert from_folder.split(": ", 2)[2] == from_book.split(": ", 2)[2]


def test_text_parquet_reads_as_the_workbook(book, tmp_path):
    folder = to_text_parquet_folder(to_csv_folder(book, tmp_path / "csv"), tmp_path / "pq")
    assert_same_data(read_workbook(book), read_tables(folder))
