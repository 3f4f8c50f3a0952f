"""Range in → spilled range out in one vectorised engine call, bad rows isolated.

:func:`elementwise` takes coerced columns (:mod:`.coerce`), drops the rows whose input is
already unusable, calls the engine **once** on all the other rows and, only if the engine
still rejects something, bisects to find the offending rows (so a single bad row costs
O(log n) extra calls, not n). The answer has the inputs' shape: a single value for single
values, a list for a Python list, rows × columns for a range (a column stays a column).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import functools
import os
from operator import attrgetter

import numpy as np
import pandas as pd

from ..config import DEFAULT, Config
from ..errors import CSError
from .coerce import broadcast, size
from . import errors as _errors
from .errors import NA, ExcelError, PassOn, from_cs

#: A result too large for Excel (an overflow), as Excel shows it.
NUM = ExcelError("#NUM!", "the result is too large")

__all__ = ["config", "use_config", "elementwise", "whole", "shaped", "single", "table",
           "check_whole", "na_left_out"]

def _environment_config() -> Config:
    """Built-in defaults, or the TOML file named by ``$CS_WORKBOOK_CONFIG`` (for the add-in and
    ``serve``, which have no workbook Config sheet to read). Read on first use, not at import,
    so a bad file is reported by the first function call and never breaks an import."""
    path = os.environ.get("CS_WORKBOOK_CONFIG")
    return _load_toml(path) if path else DEFAULT


@functools.lru_cache(maxsize=4)
def _load_toml(path: str) -> Config:
    from ..config_files import load_toml

    return load_toml(path)


_CONFIG: contextvars.ContextVar[Config | None] = contextvars.ContextVar(
    "cs_workbook_udf_config", default=None)


def config() -> Config:
    """The active configuration of the Excel functions (default: the built-in defaults)."""
    cfg = _CONFIG.get()
    return _environment_config() if cfg is None else cfg


@contextlib.contextmanager
def use_config(cfg: Config):
    """Evaluate Excel functions with ``cfg`` (e.g. a workbook's Config sheet) in the block."""
    token = _CONFIG.set(cfg)
    try:
        yield cfg
    finally:
        _CONFIG.reset(token)


class _Rows:
    """The answers of a range call being built: engine values, and which rows failed why."""

    __slots__ = ("out", "bad", "err")

    def __init__(self, n):
        self.out = np.empty(n, dtype=object)
        self.bad = np.zeros(n, dtype=bool)
        self.err = np.empty(n, dtype=object)


def _args(cols, idx):
    args = []
    for c in cols:
        # Single values are repeated: the engine's fast paths (Categorical, Series) expect
        # equal lengths.
        a = np.repeat(c.values, len(idx)) if len(c.values) == 1 else c.values[idx]
        args.append(c.prepare(a) if c.prepare is not None else a)
    return args


def _compute(compute, cols, idx, rows: _Rows, distinct: bool = True):
    try:
        values = compute(*_args(cols, idx))
    except CSError as exc:
        if len(idx) == 1:
            i = int(idx[0])
            rows.bad[i], rows.err[i] = True, from_cs(exc)
            return
        if distinct and _by_distinct_rows(compute, cols, idx, rows):
            return
        mid = len(idx) // 2
        _compute(compute, cols, idx[:mid], rows, False)
        _compute(compute, cols, idx[mid:], rows, False)
        return
    values = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if values.ndim == 0 or len(values) != len(idx):
        values = np.repeat(np.asarray(values).reshape(-1)[:1], len(idx))
    rows.out[idx] = values


def _by_distinct_rows(compute, cols, idx, rows: _Rows) -> bool:
    """When the engine rejects some rows, find them among the distinct rows only: a range
    repeats a few values (a status, a colour) a lot, so bisecting its distinct rows costs
    O(bad distinct rows · log) engine calls instead of O(bad rows · log). False when the
    rows are mostly distinct (plain bisection is then as good)."""
    combined = np.zeros(len(idx), dtype=np.int64)
    try:
        for c in cols:
            if len(c.values) == 1:
                continue
            codes, uniques = pd.factorize(c.values[idx], use_na_sentinel=False)
            combined = pd.factorize(combined * len(uniques) + codes)[0]
    except TypeError:  # unhashable values
        return False
    first, inverse = np.unique(combined, return_index=True, return_inverse=True)[1:]
    if len(first) > len(idx) // 2:
        return False
    rep = idx[first]
    _compute(compute, cols, rep, rows, False)
    src = rep[inverse]
    rows.out[idx], rows.bad[idx], rows.err[idx] = rows.out[src], rows.bad[src], rows.err[src]
    return True


def _python(v, kind):
    """An engine value as an Excel cell value; NA (None, NaN, NaT) → ``#N/A``."""
    if v is None or v is pd.NA or v is pd.NaT:
        return NA
    if kind == "float":
        f = float(v)
        return NA if f != f else (f if -_BIG < f < _BIG else NUM)
    if kind == "int":
        f = float(v)
        return NA if f != f else int(f)
    if kind == "bool":
        return bool(v)
    if kind == "date":
        if isinstance(v, np.datetime64):
            return NA if np.isnat(v) else pd.Timestamp(v).date()
        if isinstance(v, pd.Timestamp):
            return v.date()
        return v.date() if isinstance(v, _dt.datetime) else v
    if isinstance(v, float) and v != v:
        return NA
    return v


_CODE = attrgetter("code")


def _code(v):
    return v.code if v.__class__ is ExcelError else v


def _cells(out: np.ndarray, kind: str) -> np.ndarray:
    """Engine values as the cells of a range (object array): NA (None, NaN, NaT) as ``#N/A``,
    overflow as ``#NUM!``; vectorised for numbers, since a 10,000-row range passes here."""
    res = np.empty(len(out), dtype=object)
    if kind in ("float", "int"):
        try:
            f = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            pass
        else:
            nan = np.isnan(f)
            big = ~nan & ~(np.abs(f) < _BIG)
            if kind == "float":
                res[:] = f.astype(object)
                res[big] = NUM.code
                res[nan] = NA.code
                return res
            if not big.any() and not (np.abs(f[~nan]) >= 2.0 ** 53).any():
                res[:] = np.where(nan, 0, f).astype(np.int64).astype(object)
                res[nan] = NA.code
                return res
    items = out.tolist()
    if kind == "text":
        res[:] = [v if type(v) is str else _code(_python(v, kind)) for v in items]
    elif kind == "bool":
        res[:] = [v if v is True or v is False else _code(_python(v, kind)) for v in items]
    else:
        res[:] = [_code(_python(v, kind)) for v in items]
    return res


def _as_shape(flat: np.ndarray, shape):
    """A flat object array of cells in the inputs' shape (a list, or rows of a range)."""
    if shape[0] == "1d":
        return flat.tolist()
    return flat.reshape(shape).tolist()


def shaped(values: list, shape):
    """Flat results in the inputs' shape; error values as their text."""
    if shape is None:
        return _code(values[0])
    flat = np.empty(len(values), dtype=object)
    flat[:] = [_code(v) for v in values]
    return _as_shape(flat, shape)


_BIG = 1.7976931348623157e308  # Excel's largest number; beyond it Excel shows #NUM!


def single(value):
    """A one-cell answer: a user error raises :class:`UserError`, other errors are values."""
    if isinstance(value, float) and not -_BIG < value < _BIG:
        value = NA if value != value else NUM
    if isinstance(value, ExcelError):
        if value.user:
            raise _errors.UserError(value.message or "invalid input")
        return value.code
    return value


def whole(read):
    """``(read(), None)``, or ``(None, the error)`` when reading a whole-call argument (a
    threshold, weights) fails: :func:`elementwise` then gives every row that error, so a range
    answers a range, exactly as each of its rows alone would."""
    try:
        return read(), None
    except PassOn as exc:
        return None, ExcelError(exc.code)
    except _errors.UserError as exc:
        return None, ExcelError("#VALUE!", str(exc), user=True)


def elementwise(compute, cols, kind: str = "float", whole: ExcelError | None = None):
    """Apply ``compute(*arrays)`` (an engine rule) row by row over broadcast columns.

    ``whole``: the error of a whole-call argument (:func:`whole`), which every row gets.
    A row's answer is its first argument's error if it has one, else the engine's value, or
    the engine's error for that row alone.
    """
    shape = broadcast(cols)
    n = size(shape)
    rows = _Rows(n)
    if whole is not None:
        rows.bad[:], rows.err[:] = True, whole
    else:
        for c in reversed(cols):  # earlier arguments' errors win
            if not c.has_errors():
                continue
            i, e = c.error_rows()
            if len(c.values) == 1 and n > 1:
                rows.bad[:], rows.err[:] = True, e[0]
                continue
            rows.bad[i], rows.err[i] = True, e
    good = np.flatnonzero(~rows.bad)
    if len(good):
        _compute(compute, cols, good, rows)
    if shape is None:
        return single(rows.err[0] if rows.bad[0] else _python(rows.out[0], kind))
    result = np.empty(n, dtype=object)
    ok = np.flatnonzero(~rows.bad)
    if len(ok):
        result[ok] = _cells(rows.out[ok], kind)
    if len(ok) < n:
        bad = np.flatnonzero(rows.bad)
        result[bad] = list(map(_CODE, rows.err[bad].tolist()))
    return _as_shape(result, shape)


def table(header: list, rows: list) -> list:
    """A spilled table: the header row, then rows (None and NaN → ``#N/A``)."""
    out = [list(header)]
    for r in rows:
        out.append([_cell(v) for v in r])
    return out


def _cell(v):
    if isinstance(v, ExcelError):
        return v.code
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "#N/A"
    if isinstance(v, float) and not -_BIG < v < _BIG:
        return NUM.code
    return v


def na_left_out(col):
    """``col`` of an aggregating function with its ``#N/A`` cells read as blanks.

    ``#N/A`` is how the CS_* functions answer "not applicable", so a measure shown as ``#N/A``
    is left out of a weighted score (its weight redistributed, methodology §1.3) instead of making
    the whole score ``#N/A``; any other error cell still passes on. The row's value is already
    the blank the coercer gives every unusable cell.
    """
    if col.has_errors():
        rows, errs = col.error_rows()
        keep = np.fromiter((e.code != NA.code for e in errs.tolist()), dtype=bool,
                           count=len(errs))
        col.errors = (rows[keep], errs[keep])
    return col


def check_whole(*cols) -> None:
    """Arguments read as a whole (weights, a portfolio's MRR): any unusable cell decides the
    answer — bad input raises :class:`UserError`, an error cell is passed on."""
    for c in cols:
        if c.has_errors():
            rows, errs = c.error_rows()
            err = errs[int(np.argmin(rows))]
            if err.user:
                raise _errors.UserError(err.message or f"{c.name}: invalid input")
            raise PassOn(err.code)
