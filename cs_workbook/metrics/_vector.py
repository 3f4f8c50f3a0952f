"""Scalar/vector plumbing shared by every rule: one implementation, any input shape.

Every rule is written once against numpy arrays. ``inputs()`` turns scalars, lists, numpy
arrays and pandas Series into broadcast arrays; ``output()`` turns the result back into the
caller's shape: a Python scalar (``None`` for NA) for scalar inputs, a Series with the input's
index for Series inputs, a numpy array otherwise.
"""

from __future__ import annotations

import datetime as _dt
from numbers import Number

import numpy as np
import pandas as pd

from ..errors import InvalidInput, NotComputable

__all__ = ["is_scalar", "floats", "dates", "texts", "text_map", "text_maps", "output",
           "shape_of", "Shape",
           "number"]


def is_scalar(x) -> bool:
    return not isinstance(x, (list, tuple, np.ndarray, pd.Series, pd.Index, pd.Categorical))


class Shape:
    """Where a rule's result goes: scalar, Series (with index) or ndarray of length n."""

    def __init__(self, scalar: bool, n: int, index=None):
        self.scalar, self.n, self.index = scalar, n, index


def _size(a) -> int:
    """Number of cells in a range (nested lists are flattened; ragged or empty is an error)."""
    if isinstance(a, (pd.Series, pd.Index, pd.Categorical)):
        m = len(a)
    else:
        try:
            m = np.asarray(a, dtype=object).size
        except ValueError:
            raise InvalidInput("a range must be rectangular") from None
    if m == 0:
        raise InvalidInput("a range must not be empty")
    return m


def shape_of(*args) -> Shape:
    """The common output shape of ``args`` (scalars broadcast; lengths must agree)."""
    n, index, scalar = 1, None, True
    for a in args:
        if is_scalar(a):
            continue
        scalar = False
        m = _size(a)
        if isinstance(a, pd.Series) and index is None:
            index = a.index
        if n != 1 and m != 1 and m != n:
            raise InvalidInput(f"ranges have different lengths ({n} and {m})")
        n = max(n, m) if m != 1 or n == 1 else n
    if index is not None and len(index) != n:
        index = None
    return Shape(scalar, 1 if scalar else n, index)


