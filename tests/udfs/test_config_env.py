"""The Excel functions follow $CS_WORKBOOK_CONFIG (a TOML file) when the add-in or server starts."""

from __future__ import annotations

import subprocess
import sys


def _call(env_extra, code):
    import os

    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


CODE = "from cs_workbook.udfs import CS_POINTS; print(CS_POINTS('Yellow'))"


def test_default_points_without_the_variable():
    proc = _call({"CS_WORKBOOK_CONFIG": ""}, CODE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "62.5"


def test_toml_named_by_the_variable_is_used(tmp_path):
    toml = tmp_path / "cs.toml"
    toml.write_text('colour_points = "dbt"\n')
    proc = _call({"CS_WORKBOOK_CONFIG": str(toml)}, CODE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "63.0"


def test_a_bad_file_names_the_key(tmp_path):
    toml = tmp_path / "cs.toml"
    toml.write_text('colour_pointz = "dbt"\n')
    proc = _call({"CS_WORKBOOK_CONFIG": str(toml)}, CODE)
    assert proc.returncode != 0 and "colour_pointz" in proc.stderr
