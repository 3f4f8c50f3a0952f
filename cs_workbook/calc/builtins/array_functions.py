"""Built-ins over arrays that formualizer 0.13 answers differently from Excel: ``SORT``,
``MODE.MULT`` and ``INDEX`` of an array constant (``SUMIF`` & co with an array of criteria:
:mod:`.array_ifs`).

- ``SORT`` orders numbers, then text (ignoring case), then logicals, then errors (by their
  ``ERROR.TYPE`` number); blanks come last in either order; equal keys keep their order.
- ``MODE.MULT`` lists the most frequent numbers in the order they first appear, down a column.
- ``INDEX({…}, row, column, area)``: a negative index is ``#VALUE!``, one beyond the array or
  an area other than 1 is ``#REF!``, 0 (or omitted) takes the whole row or column, and a one-row
  array takes a single index as its column.
"""

from __future__ import annotations

from collections import Counter

from .args import error
from .arrays import _grid, _is_error, _shown

__all__ = ["INDEX", "MODE_MULT", "SORT"]

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
