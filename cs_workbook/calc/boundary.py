"""Values across the boundary between formualizer and our functions: arguments as Office.js
hands them over (errors as dicts, ranges as lists of rows), answers as engine values, and our
functions called a column at a time (:class:`_Batches`)."""

from __future__ import annotations

import datetime as _dt
import functools
import logging

from ..excel.dates import date_to_serial
from ..excel.errors import ERROR_CODES, ExcelError

log = logging.getLogger(__name__.rpartition(".")[0] + ".fast")

#: formualizer error kinds → Excel error codes.
_KIND = {"Div": "#DIV/0!", "Na": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
         "Ref": "#REF!", "Value": "#VALUE!", "Spill": "#SPILL!", "Calc": "#CALC!",
         "GettingData": "#GETTING_DATA"}
_CODE = {code: kind for kind, code in _KIND.items()}


# -- values across the boundary --------------------------------------------------------------

def _to_python(value):
    """A formualizer argument as the Office.js-shaped value our functions accept."""
    if isinstance(value, dict):
        if value.get("type") == "Error":
            return {"type": "Error", "basicValue": _KIND.get(value.get("kind"), "#VALUE!")}
        return value
    if isinstance(value, list):
        return [[_to_python(v) for v in row] if isinstance(row, list) else _to_python(row)
                for row in value]
    return value


@functools.lru_cache(maxsize=None)
def _error(code: str):
    """The engine's error value for an Excel error code (one object per code: immutable)."""
    import formualizer as fz

    return fz.LiteralValue.error(_CODE.get(code, "Value"), None)


