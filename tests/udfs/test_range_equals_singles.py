"""Per-cell coercion does not depend on the neighbours (issue #10 item 5): for every CS_*
function of the catalogue, a call on columns equals, row by row, the calls on the single cells
of each row — on mixed good and bad cells (dates with a time of day, time-only serials
0 < x < 1, tiny serials, overflowing numeric text, error cells in any argument, NaT, complex).

A single call with bad input raises ``UserError`` (the cell shows ``#VALUE!``), so that is
compared as ``#VALUE!``. Arguments read as a whole (``weights``, ``config``, thresholds) are
single cells here — but hostile ones too; a function whose answer to columns is not one value
per row (an aggregate, e.g. CS_FIRST_VALUE_DATE) is not row-wise and is left out.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math

import numpy as np
import pandas as pd
import pytest
import xlwings
from cs_workbook.udfs import CATALOGUE
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

#: arguments a function reads as a whole, never row by row
WHOLE = {"config", "weights", "threshold", "rate_table", "key"}

good = st.one_of(
    st.floats(0, 200), st.integers(0, 120), st.sampled_from([0.3, 0.8, 1, 4, 12, 45000]),
    st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31)),
    st.sampled_from(["Green", "Yellow", "Red", "G", "Premium", "Ultimate", "Active", "TRUE",
                     "2026-01-31", "engage", "Dev Lead", True, False, None, ""]))
bad = st.one_of(
    st.sampled_from([0.25, 0.75, 1e-9, 5e-324, -0.5, 45000.5, 1e308, 1e400, "1e400", "inf",
                     "-inf", "nan", "1e-400", "abc", "12%", "  7 ", "#N/A", "#DIV/0!",
                     {"type": "Error", "basicValue": "#N/A"},
                     {"type": "Error", "basicValue": "#REF!"},
                     float("nan"), float("inf"), complex(1, 2), pd.NaT, np.datetime64("NaT"),
                     {"type": "String", "basicValue": "purple"},
                     {"basicValue": "purple", "type": "String"},  # its repr differs
                     {"type": "FormattedNumber", "basicValue": 5}, -1, -1.0, -7,
                     np.float64(0.5), np.int64(3), dt.datetime(2026, 3, 4, 15, 30),
                     dt.datetime(1900, 1, 1, 12), dt.time(12, 30), dt.timedelta(hours=3)]),
    st.floats(0.0001, 0.9999), st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 1, 1)))
cell = st.one_of(good, good, bad)


def _single(fn, args):
    try:
        return fn(*args)
    except xlwings.XlwingsError:
        return "#VALUE!"


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


ROW_ARGS = {name: [a for a in inspect.signature(fn).parameters] for name, fn in CATALOGUE.items()}
#: the row-wise functions: those that answer through rows.elementwise (the others aggregate a
#: range, or explain one account, or look up a setting)
ROW_WISE = sorted({name for name, fn in CATALOGUE.items()
                   if "elementwise(" in inspect.getsource(inspect.unwrap(fn))}
                  | {"CS_TIME_TO_ENGAGE", "CS_TIME_TO_FIRST_VALUE", "CS_TIME_TO_ONBOARD",
                     "CS_SECURITY_HEALTH", "CS_SECURITY_SCORE"})  # through a helper


def test_the_row_wise_functions_are_most_of_the_catalogue():
    assert len(ROW_WISE) >= 30 and "CS_ADOPTION_COMPLETE" in ROW_WISE


@pytest.mark.parametrize("name", ROW_WISE)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_range_call_equals_the_single_calls_row_by_row(name, data):
    fn = CATALOGUE[name]
    params = ROW_ARGS[name]
    n = data.draw(st.integers(2, 5), label="rows")
    args, columns = [], []
    for p in params:
        if p == "config":  # a Key/Value table, tested in test_config_arg.py
            args.append(None)
            columns.append(False)
        elif p in WHOLE:
            args.append(data.draw(st.one_of(st.none(), st.none(), cell), label=p))
            columns.append(False)
        elif data.draw(st.booleans(), label=f"{p} is a column"):
            args.append([[data.draw(cell, label=f"{p}[{i}]")] for i in range(n)])
            columns.append(True)
        else:
            args.append(data.draw(cell, label=p))
            columns.append(False)
    assume(any(columns))
    out = _single(fn, args)
    assert isinstance(out, list) and len(out) == n and all(
        isinstance(r, list) and len(r) == 1 for r in out), out  # never collapsed to one value
    for i in range(n):
        one = [a[i][0] if c else a for a, c in zip(args, columns)]
        assert _same(out[i][0], _single(fn, one)), (i, one, out)
