"""``cs-workbook calc``: writes the calculated copy, one-line errors with exit code 2."""

from __future__ import annotations

import openpyxl
import pytest

from cs_workbook import cli


@pytest.fixture
def run():
    return cli.main


@pytest.fixture
def book(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = 2
    wb.active["A2"] = "=A1*21"
    path = tmp_path / "in.xlsx"
    wb.save(path)
    return path


def test_calc_writes_the_values(run, book, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    assert run(["calc", str(book), "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out, data_only=True).active["A2"].value == 42
    assert "calculated 1 of 1 formula cells" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["{book}", "-o", "{book}"], "must differ"),
    (["{tmp}/missing.xlsx", "-o", "{tmp}/o.xlsx"], "no such workbook"),
    (["{book}", "-o", "{tmp}/o.xlsm"], "same extension"),
])
def test_errors_are_one_line_exit_2(run, book, tmp_path, capsys, args, message):
    argv = ["calc"] + [a.format(book=book, tmp=tmp_path) for a in args]
    assert run(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and err.startswith("cs-workbook: error")


def test_output_is_required(run, book):
    with pytest.raises(SystemExit) as exc:
        run(["calc", str(book)])
    assert exc.value.code == 2
