"""The import-contract checker itself (``tests/import_checker.py``, ``tests/import_runtime.py``):
each kind of violation is caught in synthetic sources and throwaway packages, clean code passes.
The real tree is checked by ``test_import_contract.py``.

Run:  .venv/bin/python -m pytest tests/engine/test_import_checker.py
"""

from __future__ import annotations

import os

import pytest
from import_checker import CONTRACT, Contract, scan, violations
from import_runtime import KNOWN, discover, loaded_after_import, runtime_violations


LAZY_OPENPYXL = """
def load(path):
    import openpyxl
    return openpyxl.load_workbook(path)
"""

BAD = {
    # (source, module, expected text in a violation)
    "a-lazy-import-in-data": (LAZY_OPENPYXL, "cs_workbook.data", "third-party openpyxl"),
    "b-xlsxwriter-in-metrics": ("import xlsxwriter\n", "cs_workbook.metrics.health",
                                "third-party xlsxwriter"),
    "b-formulas-in-metrics": ("from formulas import Parser\n", "cs_workbook.metrics.health",
                              "third-party formulas"),
    "c-import_module-constant": ("import importlib\nm = importlib.import_module('openpyxl')\n",
                                 "cs_workbook.metrics.ttv", "third-party openpyxl"),
    "c-import_module-non-constant": (
        "from importlib import import_module\n\ndef f(name):\n    return import_module(name)\n",
        "cs_workbook.metrics.ttv", "cannot be determined statically"),
    "c-import_module-aliased": ("import importlib as il\nil.import_module('cs_workbook.cli')\n",
                                "cs_workbook.portfolio.score", "the cli layer"),
    "d-adapter-import-in-schema": ("from cs_workbook.udfs import CS_HEALTH_SCORE\n",
                                   "cs_workbook.schema", "cs_workbook.udfs is in the udfs layer"),
    "e-open-in-metrics": ("def f():\n    return open('x').read()\n", "cs_workbook.metrics.colours",
                          "calls open(…)"),
    "e-path-read_text-in-engine": ("def f(p):\n    return p.read_text()\n",
                                   "cs_workbook.config", "calls .read_text(…)"),
    "e-pandas-read_excel-in-engine": ("import pandas as pd\ndf = pd.read_excel('x.xlsx')\n",
                                      "cs_workbook.data", "calls pandas.read_excel(…)"),
    "e-io-module-in-engine": ("from pathlib import Path\n", "cs_workbook.config",
                              "pathlib is an I/O module"),
    "e-os-in-sample": ("import os.path\n", "cs_workbook.sample.accounts", "os.path is an I/O"),
    "f-relative-adapter-import": ("from ..reports import render\n", "cs_workbook.udfs.health",
                                  "in the reports layer, which udfs may not"),
    "g-calc-from-udfs": ("from cs_workbook.calc import calculate\n", "cs_workbook.udfs.rows",
                         "cs_workbook.calc is in the calc layer"),
    "h-from-root-import-workbook": ("from cs_workbook import workbook\n",
                                    "cs_workbook.reports.viewmodel",
                                    "cs_workbook.workbook is in the workbook layer"),
    "i-module-in-no-layer": ("import math\n", "cs_workbook.gadgets", "is in no layer"),
    "j-dunder-import-in-engine": ("mod = __import__('jinja2')\n", "cs_workbook.rounding",
                                  "third-party jinja2"),
    # more of the same kinds
    "relative-import-from-root-init": ("from .workbook import reader\n", "cs_workbook",
                                       "cs_workbook.workbook.reader is in the workbook layer"),
    "import-of-a-module-in-no-layer": ("import cs_workbook.gadgets\n", "cs_workbook.cli.main",
                                       "cs_workbook.gadgets is in no layer"),
    "udfs-server-only-from-cli": ("from cs_workbook.udfs.server import serve\n",
                                  "cs_workbook.calc.engine", "the udfs_server layer"),
    "udfs-may-not-use-the-server-extra": ("import fastapi\n", "cs_workbook.udfs.health",
                                          "third-party fastapi"),
    "files-are-stdlib-only": ("import numpy\n", "cs_workbook.files", "third-party numpy"),
    "templates-import-nothing-of-ours": ("import cs_workbook\n", "cs_workbook.templates",
                                         "in the engine layer"),
    "reports-may-not-import-sample": ("from cs_workbook.sample import generate\n",
                                      "cs_workbook.reports.render", "the sample layer"),
    "dunder-import-fromlist": ("__import__('cs_workbook', fromlist=['udfs'])\n",
                               "cs_workbook.metrics", "cs_workbook.udfs is in the udfs layer"),
    "relative-import_module": ("import importlib\nimportlib.import_module('..cli', __package__)\n",
                               "cs_workbook.reports.render", "the cli layer"),
    "f-string-non-constant": ("import importlib\n"
                              "def f(n):\n    return importlib.import_module(f'{__name__}.{n}')\n",
                              "cs_workbook.reports", "cannot be determined statically"),
    "opaque-load": ("import importlib.util\nm = importlib.util.module_from_spec(spec)\n",
                    "cs_workbook.udfs.rows", "cannot be determined statically"),
    "resources-files-imports-the-package": (
        "from importlib import resources\nT = resources.files('cs_workbook.templates')\n",
        "cs_workbook.udfs.rows", "cs_workbook.templates is in the templates layer"),
    "resources-files-non-constant": (
        "import importlib.resources as r\ndef f(p):\n    return r.files(p)\n",
        "cs_workbook.udfs.rows", "cannot be determined statically"),
    "import-under-type-checking-counts": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import openpyxl\n",
        "cs_workbook.data", "third-party openpyxl"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_checker_reports(case):
    source, module, expected = BAD[case]
    found = violations(source, module, CONTRACT, module.count(".") == 0, KNOWN)
    assert any(expected in v for v in found), f"expected {expected!r} in {found}"


CLEAN_ENGINE = '''
"""A clean engine module."""
from __future__ import annotations

import datetime as dt
import importlib.util
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import colours
from ..config import DEFAULT
from cs_workbook import errors
from cs_workbook import CSData   # a name, not a module


@dataclass
class Result:
    value: float


def score(frame: pd.DataFrame) -> Result:
    import statistics   # lazy stdlib imports are fine
    have_x = importlib.util.find_spec("xlwings") is not None   # find_spec imports nothing
    text = frame.to_string()
    return Result(float(np.nanmean(frame["x"])) + math.pi + statistics.mean([1]))
'''

CLEAN = {
    "engine": (CLEAN_ENGINE, "cs_workbook.metrics.clean", False),
    "udfs": ("import xlwings as xw\nimport numpy\nfrom ..metrics import health\n"
             "from . import coerce\nimport os\n", "cs_workbook.udfs.health", False),
    "reports": ("import jinja2\nfrom markupsafe import Markup\nfrom cs_workbook import files\n"
                "from cs_workbook.data import CSData\nimport importlib\n"
                "importlib.import_module('.render', __name__)\n", "cs_workbook.reports", True),
    "calc": ("import formulas\nfrom cs_workbook.workbook import reader\n"
             "from cs_workbook.udfs import CATALOGUE\n", "cs_workbook.calc.engine", False),
    "cli": ("import openpyxl, weasyprint, xlwings_server\nfrom cs_workbook.udfs import server\n"
            "from cs_workbook.calc import calculate\nfrom ..sample import accounts\n",
            "cs_workbook.cli.main", False),
    "server": ("import uvicorn\nfrom xlwings_server import main\nfrom . import CATALOGUE\n",
               "cs_workbook.udfs.server", False),
}


@pytest.mark.parametrize("case", sorted(CLEAN))
def test_checker_accepts_clean_code(case):
    source, module, is_package = CLEAN[case]
    assert violations(source, module, CONTRACT, is_package, KNOWN) == []


def test_checker_resolves_relative_and_from_imports():
    s = scan("from . import health\nfrom ..config import DEFAULT\nfrom .. import workbook\n"
             "from cs_workbook import CSData\n", "cs_workbook.metrics", CONTRACT,
             is_package=True, known=KNOWN)
    targets = [i.target for i in s.imports]
    assert "cs_workbook.metrics.health" in targets      # a package's __init__: . is itself
    assert "cs_workbook.config" in targets
    assert "cs_workbook.workbook" in targets
    assert "cs_workbook.CSData" not in targets          # a name, not a module


def test_checker_layer_map():
    assert CONTRACT.layer_of("cs_workbook") == "engine"
    assert CONTRACT.layer_of("cs_workbook.metrics.health") == "engine"
    assert CONTRACT.layer_of("cs_workbook.udfs.server") == "udfs_server"
    assert CONTRACT.layer_of("cs_workbook.udfs.health") == "udfs"
    assert CONTRACT.layer_of("cs_workbook.gadgets") is None
    assert CONTRACT.layer_of("cs_workbook.configs") is None     # exact names are exact
    assert "udfs_server" not in CONTRACT.reachable("calc")
    with pytest.raises(ValueError):
        Contract({"a": {"modules": ["x"], "third_party": [], "ours": ["nope"]}})
    with pytest.raises(ValueError):
        Contract({"a": {"modules": ["x"], "third_party": [], "ours": []},
                  "b": {"modules": ["x"], "third_party": [], "ours": []}})


def test_checker_discovery_walks_package_dir(tmp_path):
    (tmp_path / "core" / "sub").mkdir(parents=True)
    (tmp_path / "plug").mkdir()
    (tmp_path / "core" / "loose").mkdir()
    for f in ["core/__init__.py", "core/a.py", "core/sub/__init__.py", "core/sub/b.py",
              "plug/__init__.py", "plug/c.py", "core/loose/d.py"]:
        (tmp_path / f).write_text("", encoding="utf-8")
    modules, problems = discover(tmp_path, {"pkg": "core", "pkg.plug": "plug"})
    assert set(modules) == {"pkg", "pkg.a", "pkg.sub", "pkg.sub.b", "pkg.plug", "pkg.plug.c"}
    assert modules["pkg.sub"].is_package and not modules["pkg.a"].is_package
    assert problems == [f"core{os.sep}loose has Python files but no __init__.py"]


FAKE = {
    "engine": {"modules": ["fakepkg", "fakepkg.core"], "third_party": ["numpy"], "ours": []},
    "adapter": {"modules": ["fakepkg.adapter"], "third_party": ["openpyxl"], "ours": ["engine"]},
}


def test_checker_runtime_check_reports_forbidden_imports(tmp_path, startup_modules):
    pkg = tmp_path / "lib" / "fakepkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    # the engine module pulls in a forbidden library and an adapter of ours, lazily hidden
    # behind a helper so that only running it shows the problem
    (pkg / "core.py").write_text("import importlib\n"
                                 "for n in ['openpyxl', 'fakepkg.adapter']:\n"
                                 "    importlib.import_module(n)\n", encoding="utf-8")
    (pkg / "adapter.py").write_text("import openpyxl\n", encoding="utf-8")
    contract = Contract(FAKE)
    loaded, failed = loaded_after_import(["fakepkg.core"], tmp_path, tmp_path / "lib")
    assert not failed
    found = runtime_violations(loaded, "engine", contract, startup_modules)
    assert any(v.startswith("third-party openpyxl was loaded") for v in found), found
    assert "fakepkg.adapter (the adapter layer) was loaded" in found
    # the adapter layer may load openpyxl (and what openpyxl depends on, e.g. et_xmlfile)
    assert runtime_violations(loaded, "adapter", contract, startup_modules) == []
    # and the AST check sees the loop's non-constant import_module too
    source = (pkg / "core.py").read_text(encoding="utf-8")
    assert any("cannot be determined statically" in v
               for v in violations(source, "fakepkg.core", contract))


def test_checker_runtime_check_never_tolerates_another_layers_package():
    # openpyxl imports PIL when it is installed, without declaring it; once another layer names
    # PIL, a layer that only allows openpyxl must not load it.  Declared dependencies
    # (markupsafe of jinja2) stay allowed.
    pytest.importorskip("PIL")
    contract = Contract({"a": {"modules": ["fake.a"], "third_party": ["openpyxl", "jinja2"],
                               "ours": []},
                         "b": {"modules": ["fake.b"], "third_party": ["PIL", "markupsafe"],
                               "ours": []}})
    assert "PIL" in contract.runtime_third_party("a")      # openpyxl loaded it in the probe
    found = runtime_violations(frozenset({"openpyxl", "PIL", "jinja2", "markupsafe"}), "a",
                               contract)
    assert found == ["third-party PIL was loaded (e.g. PIL), not allowed for a"]


def test_checker_runtime_check_passes_a_clean_package(tmp_path, startup_modules):
    pkg = tmp_path / "lib" / "fakepkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("import numpy\nimport json\n", encoding="utf-8")
    (pkg / "core.py").write_text("import numpy as np\nfrom . import core as _\n",
                                 encoding="utf-8")
    loaded, failed = loaded_after_import(["fakepkg.core"], tmp_path, tmp_path / "lib")
    assert not failed
    assert runtime_violations(loaded, "engine", Contract(FAKE), startup_modules) == []
