"""``cs-workbook excel setup`` writes the two xlwings add-in settings into the user's config file,
in the format xlwings itself reads (checked with xlwings' own reader)."""

from __future__ import annotations

import sys

import pytest
import xlwings
import xlwings.utils

from cs_workbook import cli
from cs_workbook.cli.excel_setup import UDF_MODULE, default_interpreter, update_config


def _read_with_xlwings(path, monkeypatch) -> dict:
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(path))
    return xlwings.utils.read_user_config()


def test_setup_writes_interpreter_and_udf_module(tmp_path, capsys, monkeypatch):
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    assert cli.main(["excel", "setup", "--config-file", str(conf),
                     "--interpreter", r"C:\Python311\pythonw.exe"]) == 0
    seen = _read_with_xlwings(conf, monkeypatch)
    assert seen["interpreter_win"] == r"C:\Python311\pythonw.exe"
    assert seen["udf modules"] == UDF_MODULE
    out = capsys.readouterr().out
    assert str(conf) in out and "UDF MODULES: cs_workbook.udfs (added)" in out


def test_setup_keeps_other_settings_and_replaces_old_values(tmp_path, monkeypatch):
    conf = tmp_path / "xlwings.conf"
    conf.write_text('"LICENSE_KEY","noncommercial"\n\n"UDF MODULES","my_udfs"\n'
                    '"INTERPRETER_WIN","C:\\old\\pythonw.exe"\n')
    changes = update_config(conf, {"INTERPRETER_WIN": "C:\\new\\pythonw.exe",
                                   "UDF MODULES": UDF_MODULE})
    assert changes == ["INTERPRETER_WIN: C:\\old\\pythonw.exe → C:\\new\\pythonw.exe",
                       "UDF MODULES: my_udfs → cs_workbook.udfs"]
    seen = _read_with_xlwings(conf, monkeypatch)
    assert seen == {"license_key": "noncommercial", "udf modules": UDF_MODULE,
                    "interpreter_win": "C:\\new\\pythonw.exe"}
    assert update_config(conf, {"UDF MODULES": UDF_MODULE}) == \
        ["UDF MODULES: cs_workbook.udfs (unchanged)"]


def test_default_interpreter_is_this_python():
    assert default_interpreter() == sys.executable or default_interpreter().endswith("pythonw.exe")


def test_default_interpreter_prefers_pythonw_on_windows(tmp_path):
    (tmp_path / "python.exe").write_text("")
    (tmp_path / "pythonw.exe").write_text("")
    assert default_interpreter(str(tmp_path / "python.exe")) == str(tmp_path / "pythonw.exe")


def test_a_value_that_would_break_the_file_is_refused(tmp_path, capsys):
    conf = tmp_path / "xlwings.conf"
    assert cli.main(["excel", "setup", "--config-file", str(conf),
                     "--interpreter", 'C:\\a "b"\\pythonw.exe']) == 2
    assert "quotes" in capsys.readouterr().err and not conf.exists()


@pytest.mark.parametrize("argv", [["excel"], ["excel", "nope"]])
def test_excel_needs_an_action(argv):
    with pytest.raises(SystemExit):
        cli.main(argv)
