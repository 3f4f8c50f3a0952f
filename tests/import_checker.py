"""The import-contract checker, static half: every import of one module's source (found by AST,
lazy and relative ones included) and, in a pure layer, its I/O calls, against the rules of
:mod:`import_layers`. :func:`violations` is the entry point; :data:`CONTRACT` is the real
layer map. The run-time half is :mod:`import_runtime`.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from import_layers import (DYNAMIC_IMPORTS, EVERY, IO_CALL_PREFIXES, IO_CALLS, IO_METHODS,
                           IO_MODULES, LAYERS, OPAQUE_LOADS)

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
        from import_runtime import _loaded_by, _with_dependencies  # it imports this module

        direct = self.direct_third_party(layer)
        return _with_dependencies(direct) | _loaded_by(direct)

    def direct_third_party(self, layer: str) -> frozenset[str]:
        return frozenset().union(*(self.third_party[k] for k in self.reachable(layer)))

    def other_layers_packages(self, layer: str) -> frozenset[str]:
        """Packages another layer names that ``layer`` may never load, even when an allowed
        package would drag them in without declaring them (openpyxl's optional PIL, say)."""
        from import_runtime import _with_dependencies  # it imports this module

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
        return [f"{module}: is in no layer — classify it in LAYERS, tests/import_layers.py"]
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


CONTRACT = Contract(LAYERS)
