"""Hostile input: whatever a cell or range holds, every function answers with an Excel value
(a number, text, TRUE/FALSE, a date, a defined error value, or a range of them in the shape of
the input) or raises ``xlwings.XlwingsError`` with a short message — never anything else.

pytest sets PYTEST_CURRENT_TEST, so the boundary re-raises unexpected exceptions instead of
showing #VALUE!, and any bug fails here. 1,000 examples per function.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math

import pytest
import xlwings
from cs_workbook.udfs import CATALOGUE
from cs_workbook.udfs.errors import ERROR_CODES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(__import__("os").environ.get("CS_HOSTILE_EXAMPLES", 1000))

error_cells = st.sampled_from(ERROR_CODES).flatmap(lambda code: st.sampled_from([
    code, {"type": "Error", "basicValue": code, "errorType": "NotAvailable"},
    {"type": "Error", "errorType": "Div0"}, {"type": "Error"}, {"type": "Error", "basicValue": 7}]))
words = st.sampled_from([
    "Green", "yellow", "R", "g", "amber", "na", "N/A", "Ultimate", "Premium", "engage",
    "first_value", "onboard", "Active", "Draft", "None", "TRUE", "false", "yes", "Engineer",
    "Cancellation", "Seat Expansion", "Trueup", "2024-02-29", "2023-02-29", "23/11/2026",
    "03/04/2026", "1/2/3", "12", "12%", "-5", "1e400", "nan", "inf", "-inf", "1,234.5", " ",
    "", "\u00a0", "=1+1", "#", "#VALUE", "0x10", "½", "٣", "DROP TABLE", "x" * 300])
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**30, 10**30),
    st.sampled_from([0, 0.0, -0.0, 1, 59, 60, 61, 100, 100.0001, 2958465, 2958466, 1e308,
                     -1e308, 5e-324, 10**400]))
dates = st.one_of(st.dates(), st.datetimes(), st.just(dt.datetime(1900, 1, 1)))
data_types = st.builds(lambda v: {"type": "Double", "basicValue": v}, st.floats(-1e6, 1e6)) | \
    st.just({}) | st.just({"type": "FormattedNumber", "basicValue": 45000.0, "numberFormat": "d"})
cells = st.one_of(st.none(), st.just(""), st.booleans(), numbers, words, st.text(max_size=6),
                  dates, error_cells, data_types)


@st.composite
def arguments(draw, arity: int):
    """Arguments of one call: mostly agreeing shapes, sometimes not, sometimes broken."""
    n = draw(st.integers(1, 4))
    out = []
    for _ in range(arity):
        kind = draw(st.sampled_from(
            ["scalar", "scalar", "1x1", "column", "column", "row", "grid", "list", "odd"]))
        if kind == "scalar":
            out.append(draw(cells))
        elif kind == "1x1":
            out.append([[draw(cells)]])
        elif kind == "column":
            out.append([[draw(cells)] for _ in range(n)])
        elif kind == "row":
            out.append([[draw(cells) for _ in range(n)]])
        elif kind == "grid":
            out.append([[draw(cells) for _ in range(2)] for _ in range(n)])
        elif kind == "list":
            out.append([draw(cells) for _ in range(n)])
        else:
            out.append(draw(st.sampled_from([[], [[]], [[1], [2, 3]], [1, [2]], ((1,), (2,)),
                                             [[None] * 7] * 5, [["Green", 1, None]] * 3])))
    return out


def _excel_value(v) -> bool:
    if isinstance(v, bool) or isinstance(v, int):
        return True
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, str):
        return not v.startswith("#") or v in ERROR_CODES
    return isinstance(v, dt.date)


def _check(result):
    if isinstance(result, list):
        assert result, "an empty range"
        rows = result if isinstance(result[0], list) else [result]
        width = len(rows[0])
        for row in rows:
            assert isinstance(row, list) and len(row) == width
            assert all(_excel_value(v) for v in row), row
    else:
        assert _excel_value(result), repr(result)


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_any_input_gives_an_excel_value_or_a_user_error(name):
    fn = CATALOGUE[name]
    arity = len(inspect.signature(fn).parameters)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(arguments(arity))
    def check(args):
        try:
            result = fn(*args)
        except xlwings.XlwingsError as exc:
            message = str(exc)
            assert message and len(message) <= 250 and "Traceback" not in message
            return
        _check(result)

    check()
