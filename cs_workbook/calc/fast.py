"""The primary evaluation core: the Rust engine ``formualizer`` with our functions registered.

The workbook is loaded from its package bytes by formualizer's own reader (values, formulas,
shared formulas, defined names), after one rewrite: structured references (``Table[Col]``,
``[@Col]``) become A1 references (:mod:`.refs`) in the loaded copy only — formualizer resolves a
``[#This Row]`` reference as the whole table and reports a circular reference otherwise. The
``CS_*`` functions are registered under every spelling (:func:`.evaluate.excel_names`) and
receive ranges as lists of rows (a 2-column table is a 2-D list), errors as Office.js error
dicts, dates as serial numbers, as the Office.js server hands them over.

A formula cell keeps the value Excel cached, and so does every cell depending on it, when the
engine cannot evaluate it: it does not parse, it calls a function that is neither an Excel
built-in the engine knows nor ours (an add-in's, ``[1]!Addin(…)``), it uses something the engine
does not implement (3-D references, unions, ``LAMBDA``), it is circular, or it uses a defined
name the engine left out (:mod:`.defined`; one calling ours is evaluated through a cell of
ours when it can be: :mod:`.name_cells`). With no cached value, a call of an
unknown function shows ``#NAME?``, as in Excel.
"""

from __future__ import annotations

import functools
import logging
import re
import zipfile

from . import builtins
from ..excel.errors import ExcelError
from ..native import held_stderr
from .boundary import _Batches, _result
from .defined import left_out
from .lifted import _OVERRIDES
from .loading import _CELL_REF, _col_index, _load, _reader
from .waits import ALIAS

__all__ = ["evaluate", "available"]

log = logging.getLogger(__name__)

_CANNOT = {"NImpl": "uses what the engine does not implement",
           "Circ": "is a circular reference", "Error": "cannot be parsed",
           "Cancelled": "was cancelled"}
_STRINGS = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_CALL = re.compile(r"((?:\[[^\]]*\])?[\w.]*!)?([A-Za-z_\\][\w.]*)\s*\(")


def available() -> bool:
    """True when formualizer can be imported."""
    try:
        import formualizer  # noqa: F401
    except ImportError:
        return False
    return True



# -- which functions exist ---------------------------------------------------------------------

_KNOWN: dict[str, bool] = {}  # function name (upper case) -> formualizer knows it


def _builtin(name: str) -> bool:
    """Does formualizer know the function ``name`` (an Excel built-in)?"""
    known = _KNOWN.get(name)
    if known is None:
        _probe([name])
        known = _KNOWN[name]
    return known


def _probe(names) -> None:
    """Ask formualizer which of ``names`` it knows, one cell ``=NAME()`` each in one
    workbook (a workbook per name costs ~1 ms); if that workbook fails, one each."""
    import formualizer as fz

    todo = sorted({n for n in names if n not in _KNOWN})
    if not todo:
        return
    if len(todo) > 1:
        wb = fz.Workbook()
        wb.add_sheet("S")
        try:
            for row, name in enumerate(todo, 1):
                wb.set_formula("S", row, 1, f"={name}()")
            wb.evaluate_all()
            values = [wb.get_value("S", row, 1) for row in range(1, len(todo) + 1)]
        except Exception:  # noqa: BLE001 - find out name by name
            values = None
        if values is not None:
            for name, value in zip(todo, values):
                _KNOWN[name] = not (isinstance(value, dict) and value.get("kind") == "Name")
            return
    for name in todo:
        wb = fz.Workbook()
        wb.add_sheet("S")
        try:
            wb.set_formula("S", 1, 1, f"={name}()")
            wb.evaluate_all()
            value = wb.get_value("S", 1, 1)
        except Exception:  # noqa: BLE001 - anything but a clean answer means: not known
            _KNOWN[name] = False
            continue
        _KNOWN[name] = not (isinstance(value, dict) and value.get("kind") == "Name")


@functools.lru_cache(maxsize=4096)
def _calls(formula: str) -> tuple[tuple[str, bool], ...]:
    """The functions ``formula`` calls: (name, called through a workbook or add-in link)."""
    text = _STRINGS.sub('""', formula)
    while "[" in text:  # structured references and link indexes: [Risk (Sentiment)] is no call
        new = _BRACKETS.sub("\x01", text)
        if new == text:
            break
        text = new
    text = text.replace("\x01", "[]")
    return tuple((m.group(2), bool(m.group(1))) for m in _CALL.finditer(text))


