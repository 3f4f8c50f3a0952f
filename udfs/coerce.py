"""One coercion layer for both delivery paths: whatever Excel sends → clean column arrays.

=============  ===========================  =============================================
               classic (Windows COM)        Office.js
=============  ===========================  =============================================
single cell    scalar (or ``[[x]]``)        1×1 matrix, unwrapped by xlwings
range          list, or list of lists       list of lists (rows)
date cell      ``datetime``                 serial number (1900 system, 60 = 1900-02-29)
empty cell     ``None``                     ``None``, ``""``, or ``0`` (Excel desktop)
error cell     ``"#N/A"`` (``err_to_str``)   ``{"type": "Error", "basicValue": "#N/A"}``
=============  ===========================  =============================================

Each coercer returns a :class:`Col`: the argument's shape, a flat numpy array of clean values
(row-major; NaN/NaT/None for blanks) and the rows whose cell is unusable, as
:class:`~.errors.ExcelError` values (bad input → ``#VALUE!`` with a message; an error cell →
that error). Shapes: ``None`` for a single value, ``("1d", n)`` for a Python list, ``(r, c)``
for a 2-D range. Date text: ISO ``2026-11-23`` always; ``23/11/2026``-style text (``/ . -``)
only when the day is unambiguous (a part above 12) or the caller's locale order is known
(:func:`date_order`, set from the Office.js request's date format). The parsers of single cells,
dates among them, live in :mod:`.cell_parsers`; this module applies them to whole arguments.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import itertools

import numpy as np
import pandas as pd

from ..excel.dates import serials_to_dates
from .cell_parsers import (_bad, _date, _flag, _milestone, _number, _serial_error, _text,
                           date_order, date_order_from_format, parse_date_text, serial_to_date)
from .cell_keys import distinct, distinct_coded, key, take, type_codes
from . import errors as _errors
from .errors import ExcelError

__all__ = ["Col", "cells", "numbers", "dates", "texts", "flags", "milestones", "scores",
           "colours", "serial_to_date", "parse_date_text", "date_order", "date_order_from_format",
           "number_list", "broadcast", "size", "as_of_dates", "engine_colours"]

# doctest.testmod(coerce) only collects functions defined here: keep the examples of the date
# parsers, which moved to cell_parsers, in it.
__test__ = {f.__name__: f for f in (serial_to_date, date_order_from_format, parse_date_text)}


class Col:
    """A coerced argument: ``shape``, flat ``values`` and ``errors`` {row: ExcelError};
    ``prepare`` (optional) turns the rows handed to the engine into the form it reads best.

    ``errors`` may be given as the pair (rows, errors) of numpy arrays, which the range path
    (:func:`~.rows.elementwise`) reads as they are: the dict is built only when asked for.
    """

    __slots__ = ("name", "shape", "values", "_errors", "_pair", "prepare")

    def __init__(self, name, shape, values, errors, prepare=None):
        self.name, self.shape, self.values = name, shape, values
        self.errors = errors
        self.prepare = prepare

    @property
    def errors(self) -> dict:
        if self._errors is None:
            rows, errs = self._pair
            self._errors, self._pair = dict(zip(rows.tolist(), errs.tolist())), None
        return self._errors

    @errors.setter
    def errors(self, errors):
        if isinstance(errors, tuple):
            self._errors, self._pair = None, errors
        else:
            self._errors, self._pair = errors, None

    def error_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows, errors) of the unusable cells as numpy arrays (intp, object)."""
        if self._errors is None:
            return self._pair
        return _pair_of(self._errors)

    def has_errors(self) -> bool:
        return bool(self._errors) if self._errors is not None else len(self._pair[0]) > 0

    def __len__(self):
        return len(self.values)


def _pair_of(errors: dict):
    rows = np.fromiter(errors, dtype=np.intp, count=len(errors))
    errs = np.empty(len(errors), dtype=object)
    errs[:] = list(errors.values())
    return rows, errs


_NO_ERRORS = (np.empty(0, dtype=np.intp), np.empty(0, dtype=object))


# -- shapes -----------------------------------------------------------------------------------

