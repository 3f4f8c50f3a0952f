"""xlwings Lite (Pyodide inside Excel) can load the Excel functions: their import closure is pure
Python plus numpy, pandas and xlwings, the only requirements of the core package.

The wheel that scripts/build-wheel.sh builds is installed with ``--no-deps`` into a fresh
virtualenv (no system site-packages) holding only the core requirements read from the wheel's
own metadata, at the versions installed here. In it, tests/udfs/lite_check.py computes every
help example through ``cs_workbook.udfs.lite`` — directly and through xlwings' Office.js call
path, the one xlwings Lite uses — checks each result like tests/udfs/test_help_examples.py, and
reports any library of the extras that got imported. The CLI of a core-only install names the
extra a command needs and exits 2.

Slow (a virtualenv and three installs, ~25 s): the virtualenv is made once per test session,
in a folder keyed by the wheel's hash.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from cs_workbook.cli import app

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
HERE = Path(__file__).resolve().parent
CORE = {"numpy", "pandas", "xlwings"}
#: Libraries of the extras; none may be installed in the Lite virtualenv, nor imported there.
EXTRA_LIBRARIES = ("openpyxl", "python_calamine", "formulas", "jinja2", "weasyprint")

slow = pytest.mark.slow


def _run(cmd, **kw):
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300,
                         **kw)
    assert out.returncode == 0, f"{cmd}: {out.stdout}\n{out.stderr}"
    return out


def _core_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode("utf-8")
    reqs = [Requirement(line.split(":", 1)[1].strip()) for line in text.splitlines()
            if line.startswith("Requires-Dist:")]
    return [r for r in reqs if r.marker is None]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    env = dict(os.environ, PYTHON=sys.executable)
    _run(["bash", ROOT / "scripts" / "build-wheel.sh", out], env=env, cwd=ROOT)
    (path,) = out.glob("*.whl")
    return path


@pytest.fixture(scope="session")
def lite_python(wheel, tmp_path_factory) -> Path:
    """The Python of a virtualenv with only the core requirements and our wheel."""
    key = hashlib.sha256(wheel.read_bytes()).hexdigest()[:16]
    venv = tmp_path_factory.getbasetemp() / f"lite-venv-{key}"
    python = venv / "bin" / "python"
    if (venv / "ready").exists():
        return python
    # no pip inside: this interpreter's pip installs into it (pip --python), saving ensurepip
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    pins = []
    for req in _core_requirements(wheel):
        here = importlib.metadata.version(req.name)  # what the suite runs with, pip-cached
        pins.append(f"{req.name}=={here}" if req.specifier.contains(here) else str(req))
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-input"]
    _run([*pip, *pins])
    _run([*pip, "--no-deps", wheel])
    (venv / "ready").write_text(wheel.name)
    return python


@slow
def test_the_wheel_is_pure_python_and_needs_only_the_core(wheel):
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    assert {r.name.lower() for r in _core_requirements(wheel)} == CORE
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "cs_workbook/udfs/lite.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dylib"))]


@slow
def test_the_lite_virtualenv_has_no_extra(lite_python):
    code = ("import importlib.util, sys; "
            f"print([m for m in {EXTRA_LIBRARIES!r} if importlib.util.find_spec(m)])")
    out = _run([lite_python, "-I", "-c", code])
    assert out.stdout.strip() == "[]"


@slow
def test_every_help_example_under_the_lite_closure(lite_python):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XLWINGS_", "CS_WORKBOOK_", "PYTHON"))}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"  # xlwings' Office.js call path (PRO code)
    out = _run([lite_python, "-I", HERE / "lite_check.py", HERE / "examples.py"], env=env)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["failures"] == []
    assert report["checked"] == report["functions"] == len(report["registered"])
    assert report["via_xlwings"] == report["functions"]
    assert report["forbidden"] == [], "the Excel functions imported libraries of the extras"
    assert all(re.fullmatch(r"CS\.[A-Z_]+", n) for n in report["registered"])


@slow
@pytest.mark.parametrize("command, extra", [
    (["new", "portfolio", "{tmp}/p.xlsx"], "workbook"),
    (["calc", "{tmp}/in.xlsx", "-o", "{tmp}/out.xlsx"], "workbook"),
    (["demo", "--out", "{tmp}/demo"], "workbook"),
])
def test_a_core_only_cli_names_the_extra_to_install(lite_python, tmp_path, command, extra):
    (tmp_path / "in.xlsx").write_bytes(b"")
    cli = lite_python.parent / "cs-workbook"
    out = subprocess.run([cli, *[c.format(tmp=tmp_path) for c in command]],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert f"the '{extra}' extra" in lines[0] and 'pip install "cs-workbook[all]"' in lines[0]


@slow
def test_a_core_only_cli_still_lists_the_functions(lite_python):
    out = _run([lite_python.parent / "cs-workbook", "functions"])
    assert "CS_HEALTH_SCORE(" in out.stdout


# -- the error mapping itself, in this process (fast) -----------------------------------------

@pytest.mark.parametrize("module, extra", [("python_calamine", "workbook"),
                                           ("formulas", "calc"), ("weasyprint", "pdf")])
def test_a_missing_extra_is_one_line_and_exit_2(monkeypatch, capsys, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # importing it raises ModuleNotFoundError

    class Args:
        debug = False

        @staticmethod
        def func(args):
            __import__(module)

    assert app.run(Args()) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"'{extra}' extra" in err and "cs-workbook[all]" in err


def test_an_unknown_missing_module_is_not_hidden(monkeypatch):
    monkeypatch.setitem(sys.modules, "no_such_module_of_ours", None)

    class Args:
        debug = False

        @staticmethod
        def func(args):
            import no_such_module_of_ours  # noqa: F401

    with pytest.raises(ModuleNotFoundError):
        app.run(Args())
