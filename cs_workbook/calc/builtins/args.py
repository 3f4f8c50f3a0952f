"""Arguments as formualizer hands them to a Python built-in, turned into numbers as Excel does."""

from __future__ import annotations

import functools
import math
import re

__all__ = ["error", "numeric", "NumError", "ArgError", "grid", "wildcard"]


_NUMERIC = re.compile(r"^\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$")


def error(kind: str) -> dict:
    """A formualizer error value (``kind`` is ``Num``, ``Value``, ``Div``, ``Na`` …)."""
    return {"type": "Error", "kind": kind}


class NumError(Exception):
    """An argument out of range: ``#NUM!``."""


class ArgError(Exception):
    """An argument that answers the cell with ``value`` (an error passed through, ``#VALUE!``)."""

    def __init__(self, value):
        super().__init__(value)
        self.value = value


def grid(value) -> list[list]:
    """A range, array or single value as formualizer passes it, as a list of rows."""
    if not isinstance(value, list):
        return [[value]]
    return [r if isinstance(r, list) else [r] for r in value]


def wildcard(text: str, prefix: bool = False) -> re.Pattern:
    """Excel's wildcards in ``text`` (``*`` any run, ``?`` one character, ``~`` escapes the
    next) as a case-insensitive pattern to ``fullmatch``; ``prefix``: text beginning so."""
    out, i = "", 0
    while i < len(text):
        ch = text[i]
        if ch == "~" and i + 1 < len(text):
            out += re.escape(text[i + 1])
            i += 2
            continue
        out += ".*" if ch == "*" else "." if ch == "?" else re.escape(ch)
        i += 1
    return re.compile(out + (".*" if prefix else ""), re.I | re.S)


def _number(a, logical: bool) -> float:
    if isinstance(a, dict):
        raise ArgError(a if a.get("type") == "Error" else error("Value"))
    if a is None:
        return 0.0
    if isinstance(a, bool):
        if not logical:
            raise ArgError(error("Value"))
        return float(a)
    if isinstance(a, (int, float)):
        return float(a)
    if isinstance(a, str):
        if not _NUMERIC.match(a):  # float() also reads "nan", "inf" and "1_000"
            raise ArgError(error("Value"))
        return float(a)
    raise ArgError(error("Value"))


def numeric(logical: bool = True):
    """Decorate a function of floats as a formualizer callable: errors pass through, text that
    is no number is ``#VALUE!`` (so are TRUE/FALSE unless ``logical``), :class:`NumError`
    and non-finite results are ``#NUM!``, division by zero is ``#DIV/0!``."""
    def wrap(func):
        @functools.wraps(func)
        def call(*args):
            try:
                result = func(*[_number(a, logical) for a in args])
            except ArgError as e:
                return e.value
            except ZeroDivisionError:
                return error("Div")
            except (NumError, OverflowError, ValueError):
                return error("Num")
            if isinstance(result, float) and not math.isfinite(result):
                return error("Num")
            return result
        return call
    return wrap


def lifted(func):
    """``func`` applied cell by cell when an argument is a range or array, as Excel lifts a
    scalar function: the result has the largest argument's shape, a one-row or one-column
    argument is repeated across, and cells beyond a smaller argument are ``#N/A``."""
    @functools.wraps(func)
    def call(*args):
        grids = [a for a in args if isinstance(a, list)]
        if not grids:
            return func(*args)
        shaped = [[r if isinstance(r, list) else [r] for r in g] for g in grids]
        rows = max(len(g) for g in shaped)
        cols = max(len(g[0]) if g else 1 for g in shaped)

        def at(a, i, j):
            if not isinstance(a, list):
                return a
            g = [r if isinstance(r, list) else [r] for r in a]
            if not g:
                return None
            i = 0 if len(g) == 1 else i
            j = 0 if len(g[0]) == 1 else j
            if i >= len(g) or j >= len(g[i]):
                return _MISSING
            return g[i][j]

        out = []
        for i in range(rows):
            row = []
            for j in range(cols):
                cell = [at(a, i, j) for a in args]
                row.append(error("Na") if any(c is _MISSING for c in cell) else func(*cell))
            out.append(row)
        return out
    return call


_MISSING = object()
