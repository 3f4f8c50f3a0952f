"""Excel's ``SUBTOTAL`` with the rows it ignores: hidden rows, filtered rows, other subtotals.

The engine passes a function only the values of a reference, so the visibility of its rows is
settled when the package is prepared: each ``SUBTOTAL(code, ref, …)`` becomes
``CSCALC_SUBTOTAL(code, ref, mask, …)``, the mask an array constant with one entry per cell of
``ref``: 2 for a row hidden by an active filter, 1 for any other hidden row, 3 for a cell that
itself holds ``SUBTOTAL``/``AGGREGATE`` (Excel ignores those always), 0 for a counted cell.
Codes 1–11 skip masks 2 and 3; codes 101–111 skip 1, 2 and 3.
"""

from __future__ import annotations

import math
import re

from .args import error

__all__ = ["NAME", "SheetFacts", "sheet_facts", "rewrite_subtotals", "CSCALC_SUBTOTAL"]

NAME = "CSCALC_SUBTOTAL"
_CALL = re.compile(r"(?<![\w.])(?:_xlfn\.)?SUBTOTAL\(", re.I)
_REF = re.compile(r"^\s*(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$?(?P<c1>[A-Z]{1,3})\$?"
                  r"(?P<r1>[0-9]+)(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>[0-9]+))?\s*$")
_LIMIT = 20_000  # cells in one mask; a bigger reference keeps the engine's own SUBTOTAL


class SheetFacts:
    """What a sheet's XML says about rows and subtotal cells."""

    def __init__(self, hidden=(), filtered=(), subtotals=()):
        self.hidden = set(hidden)
        self.filtered = set(filtered)
        self.subtotals = set(subtotals)  # (row, col)


_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_R = re.compile(rb'\sr="([0-9]+)"')
_HIDDEN = re.compile(rb'\shidden="(1|true)"')
_FILTER = re.compile(rb'<(?:\w+:)?autoFilter\b[^>]*\bref="[A-Z]+([0-9]+)(?::[A-Z]+([0-9]+))?"'
                     rb'[^>]*?(?:/>|>(.*?)</(?:\w+:)?autoFilter>)', re.S)
_SUB_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]+)([0-9]+)"[^>]*>(?:(?!</(?:\w+:)?c>).)*?'
                       rb"<(?:\w+:)?f\b[^>]*>[^<]*(?:SUBTOTAL|AGGREGATE)\(", re.S | re.I)


def sheet_facts(xml: bytes, tables: list[bytes]) -> SheetFacts:
    """Hidden rows, rows hidden by an active filter (the sheet's or a table's autoFilter with
    a ``filterColumn``) and ``SUBTOTAL``/``AGGREGATE`` cells of one worksheet part."""
    hidden = set()
    for m in _ROW.finditer(xml):
        if _HIDDEN.search(m.group(1)):
            r = _ROW_R.search(m.group(1))
            if r:
                hidden.add(int(r.group(1)))
    spans = []
    for part in [xml, *tables]:
        for f in _FILTER.finditer(part):
            if f.group(3) and b"filterColumn" in f.group(3):
                spans.append((int(f.group(1)), int(f.group(2) or f.group(1))))
    filtered = {r for r in hidden if any(a <= r <= b for a, b in spans)}
    subs = {(int(m.group(2)), _col(m.group(1).decode())) for m in _SUB_CELL.finditer(xml)}
    return SheetFacts(hidden, filtered, subs)


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _args(text: str, start: int) -> tuple[list[str], int] | None:
    """The top-level arguments of the call whose ``(`` is just before ``start``, and where
    its ``)`` is."""
    depth, i, cur, out = 0, start, "", []
    while i < len(text):
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < len(text):
                if text[j] == '"' and text[j + 1:j + 2] != '"':
                    break
                j += 2 if text[j] == '"' else 1
            cur += text[i:j + 1]
            i = j + 1
            continue
        if ch == "'":
            j = text.find("'", i + 1)
            j = len(text) - 1 if j < 0 else j
            cur += text[i:j + 1]
            i = j + 1
            continue
        if ch in "({":
            depth += 1
        elif ch in ")}":
            if depth == 0:
                out.append(cur)
                return out, i
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            i += 1
            continue
        cur += ch
        i += 1
    return None


