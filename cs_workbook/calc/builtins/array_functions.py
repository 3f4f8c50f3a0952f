"""Built-ins over arrays that formualizer 0.13 answers differently from Excel: ``SORT``,
``MODE.MULT``, ``INDEX`` of an array constant and ``SUMIF`` with an array of criteria.

- ``SORT`` orders numbers, then text (ignoring case), then logicals, then errors (by their
  ``ERROR.TYPE`` number); blanks come last in either order; equal keys keep their order.
- ``MODE.MULT`` lists the most frequent numbers in the order they first appear, down a column.
- ``INDEX({…}, row, column, area)``: a negative index is ``#VALUE!``, one beyond the array or
  an area other than 1 is ``#REF!``, 0 (or omitted) takes the whole row or column, and a one-row
  array takes a single index as its column.
- ``SUMIF(range, criteria, [sum_range])`` answers one sum per criterion when the criteria are
  an array (``SUMIF(E:E, UNIQUE(E:E), F:F)``).
"""

from __future__ import annotations

import re
from collections import Counter

from .args import error
from .arrays import _grid, _is_error, _shown, broadcast

__all__ = ["INDEX", "MODE_MULT", "SORT", "SUMIF", "criterion"]

#: ERROR.TYPE's numbers, by formualizer's error kinds.
_ERROR_NUMBER = {"Null": 1, "Div": 2, "Value": 3, "Ref": 4, "Name": 5, "Num": 6, "Na": 7,
                 "GettingData": 8, "Spill": 9, "Calc": 14}


def _index(v, least: int = 1):
    """An index argument as an int; an error dict when it is not a number >= ``least``."""
    if _is_error(v):
        return v
    if v is None:
        return 0
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            return error("Value")
    if isinstance(v, list):
        return error("Value")
    n = int(float(v))
    return n if n >= least else error("Value")


# -- SORT ------------------------------------------------------------------------------------

def _key(v):
    if _is_error(v):
        return 3, _ERROR_NUMBER.get(v.get("kind"), 99)
    if isinstance(v, bool):
        return 2, int(v)
    if isinstance(v, (int, float)):
        return 0, float(v)
    return 1, str(v).lower()


def SORT(array, sort_index=1.0, sort_order=1.0, by_col=False):
    """Excel's ``SORT``: the rows (or, ``by_col``, the columns) of ``array`` ordered by the
    ``sort_index``-th column (row).

    >>> SORT([[3.0], ["b"], [None], [{"type": "Error", "kind": "Na"}], [1.0], ["A"]], 1, -1)
    [[{'type': 'Error', 'kind': 'Na'}], ['b'], ['A'], [3.0], [1.0], [0.0]]
    """
    grid = _grid(array)
    if isinstance(by_col, dict):
        return by_col
    by_col = bool(by_col) if by_col is not None else False
    lines = [list(c) for c in zip(*grid)] if by_col else [list(r) for r in grid]
    indexes = [v for r in _grid(sort_index) for v in r]
    orders = [v for r in _grid(sort_order) for v in r]
    keys = []
    for n, k in enumerate(indexes):
        k = _index(k)
        o = orders[n] if n < len(orders) else orders[-1]
        if isinstance(k, dict) or _is_error(o):
            return k if isinstance(k, dict) else o
        try:
            o = 1 if o is None else int(float(o))
        except (TypeError, ValueError):
            return error("Value")
        k = k or 1
        if k > len(lines[0]) or o not in (1, -1):
            return error("Value")
        keys.append((k - 1, o))
    out = list(lines)
    for k, o in reversed(keys):  # stable: the first key sorts last
        filled = [r for r in out if r[k] is not None]
        blank = [r for r in out if r[k] is None]
        out = sorted(filled, key=lambda r: _key(r[k]), reverse=o == -1) + blank
    out = [[_shown(v) for v in r] for r in out]
    return [list(c) for c in zip(*out)] if by_col else out


# -- MODE.MULT -------------------------------------------------------------------------------

def MODE_MULT(*args):
    """Excel's ``MODE.MULT``: the most frequent numbers, in order of first appearance, as a
    column; ``#N/A`` when no number repeats.

    >>> MODE_MULT([[2.0], [2.0], [1.0], [1.0], ["x"], [3.0]])
    [[2.0], [1.0]]
    """
    numbers = []
    for a in args:
        if _is_error(a):
            return a
        if isinstance(a, list):
            for v in (v for r in _grid(a) for v in r):
                if _is_error(v):
                    return v
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    numbers.append(float(v))
        elif isinstance(a, (int, float)) and not isinstance(a, bool):
            numbers.append(float(a))
        elif a is not None:
            return error("Value")
    counts = Counter(numbers)
    top = max(counts.values(), default=0)
    if top < 2:
        return error("Na")
    return [[v] for v in dict.fromkeys(numbers) if counts[v] == top]


# -- INDEX of an array -----------------------------------------------------------------------

