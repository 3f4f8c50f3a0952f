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

The checker is plain functions (:func:`violations`, :func:`runtime_violations`) that the
``test_checker_*`` cases run on synthetic sources and throwaway packages, to prove each kind of
violation is caught.  The ``test_tree_*`` tests apply them to the real tree.

Run:  .venv/bin/python -m pytest tests/engine/test_import_contract.py            (everything)
      .venv/bin/python -m pytest tests/engine/test_import_contract.py -k checker  (the checker only)
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import importlib.util
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
import pytest

# ═════════════════════════════════════════════════════════════════════════════════════════════
# THE CONTRACT — edit here.
#
# layer name → {
#   "modules":     which modules of ours are in the layer.  "a.b" is exactly the module a.b;
#                  "a.b.*" is the package a.b and everything below it.  The most specific
#                  pattern wins ("cs_workbook.udfs.server" beats "cs_workbook.udfs.*").
#                  A module of ours that no pattern matches fails the contract: a new module
#                  must be classified here.
#   "third_party": top-level import names of third-party packages the layer may import
#                  (the standard library, ``sys.stdlib_module_names``, is always allowed,
#                  except the I/O modules below in a "pure" layer).  EVERY = the union of all
#                  the other layers' lists.
#   "ours":        the other layers of ours it may import (its own layer is always allowed).
#                  EVERY = all layers.
#   "pure":        True = no I/O: none of IO_MODULES, none of IO_CALLS / IO_METHODS.
# }
# ═════════════════════════════════════════════════════════════════════════════════════════════
EVERY = "*"

LAYERS: dict[str, dict] = {
    # the pure engine: rules, configuration values, the data model.  Reads and writes nothing.
    "engine": {
        "modules": [
            "cs_workbook",            # the root __init__ (its public API is the engine's)
            "cs_workbook.config",
            "cs_workbook.errors",
            "cs_workbook.rounding",
            "cs_workbook.schema",
            "cs_workbook.data",
            "cs_workbook.excel.*",    # Excel serial dates and error values (pure)
            "cs_workbook.metrics.*",
            "cs_workbook.portfolio.*",
        ],
        "third_party": ["numpy", "pandas"],
        "ours": [],
        "pure": True,
    },
    # shared I/O helpers (atomic writes, reading a TOML config file …): standard library only
    "files": {
        "modules": ["cs_workbook.files", "cs_workbook.config_files", "cs_workbook.native"],
        "third_party": [],
        "ours": ["engine"],
    },
    # the built-in sample portfolio generator: engine + numpy/pandas, no I/O
    "sample": {
        "modules": ["cs_workbook.sample.*"],
        "third_party": ["numpy", "pandas"],
        "ours": ["engine"],
        "pure": True,
    },
    # reading/writing CS workbooks and templates
    "workbook": {
        "modules": ["cs_workbook.workbook.*"],
        # pyarrow: the folder-of-tables reader (workbook/tables.py) and .parquet score exports
        "third_party": ["openpyxl", "python_calamine", "xlsxwriter", "pyarrow", "numpy",
                        "pandas"],
        "ours": ["engine", "files"],
    },
    # importers: exports + a TOML mapping → CS workbook data, written by the workbook layer
    "importers": {
        "modules": ["cs_workbook.importers.*"],
        "third_party": ["pyarrow", "numpy", "pandas", "python_calamine"],
        "ours": ["engine", "files", "workbook"],
    },
    # headless formula evaluation; it evaluates our Excel functions, so it may use udfs
    "calc": {
        "modules": ["cs_workbook.calc.*"],
        "third_party": [
            "formualizer",            # the evaluation core (Rust)
            "formulas", "schedula",   # the former engine, for comparison (schedula is its own)
            "tqdm",                   # only to silence formulas' progress bar
            "openpyxl", "numpy", "pandas",
        ],
        "ours": ["engine", "files", "workbook", "udfs"],
    },
    # the Excel functions: must stay importable in xlwings Lite (stdlib, numpy, pandas, xlwings)
    "udfs": {
        "modules": ["cs_workbook.udfs.*"],
        "third_party": ["xlwings", "numpy", "pandas"],
        "ours": ["engine", "files"],
    },
    # the optional Office.js server (the `server` extra); nothing else may import it but cli
    "udfs_server": {
        "modules": ["cs_workbook.udfs.server.*"],
        # anyio: Starlette's own thread pool, which runs big calls off the event loop
        "third_party": ["xlwings", "xlwings_server", "fastapi", "starlette", "uvicorn", "anyio",
                        "numpy", "pandas"],
        "ours": ["engine", "files", "udfs"],
    },
    # EBR PDFs: takes a CSData, so it never reads workbooks itself.  It renders the packaged
    # templates, found with importlib.resources.files("cs_workbook.templates"), which imports
    # that (data-only) package: hence "templates".
    "reports": {
        "modules": ["cs_workbook.reports.*"],
        "third_party": [
            "jinja2", "markupsafe",   # markupsafe.Markup is jinja2's own safe-string type
            "weasyprint", "numpy", "pandas",
        ],
        "ours": ["engine", "files", "templates"],
    },
    # data only (HTML, CSS, fonts, images)
    "templates": {
        "modules": ["cs_workbook.templates.*"],
        "third_party": [],
        "ours": [],
    },
    # the command line wires everything together
    "cli": {
        "modules": ["cs_workbook.cli.*"],
        "third_party": EVERY,
        "ours": EVERY,
    },
}

