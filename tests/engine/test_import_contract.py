"""The import contract: every module of ``cs_workbook`` belongs to exactly one layer, and a
layer imports only what its allow-list below says.

Checked two ways over every module of the installed package (found by walking the folders
that ``pyproject.toml``'s ``[tool.setuptools] package-dir`` maps):

* statically, by AST: ``import``/``from … import`` anywhere in a module (lazy imports inside
  functions count, relative imports are resolved, ``from cs_workbook import workbook`` counts
  as importing ``cs_workbook.workbook``), ``importlib.import_module("…")`` and
  ``__import__("…")`` (a non-constant argument is itself a violation); in *pure* layers also
  the I/O standard-library modules and I/O calls (``open(…)``, ``….read_text()``, …);
* at run time: each layer's modules are imported in a fresh interpreter, and ``sys.modules``
  afterwards must hold no module of a layer it may not use and no third-party package beyond
  its allow-list (and what those packages themselves depend on).

The contract is ``tests/import_layers.py`` (edit it there); the checker is plain functions
(``tests/import_checker.py`` :func:`violations`, ``tests/import_runtime.py``
:func:`runtime_violations`) that ``tests/engine/test_import_checker.py`` runs on synthetic
sources and throwaway packages, to prove each kind of violation is caught.  The ``test_tree_*``
tests here apply them to the real tree.

Run:  .venv/bin/python -m pytest tests/engine/test_import_contract.py            (everything)
      .venv/bin/python -m pytest tests/engine/test_import_checker.py   (the checker only)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from import_checker import CONTRACT, violations
from import_layers import LAYERS
from import_runtime import (DISCOVERY_PROBLEMS, KNOWN, MODULES, PACKAGE_DIR, ROOT, SETUPTOOLS,
                            loaded_after_import, runtime_violations)


def test_tree_the_installed_package_is_this_checkout():
    for package, folder in PACKAGE_DIR.items():
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.origin, f"{package} is not installed"
        assert Path(spec.origin).resolve() == (ROOT / folder / "__init__.py").resolve(), (
            f"{package} is imported from {spec.origin}, not from this checkout: "
            "pip install -e . here")


def test_tree_discovery_finds_the_packages_pyproject_installs():
    assert not DISCOVERY_PROBLEMS
    assert {"cs_workbook", "cs_workbook.config", "cs_workbook.udfs",
            "cs_workbook.reports", "cs_workbook.templates"} <= KNOWN
    listed = SETUPTOOLS.get("packages")
    if isinstance(listed, list):
        on_disk = {m.name for m in MODULES.values() if m.is_package}
        # data-only folders (fonts, images) are listed too, so setuptools installs them quietly
        data_only = {p for p in set(listed) - on_disk if _folder_of(p).is_dir()}
        assert on_disk == set(listed) - data_only, (
            f"packages on disk but not in pyproject's packages (not installed by a wheel): "
            f"{sorted(on_disk - set(listed))}; listed but absent: "
            f"{sorted(set(listed) - on_disk - data_only)}")


def _folder_of(package: str) -> Path:
    """The folder a dotted package name is installed from (through pyproject's package-dir)."""
    mapping = SETUPTOOLS.get("package-dir", {})
    parts = package.split(".")
    for i in range(len(parts), 0, -1):
        head = ".".join(parts[:i])
        if head in mapping:
            return ROOT.joinpath(mapping[head], *parts[i:])
    return ROOT.joinpath(*parts)


def test_tree_every_module_is_in_a_layer():
    unclassified = sorted(m for m in MODULES if CONTRACT.layer_of(m) is None)
    assert not unclassified, f"modules in no layer (classify them in LAYERS, tests/import_layers.py): {unclassified}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_tree_module_imports_follow_the_contract(name):
    m = MODULES[name]
    found = violations(m.path.read_text(encoding="utf-8"), name, CONTRACT, m.is_package, KNOWN)
    assert not found, "\n".join(found)


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_tree_importing_a_layer_loads_only_what_it_may(layer, tmp_path, startup_modules):
    # udfs.server is its own layer (udfs_server), so the udfs check never includes it
    # a __main__ module is a script: importing it runs the program
    names = sorted(m for m in MODULES if CONTRACT.layer_of(m) == layer
                   and not m.endswith(".__main__"))
    if not names:
        pytest.skip(f"no module is in the {layer} layer yet")
    # importing cs_workbook.templates runs cs_workbook/__init__ first: what the enclosing
    # packages of other layers load is theirs (and checked with their own layer), not ours
    parents = sorted({p for n in names for p in _ancestors(n)
                      if CONTRACT.layer_of(p) != layer})
    before = loaded_after_import(parents, tmp_path)[0] if parents else frozenset()
    loaded, failed = loaded_after_import(names, tmp_path)
    assert not failed, "\n".join(failed)
    found = runtime_violations(loaded, layer, CONTRACT, startup_modules | before)
    assert not found, "\n".join(found)
