"""The CLI end to end, through subprocesses as a user runs it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import cs_workbook as cs
from paths import ROOT

from cs_workbook.sample import sample_portfolio

AS_OF = "2026-11-23"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "cs_workbook.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    proc = run("demo", "--out", str(out), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_demo_writes_and_lists_its_files(demo):
    out, proc = demo
    for name in ("sample-portfolio.xlsx", "scores.xlsx", "scores.json"):
        assert (out / name).stat().st_size > 0
        assert str(out / name) in proc.stdout
    assert "GRR" in proc.stdout and "NRR" in proc.stdout


def test_score_matches_engine(demo, tmp_path):
    out, _ = demo
    target = tmp_path / "scores.json"
    proc = run("score", str(out / "sample-portfolio.xlsx"), "-o", str(target), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(target.read_text())
    data = sample_portfolio(dt.date(2026, 11, 23))
    expected = cs.score_accounts(data, dt.date(2026, 11, 23))
    got = pd.DataFrame(doc["accounts"], dtype=object)
    assert list(got["Account ID"]) == list(expected["Account ID"])
    for col in ("Health Score", "Product Score", "License Utilization", "CD Score",
                "Time to Engage", "GRR", "NRR"):
        pd.testing.assert_series_equal(got[col].astype(float), expected[col].astype(float),
                                       check_names=False, rtol=1e-12)
    for col in ("Health Colour", "License Health", "Lifecycle Stage", "Engage Status",
                "Seat expansion", "Churn risk"):
        assert got[col].tolist() == [None if v is None or v != v else v
                                     for v in expected[col].tolist()]
    summary = cs.portfolio_summary(data, expected, dt.date(2026, 11, 23))
    assert doc["summary"]["grr"] == pytest.approx(summary["grr"], rel=1e-12)
    assert doc["summary"]["nrr"] == pytest.approx(summary["nrr"], rel=1e-12)


def test_score_table_and_xlsx_csv(demo, tmp_path):
    out, _ = demo
    proc = run("score", str(out / "sample-portfolio.xlsx"), "--as-of", AS_OF)
    assert proc.returncode == 0 and "ACC-001" in proc.stdout and "GRR" in proc.stdout
    for suffix in (".xlsx", ".csv"):
        target = tmp_path / f"s{suffix}"
        assert run("score", str(out / "sample-portfolio.xlsx"), "-o", str(target),
                   "--as-of", AS_OF).returncode == 0
        if suffix == ".csv":
            assert len(pd.read_csv(target)) == 40
        else:
            wb = openpyxl.load_workbook(target)
            assert wb.sheetnames == ["Scores", "Portfolio", "Notes"]
            assert wb["Scores"].max_row == 41


def test_input_workbook_is_not_modified(demo, tmp_path):
    out, _ = demo
    src = out / "sample-portfolio.xlsx"
    before = src.read_bytes()
    assert run("score", str(src), "-o", str(tmp_path / "x.json"), "--as-of", AS_OF).returncode == 0
    assert src.read_bytes() == before


def _bad_workbook(src: Path, dst: Path, sheet: str, row: int, column: str, value):
    wb = openpyxl.load_workbook(src)
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    ws.cell(row=row, column=headers.index(column) + 1, value=value)
    wb.save(dst)
    return dst


@pytest.mark.parametrize("sheet,row,column,value,needle", [
    ("Usage", 14, "Billable Users", "n/a", "'n/a'"),
    ("Accounts", 5, "Tier", "Platinum", "Platinum"),
    ("Accounts", 3, "Account ID", "ACC-001", "ACC-001"),
])
def test_bad_workbook_exit_2_one_line(demo, tmp_path, sheet, row, column, value, needle):
    out, _ = demo
    bad = _bad_workbook(out / "sample-portfolio.xlsx", tmp_path / "bad.xlsx", sheet, row,
                        column, value)
    proc = run("score", str(bad), "--as-of", AS_OF)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "bad.xlsx" in lines[0] and f"sheet '{sheet}'" in lines[0]
    assert f"column '{column}'" in lines[0] and needle in lines[0]
    if column != "Account ID":
        assert f"row {row}" in lines[0]


def test_missing_file_and_bad_config(tmp_path, demo):
    proc = run("score", str(tmp_path / "nope.xlsx"))
    assert proc.returncode == 2 and "nope.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    toml = tmp_path / "c.toml"
    toml.write_text('colour_pointz = "dbt"\n')
    out, _ = demo
    proc = run("score", str(out / "sample-portfolio.xlsx"), "--config", str(toml))
    assert proc.returncode == 2 and "colour_pointz" in proc.stderr


def test_config_toml_changes_result(demo, tmp_path):
    out, _ = demo
    toml = tmp_path / "c.toml"
    toml.write_text('weights_profile = "gitlab_2022"\n')
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run("score", str(out / "sample-portfolio.xlsx"), "-o", str(a), "--as-of", AS_OF)
    run("score", str(out / "sample-portfolio.xlsx"), "-o", str(b), "--as-of", AS_OF,
        "--config", str(toml))
    sa = [r["Health Score"] for r in json.loads(a.read_text())["accounts"]]
    sb = [r["Health Score"] for r in json.loads(b.read_text())["accounts"]]
    assert sa != sb


def test_debug_shows_traceback(tmp_path):
    proc = run("--debug", "score", str(tmp_path / "nope.xlsx"))
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_new_templates(tmp_path):
    for args, n in ((["portfolio", "p.xlsx"], 0), (["portfolio", "s.xlsx", "--sample"], 40),
                    (["journey", "j.xlsx", "--sample", "--account", "ACC-007"], 1)):
        proc = run("new", *args, "--as-of", AS_OF, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        data = __import__("cs_workbook.workbook.reader", fromlist=["x"]).read_workbook(
            tmp_path / args[1])
        assert len(data.accounts) == n
    proc = run("new", "journey", "x.xlsx", "--sample", "--account", "ACC-999", cwd=tmp_path)
    assert proc.returncode == 2 and "ACC-999" in proc.stderr


@pytest.mark.parametrize("cmd", [[], ["demo"], ["new"], ["score"]])
def test_help_everywhere(cmd):
    proc = run(*cmd, "--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["scripts/demo.sh", "scripts/test.sh"]
    head = text[: text.index("```bash")]
    assert head.count("\n## ") <= 1  # the commands come first, right after the intro
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/test.sh" in ci


def test_readme_commands_run_as_written(tmp_path):
    env = dict(os.environ)
    proc = subprocess.run(["scripts/demo.sh", "--out", str(tmp_path / "d"), "--as-of", AS_OF],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "d" / "scores.xlsx").exists()
    proc = subprocess.run(["scripts/test.sh", "--collect-only", "tests/cli/test_cli.py"],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "test_score_matches_engine" in proc.stdout