def _unknown(formula: str, ours: frozenset) -> str | None:
    for name, linked in _calls(formula):
        if linked:
            return f"calls {name} through an external link or add-in"
        upper = name.upper()
        if upper in ours:
            continue
        if upper.startswith("_XLDUDF_"):
            return f"calls {name}, an Office.js add-in function that is not ours"
        if not _builtin(upper):
            return f"calls {name}, neither an Excel built-in nor a CS_* function"
    return None



# -- evaluation -------------------------------------------------------------------------------

def evaluate(src, zf: zipfile.ZipFile, parts: dict, cells: dict, functions: dict,
             columnwise: bool = True, stats: dict | None = None):
    """Evaluate the workbook ``src`` (open as ``zf``; sheet ``parts``) with formualizer.

    ``cells`` is ``{(sheet, "A1"): (formula text or None, cached value or None, array)}``.
    Returns ``(values, kept)``: ``{(sheet, "A1"): value}`` for the cells evaluated and
    ``{(sheet, "A1"): reason}`` for those that keep their cached value. ``columnwise``
    answers per-row ``*IFS`` over constant columns from hash indexes (:mod:`.ifs`); False
    evaluates every formula as written (the plain engine, for comparison). ``stats``, if
    given, receives counts of the work done (rounds, Python calls, look-ups, declined cells).
    """
    from . import ifs
    from .names import excel_names

    index = ifs.Index() if columnwise else None
    originals: dict = {}
    names = {alias.upper(): name for name in functions for alias in excel_names(name)}
    counts: dict = {"shared_cells": 0}
    wb, hoist, waits, moved = _load(src, zf, parts, index, cells, originals, names, counts)
    wb.set_temporal_egress("serial")
    ours = {ifs.FUNCTION}
    batches = _Batches(functions)
    if index is not None:
        index.load(_reader(wb, parts))
        wb.register_function(ifs.FUNCTION, index.callback(), min_args=3)
    if hoist is not None:
        batches.ranges.update(hoist.load(wb))
    for name in functions:
        call = batches.callback(name)
        for alias in excel_names(name):
            wb.register_function(alias, call, volatile=True)  # re-run in every round
            ours.add(alias.upper())
        if waits is not None and waits.groups:  # the calls the rewrite tagged (:mod:`.waits`)
            wb.register_function(ALIAS + name, batches.callback(name, tagged=True), volatile=False)
            ours.add((ALIAS + name).upper())
    for name, (func, least, most) in _OVERRIDES.items():
        wb.register_function(name, func, min_args=least, max_args=most,
                             allow_override_builtin=True)
    ours.update(builtins.register(wb, zf))
    ours = frozenset(ours)
    restored: set = set()

    def settle() -> int:
        """Evaluate until our functions have answered every call and no *IFS look-up
        declined: a declined cell gets its formula back and the engine answers it."""
        n = 0
        while True:
            with held_stderr():  # a Rust panic's own text is not for the user
                wb.evaluate_all()
            n += 1
            if batches.resolve():
                if batches.waiting:
                    waits.wake(wb, batches.waiting)
                    batches.waiting.clear()
                continue
            todo = ((index.declined | index.erring) - restored) if index is not None else ()
            if not todo:
                return n
            for where in todo:
                sheet, ref = _split(where)
                col, row = _CELL_REF.match(ref).groups()
                wb.set_formula(sheet, int(row), _col_index(col), "=" + originals[(sheet, ref)])
            restored.update(todo)

    rounds = settle()
    got = _read(wb, cells)
    # A formula Excel did not save as a (dynamic) array formula is a legacy one: a multi-cell
    # result shows its top-left value there, as ``=@(…)`` does, where formualizer spills.
    legacy = []
    for key, cell in cells.items():
        value = got[key]
        if not cell[2] and isinstance(value, dict) and value.get("kind") == "Spill":
            col, row = _CELL_REF.match(key[1]).groups()
            legacy.append((key[0], int(row), _col_index(col)))
    for sheet, r, c in legacy:
        formula = wb.get_formula(sheet, r, c)
        if formula and not formula.startswith("=#ERROR!"):
            wb.set_formula(sheet, r, c, "=@(" + formula.lstrip("=") + ")")
    if legacy:
        rounds += settle()
        got = _read(wb, cells)
    log.debug("%d rounds, %d Python calls, %d *IFS look-ups, %d cells declined", rounds,
              batches.calls, index.answered if index else 0, len(restored))
    if stats is not None:
        stats.update(rounds=rounds, python_calls=batches.calls, waited=batches.waited,
                     ifs_declined=len(restored),
                     ifs_lookups=index.answered if index else 0,
                     hoisted_ranges=len(hoist.ranges) if hoist else 0,
                     wake_groups=waits.groups if waits else 0,
                     woken=waits.woken if waits else 0, **counts)

    values, roots = {}, {}
    unknown: dict = {}  # a column holds one text: look its functions up once
    uses = left_out(list(wb.name_import_diagnostics)
                    + [{"name": n} for n in (moved.arrays(wb) if moved else ())])
    named: dict = {}
    _probe(name.upper() for text in {cell[0] for cell in cells.values() if cell[0]}
           for name, linked in _calls(text)
           if not linked and name.upper() not in ours and not name.upper().startswith("_XLDUDF_"))
    for key, (text, cached, _) in cells.items():
        sheet, ref = key
        value = got[key]
        formula = None
        if value is None or isinstance(value, dict) or text is None:
            # only a blank or an error may come from a formula the engine did not load or
            # parse; reading the formula back costs more than the value
            col, row = _CELL_REF.match(ref).groups()
            formula = wb.get_formula(sheet, int(row), _col_index(col))
            if formula is None:
                roots[key] = "was not loaded by the engine"
                continue
            if formula.startswith("=#ERROR!"):
                roots[key] = f"cannot be parsed: ={text or formula}"
                continue
        source = text or formula
        if uses is not None:
            name = named.get(source, named)
            if name is named:
                name = named[source] = uses(source)
            if name:  # Excel computes it; the engine would show #NAME?
                roots[key] = f"uses the name {name}, which the engine cannot evaluate"
                continue
        why = unknown.get(source, unknown)
        if why is unknown:
            why = unknown[source] = _unknown(source, ours)
        if why:
            if cached is None:  # as Excel shows it where the function is missing
                values[key] = ExcelError("#NAME?")
            else:
                roots[key] = why
            continue
        if isinstance(value, dict) and value.get("kind") in _CANNOT:
            roots[key] = f"{_CANNOT[value['kind']]}: {formula or '=' + text}"
            continue
        values[key] = _result(value)
    kept = dict(roots)
    if roots:
        todo = [k for k in roots]
        while todo:
            sheet, ref = todo.pop()
            try:
                report = wb.dependents(f"'{sheet}'!{ref}", max_results=1_000_000,
                                       max_work=10_000_000)
            except Exception:  # noqa: BLE001 - no graph node: nothing depends on it
                continue
            for dep in report.dependents:
                key = _split(dep.cell)
                if key in cells and key not in kept:
                    kept[key] = f"depends on {sheet}!{ref}, which keeps its cached value"
                    values.pop(key, None)
                    todo.append(key)
    return values, kept


def _read(wb, cells: dict) -> dict:
    """``{(sheet, "A1"): engine value}`` of the formula cells, read a column block at a time
    (one call per run of nearby rows, so a sparse sheet costs its cells, not its extent)."""
    import formualizer as fz

    by_col: dict = {}
    for key in cells:
        col, row = _CELL_REF.match(key[1]).groups()
        by_col.setdefault((key[0], col), []).append(int(row))
    out = {}
    for (sheet, col), rows in by_col.items():
        rows.sort()
        c, start = _col_index(col), 0
        page = wb.sheet(sheet)
        for i in range(1, len(rows) + 1):
            if i < len(rows) and rows[i] - rows[i - 1] <= 8:
                continue
            r0, r1 = rows[start], rows[i - 1]
            block = page.get_values(fz.RangeAddress(sheet, r0, c, r1, c))
            for r in rows[start:i]:
                line = block[r - r0] if r - r0 < len(block) else None
                out[(sheet, f"{col}{r}")] = line[0] if line else None
            start = i
    return out


def _split(address: str) -> tuple[str, str]:
    sheet, _, ref = address.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref.replace("$", "")