# pandas ≥ 3 imports pyarrow as it starts whenever pyarrow is installed (its default string
# dtype), so every layer that may use pandas may find pyarrow loaded; the source check still
# lets only the layers that name pyarrow import it.
LOADED_BY_PANDAS = frozenset({"pyarrow"})

# Standard-library modules a pure layer may not import ("a.b" also bans a.b.*).
IO_MODULES = frozenset({
    # files and the file system
    "os", "posix", "nt", "posixpath", "ntpath", "io", "_io", "pathlib", "shutil", "tempfile",
    "glob", "fileinput", "filecmp", "mmap", "fcntl", "msvcrt", "winreg", "_winapi",
    "importlib.resources", "importlib.metadata", "pkgutil", "linecache",
    # archives and persistence
    "zipfile", "tarfile", "gzip", "bz2", "lzma", "zipimport", "sqlite3", "dbm", "shelve",
    "pickle", "marshal", "mailbox",
    # network
    "socket", "socketserver", "ssl", "select", "selectors", "asyncio", "urllib", "http",
    "ftplib", "smtplib", "poplib", "imaplib", "nntplib", "telnetlib", "xmlrpc", "wsgiref",
    "webbrowser",
    # processes, terminals, the OS
    "subprocess", "multiprocessing", "concurrent", "signal", "pty", "tty", "termios",
    "resource", "syslog", "ctypes", "logging.handlers",
})
# Calls a pure layer may not make: dotted names after resolving import aliases …
IO_CALLS = frozenset({
    "open", "builtins.open", "input", "builtins.input", "breakpoint",
    "numpy.load", "numpy.save", "numpy.savez", "numpy.savez_compressed", "numpy.loadtxt",
    "numpy.savetxt", "numpy.genfromtxt", "numpy.fromfile", "numpy.memmap",
    "pandas.ExcelFile", "pandas.ExcelWriter", "pandas.HDFStore",
})
IO_CALL_PREFIXES = ("pandas.read_",)            # pd.read_csv, pd.read_excel, …
# … and methods on any object (Path, zipfile, DataFrame …)
IO_METHODS = frozenset({
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "touch", "mkdir", "unlink",
    "rmdir", "iterdir", "tofile", "to_csv", "to_excel", "to_parquet", "to_pickle", "to_feather",
    "to_hdf", "to_sql", "to_stata", "to_orc",
})
# Calls that import a module named by their first argument (which must then be a constant).
DYNAMIC_IMPORTS = frozenset({
    "importlib.import_module", "importlib.__import__", "__import__", "builtins.__import__",
    "runpy.run_module",
    # these import the package whose data they read
    "importlib.resources.files", "importlib.resources.open_binary",
    "importlib.resources.open_text", "importlib.resources.read_binary",
    "importlib.resources.read_text", "importlib.resources.path",
    "importlib.resources.contents", "importlib.resources.is_resource", "pkgutil.get_data",
})
# Calls that load code we cannot name statically: always a violation.
OPAQUE_LOADS = frozenset({
    "runpy.run_path", "importlib.util.module_from_spec", "importlib.util.spec_from_file_location",
    "importlib.machinery.SourceFileLoader", "zipimport.zipimporter",
})
# importlib.util.find_spec / importlib.reload are fine: they import nothing new.

