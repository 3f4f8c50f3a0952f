"""``text_map`` (one call per distinct text) equals mapping each cell's text as it was done
before: blanks as "", everything else through ``astype(str)``."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from cs_workbook.metrics._vector import text_map

_cells = st.one_of(st.none(), st.just(np.nan), st.sampled_from(["", " a", "a", "A", "b", "1"]),
                   st.sampled_from([1, 1.0, True, False, 0, 2.5]))


def _reference(values, fn, dtype):
    texts = pd.Series(values, dtype=object).fillna("").astype(str)
    return np.array([fn(t) for t in texts], dtype=dtype)


@given(st.lists(_cells, max_size=25))
def test_text_map_is_the_per_cell_map(values):
    fn = lambda t: t.strip().lower()  # noqa: E731
    np.testing.assert_array_equal(text_map(np.array(values, dtype=object), fn, object),
                                  _reference(values, fn, object))
    fn = lambda t: len(t) > 0  # noqa: E731
    np.testing.assert_array_equal(text_map(values, fn), _reference(values, fn, bool))
