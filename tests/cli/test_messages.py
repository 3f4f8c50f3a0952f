"""Error messages name the file, sheet and what is expected. Issue #10, item 6: scoring an empty
workbook, a missing MRR Changes sheet, ``--as-of`` outside the data, engine errors at the command
boundary, files that are not .xlsx (.xls, .xlsb, encrypted), bad TOML values."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from cs_workbook import cli
from cs_workbook.errors import InvalidInput
from cs_workbook.workbook.formats import OLE2_MAGIC, sniff


@pytest.fixture(scope="module")
def sample_bytes(tmp_path_factory):
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook.writer import write_workbook

    path = tmp_path_factory.mktemp("src") / "book.xlsx"
    write_workbook(sample_portfolio(n_accounts=3), path)
    return path.read_bytes()


@pytest.fixture
def book(tmp_path, sample_bytes):
    path = tmp_path / "book.xlsx"
    path.write_bytes(sample_bytes)
    return path


def _error(capsys, argv) -> str:
    code = cli.main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("cs-workbook: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# -- "a range must not be empty" ----------------------------------------------------------------

def test_scoring_an_empty_template_names_file_and_sheet(tmp_path, capsys):
    assert cli.main(["new", "portfolio", str(tmp_path / "empty.xlsx")]) == 0
    err = _error(capsys, ["score", tmp_path / "empty.xlsx"])
    assert "empty.xlsx" in err and "sheet 'Accounts'" in err and "no accounts" in err
    assert "range must not be empty" not in err


def test_no_mrr_changes_sheet_scores(book, tmp_path, capsys):
    wb = openpyxl.load_workbook(book)
    del wb["MRR Changes"]
    wb.save(tmp_path / "no-mrr.xlsx")
    assert cli.main(["score", str(tmp_path / "no-mrr.xlsx"), "-o",
                     str(tmp_path / "s.json")]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("as_of", ["2001-01-01", "2045-06-30"])
def test_as_of_outside_the_data_scores(book, capsys, as_of):
    assert cli.main(["score", str(book), "--as-of", as_of]) == 0, capsys.readouterr().err
    assert f"as of {as_of}" in capsys.readouterr().out


def test_engine_errors_name_the_workbook(book, capsys, monkeypatch):
    import cs_workbook.portfolio as portfolio

    def broken(*args, **kwargs):
        raise InvalidInput("a range must not be empty")
    monkeypatch.setattr(portfolio, "score_accounts", broken)
    err = _error(capsys, ["score", book, "--as-of", "2026-11-23"])
    assert err == (f"cs-workbook: error: {book}: scoring as of 2026-11-23: a range must not be "
                   "empty\n")


def test_portfolio_summary_of_no_accounts_is_na():
    import datetime as dt

    from cs_workbook.data import CSData
    from cs_workbook.portfolio import portfolio_summary, score_accounts

    data = CSData()
    summary = portfolio_summary(data, score_accounts(data, dt.date(2026, 11, 23)))
    assert summary["accounts"] == 0 and summary["grr"] is None and summary["nrr"] is None
    assert len(summary["reason_shares"]) == 0


# -- not an .xlsx -------------------------------------------------------------------------------

def _ole2(*streams: str) -> bytes:
    """The start of an OLE2 compound file whose directory names ``streams``."""
    entries = b"".join(s.encode("utf-16-le") + b"\0\0" + b"\0" * (62 - 2 * len(s))
                       for s in ("Root Entry",) + streams)
    return OLE2_MAGIC + b"\0" * 504 + entries


def _zip(path, parts: dict):
    with zipfile.ZipFile(path, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return path


@pytest.fixture
def odd_files(tmp_path):
    files = {
        "xls": tmp_path / "legacy.xls",
        "renamed": tmp_path / "renamed.xlsx",
        "encrypted": tmp_path / "secret.xlsx",
        "xlsb": tmp_path / "binary.xlsb",
        "ods": tmp_path / "open.ods",
        "empty": tmp_path / "empty.xlsx",
    }
    files["xls"].write_bytes(_ole2("Workbook", "\x05SummaryInformation"))
    files["renamed"].write_bytes(_ole2("Book"))
    files["encrypted"].write_bytes(_ole2("EncryptionInfo", "EncryptedPackage"))
    _zip(files["xlsb"], {"[Content_Types].xml": "application/vnd.ms-excel.sheet.binary."
                                                "macroEnabled.main", "xl/workbook.bin": "x"})
    _zip(files["ods"], {"mimetype": "application/vnd.oasis.opendocument.spreadsheet"})
    files["empty"].write_bytes(b"")
    return files


def test_sniff(odd_files, book):
    assert {k: sniff(p) for k, p in odd_files.items()} == {
        "xls": "xls", "renamed": "xls", "encrypted": "encrypted", "xlsb": "xlsb", "ods": "ods",
        "empty": "empty"}
    assert sniff(book) == "xlsx"


@pytest.mark.parametrize("kind, phrase", [
    ("xls", "is an .xls (Excel 97-2003) workbook: open it in Excel and save it as .xlsx"),
    ("renamed", "is an .xls (Excel 97-2003) workbook"),
    ("encrypted", "is encrypted (password protected)"),
    ("xlsb", "is an .xlsb (Excel binary) workbook"),
    ("ods", "is an OpenDocument spreadsheet (.ods)"),
    ("empty", "is empty"),
])
def test_calc_says_what_the_file_is(odd_files, tmp_path, capsys, kind, phrase):
    src = odd_files[kind]
    for out in (tmp_path / f"out{src.suffix}", tmp_path / "out.xlsx"):
        err = _error(capsys, ["calc", src, "-o", out])
        assert f"{src}: {phrase}" in err


@pytest.mark.parametrize("kind", ["encrypted", "renamed", "empty"])
def test_score_says_what_the_file_is(odd_files, capsys, kind):
    err = _error(capsys, ["score", odd_files[kind]])
    assert str(odd_files[kind]) in err and ("encrypted" in err or ".xls" in err or "empty" in err)


# -- TOML values --------------------------------------------------------------------------------

@pytest.mark.parametrize("line, expects", [
    ('red_max = "abc"', "config key 'red_max' expects a number ≥ 0 (e.g. 50.0), not 'abc'"),
    ("goal_engage_days = 1.5", "'goal_engage_days' expects a whole number ≥ 0 (e.g. 14), not 1.5"),
    ("grr_target = 2", "'grr_target' expects a fraction from 0 to 1"),
    ('instance_ttv_since = "soon"', "'instance_ttv_since' expects a date YYYY-MM-DD"),
    ('sentiment_override = "maybe"', "'sentiment_override' expects TRUE or FALSE"),
    ('lu_table = "x"', "'lu_table' expects one of dbt, handbook"),
    ("red_max = true", "'red_max' expects a number"),
    ("red_max = -5", "'red_max' expects a number ≥ 0"),
])
def test_bad_toml_values_say_what_the_key_expects(book, tmp_path, capsys, line, expects):
    toml = tmp_path / "c.toml"
    toml.write_text(line + "\n")
    err = _error(capsys, ["score", book, "--config", toml])
    assert str(toml) in err and expects in err
    assert "could not convert" not in err and "isoformat" not in err