def INDEX(array, row_num=None, column_num=None, area_num=None):
    """Excel's ``INDEX`` of an array (not a reference).

    >>> INDEX([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], -1, 1), INDEX([[1.0, 2.0, 3.0]], 2)
    ({'type': 'Error', 'kind': 'Value'}, 2.0)
    >>> INDEX([[1.0, 2.0, 3.0]], 1, 0, 1), INDEX([[1.0, 2.0, 3.0]], 1, 0, 2)
    ([[1.0, 2.0, 3.0]], {'type': 'Error', 'kind': 'Ref'})
    """
    if _is_error(array):
        return array
    grid = _grid(array)
    one_index = column_num is None and area_num is None
    r, c = _index(row_num, 0), _index(column_num, 0)
    a = 1 if area_num is None else _index(area_num, 1)
    for v in (r, c, a):
        if isinstance(v, dict):
            return v
    if a != 1:
        return error("Ref")
    if one_index and len(grid) == 1:  # a one-row array: the single index is its column
        r, c = 1, r
    elif one_index and len(grid[0]) == 1:
        c = 1
    if r > len(grid) or c > len(grid[0]):
        return error("Ref")
    rows = grid if r == 0 else [grid[r - 1]]
    out = [row if c == 0 else [row[c - 1]] for row in rows]
    return _shown(out[0][0]) if len(out) == 1 and len(out[0]) == 1 else \
        [[_shown(v) for v in row] for row in out]


# -- SUMIF with an array of criteria ---------------------------------------------------------

_OP = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.DOTALL)


def _as_number(text: str):
    try:
        t = text.strip()
        return float(t) if t and t.lower() not in ("nan", "inf", "-inf") else None
    except ValueError:
        return None


def _wildcard(text: str) -> re.Pattern:
    out, i = "", 0
    while i < len(text):
        ch = text[i]
        if ch == "~" and i + 1 < len(text):
            out += re.escape(text[i + 1])
            i += 2
            continue
        out += ".*" if ch == "*" else "." if ch == "?" else re.escape(ch)
        i += 1
    return re.compile(out, re.IGNORECASE | re.DOTALL)


def criterion(c):
    """A test of one cell value for the criterion ``c``, as ``SUMIF``/``COUNTIF`` read it.

    >>> [criterion(">2")(v) for v in (1.0, 3.0, "5", None)]
    [False, True, False, False]
    >>> [criterion("b*")(v) for v in ("Bus", "ab", 1.0)], criterion("")(None)
    ([True, False, False], True)
    """
    if _is_error(c):
        kind = c.get("kind")
        return lambda v: _is_error(v) and v.get("kind") == kind
    if isinstance(c, bool):
        return lambda v: isinstance(v, bool) and v == c
    if isinstance(c, (int, float)):
        return lambda v: (isinstance(v, (int, float)) and not isinstance(v, bool)
                          and float(v) == float(c))
    text = "" if c is None else str(c)
    op, rest = _OP.match(text).groups()
    op = op or "="
    number = _as_number(rest)
    if number is not None:
        def num(v):
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                return op == "<>"
            x = float(v)
            return {"=": x == number, "<>": x != number, "<": x < number, ">": x > number,
                    "<=": x <= number, ">=": x >= number}[op]
        return num
    if rest == "":
        if op == "=":
            return lambda v: v is None or v == ""
        if op == "<>":
            return lambda v: not (v is None or v == "")
    if rest.upper() in ("TRUE", "FALSE") and op in ("=", "<>"):
        flag = rest.upper() == "TRUE"
        return lambda v: (isinstance(v, bool) and v == flag) == (op == "=")
    if op in ("=", "<>"):
        pattern = _wildcard(rest)
        return lambda v: (isinstance(v, str) and bool(pattern.fullmatch(v))) == (op == "=")
    low = rest.lower()
    return lambda v: isinstance(v, str) and {"<": v.lower() < low, ">": v.lower() > low,
                                             "<=": v.lower() <= low,
                                             ">=": v.lower() >= low}[op]


def SUMIF(range_, criteria, sum_range=None):
    """Excel's ``SUMIF``, one sum per criterion when ``criteria`` is an array.

    >>> SUMIF([["a"], ["b"], ["a"]], [["a"], ["b"]], [[1.0], [2.0], [4.0]])
    [[5.0], [2.0]]
    """
    cells = [v for r in _grid(range_) for v in r]
    width = len(_grid(range_)[0])
    sums = cells if sum_range is None else [v for r in _grid(sum_range) for v in r]
    if sum_range is not None and len(_grid(sum_range)[0]) != width:
        sums = [row[j] if j < len(row) else None for row in _grid(sum_range)
                for j in range(width)]

    def one(c):
        test = criterion(c)
        total = 0.0
        for v, s in zip(cells, sums):
            if test(v):
                if _is_error(s):
                    return s
                if isinstance(s, (int, float)) and not isinstance(s, bool):
                    total += s
        return total
    return broadcast(one, criteria)