def _to_engine(value):
    """Our function's result as a formualizer value (errors, dates, spilled ranges)."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy arrays and scalars
    if isinstance(value, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value] or [[None]]
        width = max(len(r) for r in rows)
        return [[_to_engine(v) for v in r] + [_error("#N/A")] * (width - len(r)) for r in rows]
    if value is None:
        return ""
    if isinstance(value, ExcelError):
        return _error(value.code)
    if isinstance(value, str) and value in ERROR_CODES:
        return _error(value)
    if isinstance(value, _dt.date):  # datetimes too: the time of day is the fraction
        try:
            return date_to_serial(value)
        except ValueError:  # before Excel's first date
            return _error("#NUM!")
    if isinstance(value, float) and value != value:
        return _error("#NUM!")
    if value.__class__.__name__ == "NaTType":
        return _error("#NUM!")
    return value


def _adapt(func):
    @functools.wraps(func)
    def call(*args):
        try:
            return _to_engine(func(*[_to_python(a) for a in args]))
        except Exception as exc:  # a cell shows #VALUE!, never a traceback
            log.debug("%s failed: %r", getattr(func, "__name__", func), exc)
            return _error("#VALUE!")
    return call


def _result(value):
    """A formualizer cell value as what the package writer encodes."""
    while isinstance(value, list):  # a spilled array: its anchor holds the top-left value
        value = value[0] if value else None
    if value is None:
        return 0
    if isinstance(value, dict):
        return ExcelError(_KIND.get(value.get("kind"), "#VALUE!"))
    if isinstance(value, _dt.datetime):
        return date_to_serial(value)
    if isinstance(value, _dt.date):
        return date_to_serial(value)
    if isinstance(value, _dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, _dt.timedelta):
        return value.total_seconds() / 86400
    return value


# -- our functions called a column at a time ----------------------------------------------------

#: The engine's error kind of :func:`pending`: one no workbook cell holds (formualizer's own
#: "cancelled", which Excel has no spelling for), so an argument holding it is a value still
#: waiting for a call of ours, and Excel's functions pass it on as any error.
_PENDING_KIND = "Cancelled"


@functools.lru_cache(maxsize=None)
def pending():
    """What a call of ours answers until it is computed (:class:`_Batches`)."""
    import formualizer as fz

    return fz.LiteralValue.error(_PENDING_KIND, None)


def _waits(value) -> bool:
    """Does the argument ``value`` hold a :func:`pending` answer?"""
    if value.__class__ is dict:
        return value.get("kind") == _PENDING_KIND
    if value.__class__ is list:
        return any(_waits(v) for v in value)
    return False


def _freeze(value):
    """A hashable key for an argument (TRUE and 1 stay apart, as do error kinds)."""
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return ("\x00E", value.get("kind"))
    if isinstance(value, bool):
        return ("\x00B", value)
    if value.__class__.__name__ == "LiteralValue":  # our answers: compare by what they hold
        return ("\x00L", repr(value))
    return value


def _cell(value):
    """A one-cell range (``INDEX(Accounts[Tier],n)`` passes one) as its value, which batches
    like any single-cell argument; anything else unchanged."""
    if isinstance(value, list) and len(value) == 1:
        row = value[0]
        if not isinstance(row, list):
            return row
        if len(row) == 1 and not isinstance(row[0], list):
            return row[0]
    return value


class _Batches:
    """Our functions evaluated a column at a time, in rounds.

    Each evaluation round answers the calls it has seen before from a memo and records the
    others (answering :func:`pending` for now); between rounds, the recorded calls of one
    function that share their range arguments are made as one call with the single-cell
    arguments as columns (every ``CS_*`` function maps a column in to a column out). Rounds
    repeat until one records nothing: then every call was answered with the function's value
    for its actual arguments, exactly as one call per cell would. A batch whose first row
    differs from a direct call of that row is made one call per row instead.

    A recorded call with a :func:`pending` argument (a value still waiting for another call
    of ours) is not made: the next round records it again with the value. Only when every
    recorded call waits so (a value that never resolves) are they made as they are.
    """

    def __init__(self, functions: dict):
        self.functions = functions
        self.memo: dict = {}
        self.misses: dict = {}
        self.calls = 0
        self.waited = 0  # recorded calls not made: an argument was pending
        self.ranges: dict = {}  # token -> a constant range's values (:mod:`.hoist`)
        self.waiting: set = set()  # wake-up groups whose call answered pending (:mod:`.waits`)

    def callback(self, name: str, tagged: bool = False):
        """The engine's callback of ``name``; ``tagged`` for its alias (:mod:`.waits`), whose
        last argument is the call's wake-up group: left out of what our function gets, and a
        call answering pending puts its group in :attr:`waiting`."""
        memo, misses, ranges, waiting = self.memo, self.misses, self.ranges, pending()
        woken = self.waiting

        def call(*args):
            if tagged:
                group, args = args[-1], args[:-1]
            # repr keeps TRUE, 1 and "1" apart as _freeze does, at a fraction of its cost
            # (the Config range comes with every call); the engine's values repr stably.
            key = (name, repr(args))
            hit = memo.get(key, memo)
            if hit is not memo:
                return hit
            if ranges:
                args = tuple(ranges.get(a, a) if a.__class__ is str else a for a in args)
            misses[key] = args
            if tagged:
                woken.add(int(abs(group)))
            return waiting
        return call

    def resolve(self) -> bool:
        """Compute the recorded calls; False when there were none (the fixed point)."""
        if not self.misses:
            return False
        ready = {key: args for key, args in self.misses.items()
                 if not any(map(_waits, args))} or self.misses
        self.waited += len(self.misses) - len(ready)
        groups: dict = {}
        for key, args in ready.items():
            name = key[0]
            ranges = tuple((i, _freeze(a)) for i, a in enumerate(args)
                           if isinstance(a, list) and _cell(a) is a)
            groups.setdefault((name, len(args), ranges), []).append((key, args))
        self.misses.clear()  # the callbacks hold this very dict
        for (name, n, ranges), calls in groups.items():
            func = self.functions[name]
            if len(calls) > 1 and n > len(ranges):
                answers = self._batch(func, calls, {i for i, _ in ranges})
                if answers is not None:
                    self.memo.update(answers)
                    continue
            for key, args in calls:
                self.memo[key] = self._one(func, args)
        return True

    def _one(self, func, args):
        self.calls += 1
        try:
            return _to_engine(func(*[_to_python(a) for a in args]))
        except Exception as exc:  # a cell shows #VALUE!, never a traceback
            log.debug("%s failed: %r", getattr(func, "__name__", func), exc)
            return _error("#VALUE!")

    def _batch(self, func, calls, ranges: set):
        n = len(calls[0][1])
        columns = []
        for i in range(n):
            if i in ranges:
                columns.append(_to_python(calls[0][1][i]))
            else:
                columns.append([[_to_python(_cell(args[i]))] for _, args in calls])
        self.calls += 1
        try:
            result = func(*columns)
        except Exception:  # noqa: BLE001 - one call per row says which row fails
            return None
        if hasattr(result, "tolist"):
            result = result.tolist()
        if not isinstance(result, (list, tuple)) or len(result) != len(calls):
            return None
        rows = [r[0] if isinstance(r, (list, tuple)) and len(r) == 1 else r for r in result]
        if any(isinstance(r, (list, tuple)) for r in rows):
            return None
        answers = {key: _to_engine(value) for (key, _), value in zip(calls, rows)}
        key, args = calls[0]
        if _freeze([answers[key]]) != _freeze([self._one(func, args)]):
            return None  # the function does not map rows to rows: call it per row
        return answers
