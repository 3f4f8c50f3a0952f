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

import numpy as np
import pandas as pd

from ..config import DEFAULT, Config
from ..errors import CSError
from .coerce import broadcast, size
from .errors import NA, ExcelError, PassOn, UserError, from_cs

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


def _compute(compute, cols, idx, out, errors):
    args = []
    for c in cols:
        # Single values are repeated: the engine's fast paths (Categorical, Series) expect
        # equal lengths.
        a = np.repeat(c.values, len(idx)) if len(c.values) == 1 else c.values[idx]
        args.append(c.prepare(a) if c.prepare is not None else a)
    try:
        values = compute(*args)
    except CSError as exc:
        if len(idx) == 1:
            errors[int(idx[0])] = from_cs(exc)
            return
        mid = len(idx) // 2
        _compute(compute, cols, idx[:mid], out, errors)
        _compute(compute, cols, idx[mid:], out, errors)
        return
    values = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if values.ndim == 0 or len(values) != len(idx):
        values = np.repeat(np.asarray(values).reshape(-1)[:1], len(idx))
    out[idx] = values


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


def _cells(out: np.ndarray, kind: str) -> list:
    """Engine values as Excel cell values, NA (None, NaN, NaT) as ``#N/A``; fast paths for the
    common kinds, since a 10,000-row range passes through here."""
    items = out.tolist()
    if kind == "float":
        try:
            out = [NA if v is None or v != v else float(v) for v in items]
        except (TypeError, ValueError):
            pass
        else:
            return [v if v is NA or -_BIG < v < _BIG else NUM for v in out]
    elif kind == "text":
        return [v if type(v) is str else _python(v, kind) for v in items]
    return [_python(v, kind) for v in items]


def shaped(values: list, shape):
    """Flat results in the inputs' shape; error values as their text."""
    flat = [v.code if isinstance(v, ExcelError) else v for v in values]
    if shape is None:
        return flat[0]
    if shape[0] == "1d":
        return flat
    rows, cols = shape
    return [flat[r * cols:(r + 1) * cols] for r in range(rows)]


_BIG = 1.7976931348623157e308  # Excel's largest number; beyond it Excel shows #NUM!


def single(value):
    """A one-cell answer: a user error raises :class:`UserError`, other errors are values."""
    if isinstance(value, float) and not -_BIG < value < _BIG:
        value = NA if value != value else NUM
    if isinstance(value, ExcelError):
        if value.user:
            raise UserError(value.message or "invalid input")
        return value.code
    return value


def whole(read):
    """``(read(), None)``, or ``(None, the error)`` when reading a whole-call argument (a
    threshold, weights) fails: :func:`elementwise` then gives every row that error, so a range
    answers a range, exactly as each of its rows alone would."""
    try:
        return read(), None
    except UserError as exc:
        return None, ExcelError("#VALUE!", str(exc), user=True)
    except PassOn as exc:
        return None, ExcelError(exc.code)


def elementwise(compute, cols, kind: str = "float", whole: ExcelError | None = None):
    """Apply ``compute(*arrays)`` (an engine rule) row by row over broadcast columns.

    ``whole``: the error of a whole-call argument (:func:`whole`), which every row gets.
    """
    shape = broadcast(cols)
    n = size(shape)
    errors: dict[int, ExcelError] = {i: whole for i in range(n)} if whole is not None else {}
    for c in cols:
        if not c.errors:
            continue
        if len(c.values) == 1 and n > 1:
            err = c.errors[0]
            for i in range(n):
                errors.setdefault(i, err)
        else:
            for i, e in c.errors.items():
                errors.setdefault(i, e)
    out = np.empty(n, dtype=object)
    if errors:
        keep = np.ones(n, dtype=bool)
        keep[np.fromiter(errors, dtype=np.intp, count=len(errors))] = False
        good = np.flatnonzero(keep)
    else:
        good = np.arange(n, dtype=np.intp)
    if len(good):
        _compute(compute, cols, good, out, errors)
    values = _cells(out, kind)
    for i, e in errors.items():
        values[i] = e
    if shape is None:
        return single(values[0])
    return shaped(values, shape)


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
    col.errors = {i: e for i, e in col.errors.items() if e.code != NA.code}
    return col


def check_whole(*cols) -> None:
    """Arguments read as a whole (weights, a portfolio's MRR): any unusable cell decides the
    answer — bad input raises :class:`UserError`, an error cell is passed on."""
    for c in cols:
        if c.errors:
            err = c.errors[min(c.errors)]
            if err.user:
                raise UserError(err.message or f"{c.name}: invalid input")
            raise PassOn(err.code)

