"""``COUNTIF``, ``SUMIF``, ``AVERAGEIF`` and their ``…IFS``, ``MAXIFS``, ``MINIFS`` with arrays
of criteria, as Excel answers them: one result per criterion (``SUMPRODUCT(1/COUNTIF(A:A,A:A))``
counts distinct values). formualizer 0.13 answers such calls with a single value;
:mod:`.array_forms` writes them as ``_CSCALC_COUNTIF(…)`` & co in array formulas and inside
``SUMPRODUCT`` & co, where Excel evaluates them as arrays.

A criterion reads as Microsoft documents it: a number, logical or error matches equal values
(numeric text counts as its number); text may start with ``= <> < > <= >=``; a number or date
after the operator compares numbers; ``=`` and ``<>`` with text match case-insensitively with
the wildcards ``* ?`` (``~`` escapes); ``""`` matches blanks; a blank criterion cell is 0.
"""

from __future__ import annotations

import math
import re

from .args import error, wildcard
from .arrays import _grid, _is_error, broadcast
from .database import _number as _date_or_number

__all__ = ["IFS", "criterion"]

_OP = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.DOTALL)
_CMP = {"=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
        ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def _as_number(text: str):
    t = text.strip()
    if not t or t.lower().lstrip("+-") in ("nan", "inf", "infinity") or "_" in t:
        return None
    n = _date_or_number(t)
    return n if n is None or math.isfinite(n) else None


def _numeric(v):
    """A cell as a number for an equality criterion: numbers, and text that reads as one."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return _as_number(v) if isinstance(v, str) else None


def criterion(c):
    """A test of one cell value for the criterion ``c``, as ``COUNTIF`` & co read it.

    >>> [criterion(">2")(v) for v in (1.0, 3.0, "5", None)]
    [False, True, False, False]
    >>> [criterion("b*")(v) for v in ("Bus", "ab", 1.0)], criterion("")(None)
    ([True, False, False], True)
    >>> [criterion(1.0)(v) for v in (1.0, "1", True)], criterion(None)(0.0)
    ([True, True, False], True)
    """
    if _is_error(c):
        kind = c.get("kind")
        return lambda v: _is_error(v) and v.get("kind") == kind
    if isinstance(c, bool):
        return lambda v: isinstance(v, bool) and v == c
    if c is None:
        c = 0.0
    if isinstance(c, (int, float)):
        target = float(c)
        return lambda v: _numeric(v) == target
    op, rest = _OP.match(str(c)).groups()
    op = op or "="
    number = _as_number(rest)
    if number is not None:
        if op in ("=", "<>"):
            return lambda v: (_numeric(v) == number) == (op == "=")
        cmp = _CMP[op]
        return lambda v: (isinstance(v, (int, float)) and not isinstance(v, bool)
                          and cmp(float(v), number))
    if rest == "":
        if op == "=":
            return lambda v: v is None or v == ""
        if op == "<>":
            return lambda v: not (v is None or v == "")
        return lambda v: False
    if rest.upper() in ("TRUE", "FALSE") and op in ("=", "<>"):
        flag = rest.upper() == "TRUE"
        return lambda v: (isinstance(v, bool) and v == flag) == (op == "=")
    if op in ("=", "<>"):
        pattern = wildcard(rest)
        return lambda v: (isinstance(v, str) and bool(pattern.fullmatch(v))) == (op == "=")
    low, cmp = rest.lower(), _CMP[op]
    return lambda v: isinstance(v, str) and cmp(v.lower(), low)


def _cells(v) -> list:
    return [x for row in _grid(v) for x in row]


def _aggregate(kind: str, target: list, ranges: list[list], criteria: tuple):
    """``kind`` (count, sum, average, max, min) of ``target`` where every range meets its
    criterion; ``#VALUE!`` when the ranges differ in size."""
    if any(len(r) != len(ranges[0]) for r in ranges) or (target and len(target) != len(ranges[0])):
        return error("Value")
    tests = [criterion(c) for c in criteria]
    picked = [i for i in range(len(ranges[0])) if all(t(r[i]) for t, r in zip(tests, ranges))]
    if kind == "count":
        return float(len(picked))
    values = []
    for i in picked:
        v = target[i]
        if _is_error(v):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            values.append(float(v))
    if kind == "sum":
        return math.fsum(values)
    if kind == "average":
        return math.fsum(values) / len(values) if values else error("Div")
    if not values:
        return 0.0
    return max(values) if kind == "max" else min(values)


def _single(kind: str):
    """``COUNTIF(range, criteria)`` / ``SUMIF(range, criteria, [target])``."""
    def call(range_, criteria, target=None):
        cells = _cells(range_)
        values = [] if kind == "count" else _cells(range_ if target is None else target)
        if values and len(values) != len(cells):  # Excel reads a target of the range's size
            values = (values + [None] * len(cells))[:len(cells)]
        return broadcast(lambda c: _aggregate(kind, values, [cells], (c,)), criteria)
    return call


def _multiple(kind: str):
    """``COUNTIFS(range, criteria, …)`` / ``SUMIFS(target, range, criteria, …)``."""
    def call(*args):
        head = 0 if kind == "count" else 1
        pairs = args[head:]
        if not pairs or len(pairs) % 2:
            return error("Value")
        ranges = [_cells(r) for r in pairs[0::2]]
        target = [] if kind == "count" else _cells(args[0])
        return broadcast(lambda *cs: _aggregate(kind, target, ranges, cs), *pairs[1::2])
    return call


#: ``{NAME: (callable, min arguments, max arguments)}``.
IFS: dict = {
    "COUNTIF": (_single("count"), 2, 2), "SUMIF": (_single("sum"), 2, 3),
    "AVERAGEIF": (_single("average"), 2, 3), "COUNTIFS": (_multiple("count"), 2, 254),
    "SUMIFS": (_multiple("sum"), 3, 255), "AVERAGEIFS": (_multiple("average"), 3, 255),
    "MAXIFS": (_multiple("max"), 3, 255), "MINIFS": (_multiple("min"), 3, 255),
}

#: The criteria arguments (0-based) of each: from this index on, every second one.
CRITERIA_FROM = {"COUNTIF": 1, "SUMIF": 1, "AVERAGEIF": 1, "COUNTIFS": 1, "SUMIFS": 2,
                 "AVERAGEIFS": 2, "MAXIFS": 2, "MINIFS": 2}
