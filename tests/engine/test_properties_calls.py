"""Hypothesis invariants of the metric engine's calls: a range computes what each of its cells
computes alone (scalar/vector agreement), and every public rule is total (any hostile value in
any position gives a value or a clear error, never a crash or NaN). The bounds, monotonicity and
retention properties are in ``test_properties.py``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cs_workbook import metrics
from cs_workbook.errors import CSError

import strategies as S  # tests/ is on pytest's pythonpath (pyproject)

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
QUICK = settings(max_examples=25, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# -- scalar vs vector ------------------------------------------------------------------------

def _norm(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else pd.Timestamp(v).date()
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def _elements(result, n):
    assert not isinstance(result, (str, float, int, type(None))), f"scalar answer {result!r}"
    values = list(result.to_numpy(dtype=object) if isinstance(result, pd.Series) else result)
    assert len(values) == n
    return [_norm(v) for v in values]


def _number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _same(a, b):
    # an ndarray holds whole numbers as floats (NaN for NA): compare numbers by value
    if _number(a) and _number(b):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return a == b and type(a) is type(b)


def _ndarray(column):
    """The array a caller would build: float (NaN = NA) for numbers, str for text, else object.

    (``np.asarray`` on mixed numbers and text would turn the numbers into text.)
    """
    present = [v for v in column if v is not None]
    if present and all(_number(v) for v in present):
        return np.array([np.nan if v is None else v for v in column], dtype=float)
    if present and len(present) == len(column) and all(isinstance(v, str) for v in present):
        return np.asarray(column)
    return np.asarray(column, dtype=object)


def _check_scalar_vs_vector(name, rows, scalar_positions=()):
    rule = getattr(metrics, name)
    try:
        expected = [_norm(rule(*row)) for row in rows]
    except CSError as exc:  # a row no rule can answer (e.g. an overflowing margin):
        for make in (list, _ndarray):  # the range call must refuse it the same way
            with pytest.raises(type(exc)):
                rule(*[col[0] if i in scalar_positions else make(col)
                       for i, col in enumerate(zip(*rows))])
        return
    n = len(rows)
    columns = [list(col) for col in zip(*rows)]
    index = pd.RangeIndex(100, 100 + n)

    def call(make):
        args = [col[0] if i in scalar_positions else make(col) for i, col in enumerate(columns)]
        return rule(*args)

    for label, make in (("list", list),
                        ("ndarray", _ndarray),
                        ("Series", lambda c: pd.Series(c, index=index))):
        result = call(make)
        got = _elements(result, n)
        bad = [(rows[k], got[k], expected[k]) for k in range(n) if not _same(got[k], expected[k])]
        assert not bad, f"{name} on a {label}: (row, vector answer, scalar answer) {bad[:3]}"
        if label == "Series":
            assert isinstance(result, pd.Series) and result.index.equals(index), \
                f"{name}: a Series in gives a Series with the same index out"


def _rows_strategy(name):
    elems, _ = S.RULES[name]
    return st.lists(st.tuples(*elems), min_size=1, max_size=6)


@pytest.mark.parametrize("name", sorted(S.RULES))
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_scalar_and_vector_calls_agree(name, data):
    rows = data.draw(_rows_strategy(name), label="rows")
    if name == "ttv_status":  # the KPI is one name for the whole range
        rows = [(rows[0][0],) + r[1:] for r in rows]
    _check_scalar_vs_vector(name, rows, S.RULES[name][1])


@pytest.mark.parametrize("name", ["security_score", "security_health"])
def test_blank_tier_means_the_same_in_a_range_and_in_a_cell(name):
    """One rule, one answer: a blank tier must not be 'scored' alone and 'NA' in a range."""
    rule = getattr(metrics, name)
    args = (25, 100, 60, 100, 3)
    scalar = rule(*args, None)
    vector = rule(*[[a] for a in args], [None])
    assert _elements(vector, 1) == [_norm(scalar)], (scalar, vector)


@pytest.mark.parametrize("name", sorted(S.COLOUR_ARGUMENTS))
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_numeric_colours_in_ranges_agree_with_scalars(name, data):
    """A colour may be given as its numeric score (colour_codes docs); ranges must accept that."""
    elems = list(S.RULES[name][0])
    for i in S.COLOUR_ARGUMENTS[name]:
        elems[i] = S.numeric_colours
    rows = data.draw(st.lists(st.tuples(*elems), min_size=1, max_size=4), label="rows")
    _check_scalar_vs_vector(name, rows)


# -- totality --------------------------------------------------------------------------------

def _violation(func, args):
    """None if ``func(*args)`` returns a value or raises a CSError; otherwise a description."""
    try:
        result = func(*args)
    except CSError:
        return None
    except Exception as exc:  # noqa: BLE001 - this is what the property looks for
        return f"{type(exc).__name__}: {str(exc)[:70]}"
    values = result if isinstance(result, tuple) else (result,)
    for v in values:
        if isinstance(v, float) and math.isnan(v):
            return "returned NaN (NA must be None / an error, never NaN)"
    return None


PUBLIC_RULES = sorted(n for n in metrics.__all__ if callable(getattr(metrics, n)))


def test_every_public_rule_has_a_valid_call():
    assert sorted(S.VALID_CALLS) == PUBLIC_RULES
    for name, args in S.VALID_CALLS.items():
        assert _violation(getattr(metrics, name), args) is None, name


@pytest.mark.parametrize("name", PUBLIC_RULES)
def test_totality_each_hostile_value_in_each_position(name):
    func, base = getattr(metrics, name), S.VALID_CALLS[name]
    problems: dict[str, list[str]] = {}
    for pos in range(len(base)):
        for bad in S.HOSTILE:
            args = list(base)
            args[pos] = bad
            v = _violation(func, args)
            if v:
                problems.setdefault(v, []).append(f"arg{pos}={bad!r}")
    assert not problems, f"{name} — " + " | ".join(
        f"{err} for {', '.join(where)}" for err, where in problems.items())


@pytest.mark.parametrize("name", PUBLIC_RULES)
@settings(max_examples=40, deadline=None, derandomize=True,  # same verdict on every run
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_totality_random_hostile_mix(name, data):
    base = S.VALID_CALLS[name]
    args = [data.draw(st.one_of(st.just(a), S.hostile), label=f"arg{i}")
            for i, a in enumerate(base)]
    v = _violation(getattr(metrics, name), args)
    assert v is None, f"{name}{tuple(args)!r}: {v}"
