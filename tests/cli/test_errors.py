"""One error handler for every sub-command: our errors and OS errors are one line on stderr and
exit code 2; the command line starts whatever the environment holds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cs_workbook import cli


def _run(*args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "cs_workbook.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.fixture
def bad_config(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('colour_pointz = "dbt"\n')
    return path


@pytest.mark.parametrize("args", [["--help"], ["functions"], ["score", "--help"],
                                  ["calc", "--help"], ["ebr", "--help"], ["--version"]])
def test_a_broken_config_file_in_the_environment_never_breaks_start_up(bad_config, args):
    proc = _run(*args, env_extra={"CS_WORKBOOK_CONFIG": str(bad_config)})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_config_file_in_the_environment_never_breaks_start_up(tmp_path):
    proc = _run("--help", env_extra={"CS_WORKBOOK_CONFIG": str(tmp_path / "missing.toml")})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr


def test_the_excel_functions_report_the_broken_file_when_first_called(bad_config):
    code = ("from cs_workbook.udfs import CS_POINTS\n"
            "try:\n    CS_POINTS('Yellow')\nexcept Exception as exc:\n    print(exc)\n")
    env = dict(os.environ, CS_WORKBOOK_CONFIG=str(bad_config))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr  # importing the functions did not fail
    assert "colour_pointz" in proc.stdout


@pytest.mark.parametrize("argv, fragment", [
    (["score", "{tmp}/missing.xlsx"], "missing.xlsx"),
    (["ebr", "{tmp}/missing.xlsx", "--account", "A"], "missing.xlsx"),
    (["calc", "{tmp}/missing.xlsx", "-o", "{tmp}/out.xlsx"], "missing.xlsx"),
    (["score", "{tmp}/book.xlsx", "--config", "{tmp}/broken.toml"], "colour_pointz"),
    (["functions", "-o", "{tmp}/no/such/folder/functions.md"], "functions.md"),
    (["new", "sow", "{tmp}/file.txt/sow.xlsx"], "sow.xlsx"),
])
def test_every_sub_command_errors_in_one_line_with_exit_2(tmp_path, capsys, argv, fragment):
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook.writer import write_workbook

    write_workbook(sample_portfolio(n_accounts=2), tmp_path / "book.xlsx")
    (tmp_path / "broken.toml").write_text('colour_pointz = "dbt"\n')
    (tmp_path / "file.txt").write_text("a file, not a folder")
    code = cli.main([a.format(tmp=tmp_path) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("cs-workbook: error: "), err
    assert fragment in err


def test_debug_shows_the_traceback(tmp_path):
    proc = _run("--debug", "score", str(tmp_path / "missing.xlsx"))
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_the_standalone_ebr_entry_point_uses_the_same_handler(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cs_workbook.cli.ebr",
                           str(tmp_path / "missing.xlsx"), "--account", "A"],
                          capture_output=True, text=True, timeout=300)
    main = _run("ebr", str(tmp_path / "missing.xlsx"), "--account", "A")
    assert proc.returncode == main.returncode == 2
    assert proc.stderr == main.stderr


def test_the_score_table_never_prints_nan(capsys):
    import math

    import pandas as pd

    from cs_workbook.cli.portfolio import print_table

    scores = pd.DataFrame({"Account ID": ["A-1"], "Account": ["Acme"], "Lifecycle Stage": [None],
                           "Health Score": [math.nan], "Health Colour": [math.nan],
                           "Health Trend": [math.nan], "License Utilization": [math.nan]})
    print_table(scores, {"grr": None, "nrr": None, "accounts": 1, "as_of": "2026-11-23"})
    out = capsys.readouterr().out
    assert "nan" not in out.lower() and "none" not in out.lower()
    assert "A-1" in out and "NA" in out
