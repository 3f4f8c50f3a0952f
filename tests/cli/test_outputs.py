"""Where commands write: never over an input (same path, symlink or hard link), and into a folder
when ``-o`` names one (a trailing slash creates it). Issue #10, items 1 and 4."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from cs_workbook import cli
from cs_workbook.errors import WorkbookError
from cs_workbook.files import check_not_input, output_path, same_file


@pytest.fixture(scope="module")
def book_bytes(tmp_path_factory):
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook.writer import write_workbook

    path = tmp_path_factory.mktemp("src") / "book.xlsx"
    write_workbook(sample_portfolio(n_accounts=2), path)
    return path.read_bytes()


@pytest.fixture
def book(tmp_path, book_bytes):
    path = tmp_path / "book.xlsx"
    path.write_bytes(book_bytes)
    (tmp_path / "c.toml").write_text('colour_points = "dbt"\n')
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return path


def _refused(capsys, argv, *protected: Path):
    before = {p: p.read_bytes() for p in protected}
    code = cli.main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("cs-workbook: error: ") and err.count("\n") == 1, err
    assert "must differ from the input" in err
    for p, body in before.items():
        assert p.read_bytes() == body, f"{p} was changed"
    return err


# -- the helper -------------------------------------------------------------------------------

def test_same_file_follows_symlinks_and_hard_links(tmp_path):
    a = tmp_path / "a.xlsx"
    a.write_text("x")
    (tmp_path / "sym.xlsx").symlink_to(a)
    os.link(a, tmp_path / "hard.xlsx")
    (tmp_path / "other.xlsx").write_text("x")
    (tmp_path / "sub").mkdir()
    assert same_file(a, tmp_path / "sym.xlsx") and same_file(a, tmp_path / "hard.xlsx")
    assert same_file(a, tmp_path / "sub" / ".." / "a.xlsx")
    assert not same_file(a, tmp_path / "other.xlsx")
    assert not same_file(a, tmp_path / "missing.xlsx")


def test_check_not_input_names_both_files(tmp_path):
    a = tmp_path / "a.xlsx"
    a.write_text("x")
    (tmp_path / "link.xlsx").symlink_to(a)
    with pytest.raises(WorkbookError) as err:
        check_not_input(tmp_path / "link.xlsx", None, tmp_path / "c.toml", a)
    assert str(tmp_path / "link.xlsx") in str(err.value) and str(a) in str(err.value)
    check_not_input(tmp_path / "new.xlsx", a)  # a new file is fine
    with pytest.raises(WorkbookError, match="must differ"):
        check_not_input(a, a)


@pytest.mark.parametrize("value, name, expected", [
    (None, "scores.xlsx", "scores.xlsx"),
    ("out/", "scores.xlsx", "out/scores.xlsx"),
    ("out/s.csv", "scores.xlsx", "out/s.csv"),
    ("s.json", "scores.xlsx", "s.json"),
])
def test_output_path(value, name, expected):
    assert output_path(value, name) == Path(expected)


def test_output_path_existing_folder_without_slash(tmp_path):
    assert output_path(str(tmp_path), "x.pdf") == tmp_path / "x.pdf"


# -- item 1: every command refuses to write over an input -------------------------------------

def _links(book: Path):
    """The output spellings that all are the input: itself, another spelling, a symlink, a hard
    link."""
    folder = book.parent
    (folder / "sym.xlsx").symlink_to(book)
    os.link(book, folder / "hard.xlsx")
    (folder / "sub").mkdir()
    return {"same": book, "dotdot": folder / "sub" / ".." / book.name,
            "symlink": folder / "sym.xlsx", "hardlink": folder / "hard.xlsx"}


@pytest.mark.parametrize("kind", ["same", "dotdot", "symlink", "hardlink"])
def test_score_refuses_to_overwrite_its_workbook(book, capsys, kind):
    target = _links(book)[kind]
    err = _refused(capsys, ["score", book, "-o", target], book)
    assert str(target) in err


@pytest.mark.parametrize("kind", ["same", "symlink", "hardlink"])
def test_ebr_account_refuses_to_overwrite_its_workbook(book, capsys, kind):
    target = _links(book)[kind]
    _refused(capsys, ["ebr", book, "--account", "ACC-001", "-o", target], book)


@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_calc_refuses_links_to_its_workbook(book, capsys, kind):
    target = _links(book)[kind]
    err = _refused(capsys, ["calc", book, "-o", target], book)
    assert str(book) in err and str(target) in err  # names both


def test_config_and_logo_are_inputs_too(book, capsys):
    toml, logo = book.parent / "c.toml", book.parent / "logo.png"
    _refused(capsys, ["score", book, "--config", toml, "-o", toml], toml)
    _refused(capsys, ["ebr", book, "--account", "ACC-001", "--config", toml, "-o", toml], toml)
    _refused(capsys, ["ebr", book, "--account", "ACC-001", "--logo", logo, "-o", logo], logo)


def test_a_folder_default_name_that_is_an_input_is_refused(book, capsys):
    out = book.parent / "out"
    out.mkdir()
    os.link(book, out / "scores.xlsx")
    _refused(capsys, ["score", book, "-o", f"{out}/"], book)
    os.link(book, out / "ACC-001.pdf")
    _refused(capsys, ["ebr", book, "--account", "ACC-001", "-o", out], book)
    # calc into the workbook's own folder would write the workbook itself
    _refused(capsys, ["calc", book, "-o", book.parent], book)


@pytest.mark.parametrize("name", ["ACC-002.pdf", "ebr-errors.txt"])
def test_ebr_all_never_writes_into_an_input(book, capsys, name):
    out = book.parent / "reviews"
    out.mkdir()
    (out / name).symlink_to(book)
    _refused(capsys, ["ebr", book, "--all", "-o", out, "--jobs", "1"], book)
    assert sorted(p.name for p in out.iterdir()) == [name]  # nothing rendered


# -- item 4: -o names a folder -------------------------------------------------------------------

def test_score_into_a_folder(book, capsys):
    new = book.parent / "new"
    assert cli.main(["score", str(book), "-o", f"{new}/"]) == 0
    assert openpyxl.load_workbook(new / "scores.xlsx").sheetnames == ["Scores", "Portfolio", "Notes"]
    existing = book.parent / "existing"
    existing.mkdir()
    assert cli.main(["score", str(book), "-o", str(existing)]) == 0
    assert (existing / "scores.xlsx").is_file()
    assert str(existing / "scores.xlsx") in capsys.readouterr().out


def test_ebr_account_into_a_new_folder(book, capsys):
    new = book.parent / "newdir"
    assert cli.main(["ebr", str(book), "--account", "ACC-001", "-o", f"{new}/",
                     "--as-of", "2026-11-23"]) == 0
    assert new.is_dir() and (new / "ACC-001.pdf").read_bytes().startswith(b"%PDF")
    assert not (book.parent / "newdir.pdf").exists()


def test_ebr_account_missing_folder_without_slash_is_refused(book, capsys):
    code = cli.main(["ebr", str(book), "--account", "ACC-001", "-o",
                     str(book.parent / "missing" / "x.pdf")])
    assert code == 2 and "does not exist" in capsys.readouterr().err


def test_calc_into_a_folder_keeps_the_name(tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["A2"] = 2, "=A1*21"
    src = tmp_path / "in.xlsx"
    wb.save(src)
    assert cli.main(["calc", str(src), "-o", f"{tmp_path}/calculated/"]) == 0
    out = tmp_path / "calculated" / "in.xlsx"
    assert openpyxl.load_workbook(out, data_only=True).active["A2"].value == 42


@pytest.mark.parametrize("kind, name", [("portfolio", "portfolio.xlsx"),
                                        ("sow", "sow-calculator.xlsx")])
def test_new_into_a_folder(tmp_path, capsys, kind, name):
    assert cli.main(["new", kind, f"{tmp_path}/templates/"]) == 0
    assert (tmp_path / "templates" / name).is_file()


@pytest.mark.parametrize("flags, name", [([], "functions.txt"), (["--markdown"], "functions.md")])
def test_functions_into_a_folder(tmp_path, capsys, flags, name):
    assert cli.main(["functions", *flags, "-o", f"{tmp_path}/docs/"]) == 0
    assert "CS_HEALTH_SCORE" in (tmp_path / "docs" / name).read_text()


# -- found in the issue #10 audit (docs/hardening.md) -----------------------------------------

def test_ebr_account_to_a_name_without_pdf_is_refused(book, capsys):
    target = book.parent / "newdir"  # neither a folder nor a .pdf: once a PDF named newdir
    code = cli.main(["ebr", str(book), "--account", "ACC-001", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "newdir: an EBR is a PDF" in err
    assert not target.exists()


def test_new_to_a_name_without_xlsx_is_refused(tmp_path, capsys):
    target = tmp_path / "templates"
    assert cli.main(["new", "portfolio", str(target)]) == 2
    assert "templates: a template is an .xlsx workbook" in capsys.readouterr().err
    assert not target.exists()


def test_import_into_a_linked_folder_holding_the_source_is_refused(tmp_path, capsys):
    src = tmp_path / "exports"
    src.mkdir()
    (src / "Accounts.csv").write_text("Record ID,Company name,Lifecycle Stage\n9001,Acme,Customer\n")
    before = (src / "Accounts.csv").read_bytes()
    (tmp_path / "link").symlink_to(src, target_is_directory=True)
    code = cli.main(["import", "--from", "hubspot", str(src / "Accounts.csv"),
                     "-o", f"{tmp_path / 'link'}/"])
    err = capsys.readouterr().err
    assert code == 2 and "holds the source Accounts.csv" in err, err
    assert (src / "Accounts.csv").read_bytes() == before
    assert sorted(p.name for p in src.iterdir()) == ["Accounts.csv"]


@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_import_refuses_an_output_linked_to_its_source(tmp_path, capsys, kind):
    src = tmp_path / "export.csv"
    src.write_text("Record ID,Company name,Lifecycle Stage\n9001,Acme,Customer\n")
    out = tmp_path / "book.xlsx"
    out.symlink_to(src) if kind == "symlink" else os.link(src, out)
    _refused(capsys, ["import", "--from", "hubspot", src, "-o", out], src)


def test_functions_never_writes_text_over_a_workbook(book, capsys):
    before = book.read_bytes()
    assert cli.main(["functions", "-o", str(book)]) == 2
    assert "book.xlsx: the catalogue is text" in capsys.readouterr().err
    assert book.read_bytes() == before
