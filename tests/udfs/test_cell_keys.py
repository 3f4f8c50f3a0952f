"""udfs.cell_keys.distinct: a range's cells are parsed once per distinct value, so two cells
may share a code only when every parser reads them alike — same type, equal value, and for
Office.js dicts the same items in the same order (a colour's message shows the dict)."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
from cs_workbook.udfs.cell_keys import distinct
from hypothesis import given, settings
from hypothesis import strategies as st

POOL = [True, False, 1, 1.0, 0, 0.0, None, "", "a", np.str_("a"), "1", complex(1, 0),
        decimal.Decimal(1), np.float64(1.0), np.int64(1), np.bool_(True), pd.NaT,
        np.datetime64("NaT"), dt.date(2026, 1, 2), dt.datetime(2026, 1, 2),
        pd.Timestamp("2026-01-02"), {"type": "Error", "basicValue": "#N/A"},
        {"basicValue": "#N/A", "type": "Error"}, {"type": "Error", "basicValue": "#REF!"},
        {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"},
        {"type": "String", "basicValue": "x"}, {"basicValue": "x"}]


def _same_cell(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a.items()) == list(b.items())
    return a is b or a == b


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(range(len(POOL))), min_size=1, max_size=40))
def test_cells_share_a_code_only_when_alike_and_firsts_are_first(picks):
    # fresh copies of the dicts, as Office.js sends them (one object per cell)
    items = [dict(POOL[i]) if isinstance(POOL[i], dict) else POOL[i] for i in picks]
    codes, firsts = distinct(items)
    assert len(codes) == len(items) and sorted(set(codes.tolist())) == list(range(len(firsts)))
    for i, c in enumerate(codes.tolist()):
        assert _same_cell(items[i], firsts[c])
        first = codes.tolist().index(c)
        assert firsts[c] is items[first]
    for i in range(len(items)):  # equal cells (same type, value, item order) share a code
        for j in range(i):
            if _same_cell(items[i], items[j]) and not (items[i] != items[i]):
                assert codes[i] == codes[j]


def test_a_nested_cell_raises_type_error():
    for items in ([1.0, [1, 2]], [(1, 2), (3, 4)], [{"basicValue": [1]}, {"basicValue": [1]}]):
        try:
            distinct(items)
        except TypeError:
            continue
        raise AssertionError(items)
