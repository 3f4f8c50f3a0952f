"""Excel's database functions: ``DSUM``, ``DAVERAGE``, ``DCOUNT``, ``DCOUNTA``, ``DGET``,
``DMAX``, ``DMIN``, ``DPRODUCT``, ``DSTDEV``, ``DSTDEVP``, ``DVAR``, ``DVARP``.

A criteria range is a header row of field labels and rows of conditions: the conditions of one
row must all hold (AND), any row may hold (OR), and an all-blank row matches every record. A
label matches the first database column whose header reads the same (case-insensitive; TRUE
and 1 read as ``TRUE`` and ``1``). A condition is a comparison (``>100``, ``<>a``,
``>=2024-07-01``, ``=`` for blank), a number or logical (equality), or text, which matches
values that *begin* with it (wildcards ``* ?`` and ``~`` allowed), as in Excel's advanced filter.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from .args import error, grid, wildcard

__all__ = ["DATABASE"]

_OP = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.S)


def _label(v) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d-%b-%Y", "%Y/%m/%d"):
        try:
            d = _dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        days = (d - _dt.date(1899, 12, 31)).days
        return float(days + (days >= 60))
    return None


def _condition(c):
    """A predicate on a database value, or None for a blank condition."""
    if c is None or c == "":
        return None
    if isinstance(c, dict):
        return lambda v: False
    if isinstance(c, bool):
        return lambda v: isinstance(v, bool) and v == c
    if isinstance(c, (int, float)):
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v == c
    op, rest = _OP.match(str(c)).groups()
    if op is None:
        pat = wildcard(rest, prefix=True)
        return lambda v: isinstance(v, str) and pat.fullmatch(v) is not None
    if rest == "":
        return (lambda v: v is None or v == "") if op == "=" else (
            (lambda v: not (v is None or v == "")) if op == "<>" else (lambda v: False))
    num = _number(rest)
    cmp = {"=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
           ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}[op]
    if num is not None:
        def numeric(v):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return cmp(float(v), num)
            return op == "<>"
        return numeric
    if op in ("=", "<>"):
        pat = wildcard(rest, prefix=False)
        same = (lambda v: isinstance(v, str) and pat.fullmatch(v) is not None)
        return same if op == "=" else (lambda v: not same(v))
    low = rest.lower()
    return lambda v: isinstance(v, str) and cmp(v.lower(), low)


def _matching(database, field, criteria):
    db, crit = grid(database), grid(criteria)
    if len(db) < 2 or len(crit) < 1:  # a database without records is #VALUE!
        raise ValueError
    header = [_label(h).upper() for h in db[0]]
    if isinstance(field, dict):
        raise _Pass(field)
    if isinstance(field, (int, float)) and not isinstance(field, bool):
        col = math.trunc(field) - 1
        if not 0 <= col < len(header):
            raise ValueError
    else:
        try:
            col = header.index(_label(field).upper())
        except ValueError:
            raise ValueError from None
    labels = [_label(h).upper() for h in crit[0]]
    rules = []
    for row in crit[1:] or [[None] * len(labels)]:
        tests = []
        for label, c in zip(labels, row):
            test = _condition(c)
            if test is None:
                continue
            if label not in header:
                tests.append(lambda v: False)
                continue
            tests.append((header.index(label), test))
        rules.append(tests)
    out = []
    for record in db[1:]:
        for tests in rules:
            if all(not callable(t) and t[1](record[t[0]] if t[0] < len(record) else None)
                   for t in tests):
                out.append(record[col] if col < len(record) else None)
                break
    return out


class _Pass(Exception):
    def __init__(self, value):
        super().__init__(value)
        self.value = value


def _numbers(values):
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _dfunc(reduce):
    def call(database, field, criteria):
        try:
            values = _matching(database, field, criteria)
            return reduce(values)
        except _Pass as p:
            return p.value
        except ValueError:
            return error("Value")
        except ZeroDivisionError:
            return error("Div")
        except OverflowError:  # a statistics.StatisticsError is a ValueError: caught above
            return error("Div")
    call.__name__ = getattr(reduce, "__name__", "dfunc")
    return call


def _average(values):
    xs = _numbers(values)
    return math.fsum(xs) / len(xs)


def _get(values):
    if not values:
        raise ValueError
    if len(values) > 1:
        return error("Num")
    return values[0] if values[0] is not None else 0.0


def _spread(name: str, least: int):
    """``statistics.<name>`` of the numbers; the module is imported on first use (~3 ms, with
    ``fractions``), since few workbooks call these."""
    def reduce(values):
        import statistics

        xs = _numbers(values)
        if len(xs) < least:
            raise ZeroDivisionError
        return getattr(statistics, name)(xs)
    reduce.__name__ = name
    return reduce


#: name → formualizer callable, all with three arguments.
DATABASE = {
    "DSUM": _dfunc(lambda vs: math.fsum(_numbers(vs))),
    "DAVERAGE": _dfunc(_average),
    "DCOUNT": _dfunc(lambda vs: float(len(_numbers(vs)))),
    "DCOUNTA": _dfunc(lambda vs: float(sum(1 for v in vs if v is not None and v != ""))),
    "DGET": _dfunc(_get),
    "DMAX": _dfunc(lambda vs: max(_numbers(vs), default=0.0)),
    "DMIN": _dfunc(lambda vs: min(_numbers(vs), default=0.0)),
    "DPRODUCT": _dfunc(lambda vs: math.prod(_numbers(vs)) if _numbers(vs) else 0.0),
    "DSTDEV": _dfunc(_spread("stdev", 2)),
    "DSTDEVP": _dfunc(_spread("pstdev", 1)),
    "DVAR": _dfunc(_spread("variance", 2)),
    "DVARP": _dfunc(_spread("pvariance", 1)),
}
