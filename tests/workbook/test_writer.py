"""Writing a CSData as an Excel CS workbook: structure, formats, drop-downs, safety, atomicity."""

from __future__ import annotations

import datetime
import os
import zipfile

import openpyxl
import pandas as pd
import pytest

from cs_workbook.data import CSData, frame
from cs_workbook.errors import WorkbookError
from cs_workbook.schema import SHEETS, sheet
from cs_workbook import files
from cs_workbook.workbook import writer
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.writer import write_workbook

AS_OF = datetime.date(2026, 11, 23)
INJECTIONS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "=1+1", "#N/A"]


@pytest.fixture(scope="module")
def data():
    return sample_portfolio(AS_OF, n_accounts=12)


@pytest.fixture(scope="module")
def written(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "portfolio.xlsx"
    out = write_workbook(data, path, config_rows={"colour_points": "dbt", "weight.product": 0.5})
    assert out == path
    return path, openpyxl.load_workbook(path)


def read_back(ws, s) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == s.headers
    return frame(s, pd.DataFrame(rows[1:], columns=s.headers, dtype=object))


def sheet_xml(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def test_sheets_tables_and_headers(written, data):
    path, wb = written
    assert wb.sheetnames == [s.name for s in SHEETS] + ["Scorecard"]
    for s in SHEETS:
        ws = wb[s.name]
        assert [c.value for c in ws[1]] == s.headers
        assert list(ws.tables) == [s.table]
        table = ws.tables[s.table]
        rows = len(data.sheets()[s.name]) if s.name != "Config" else 2
        last = openpyxl.utils.get_column_letter(len(s.columns))
        assert table.ref == f"A1:{last}{rows + 1}"
        assert [c.name for c in table.tableColumns] == s.headers
        assert table.tableStyleInfo.name == "TableStyleMedium2"
        assert table.tableStyleInfo.showRowStripes
        assert ws.freeze_panes == ("C2" if s.name == "Accounts" else "A2")
        assert ws.column_dimensions["A"].width == s.columns[0].width


def test_values_round_trip(written, data):
    _, wb = written
    for name, df in data.sheets().items():
        pd.testing.assert_frame_equal(read_back(wb[name], sheet(name)), df, obj=name)
    config = {k: v for k, v in wb["Config"].iter_rows(min_row=2, values_only=True)}
    assert config == {"colour_points": "dbt", "weight.product": 0.5}


def test_cells_types_and_number_formats(written, data):
    _, wb = written
    acc = wb["Accounts"]
    first = data.accounts.iloc[0]
    assert acc["B2"].value == first["Account"] and acc["B2"].data_type == "s"
    assert acc["H2"].value == first["Contract Date"].to_pydatetime()
    assert acc["H2"].number_format == "yyyy-mm-dd"
    assert acc["K2"].value == int(first["Licensed Users"]) and isinstance(acc["K2"].value, int)
    assert acc["K2"].number_format == "#,##0"
    assert acc["L2"].number_format == "$#,##0.00"
    assert isinstance(acc["W2"].value, bool)
    assert wb["Usage"]["B2"].number_format == "mmm yyyy"
    assert wb["Revenue"]["C2"].number_format == "$#,##0.00"
    assert wb["MRR Changes"]["C2"].number_format == "$#,##0.00;[Red]-$#,##0.00"
    blanks = data.accounts["Outcome Achieved"].isna()
    row = int(blanks.to_numpy().argmax()) + 2
    assert acc[f"R{row}"].value is None


def test_drop_downs_cover_categorical_and_boolean_columns(written, data):
    _, wb = written
    for s in SHEETS:
        ws = wb[s.name]
        found = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
        rows = max(len(data.sheets().get(s.name, ())), 2)
        for j, col in enumerate(s.columns, 1):
            letter = openpyxl.utils.get_column_letter(j)
            cells = f"{letter}2:{letter}{rows + 1 + writer.SPARE_ROWS}"
            if col.kind == "bool":
                assert found.pop(cells) == '"TRUE,FALSE"'
            elif col.choices:
                assert found.pop(cells) == '"' + ",".join(map(str, col.choices)) + '"'
        assert not found, s.name
    segment = [dv for dv in wb["Accounts"].data_validations.dataValidation
               if str(dv.sqref).startswith("C2:")][0]
    assert segment.type == "list" and segment.allow_blank and segment.showErrorMessage


def test_sentiment_colours(written):
    _, wb = written
    ws = wb["Accounts"]
    col = openpyxl.utils.get_column_letter(sheet("Accounts").headers.index("CSM Sentiment") + 1)
    rules = {}
    for cf in ws.conditional_formatting:
        assert str(cf.sqref) == f"{col}2:{col}{12 + 1 + writer.SPARE_ROWS}"
        for rule in cf.rules:
            assert rule.type == "cellIs" and rule.operator == "equal"
            rules[rule.formula[0]] = rule.dxf.fill.bgColor.rgb[-6:]
    assert rules == {'"Red"': "FFC7CE", '"Yellow"': "FFEB9C", '"Green"': "C6EFCE"}


def test_text_is_never_a_formula(tmp_path):
    rows = [{"Account ID": f"ACC-{i}", "Account": text, "Segment": "Growth", "Tier": "Premium",
             "Deployment": "SaaS", "Contract Date": "2026-01-05", "Licensed Users": 10}
            for i, text in enumerate(INJECTIONS)]
    notes = [{"Account ID": "ACC-0", "Date": "2026-02-01", "Type": "Call", "Notes": text}
             for text in INJECTIONS]
    data = CSData.from_frames({"Accounts": rows, "Timeline": notes})
    path = write_workbook(data, tmp_path / "x.xlsx", config_rows={"=cmd|' /C calc'!A0": "-1"},
                          scorecard=False)
    for name, xml in sheet_xml(path).items():
        assert "<f>" not in xml and "<f " not in xml, name
        assert 't="e"' not in xml, name
    # with the Scorecard, its own formulas are the only formulas in the package
    with_scorecard = write_workbook(data, tmp_path / "y.xlsx",
                                    config_rows={"=cmd|' /C calc'!A0": "-1"})
    formulas = [name for name, xml in sheet_xml(with_scorecard).items() if "<f>" in xml]
    assert formulas == ["xl/worksheets/sheet9.xml"]
    wb = openpyxl.load_workbook(path)
    got = [c.value for c in wb["Accounts"]["B"][1:]]
    assert got == INJECTIONS
    assert all(c.data_type == "s" for c in wb["Accounts"]["B"][1:])
    assert [c.value for c in wb["Timeline"]["E"][1:]] == INJECTIONS
    assert wb["Accounts"]["B2"].quotePrefix and not wb["Accounts"]["A2"].quotePrefix
    assert [c.value for c in wb["Config"][2]] == ["=cmd|' /C calc'!A0", "-1"]


def test_control_characters_are_dropped(tmp_path):
    data = CSData.from_frames({"Timeline": [{"Account ID": "A", "Date": "2026-01-01",
                                             "Type": "Email", "Notes": "bell\x07 and tab\t"}]})
    wb = openpyxl.load_workbook(write_workbook(data, tmp_path / "c.xlsx"))
    assert wb["Timeline"]["E2"].value == "bell and tab\t"


def test_empty_data_still_has_tables(tmp_path):
    path = write_workbook(CSData(), tmp_path / "empty.xlsx")
    wb = openpyxl.load_workbook(path)
    for s in SHEETS:
        ws = wb[s.name]
        last = openpyxl.utils.get_column_letter(len(s.columns))
        assert ws.tables[s.table].ref == f"A1:{last}2"
        assert [c.value for c in ws[1]] == s.headers
        assert all(c.value is None for c in ws[2])
    assert wb["Accounts"]["H2"].number_format == "yyyy-mm-dd"


def test_input_is_not_modified(tmp_path, data):
    before = {name: df.copy(deep=True) for name, df in data.sheets().items()}
    config = {"a": 1}
    snapshot = CSData.from_frames(before, config=config, source="sample")
    write_workbook(snapshot, tmp_path / "a.xlsx")
    for name, df in before.items():
        pd.testing.assert_frame_equal(snapshot.sheets()[name], df)
    assert snapshot.config == {"a": 1} and config == {"a": 1}


def test_atomic_write_leaves_no_temp_files(tmp_path, data):
    path = tmp_path / "out.xlsx"
    write_workbook(data, path)
    write_workbook(data, path)  # replaces an existing file
    assert os.listdir(tmp_path) == ["out.xlsx"]
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~_umask()


def test_failed_write_keeps_the_old_file(tmp_path, data, monkeypatch):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    with pytest.raises(WorkbookError, match="No space left"):
        write_workbook(data, path)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.xlsx"]


def test_missing_directories_are_created(tmp_path, data):
    path = write_workbook(data, tmp_path / "new" / "dir" / "out.xlsx")
    assert os.listdir(path.parent) == ["out.xlsx"]


def test_unwritable_target_is_a_workbook_error(tmp_path, data):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(WorkbookError, match="cannot write") as err:
        write_workbook(data, tmp_path / "file" / "out.xlsx")
    assert err.value.file == str(tmp_path / "file" / "out.xlsx")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