# Entries of sys.modules that are no package anyone imported: multiprocessing's alias of
# __main__, the interpreter's generated sysconfig data, Cython's bookkeeping modules.
PSEUDO_MODULES = re.compile(r"__main__|__mp_main__|_sysconfigdata_.*|cython_runtime|_cython_.*"
                            r"|_cyutility")

# ═════════════════════════════════════════════════════════════════════════════════════════════
# The checker
# ═════════════════════════════════════════════════════════════════════════════════════════════
STDLIB = frozenset(sys.stdlib_module_names)


def _matches(pattern: str, module: str) -> bool:
    if pattern.endswith(".*"):
        base = pattern[:-2]
        return module == base or module.startswith(base + ".")
    return module == pattern


def _specificity(pattern: str) -> tuple[int, bool]:
    exact = not pattern.endswith(".*")
    return (pattern.removesuffix(".*").count(".") + 1, exact)


def _prefixed(name: str, names) -> bool:
    return any(name == n or name.startswith(n + ".") for n in names)


class Contract:
    """A layer map (like :data:`LAYERS`), validated and with the look-ups the checks need."""

    def __init__(self, layers: dict[str, dict]):
        self.layers = layers
        names = set(layers)
        every_tp = set().union(*(v["third_party"] for v in layers.values()
                                 if v["third_party"] != EVERY))
        self.third_party = {k: frozenset(every_tp if v["third_party"] == EVERY
                                         else v["third_party"]) for k, v in layers.items()}
        self.ours = {}
        for k, v in layers.items():
            allowed = names if v["ours"] == EVERY else set(v["ours"])
            unknown = allowed - names
            if unknown:
                raise ValueError(f"layer {k!r} allows unknown layers {sorted(unknown)}")
            self.ours[k] = frozenset(allowed | {k})
        self.pure = {k: bool(v.get("pure")) for k, v in layers.items()}
        #: every third-party package some layer of ours names
        self.all_third_party = frozenset(every_tp)
        self.patterns = [(p, k) for k, v in layers.items() for p in v["modules"]]
        seen = {}
        for p, k in self.patterns:
            if p in seen:
                raise ValueError(f"pattern {p!r} is in layers {seen[p]!r} and {k!r}")
            seen[p] = k
        #: top-level names of our packages
        self.roots = frozenset(p.removesuffix(".*").split(".")[0] for p, _ in self.patterns)

    def pattern_of(self, module: str) -> str | None:
        hits = [p for p, _ in self.patterns if _matches(p, module)]
        return max(hits, key=_specificity) if hits else None

    def layer_of(self, module: str) -> str | None:
        p = self.pattern_of(module)
        return dict(self.patterns)[p] if p else None

    def is_ours(self, module: str) -> bool:
        return module.split(".")[0] in self.roots

    def reachable(self, layer: str) -> frozenset[str]:
        """The layers whose modules importing ``layer`` may load (transitively allowed)."""
        todo, seen = [layer], set()
        while todo:
            k = todo.pop()
            if k not in seen:
                seen.add(k)
                todo += self.ours[k]
        return frozenset(seen)

    def runtime_third_party(self, layer: str) -> frozenset[str]:
        """Top-level names that may be loaded when ``layer`` is imported: what it and the
        layers it may use allow, plus everything those distributions declare as dependencies
        or load when imported (openpyxl, for one, imports PIL if it is installed)."""
        direct = self.direct_third_party(layer)
        return _with_dependencies(direct) | _loaded_by(direct)

    def direct_third_party(self, layer: str) -> frozenset[str]:
        return frozenset().union(*(self.third_party[k] for k in self.reachable(layer)))

    def other_layers_packages(self, layer: str) -> frozenset[str]:
        """Packages another layer names that ``layer`` may never load, even when an allowed
        package would drag them in without declaring them (openpyxl's optional PIL, say)."""
        direct = self.direct_third_party(layer)
        return self.all_third_party - direct - _with_dependencies(direct)


@dataclass(frozen=True)
class Import:
    line: int
    target: str | None      # absolute module name; None = cannot be known (a violation)
    how: str                # the source construct, for messages