def _mask(m: re.Match, facts: SheetFacts) -> str | None:
    c1, r1 = _col(m.group("c1")), int(m.group("r1"))
    c2, r2 = (_col(m.group("c2")), int(m.group("r2"))) if m.group("c2") else (c1, r1)
    r1, r2, c1, c2 = min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)
    if (r2 - r1 + 1) * (c2 - c1 + 1) > _LIMIT:
        return None
    rows = []
    for r in range(r1, r2 + 1):
        base = 2 if r in facts.filtered else 1 if r in facts.hidden else 0
        rows.append(",".join("3" if (r, c) in facts.subtotals else str(base)
                             for c in range(c1, c2 + 1)))
    return "{" + ";".join(rows) + "}"


def rewrite_subtotals(formula: str, sheet: str, facts: dict[str, SheetFacts]) -> str:
    """``formula`` with every ``SUBTOTAL`` whose references are plain A1 ranges calling
    :data:`NAME` with their masks (other forms are left to the engine).

    >>> f = {"S": SheetFacts(hidden={3})}
    >>> rewrite_subtotals("SUBTOTAL(109,B2:B4)+1", "S", f)
    'CSCALC_SUBTOTAL(109,B2:B4,{0;1;0})+1'
    """
    out, pos = "", 0
    for m in _CALL.finditer(formula):
        if m.start() < pos:
            continue
        parsed = _args(formula, m.end())
        if parsed is None:
            break
        args, end = parsed
        new_args = [args[0]]
        for a in args[1:]:
            ref = _REF.match(a)
            if not ref:
                return formula
            name = ref.group("sheet")
            name = (name[1:-1].replace("''", "'") if name and name.startswith("'") else name)
            target = next((v for k, v in facts.items() if k.upper() == (name or sheet).upper()),
                          None)
            mask = _mask(ref, target) if target is not None else None
            if mask is None:
                return formula
            new_args += [a, mask]
        out += formula[pos:m.start()] + NAME + "(" + ",".join(new_args) + ")"
        pos = end + 1
    return out + formula[pos:] if out else formula


# -- the function -----------------------------------------------------------------------------

def _statistics():
    """The ``statistics`` module, imported on first use (~3 ms with ``fractions``): few
    workbooks ask for a standard deviation or variance."""
    import statistics

    return statistics


def _stdev(xs, population=False):
    if len(xs) < (1 if population else 2):
        raise ZeroDivisionError
    return _statistics().pstdev(xs) if population else _statistics().stdev(xs)


def _var(xs, population=False):
    if len(xs) < (1 if population else 2):
        raise ZeroDivisionError
    return _statistics().pvariance(xs) if population else _statistics().variance(xs)


def _avg(xs):
    return math.fsum(xs) / len(xs)


_FUNCS = {1: _avg, 2: len, 4: lambda xs: max(xs) if xs else 0.0,
          5: lambda xs: min(xs) if xs else 0.0, 6: lambda xs: math.prod(xs) if xs else 0.0,
          7: _stdev, 8: lambda xs: _stdev(xs, True), 9: math.fsum, 10: _var,
          11: lambda xs: _var(xs, True)}


def _cells(value):
    if isinstance(value, list):
        for row in value:
            yield from (row if isinstance(row, list) else [row])
    else:
        yield value


def CSCALC_SUBTOTAL(code, *refs_and_masks):
    """SUBTOTAL over (reference values, mask) pairs; see the module docstring."""
    if isinstance(code, dict):
        return code
    try:
        n = math.trunc(float(code))
    except (TypeError, ValueError):
        return error("Value")
    skip = {2, 3} if 1 <= n <= 11 else {1, 2, 3} if 101 <= n <= 111 else None
    if skip is None:
        return error("Value")
    n %= 100
    numbers, count_a = [], 0
    for values, mask in zip(refs_and_masks[::2], refs_and_masks[1::2]):
        flags = list(_cells(mask))
        for i, v in enumerate(_cells(values)):
            flag = flags[i] if i < len(flags) else flags[-1]
            if flag in skip or (isinstance(flag, float) and int(flag) in skip):
                continue
            if v is None:
                continue
            count_a += 1
            if isinstance(v, dict):
                if n in (2, 3):
                    continue
                return v
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                numbers.append(float(v))
    if n == 3:
        return float(count_a)
    try:
        return float(_FUNCS[n](numbers))
    except ZeroDivisionError:
        return error("Div")
    except (_statistics().StatisticsError, OverflowError):  # evaluated only on an error
        return error("Num")
