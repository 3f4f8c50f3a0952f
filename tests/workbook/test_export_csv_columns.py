"""The column-at-a-time CSV export writes exactly what the cell-at-a-time rule says.

``export._csv_column`` (vectorised, for 100,000-account exports) must equal ``_csv_cell`` of
``_plain`` applied to every value, the definition the injection tests pin down, for every
dtype a scores frame holds: floats with NaN and infinities, pandas ``str`` text with formula
triggers, quotes and NA, datetimes with NaT, booleans, nullable booleans and mixed objects.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_workbook.workbook.export import _csv_cell, _csv_column, _plain

TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list('=+-@\t\r"ab ,\'1é')),
                                    max_size=6))
FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6))
DATES = st.one_of(st.none(), st.datetimes(min_value=dt.datetime(1900, 1, 1),
                                          max_value=dt.datetime(2200, 12, 31)))


def by_cell(series: pd.Series) -> list[str]:
    return [_csv_cell(_plain(v)) for v in series.tolist()]


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, max_size=12))
def test_text(values):
    s = pd.Series(values, dtype="str")
    assert _csv_column(s) == by_cell(s)
    o = pd.Series(values, dtype=object)
    assert _csv_column(o) == by_cell(o)


@settings(max_examples=60, deadline=None)
@given(st.lists(FLOATS, max_size=12))
def test_numbers(values):
    s = pd.Series(values, dtype="float64")
    assert _csv_column(s) == by_cell(s)
    ints = pd.Series([int(v) for v in values if v == v and abs(v) < 2**62], dtype="int64")
    assert _csv_column(ints) == by_cell(ints)


@settings(max_examples=60, deadline=None)
@given(st.lists(DATES, max_size=12))
def test_dates(values):
    s = pd.Series(values, dtype="datetime64[ns]")
    assert _csv_column(s) == by_cell(s)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.booleans()), max_size=12))
def test_booleans(values):
    nullable = pd.Series(values, dtype="boolean")
    assert _csv_column(nullable) == by_cell(nullable)
    plain = pd.Series([bool(v) for v in values], dtype=bool)
    assert _csv_column(plain) == by_cell(plain)


def test_examples():
    s = pd.Series(["=1+1", 'say "hi"', None, "-x", "ok"], dtype="str")
    assert _csv_column(s) == ['"\'=1+1"', '"say ""hi"""', "", '"\'-x"', '"ok"']
    assert _csv_column(pd.Series([0.5, np.nan, -2.0, np.inf])) == ["0.5", "", "-2.0", "inf"]
