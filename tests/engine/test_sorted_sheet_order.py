"""The (account position, date) order of :class:`SortedSheet` equals ``np.lexsort``'s, and
:func:`positions` equals ``Index.get_indexer``, including blanks and unknown IDs."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from cs_workbook.portfolio.snapshots import _order, positions

_days = st.integers(-40_000, 40_000)


@given(st.lists(st.tuples(st.integers(0, 30), _days), max_size=60), st.booleans())
def test_order_is_lexsort(rows, presort):
    if presort:
        rows = sorted(rows)
    pos = np.array([p for p, _ in rows], dtype=np.intp)
    dates = np.array([d for _, d in rows], dtype="int64").astype("datetime64[D]")
    np.testing.assert_array_equal(_order(pos, dates), np.lexsort((dates, pos)))


def test_order_falls_back_when_the_key_would_overflow():
    pos = np.array([3, 2**45, 0])
    dates = np.array(["1700-01-01", "2200-01-01", "1900-01-01"], dtype="datetime64[D]")
    np.testing.assert_array_equal(_order(pos, dates), np.lexsort((dates, pos)))


@given(st.lists(st.sampled_from(["A", "B", "C", "x", None]), max_size=40),
       st.lists(st.sampled_from(["A", "B", "C", "D"]), unique=True))
def test_positions_is_get_indexer(values, ids):
    index = pd.Index(ids, dtype=object)
    want = index.get_indexer(pd.Index(values, dtype=object)) if values else np.zeros(0, int)
    np.testing.assert_array_equal(positions(index, pd.Series(values, dtype=object)), want)
