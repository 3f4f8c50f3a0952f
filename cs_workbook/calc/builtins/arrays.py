"""Element-wise evaluation over arrays of different shapes, as Excel does it.

Excel evaluates a function or operator of arrays element by element. Arguments whose shapes
differ are first brought to the largest: an argument of one row (column) is repeated down
(across), and the positions beyond a smaller argument hold ``#N/A``. So
``IF({TRUE,FALSE},{1,2,3},{1,2,3,4})`` is ``{1,2,#N/A,#N/A}`` and ``A6:C6+{1,2}`` is
``{A6+1,B6+2,#N/A}``. formualizer 0.13 answers such calls with ``#VALUE!``; the callables here
are registered under our own names, which :mod:`.array_forms` writes into array formulas.

Values are formualizer's: numbers, text, booleans, ``None`` for blank, error dicts, lists of
rows for arrays.
"""

from __future__ import annotations

import math

from .args import error

__all__ = ["AREA", "EXP", "IF", "IFERROR", "IFNA", "OP", "SINGLE", "broadcast"]

_NA = {"type": "Error", "kind": "Na"}


def _is_error(v) -> bool:
    return isinstance(v, dict) and v.get("type") == "Error"


def _grid(v) -> list[list]:
    if not isinstance(v, list):
        return [[v]]
    return [r if isinstance(r, list) else [r] for r in v] or [[None]]


def _shape(grids) -> tuple[int, int]:
    return max(len(g) for g in grids), max(len(g[0]) for g in grids)


def _at(g: list[list], i: int, j: int):
    i = 0 if len(g) == 1 else i
    j = 0 if len(g[0]) == 1 else j
    if i >= len(g) or j >= len(g[i]):
        return _NA
    return g[i][j]


def broadcast(func, *args, shape: tuple[int, int] | None = None):
    """``func`` applied element by element to ``args``, brought to one shape as Excel does
    (``shape``, or the largest argument's); a plain value when no argument is an array.

    >>> broadcast(lambda a, b: (a, b), [[1.0, 2.0, 3.0]], [[10.0, 20.0]])[0][2]
    (3.0, {'type': 'Error', 'kind': 'Na'})
    >>> broadcast(lambda a, b: a * b, [[1.0], [2.0]], [[1.0, 10.0]])
    [[1.0, 10.0], [2.0, 20.0]]
    """
    if shape is None and not any(isinstance(a, list) for a in args):
        return func(*args)
    grids = [_grid(a) for a in args]
    rows, cols = shape or _shape(grids)
    return [[func(*[_at(g, i, j) for g in grids]) for j in range(cols)] for i in range(rows)]


def _shown(v):
    """A result as a cell shows it: a blank is 0."""
    return 0.0 if v is None else v


def _truth(v):
    if _is_error(v):
        return v
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if isinstance(v, str) and v.upper() in ("TRUE", "FALSE"):
        return v.upper() == "TRUE"
    return error("Value")


def IF(condition, if_true=True, if_false=False):
    """Excel's ``IF`` element by element (the third argument defaults to FALSE).

    >>> IF([[True, False, True]], [[1.0, 2.0]], 9.0)
    [[1.0, 9.0, {'type': 'Error', 'kind': 'Na'}]]
    """
    def one(c, t, f):
        c = _truth(c)
        if isinstance(c, dict):
            return c
        return _shown(t if c else f)
    return broadcast(one, condition, if_true, if_false)


def IFERROR(value, value_if_error):
    """Excel's ``IFERROR`` element by element.

    >>> IFERROR([[1.0], [{"type": "Error", "kind": "Div"}], [3.0]], [[7.0], [8.0]])
    [[1.0], [8.0], [3.0]]
    """
    return broadcast(lambda v, f: _shown(f if _is_error(v) else v), value, value_if_error)


def IFNA(value, value_if_na):
    """Excel's ``IFNA`` element by element."""
    return broadcast(lambda v, f: _shown(f if _is_error(v) and v.get("kind") == "Na" else v),
                     value, value_if_na)


def SINGLE(value):
    """``_xlfn.SINGLE`` (Excel's ``@``) of a value that is no reference: its first element
    (:mod:`.array_forms` writes ``@(…)`` for the engine instead)."""
    return _shown(_grid(value)[0][0])


def AREA(value, rows, cols):
    """``value`` filling a legacy array formula's area of ``rows`` × ``cols`` cells: a single
    value in every cell, a row or column repeated, ``#N/A`` beyond a smaller array.

    >>> AREA(123.0, 3.0, 1.0)
    [[123.0], [123.0], [123.0]]
    """
    return broadcast(_shown, value, shape=(int(rows), int(cols)))


# -- operators -------------------------------------------------------------------------------

def _number(v):
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            text = v.strip()
            if text.endswith("%"):
                return float(text[:-1]) / 100
            if text and text.lower() not in ("nan", "inf", "-inf", "infinity") and "_" not in text:
                return float(text)
        except ValueError:
            pass
    return error("Value")


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.15g}"
    return str(v)


def _rank(v):
    """Excel's order of values of different types: numbers, text, logicals."""
    if isinstance(v, bool):
        return 2, float(v)
    if isinstance(v, (int, float)):
        return 0, float(v)
    return 1, v.lower()


def _compare(op: str, a, b) -> bool:
    if a is None:
        a = "" if isinstance(b, str) else False if isinstance(b, bool) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if isinstance(a, bool) else 0.0
    x, y = _rank(a), _rank(b)
    return {"=": x == y, "<>": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]


def _arith(op: str, a: float, b: float):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return error("Div") if b == 0 else a / b
    if a == 0 and b <= 0:  # "^"
        return error("Num") if b == 0 else error("Div")
    try:
        r = a ** b
    except OverflowError:
        return error("Num")
    return error("Num") if isinstance(r, complex) or not math.isfinite(r) else r


def _operate(op: str, a, b):
    if _is_error(a):
        return a
    if _is_error(b):
        return b
    if op == "&":
        return _text(a) + _text(b)
    if op in ("=", "<>", "<", ">", "<=", ">="):
        return _compare(op, a, b)
    x, y = _number(a), _number(b)
    if isinstance(x, dict):
        return x
    if isinstance(y, dict):
        return y
    r = _arith(op, x, y)
    return error("Num") if isinstance(r, float) and not math.isfinite(r) else r


def OP(op, left, right):
    """The binary operator ``op`` (``+ - * / ^ & = <> < > <= >=``) element by element.

    >>> OP("+", [[1.0, {"type": "Error", "kind": "Div"}, 3.0]], [[1.0, 2.0]])
    [[2.0, {'type': 'Error', 'kind': 'Div'}, {'type': 'Error', 'kind': 'Na'}]]
    """
    return broadcast(lambda a, b: _operate(op, a, b), left, right)


def EXP(number):
    """Excel's ``EXP`` element by element: an overflow is ``#NUM!`` in its own element.

    >>> EXP([[1000.0, 0.0]])
    [[{'type': 'Error', 'kind': 'Num'}, 1.0]]
    """
    def one(v):
        if _is_error(v):
            return v
        x = _number(v)
        if isinstance(x, dict):
            return x
        try:
            r = math.exp(x)
        except OverflowError:
            return error("Num")
        return r if math.isfinite(r) else error("Num")
    return broadcast(one, number)
