"""Text columns read as Parquet dictionaries (:func:`.tables._column_cells`) give the cells a
plain string column gives, and :attr:`.Cells.keys` partition the stripped values as
``pd.factorize`` does (blank → -1), which the key checks and category mapping rely on."""

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from cs_workbook.schema import Column
from cs_workbook.workbook.columns import convert
from cs_workbook.workbook.tables import _column_cells, _take

_texts = st.lists(st.one_of(st.none(), st.sampled_from(["A", " A", "A ", "", "  ", "b", "B",
                                                         "red", " Red ", "x y"])), max_size=30)


def _chunked(values, cut, dictionary):
    parts = [values[:cut], values[cut:]]
    arrays = [pa.array(p, type=pa.string()) for p in parts]
    if dictionary:
        arrays = [a.dictionary_encode() for a in arrays]  # each chunk its own dictionary
    return pa.chunked_array(arrays, type=arrays[0].type)


@given(_texts, st.integers(0, 30), st.lists(st.booleans(), min_size=30, max_size=30))
def test_dictionary_cells_match_plain_strings(values, cut, keep):
    cut = min(cut, len(values))
    plain = _column_cells(_chunked(values, cut, False))
    coded = _column_cells(_chunked(values, cut, True))
    np.testing.assert_array_equal(plain.blank, coded.blank)
    np.testing.assert_array_equal(plain.raw, coded.raw)
    keep = np.array(keep[:len(values)], dtype=bool)
    for c in (plain, coded, _take(coded, keep)):
        if c.keys is None:  # no non-null value at all: a column of blanks
            assert c.blank.all()
            continue
        expected = np.where(c.blank, None, c.raw).astype(object)
        want_codes, _ = pd.factorize(expected)
        codes, uniques = c.keys
        # the same partition as pd.factorize (equal values, equal codes; blank -1), and each
        # code names its value (distinct may also hold values of rows dropped since)
        np.testing.assert_array_equal(codes < 0, want_codes < 0)
        np.testing.assert_array_equal(codes[:, None] == codes[None, :],
                                      want_codes[:, None] == want_codes[None, :])
        assert len(set(uniques)) == len(uniques)
        assert [uniques[k] for k in codes[codes >= 0]] == list(expected[codes >= 0])


@given(_texts)
def test_category_mapping_by_codes_matches_per_row(values):
    col = Column("Colour", "category", choices=("Red", "B"))
    coded = _column_cells(pa.chunked_array([pa.array(values, type=pa.string())
                                            .dictionary_encode()]))
    got, got_checks = convert(col, coded)
    coded._dict = coded._keys = None  # the per-row path
    want, want_checks = convert(col, coded)
    pd.testing.assert_series_equal(got, want)
    for (a, msg_a), (b, msg_b) in zip(got_checks, want_checks):
        np.testing.assert_array_equal(a, b)
        assert msg_a == msg_b
