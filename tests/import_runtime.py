"""The import-contract checker, run-time half: what a fresh interpreter holds in ``sys.modules``
after importing a layer's modules (:func:`loaded_after_import`), what of it the layer may not
load (:func:`runtime_violations`), and the modules of the installed package, found by walking
the folders ``pyproject.toml``'s ``package-dir`` maps (:func:`discover`).
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import paths
from import_checker import CONTRACT, STDLIB, Contract
from import_layers import LOADED_BY_PANDAS, PSEUDO_MODULES

# -- the run-time check ------------------------------------------------------------------------
def _norm(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


@functools.cache
def _distributions() -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    top_to_dists = importlib.metadata.packages_distributions()
    dist_to_tops: dict[str, set[str]] = {}
    for top, dists in top_to_dists.items():
        for d in dists:
            dist_to_tops.setdefault(_norm(d), set()).add(top)
    return top_to_dists, dist_to_tops


@functools.cache
def _with_dependencies(tops: frozenset[str]) -> frozenset[str]:
    """``tops`` plus the top-level names of every distribution they (transitively) require
    (extras excluded; other environment markers are ignored, i.e. counted)."""
    top_to_dists, dist_to_tops = _distributions()
    todo = [_norm(d) for t in tops for d in top_to_dists.get(t, [])]
    seen: set[str] = set()
    while todo:
        dist = todo.pop()
        if dist in seen:
            continue
        seen.add(dist)
        try:
            requires = importlib.metadata.requires(dist) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for req in requires:
            if re.search(r"\bextra\s*==", req):
                continue
            m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
            if m:
                todo.append(_norm(m.group(1)))
    return frozenset(tops) | {t for d in seen for t in dist_to_tops.get(d, ())}


_MARK = "@@import-contract@@"
_PROBE = f"""
import importlib, json, sys
failed = []
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except BaseException as exc:
        failed.append(f"{{name}}: {{type(exc).__name__}}: {{exc}}")
print({_MARK!r} + json.dumps({{"loaded": sorted(sys.modules), "failed": failed}}))
"""


def loaded_after_import(modules: list[str], cwd: Path, extra_path: Path | None = None
                        ) -> tuple[frozenset[str], list[str]]:
    """``sys.modules`` of a fresh interpreter after importing ``modules``, and the failures."""
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path),
                                                          env.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(modules)], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith(_MARK))
    data = json.loads(line[len(_MARK):])
    return frozenset(data["loaded"]), data["failed"]


@functools.cache
def _loaded_by(tops: frozenset[str]) -> frozenset[str]:
    """Top-level names a fresh interpreter has after importing ``tops`` (failures ignored)."""
    with tempfile.TemporaryDirectory() as cwd:
        loaded, _ = loaded_after_import(sorted(tops), Path(cwd))
    return frozenset(m.split(".")[0] for m in loaded)


def runtime_violations(loaded: frozenset[str], layer: str, contract: Contract | None = None,
                       startup: frozenset[str] = frozenset()) -> list[str]:
    """What in ``loaded`` (``sys.modules`` after importing ``layer``'s modules) the layer may
    not load.  ``startup`` = modules a bare interpreter already has (site hooks …)."""
    contract = contract or CONTRACT
    may_use = contract.reachable(layer)
    third_party = contract.runtime_third_party(layer)
    never = contract.other_layers_packages(layer)
    startup_tops = {m.split(".")[0] for m in startup}
    out, packages = [], {}
    for name in sorted(loaded - startup):
        top = name.split(".")[0]
        if PSEUDO_MODULES.fullmatch(top):
            continue
        if top in LOADED_BY_PANDAS and "pandas" in third_party:
            continue
        if contract.is_ours(name):
            other = contract.layer_of(name)
            if other is None:
                out.append(f"{name} (in no layer) was loaded")
            elif other not in may_use:
                out.append(f"{name} (the {other} layer) was loaded")
        elif top in never or (top not in STDLIB and top not in third_party
                              and top not in startup_tops):
            packages.setdefault(top, name)
    out += [f"third-party {top} was loaded (e.g. {first}), not allowed for {layer}"
            for top, first in sorted(packages.items())]
    return out


# -- discovering the package -------------------------------------------------------------------
ROOT = paths.ROOT
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8")
                           )["tool"]["setuptools"]
PACKAGE_DIR: dict[str, str] = SETUPTOOLS.get("package-dir", {})


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool


def discover(root: Path = ROOT, package_dir: dict[str, str] = PACKAGE_DIR
             ) -> tuple[dict[str, Module], list[str]]:
    """Every module under the folders ``package_dir`` maps, and the problems found (folders
    with Python files but no ``__init__.py``: setuptools would not install them)."""
    modules: dict[str, Module] = {}
    problems: list[str] = []

    def walk(package: str, folder: Path):
        modules[package] = Module(package, folder / "__init__.py", True)
        for p in sorted(folder.iterdir()):
            if p.suffix == ".py" and p.name != "__init__.py":
                modules[f"{package}.{p.stem}"] = Module(f"{package}.{p.stem}", p, False)
            elif p.is_dir() and p.name != "__pycache__" and f"{package}.{p.name}" not in \
                    package_dir:
                if (p / "__init__.py").is_file():
                    walk(f"{package}.{p.name}", p)
                elif any(p.rglob("*.py")):
                    problems.append(f"{p.relative_to(root)} has Python files but no __init__.py")

    for package, folder in package_dir.items():
        if package and (root / folder / "__init__.py").is_file():
            walk(package, root / folder)
        elif package:
            problems.append(f"package-dir maps {package} to {folder}, which has no __init__.py")
    return modules, problems


MODULES, DISCOVERY_PROBLEMS = discover()
KNOWN = frozenset(MODULES)
