"""Excel's ``XMATCH(lookup, array, [match_mode], [search_mode])`` with every match mode:
0 exact, -1 exact or next smaller, 1 exact or next larger, 2 wildcards (``* ? ~``),
3 regular expression (searched in the text, case-sensitive, as Excel's REGEX functions)."""

from __future__ import annotations

import math
import re

from .args import error

__all__ = ["XMATCH"]


def _flat(values) -> list:
    if not isinstance(values, list):
        return [values]
    rows = [r if isinstance(r, list) else [r] for r in values]
    if len(rows) > 1 and all(len(r) > 1 for r in rows):
        raise ValueError("not one row or column")
    return [v for r in rows for v in r]


def _kind(v) -> int:
    return 2 if isinstance(v, bool) else 1 if isinstance(v, str) else 0 if isinstance(
        v, (int, float)) else 3


def _key(v):
    return v.lower() if isinstance(v, str) else v


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
    return re.compile(out, re.I | re.S)


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
        pat = _wildcard(lookup)
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