def _package_of(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def _resolve_relative(level: int, name: str | None, package: str) -> str | None:
    parts = package.split(".") if package else []
    if level > len(parts):
        return None                                           # beyond the top-level package
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, contract: Contract,
                 known: frozenset[str]):
        self.module, self.contract, self.known = module, contract, known
        self.package = _package_of(module, is_package)
        self.imports: list[Import] = []
        self.aliases: dict[str, str] = {}      # local name → the absolute name it stands for
        self.calls: list[tuple[int, str | None, str | None, ast.Call]] = []

    # -- imports -----------------------------------------------------------------------------
    def _from_targets(self, base: str, names: list[str]) -> list[str]:
        """``from base import n``: base, and base.n where n is a module (or a layer) of ours."""
        targets = [base]
        if self.contract.is_ours(base):
            for n in names:
                sub = f"{base}.{n}"
                if sub in self.known or (self.contract.pattern_of(sub) is not None
                                         and self.contract.pattern_of(sub)
                                         != self.contract.pattern_of(base)):
                    targets.append(sub)
            # importing base.n runs base/__init__ too; say so only if base is another layer
            subs = {self.contract.layer_of(t) for t in targets[1:]}
            if subs and self.contract.layer_of(base) in subs:
                targets.pop(0)
        return targets

    def visit_Import(self, node: ast.Import):
        for alias in node.names:
            self.imports.append(Import(node.lineno, alias.name, f"import {alias.name}"))
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom):
        dots = "." * node.level
        how = f"from {dots}{node.module or ''} import {', '.join(a.name for a in node.names)}"
        if node.level:
            base = _resolve_relative(node.level, node.module, self.package)
            if base is None:
                self.imports.append(Import(node.lineno, None, how + " (beyond the top level)"))
                return
        else:
            base = node.module or ""
        names = [a.name for a in node.names if a.name != "*"]
        for target in self._from_targets(base, names):
            self.imports.append(Import(node.lineno, target, how))
        for a in node.names:
            if a.name != "*":
                self.aliases[a.asname or a.name] = f"{base}.{a.name}"
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        self.calls.append((node.lineno, _dotted(node.func),
                           node.func.attr if isinstance(node.func, ast.Attribute) else None,
                           node))
        self.generic_visit(node)

    # -- after the walk: resolve calls with the module's aliases -----------------------------
    def resolve(self, dotted: str | None) -> str | None:
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        head = self.aliases.get(head, head)
        return f"{head}.{rest}" if rest else head

    def static_str(self, node: ast.AST | None) -> str | None:
        """The value of a string expression known without running the module, else None."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name) and node.id in ("__name__", "__package__"):
            return self.module if node.id == "__name__" else self.package
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                if isinstance(v, ast.FormattedValue):
                    if v.conversion != -1 or v.format_spec is not None:
                        return None
                    v = v.value
                s = self.static_str(v)
                if s is None:
                    return None
                parts.append(s)
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.static_str(node.left), self.static_str(node.right)
            return None if left is None or right is None else left + right
        return None

    def dynamic_imports(self) -> list[Import]:
        found = []
        for line, dotted, _, call in self.calls:
            name = self.resolve(dotted)
            if name in OPAQUE_LOADS:
                found.append(Import(line, None, f"{name}(…) loads code that cannot be named"))
                continue
            if name not in DYNAMIC_IMPORTS:
                continue
            kw = {k.arg: k.value for k in call.keywords if k.arg}
            arg0 = call.args[0] if call.args else next(
                (kw[k] for k in ("name", "mod_name", "anchor", "package") if k in kw), None)
            if arg0 is None and name == "importlib.resources.files":
                continue                                      # files(): the caller's package
            target = self.static_str(arg0)
            how = f"{name}({ast.unparse(arg0) if arg0 is not None else ''})"
            if target is None:
                found.append(Import(line, None, how + " with a non-constant argument"))
                continue
            if name.endswith("import_module") and target.startswith("."):
                pkg_node = call.args[1] if len(call.args) > 1 else kw.get("package")
                pkg = self.static_str(pkg_node)
                if not pkg:
                    found.append(Import(line, None, how + " relative, unknown package"))
                    continue
                level = len(target) - len(target.lstrip("."))
                target = _resolve_relative(level, target.lstrip(".") or None, pkg)
            elif name.endswith("__import__"):
                level_node = call.args[4] if len(call.args) > 4 else kw.get("level")
                level = 0 if level_node is None else getattr(level_node, "value", None)
                if not isinstance(level, int):
                    found.append(Import(line, None, how + " with a non-constant level"))
                    continue
                if level:
                    target = _resolve_relative(level, target or None, self.package)
                fromlist = call.args[3] if len(call.args) > 3 else kw.get("fromlist")
                if target is not None and isinstance(fromlist, (ast.List, ast.Tuple)):
                    names = [self.static_str(e) for e in fromlist.elts]
                    if None in names:
                        found.append(Import(line, None, how + " with a non-constant fromlist"))
                        continue
                    found += [Import(line, t, how)
                              for t in self._from_targets(target, names) if t != target]
            if target is None:
                found.append(Import(line, None, how + " (beyond the top level)"))
            else:
                found.append(Import(line, target, how))
        return found

    def io_calls(self) -> list[tuple[int, str]]:
        found = []
        for line, dotted, attr, call in self.calls:
            name = self.resolve(dotted)
            if name and (name in IO_CALLS or name.startswith(IO_CALL_PREFIXES)):
                found.append((line, f"{name}(…)"))
            elif attr in IO_METHODS:
                found.append((line, f".{attr}(…)"))
        return found


def scan(source: str, module: str, contract: Contract, is_package: bool = False,
         known: frozenset[str] = frozenset()) -> _Scanner:
    s = _Scanner(module, is_package, contract, known)
    s.visit(ast.parse(source, filename=module))
    return s


def violations(source: str, module: str, contract: Contract | None = None,
               is_package: bool = False, known: frozenset[str] = frozenset()) -> list[str]:
    """Every breach of the contract in one module's source (empty = clean).

    ``module`` is its absolute name; ``is_package`` says it is a package's ``__init__`` (for
    relative imports); ``known`` are the names of all our modules (to tell
    ``from cs_workbook import workbook`` from ``from cs_workbook import CSData``).
    """
    contract = contract or CONTRACT
    layer = contract.layer_of(module)
    if layer is None:
        return [f"{module}: is in no layer — classify it in LAYERS"]
    s = scan(source, module, contract, is_package, known)
    out = []
    for imp in s.imports + s.dynamic_imports():
        where = f"{module}:{imp.line}: {imp.how}"
        if imp.target is None:
            out.append(f"{where}: the imported module cannot be determined statically")
            continue
        reason = _import_breach(imp.target, layer, contract)
        if reason:
            out.append(f"{where}: {reason}")
    if contract.pure[layer]:
        out += [f"{module}:{line}: calls {what} — I/O in the pure {layer} layer"
                for line, what in s.io_calls()]
    return out


def _import_breach(target: str, layer: str, contract: Contract) -> str | None:
    top = target.split(".")[0]
    if not target:
        return "empty module name"
    if contract.is_ours(target):
        other = contract.layer_of(target)
        if other is None:
            return f"{target} is in no layer"
        if other not in contract.ours[layer]:
            return f"{target} is in the {other} layer, which {layer} may not import"
        return None
    if top in STDLIB:
        if contract.pure[layer] and _prefixed(target, IO_MODULES):
            return f"{target} is an I/O module, not allowed in the pure {layer} layer"
        return None
    if top not in contract.third_party[layer]:
        return f"third-party {top} is not allowed in the {layer} layer"
    return None


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


CONTRACT = Contract(LAYERS)
MODULES, DISCOVERY_PROBLEMS = discover()
KNOWN = frozenset(MODULES)


# ═════════════════════════════════════════════════════════════════════════════════════════════
# The real tree
# ═════════════════════════════════════════════════════════════════════════════════════════════
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
    assert not unclassified, f"modules in no layer (classify them in LAYERS): {unclassified}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_tree_module_imports_follow_the_contract(name):
    m = MODULES[name]
    found = violations(m.path.read_text(encoding="utf-8"), name, CONTRACT, m.is_package, KNOWN)
    assert not found, "\n".join(found)


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@pytest.fixture(scope="session")
def startup_modules(tmp_path_factory) -> frozenset[str]:
    loaded, failed = loaded_after_import([], tmp_path_factory.mktemp("startup"))
    return loaded


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


# ═════════════════════════════════════════════════════════════════════════════════════════════
# The checker itself: each kind of violation is caught, clean code passes
# ═════════════════════════════════════════════════════════════════════════════════════════════
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
