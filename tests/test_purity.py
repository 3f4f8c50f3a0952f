"""The engine is pure: it imports no I/O library and no adapter (STYLE.md "Layout")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import cs_workbook

IO_LIBRARIES = ("openpyxl", "xlwings", "jinja2", "weasyprint", "python_calamine")
ADAPTERS = ("cs_workbook.workbook", "cs_workbook.udfs", "cs_workbook.reports", "cs_workbook.cli")
PACKAGE = Path(cs_workbook.__file__).resolve().parent
ENGINE_FILES = sorted([*PACKAGE.joinpath("metrics").glob("*.py"),
                       *PACKAGE.joinpath("portfolio").glob("*.py"),
                       PACKAGE / "config.py"])


def test_importing_the_engine_loads_no_io_library():
    code = (
        "import sys\n"
        "import cs_workbook, cs_workbook.metrics, cs_workbook.config, cs_workbook.portfolio\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {IO_LIBRARIES!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"engine import pulled in: {out.stdout.strip()}"


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    # the package a relative import starts from (for __init__.py, the package itself)
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.append((node.lineno, mod))
            # ``from cs_workbook import workbook`` imports the adapter too
            found += [(node.lineno, f"{mod}.{alias.name}") for alias in node.names]
    return found


def test_engine_files_were_found():
    names = {p.relative_to(PACKAGE).as_posix() for p in ENGINE_FILES}
    assert {"config.py", "metrics/__init__.py", "portfolio/__init__.py",
            "portfolio/score.py"} <= names


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_engine_module_imports_no_io_library_or_adapter(path):
    bad = []
    for line, mod in _imported_modules(path):
        top = mod.split(".")[0]
        if top in IO_LIBRARIES or any(mod == a or mod.startswith(a + ".") for a in ADAPTERS):
            bad.append(f"line {line}: {mod}")
    assert not bad, f"{path.name} imports {bad}"


def test_relative_import_resolution():
    """The scanner itself: a relative import from metrics resolves inside cs_workbook."""
    mods = [m for _, m in _imported_modules(PACKAGE / "metrics" / "health.py")]
    assert "cs_workbook.config" in mods
