"""Number columns: the typed fast paths check exactly what the cell-by-cell path did.

For 2.4 M Usage cells (issue #12 item 3) ``columns._numbers`` skips the type scan for typed
columns, works out the whole-number tolerance only for cells that are not whole already, and
skips it entirely for integer-typed Parquet columns (``Cells.numbers(..., whole=True)``). The
code it replaced is the oracle here; hypothesis draws floats with formula noise, infinities,
blanks and negatives, and the values and every check's mask must be the same.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from number_reference import old_numbers

from cs_workbook.schema import Column
from cs_workbook.workbook.columns import Cells, _numbers


NOISY = st.builds(lambda k, e: k + e, st.integers(-5, 10**6),
                  st.sampled_from([0.0, 4e-16, -4e-16, 1e-10, 0.5, -0.25, 1e-3]))
VALUES = st.lists(st.one_of(NOISY, st.floats(allow_nan=True), st.integers(-3, 3).map(float)),
                  max_size=30)
COLUMNS = [Column("n", "int"), Column("n", "number"), Column("n", "money"),
           Column("n", "int", choices=(1, 2, 3))]


def _same(got, want):
    assert np.array_equal(got[0].to_numpy(), want[0].to_numpy(), equal_nan=True)
    assert [m for _, m in got[1]] == [m for _, m in want[1]]
    for (a, _), (b, _) in zip(got[1], want[1]):
        assert np.array_equal(a, b)


@given(VALUES, st.sampled_from(COLUMNS), st.data())
def test_typed_and_untyped_number_cells_check_as_before(values, col, data):
    raw = np.array(values, dtype="float64")
    blank = np.isnan(raw) | np.array(data.draw(st.lists(st.booleans(), min_size=len(raw),
                                                        max_size=len(raw))), dtype=bool)
    raw = np.where(blank, np.nan, raw)
    typed = Cells.numbers(raw, blank)
    _same(_numbers(col, typed), old_numbers(col, Cells.numbers(raw, blank)))
    cells = Cells(np.array([None if b else v for v, b in zip(raw, blank)], dtype=object))
    if not cells.is_str.any():  # the calamine path: blanks are '' there, None here
        _same(_numbers(col, cells), old_numbers(col, cells))


@given(st.lists(st.one_of(st.none(), st.integers(-10**12, 10**12)), max_size=30),
       st.sampled_from(COLUMNS))
def test_integer_typed_cells_skip_rounding_with_the_same_result(values, col):
    blank = np.array([v is None for v in values], dtype=bool)
    raw = np.array([np.nan if v is None else float(v) for v in values], dtype="float64")
    _same(_numbers(col, Cells.numbers(raw, blank, whole=True)),
          old_numbers(col, Cells.numbers(raw, blank)))