def cells(x, name: str):
    """``(shape, flat list of cells)`` of an argument; 1×1 ranges are single values."""
    if isinstance(x, pd.DataFrame):
        x = x.to_numpy(dtype=object).tolist()
    elif isinstance(x, (pd.Series, pd.Index)):
        x = x.to_numpy(dtype=object).tolist()
    elif isinstance(x, np.ndarray):
        if x.ndim == 0:
            return None, [x.item()]
        x = x.tolist()
    if not isinstance(x, (list, tuple)):
        return None, [x]
    if len(x) == 0:
        raise _errors.UserError(f"{name}: the range is empty")
    if isinstance(x[0], (list, tuple)):
        width = len(x[0])
        if width == 0 or not set(map(type, x)) <= {list, tuple} or set(map(len, x)) != {width}:
            raise _errors.UserError(f"{name}: rows of the range have different lengths")
        if len(x) == 1 and width == 1:
            return None, [x[0][0]]
        if width == 1:
            return (len(x), 1), [row[0] for row in x]
        return (len(x), width), [v for row in x for v in row]
    if set(map(type, x)) & {list, tuple}:
        raise _errors.UserError(f"{name}: mixes single values and rows")
    return ("1d", len(x)), list(x)


def size(shape) -> int:
    if shape is None:
        return 1
    return shape[1] if shape[0] == "1d" else shape[0] * shape[1]


def _describe(shape) -> str:
    return f"{shape[1]} values" if shape[0] == "1d" else f"{shape[0]}×{shape[1]}"


def broadcast(cols) -> tuple | None:
    """The common shape of row-wise arguments: equal shapes, single values broadcast.

    A Python list of n values matches an n×1 column; a row never matches a column.
    """
    shape = None
    for c in cols:
        s = c.shape
        if s is None:
            continue
        if shape is None:
            shape = s
            continue
        if s == shape:
            continue
        if size(s) == size(shape) and ("1d" in (s[0], shape[0])) and 1 in (s[1], shape[1]) \
                and (s[0] == "1d" or s[1] == 1) and (shape[0] == "1d" or shape[1] == 1):
            shape = shape if shape[0] != "1d" else s
            continue
        raise _errors.UserError(
            f"{c.name}: range size {_describe(s)} does not match {_describe(shape)}")
    return shape


# -- columns ----------------------------------------------------------------------------------

def _collect(x, name, one, blank, dtype):
    return _collect_items(*cells(x, name), name, one, blank, dtype)


_PLAIN = {str, float, int, type(None)}


def _collect_items(shape, items, name, one, blank, dtype, types=None):
    """Coerce cell by cell, once per distinct value (ranges repeat a few values a lot), and
    spread the distinct answers over the rows with numpy — so half a range of bad cells (error
    cells, Office.js dicts, text) costs about what the good half does."""
    try:
        codes, firsts = distinct_coded(items, *types) if isinstance(types, tuple) \
            else distinct(items, types)
    except (TypeError, ValueError):  # a cell that cannot be a key (a nested list)
        keys = [key(v) for v in items]
        index = dict(zip(dict.fromkeys(keys), itertools.count()))
        firsts = list(dict(zip(keys, items)).values())
        codes = np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=len(keys))
    answers = np.empty(len(firsts), dtype=object)
    answers[:] = [one(v, name) for v in firsts]
    is_error = np.fromiter((a.__class__ is ExcelError for a in answers.tolist()), dtype=bool,
                           count=len(answers))
    errors = _NO_ERRORS
    if is_error.any():
        rows = np.flatnonzero(is_error[codes])
        errors = (rows, answers[codes[rows]])
        answers[is_error] = None
    if blank is not None:
        answers[np.equal(answers, None)] = blank
    if dtype is float:
        return Col(name, shape, answers.astype(float)[codes], errors)
    if dtype == _DAYS:  # the distinct answers become days, then spread over the rows
        return Col(name, shape, _as_dates(answers)[codes], errors)
    return Col(name, shape, answers[codes], errors)


_MISSING = object()


def numbers(x, name: str, minimum: float | None = None) -> Col:
    """Numbers (numeric text, ``12%``, TRUE/FALSE as 1/0, dates as serials); NaN = blank."""
    shape, items = cells(x, name)
    values, errors = _split_apply(items, name, _plain_numbers, _number, np.nan, float)
    if minimum is not None:
        below = np.flatnonzero(values < minimum)
        if len(below):
            errors = dict(zip(*map(np.ndarray.tolist, errors)))
            for i in below:
                errors[int(i)] = ExcelError(
                    "#VALUE!", f"{name}: {values[i]:g} is below {minimum:g}", user=True)
                values[i] = np.nan
    return Col(name, shape, values, errors)


def _plain_numbers(items, name):
    """float/int/None cells, vectorised (raises OverflowError for an int beyond a float)."""
    values = np.array(items, dtype=float)
    errors = {}
    bad = ~np.isfinite(values) & ~np.isnan(values)
    for i in np.flatnonzero(bad):
        errors[int(i)] = _bad(name, items[i], "a finite number")
        values[i] = np.nan
    return values, (_pair_of(errors) if errors else _NO_ERRORS)


_NUMERIC = frozenset({float, int, type(None)})