def _is_blank(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and v.strip() == ""


def _array(x, n: int) -> np.ndarray:
    if isinstance(x, pd.Series):
        x = x.to_numpy()
    arr = np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x
    if arr.ndim == 0:
        arr = np.full(n, arr.item() if arr.dtype != object else arr[()], dtype=arr.dtype)
    elif arr.ndim > 1:
        arr = arr.reshape(-1)
    if len(arr) == 1 and n != 1:
        arr = np.repeat(arr, n)
    return arr


def _float_item(v, name):
    if _is_blank(v):
        return np.nan
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if isinstance(v, Number):
        f = float(v)
        if not np.isfinite(f):
            raise InvalidInput(f"{name}: {v!r} is not a finite number")
        return f
    raise InvalidInput(f"{name}: {v!r} is not a number")


def floats(shape: Shape, x, name: str = "value", *, minimum: float | None = None) -> np.ndarray:
    """``x`` as a float array of ``shape.n`` (NaN = blank); raises InvalidInput on bad values."""
    if shape.scalar or is_scalar(x):
        v = _float_item(x, name)
        if minimum is not None and v == v and v < minimum:
            raise InvalidInput(f"{name}: {x!r} is below {minimum:g}")
        return np.full(shape.n, v, dtype=float)
    if isinstance(x, pd.Series) and x.dtype.kind in "fiub":
        arr = x.to_numpy(dtype=float, na_value=np.nan)
    elif isinstance(x, pd.Series) and isinstance(x.dtype, (pd.Float64Dtype, pd.Int64Dtype, pd.BooleanDtype)):
        arr = x.to_numpy(dtype=float, na_value=np.nan)
    elif isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
        arr = x.astype(float).reshape(-1)
    else:
        arr = np.array([_float_item(v, name) for v in _array(x, shape.n)], dtype=float)
    if len(arr) == 1 and shape.n != 1:
        arr = np.repeat(arr, shape.n)
    if np.isinf(arr).any():
        raise InvalidInput(f"{name}: infinite values are not allowed")
    if minimum is not None and (arr < minimum).any():
        raise InvalidInput(f"{name}: values below {minimum:g} are not allowed")
    return arr


def number(value, default, name: str, *, low: float = 0.0, high: float | None = None) -> float:
    """One optional numeric argument: blank → ``default``; else a number in [low, high]."""
    if not is_scalar(value):
        raise InvalidInput(f"{name}: expected a single value")
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise InvalidInput(f"{name}: a value is required")
        return float(default)
    v = _float_item(value, name)
    if v != v:
        if default is None:
            raise InvalidInput(f"{name}: a value is required")
        return float(default)
    if v < low or (high is not None and v > high):
        raise InvalidInput(f"{name}: {v:g} is out of range")
    return v


def _date_item(v, name):
    if _is_blank(v):
        return np.datetime64("NaT", "D")
    if isinstance(v, (_dt.date, pd.Timestamp, np.datetime64)):
        return np.datetime64(pd.Timestamp(v).date(), "D")
    if isinstance(v, str):
        try:
            return np.datetime64(_dt.date.fromisoformat(v.strip()[:10]), "D")
        except ValueError:
            pass
    raise InvalidInput(f"{name}: {v!r} is not a date")


def dates(shape: Shape, x, name: str = "date") -> np.ndarray:
    """``x`` as a ``datetime64[D]`` array of ``shape.n`` (NaT = blank)."""
    if shape.scalar or is_scalar(x):
        return np.full(shape.n, _date_item(x, name), dtype="datetime64[D]")
    if isinstance(x, pd.Series) and x.dtype.kind == "M":
        arr = x.to_numpy().astype("datetime64[D]")
    elif isinstance(x, np.ndarray) and x.dtype.kind == "M":
        arr = x.astype("datetime64[D]").reshape(-1)
    else:
        arr = np.array([_date_item(v, name) for v in _array(x, shape.n)], dtype="datetime64[D]")
    if len(arr) == 1 and shape.n != 1:
        arr = np.repeat(arr, shape.n)
    return arr


def texts(shape: Shape, x) -> np.ndarray:
    """``x`` as an object array of stripped strings (``None`` = blank)."""
    if shape.scalar or is_scalar(x):
        v = None if _is_blank(x) else str(x).strip()
        return np.full(shape.n, v, dtype=object)
    arr = _array(x, shape.n)
    if isinstance(x, pd.Series) and x.dtype == object:
        s = pd.Series(arr, dtype=object)
        blank = s.isna().to_numpy()
        if not blank.all() and s[~blank].map(type).eq(str).all():
            stripped = s.str.strip()
            return stripped.where(~blank & (stripped != ""), None).to_numpy(dtype=object)
    return np.array([None if _is_blank(v) else str(v).strip() for v in arr], dtype=object)


def text_map(values, fn, dtype=bool) -> np.ndarray:
    """``fn`` applied to each distinct text of ``values`` (blank → ""), spread back to all rows.

    Text columns (segments, tiers, attendees…) hold few distinct values, so this costs one
    call per distinct value instead of one per row.
    """
    return text_maps(values, (fn,), dtype)[0]


def text_maps(values, fns, dtype=bool) -> list:
    """:func:`text_map` of ``values`` for each function of ``fns``, sharing one pass over
    the rows."""
    objects = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(objects.to_numpy(), sort=False)  # blank (None, NaN) → -1
    if not all(type(u) is str for u in uniques):  # 1 and True are one key here: as text
        codes, uniques = pd.factorize(objects.fillna("").astype(str), sort=False)
    return [np.array([fn(u) for u in uniques] + [fn("")], dtype=dtype)[codes] for fn in fns]


def output(shape: Shape, values: np.ndarray, kind: str = "float", name: str | None = None):
    """Return ``values`` in the caller's shape.

    kind: ``float`` (NaN → None for scalars), ``int`` (NaN → None), ``bool`` (object array of
    True/False/None), ``date`` (datetime64[D], NaT → None), ``object`` (already Python values).
    """
    if kind == "float" and np.isinf(values).any():
        raise NotComputable("the result is too large to represent")
    if shape.scalar:
        v = values[0]
        if kind in ("float", "int"):
            return None if v != v else (int(v) if kind == "int" else float(v))
        if kind == "date":
            return None if np.isnat(v) else v.astype(object)
        if kind == "bool":
            return None if v is None else bool(v)
        return v
    if kind == "date":
        values = values.astype("datetime64[ns]")
    elif kind == "int" and shape.index is not None:
        values = pd.array(values, dtype="Int64")
    if shape.index is not None:
        return pd.Series(values, index=shape.index, name=name)
    return values if isinstance(values, np.ndarray) else np.asarray(values)
