"""Built-ins formualizer 0.13 gets wrong, registered over its own: SEARCH, FIND and the IS*
functions answered cell by cell over range arguments, as Excel lifts them."""

from __future__ import annotations

import functools
import re

from .boundary import _KIND, _error

def _text_of(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return f"{v:.15g}"
    return str(v)


def _lifted(scalar):
    """``scalar(*args)`` applied cell by cell over range arguments (Excel's array lifting);
    formualizer 0.13 passes only the first cell of a range to SEARCH and FIND."""
    def call(*args):
        grids = [a for a in args if isinstance(a, list)]
        if not grids:
            return scalar(*args)
        rows = max(len(g) for g in grids)
        cols = max(len(g[0]) if g and isinstance(g[0], list) else 1 for g in grids)

        def at(a, i, j):
            if not isinstance(a, list):
                return a
            row = a[i if len(a) > 1 else 0]
            row = row if isinstance(row, list) else [row]
            return row[j if len(row) > 1 else 0]
        return [[scalar(*[at(a, i, j) for a in args]) for j in range(cols)] for i in range(rows)]
    return call


def _find(case_insensitive: bool):
    def find(needle, haystack, start=1.0):
        for v in (needle, haystack, start):
            if isinstance(v, dict):
                return v if v.get("type") != "Error" else _error(
                    _KIND.get(v.get("kind"), "#VALUE!"))
        needle, text = _text_of(needle), _text_of(haystack)
        try:
            first = int(float(start if start is not None else 1))
        except (TypeError, ValueError):
            return _error("#VALUE!")
        if first < 1 or first > len(text) + 1:
            return _error("#VALUE!")
        if not case_insensitive:
            at = text.find(needle, first - 1)
            return float(at + 1) if at >= 0 else _error("#VALUE!")
        m = _wildcards(needle).search(text, first - 1)
        return float(m.start() + 1) if m else _error("#VALUE!")
    return find


@functools.lru_cache(maxsize=4096)
def _wildcards(needle: str) -> re.Pattern:
    """``SEARCH``'s needle as a case-insensitive pattern: ``?`` and ``*``, ``~`` escapes."""
    pattern, i = "", 0
    while i < len(needle):
        ch = needle[i]
        if ch == "~":  # a final ~ escapes nothing and matches nothing (Excel)
            pattern += re.escape(needle[i + 1]) if i + 1 < len(needle) else ""
            i += 2
            continue
        pattern += "." if ch == "?" else ".*?" if ch == "*" else re.escape(ch)
        i += 1
    return re.compile(pattern, re.I | re.S)


def _is_error(v) -> bool:
    return isinstance(v, dict) and v.get("type") == "Error"


_IS = {
    "ISNUMBER": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "ISTEXT": lambda v: isinstance(v, str),
    "ISNONTEXT": lambda v: not isinstance(v, str),
    "ISBLANK": lambda v: v is None,
    "ISLOGICAL": lambda v: isinstance(v, bool),
    "ISERROR": _is_error,
    "ISNA": lambda v: _is_error(v) and v.get("kind") == "Na",
    "ISERR": lambda v: _is_error(v) and v.get("kind") != "Na",
}

#: Built-ins registered over formualizer's own, which (0.13) takes only the first cell of a
#: range or array argument instead of answering cell by cell: (callable, min, max arguments).
_OVERRIDES = {"SEARCH": (_lifted(_find(True)), 2, 3), "FIND": (_lifted(_find(False)), 2, 3),
              **{name: (_lifted(test), 1, 1) for name, test in _IS.items()}}