def _split_apply(items, name, plain, one, blank, dtype):
    """``(values, (rows, errors))`` of cells: the float/int/None cells through the vectorised
    ``plain(items, name)``, the others cell by cell through ``one`` — so a range whose bad rows
    are text, error cells or dates costs the vectorised path for its good rows."""
    types = list(map(type, items))
    kinds = set(types)
    if kinds <= _NUMERIC:
        with contextlib.suppress(OverflowError):
            return plain(items, name)
    elif kinds & {float, int}:
        kinds = list(kinds)
        codes = type_codes(types, kinds)
        mask = np.array([k in _NUMERIC for k in kinds])[codes]
        good, other = np.flatnonzero(mask), np.flatnonzero(~mask)
        try:
            gv, (gr, ge) = plain(take(items, good), name)
        except OverflowError:
            pass
        else:
            col = _collect_items(None, take(items, other), name, one, blank, dtype,
                                 (codes[other], kinds))
            ov = col.values
            values = np.empty(len(items), dtype=gv.dtype)
            values[good], values[other] = gv, ov
            orows, oerrs = col.error_rows()
            if not len(gr):
                return values, (other[orows], oerrs)
            return values, (np.concatenate([good[gr], other[orows]]),
                            np.concatenate([ge, oerrs]))
    col = _collect_items(None, items, name, one, blank, dtype, types)
    return col.values, col.error_rows()


_DAYS = "datetime64[D]"


def _as_dates(values):
    return np.array(np.asarray(values, dtype=object).tolist(), dtype=_DAYS)


def dates(x, name: str) -> Col:
    """Dates from dates, serials (1900 quirk), ISO or unambiguous text; NaT = blank."""
    shape, items = cells(x, name)
    values, errors = _split_apply(items, name, _plain_serials, _date, None, _DAYS)
    return Col(name, shape, values, errors)


def _plain_serials(items, name):
    col = _serial_column(name, None, items)
    return col.values, col.error_rows()


def _serial_column(name, shape, items):
    s = np.array(items, dtype=float)
    s = np.where(np.isnan(s), 0.0, s)
    blank = s == 0  # an empty Excel desktop cell; a time of day 0 < x < 1 is no date
    out, valid = serials_to_dates(s)
    at = np.flatnonzero(~valid & ~blank)
    if not len(at):
        return Col(name, shape, out, _NO_ERRORS)
    cells = take(items, at)
    if set(map(type, cells)) == {float}:  # a bad serial's error once per distinct value
        distinct, inverse = np.unique(s[at], return_inverse=True)
        errs = np.empty(len(distinct), dtype=object)
        errs[:] = [_serial_error(name, v) for v in distinct.tolist()]
        inverse = inverse.ravel()
        keep = np.array([e is not None for e in errs.tolist()], dtype=bool)[inverse]
        return Col(name, shape, out, (at[keep], errs[inverse[keep]]))
    errors, seen = {}, {}
    for i, v in zip(at.tolist(), cells):
        error = seen.get((v.__class__, v), _MISSING)
        if error is _MISSING:
            error = seen[(v.__class__, v)] = _serial_error(name, v)
        if error is not None:
            errors[i] = error
    return Col(name, shape, out, errors)


def as_of_dates(x, name: str = "as_of") -> Col:
    """Dates where a blank means today (the ``as_of`` arguments)."""
    col = dates(x, name)
    col.values = np.where(np.isnat(col.values), np.datetime64(_dt.date.today(), "D"), col.values)
    return col


def texts(x, name: str) -> Col:
    """Stripped text (numbers as Excel shows them); None = blank."""
    return _collect(x, name, _text, None, object)


def flags(x, name: str) -> Col:
    """TRUE/FALSE (also yes/no, 1/0, numbers ≠ 0) as 1.0/0.0; NaN = blank."""
    col = _collect(x, name, _flag, None, object)
    col.values = np.array([np.nan if v is None else float(v) for v in col.values], dtype=float)
    return col


def milestones(x, name: str) -> Col:
    """Reached (a date, TRUE, non-empty text) → True; blank, 0, FALSE → False."""
    return _collect(x, name, _milestone, False, object)


def number_list(x, name: str, minimum: float | None = None) -> list:
    """All cells of a whole-call argument (weights, hours) as floats/None; bad cells raise."""
    col = numbers(x, name, minimum)
    if col.errors:
        raise _errors.UserError(next(iter(col.errors.values())).message or f"{name}: bad value")
    return [None if v != v else float(v) for v in col.values]


# the colour arguments live in their own module, which uses this one's collectors
from .colour_args import colours, engine_colours, scores  # noqa: E402
