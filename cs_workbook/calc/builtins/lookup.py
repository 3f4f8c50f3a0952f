"""Excel's ``VLOOKUP``, ``HLOOKUP`` and ``XMATCH(lookup, array, [match_mode], [search_mode])``.

XMATCH has every match mode: 0 exact, -1 exact or next smaller, 1 exact or next larger,
2 wildcards (``* ? ~``), 3 regular expression (searched in the text, case-sensitive, as Excel's
REGEX functions). VLOOKUP and HLOOKUP pass an error lookup value through and search an
approximate match the way Excel does, by bisection, so that unsorted data gives Excel's answer.
"""

from __future__ import annotations

import math
import re

from .args import error, grid, wildcard

__all__ = ["XMATCH", "VLOOKUP", "HLOOKUP", "bisect_match"]


def _flat(values) -> list:
    rows = grid(values)
    if len(rows) > 1 and all(len(r) > 1 for r in rows):
        raise ValueError("not one row or column")
    return [v for r in rows for v in r]


def _kind(v) -> int:
    return 2 if isinstance(v, bool) else 1 if isinstance(v, str) else 0 if isinstance(
        v, (int, float)) else 3


def _key(v):
    return v.lower() if isinstance(v, str) else v


def XMATCH(lookup, array, match_mode=0.0, search_mode=1.0):
    """The position (1-based) of ``lookup`` in a one-row or one-column ``array``.

    >>> XMATCH("b", [["a"], ["B"], ["c"]]), XMATCH(25, [[10.0], [20.0], [30.0]], 1)
    (2.0, 3.0)
    """
    for v in (lookup, match_mode, search_mode):
        if isinstance(v, dict):
            return v
    try:
        values = _flat(array)
        mode, direction = math.trunc(float(match_mode or 0)), math.trunc(float(search_mode or 1))
    except (TypeError, ValueError):
        return error("Value")
    if mode not in (-1, 0, 1, 2, 3) or direction not in (1, -1, 2, -2):
        return error("Value")
    order = range(len(values)) if direction in (1, 2) else range(len(values) - 1, -1, -1)
    if lookup is None:
        lookup = 0.0
    if mode == 3:
        try:
            pat = re.compile(str(lookup) if not isinstance(lookup, float) or not
                             lookup.is_integer() else str(int(lookup)))
        except re.error:
            return error("Value")
        for i in order:
            if isinstance(values[i], str) and pat.search(values[i]):
                return float(i + 1)
        return error("Na")
    if mode == 2 and isinstance(lookup, str):
        pat = wildcard(lookup)
        for i in order:
            if isinstance(values[i], str) and pat.fullmatch(values[i]):
                return float(i + 1)
        return error("Na")
    kind, key = _kind(lookup), _key(lookup)
    best = None
    for i in order:
        v = values[i]
        if _kind(v) != kind:
            continue
        if _key(v) == key:
            return float(i + 1)
        if mode == -1 and _key(v) < key and (best is None or _key(v) > _key(values[best])):
            best = i
        elif mode == 1 and _key(v) > key and (best is None or _key(v) < _key(values[best])):
            best = i
    return float(best + 1) if best is not None else error("Na")


def _compare(lookup, value) -> int | None:
    """-1, 0 or 1 as ``lookup`` is below, equal to or above ``value``; None for another type."""
    kind = _kind(lookup)
    if kind == 3 or _kind(value) != kind:
        return None
    a, b = _key(lookup), _key(value)
    return 0 if a == b else -1 if a < b else 1


def bisect_match(values: list, lookup) -> int:
    """The index Excel's approximate match finds (the last value ≤ ``lookup`` if ``values``
    is sorted), or -1.

    Bisection between a low and a high bound that start outside the list; a middle value of
    another type than ``lookup`` is stepped over to the next one of the same type, and an
    equal value is followed to the end of its run: Apache POI's reading of Excel
    (``LookupUtils.performBinarySearch``), which reproduces Excel on unsorted data.

    >>> bisect_match(["Apples", "Oranges", "Bananas", "Lemons"], "apples")
    0
    >>> bisect_match([1.0, 3.0, 5.0], 4.0), bisect_match([1.0, 3.0, 5.0], 0.5)
    (1, -1)
    """
    low, high = -1, len(values)
    while high - low >= 2:
        mid = low + (high - low) // 2
        c = _compare(lookup, values[mid])
        if c is None:
            step = mid + 1
            while step < high and _compare(lookup, values[step]) is None:
                step += 1
            if step == high:
                high = mid
                continue
            c = _compare(lookup, values[step])
            if c < 0 and step == high - 1:
                high = mid
                continue
            mid = step
        if c == 0:
            while mid + 1 < high and _compare(lookup, values[mid + 1]) == 0:
                mid += 1
            return mid
        if c < 0:
            high = mid
        else:
            low = mid
    return low


def _exact(values: list, lookup) -> int:
    if isinstance(lookup, str) and any(ch in lookup for ch in "*?~"):
        pat = wildcard(lookup)
        return next((i for i, v in enumerate(values)
                     if isinstance(v, str) and pat.fullmatch(v)), -1)
    return next((i for i, v in enumerate(values) if _compare(lookup, v) == 0), -1)


def _index(n) -> int:
    if isinstance(n, str):
        n = float(n.strip())  # ValueError for text that is no number
    return math.trunc(float(n or 0))


def _approximate(flag) -> bool:
    if isinstance(flag, str):
        if flag.strip().upper() not in ("TRUE", "FALSE"):
            raise ValueError(flag)
        return flag.strip().upper() == "TRUE"
    return bool(flag)


def _lookup(lookup, table, index, approximate, across: bool):
    for v in (lookup, table, index, approximate):
        if isinstance(v, dict):
            return v
    if isinstance(table, str):  # a number or logical is a one-cell table, text is not
        return error("Value")
    try:
        n, approx = _index(index), _approximate(approximate)
    except (TypeError, ValueError):
        return error("Value")
    rows = grid(table)
    lines = [list(col) for col in zip(*rows)] if across else rows
    if n < 1:
        return error("Value")
    if n > len(lines[0]):
        return error("Ref")
    keys = [line[0] for line in lines]
    i = bisect_match(keys, lookup) if approx else _exact(keys, lookup)
    if i < 0:
        return error("Na")
    found = lines[i][n - 1]
    return 0.0 if found is None else found


def VLOOKUP(lookup, table, col_index, approximate=True):
    """Excel's ``VLOOKUP``: the value in column ``col_index`` of the row of ``table`` whose
    first cell matches ``lookup`` (approximately, by :func:`bisect_match`, unless FALSE)."""
    return _lookup(lookup, table, col_index, approximate, across=False)


def HLOOKUP(lookup, table, row_index, approximate=True):
    """Excel's ``HLOOKUP``: :func:`VLOOKUP` along the first row of ``table``."""
    return _lookup(lookup, table, row_index, approximate, across=True)
