"""The fast paths of portfolio scoring give what the plain computations give, to the last bit.

Each property holds one shortcut to the straightforward code it replaced: the column-wise
weighted mean to the matrix one, the binary-search ``latest`` to the mask over every row,
run-wise positions to one hash per row, label takes to pandas' own inference of the object
column, distinct-text colour coding to cell-by-cell coding.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cs_workbook.errors import InvalidInput
from cs_workbook.metrics._vector import Shape
from cs_workbook.metrics.colours import colour_codes
from cs_workbook.metrics.health import weighted_mean, weighted_mean_columns
from cs_workbook.metrics.milestones import STAGES, stage_index, stage_names
from cs_workbook.metrics.trend import TRENDS, trend_codes, trend_index
from cs_workbook.metrics.ttv import TTV_STATUSES, ttv_status_codes, ttv_status_index
from cs_workbook.portfolio.snapshots import SortedSheet, _each_position, positions, take
from cs_workbook.portfolio.summary import _BUCKETS, _NO_BUCKET, _adoption_buckets
from cs_workbook.portfolio.texts import labelled, passed_text, strings


def _matrix_weighted_mean(scores, weights):
    """The matrix implementation weighted_mean had before it went column by column."""
    w = np.asarray(weights, dtype=float)
    present = ~np.isnan(scores)
    wp = present * w
    top = wp.max(axis=1, initial=0.0)
    wp = wp / np.where(top > 0, top, 1.0)[:, None]
    wsum = wp.sum(axis=1)
    total = (np.where(present, scores, 0.0) * wp).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, total / np.where(wsum > 0, wsum, 1), np.nan)


_score = st.one_of(st.just(np.nan), st.floats(0, 100), st.sampled_from([0.0, 25.0, 50.0, 100.0]))
_weight = st.one_of(st.sampled_from([0.0, 1.0, 15.0, 20.0, 22.0, 999_999.0, 1e-300]),
                    st.floats(0, 1e6))


@given(st.integers(1, 7).flatmap(lambda k: st.tuples(
    st.lists(st.lists(_score, min_size=k, max_size=k), min_size=0, max_size=30),
    st.lists(_weight, min_size=k, max_size=k))))
@example(([[1.0, 1e16 / 1e14, 33.3, 66.7]], [1e16, 1.0, 1e-16, 3.0]))
def test_column_weighted_mean_is_the_matrix_one_bit_for_bit(case):
    rows, weights = case
    m = np.array(rows, dtype=float).reshape(len(rows), len(weights))
    want = _matrix_weighted_mean(m, weights)
    got = weighted_mean(m, weights)
    np.testing.assert_array_equal(got.view(np.int64) if len(got) else got,
                                  want.view(np.int64) if len(want) else want)
    cols = weighted_mean_columns([m[:, j].copy() for j in range(m.shape[1])], weights, len(m))
    np.testing.assert_array_equal(cols, got)


def test_weighted_mean_still_rejects_bad_weights():
    with pytest.raises(InvalidInput):
        weighted_mean(np.ones((2, 2)), [1.0, -1.0])


_ids = st.sampled_from(["A", "B", "C", "D", "x", None, np.nan, "", "A "])


@given(st.lists(_ids, max_size=80), st.booleans(),
       st.lists(st.sampled_from(["A", "B", "C", "D", "E"]), unique=True))
def test_run_positions_are_one_hash_per_row(values, grouped, ids):
    if grouped:  # exports list an account's rows together: long runs
        values = sorted(values, key=lambda v: (not isinstance(v, str), str(v)))
        values = [v for v in values for _ in range(3)]
    index = pd.Index(ids, dtype=object)
    arr = np.array(values, dtype=object)
    np.testing.assert_array_equal(positions(index, pd.Series(arr, dtype=object)),
                                  _each_position(index, arr) if len(arr) else np.zeros(0))


def test_positions_of_accounts_in_their_own_order_and_with_pd_na():
    ids = pd.Index([f"A{i}" for i in range(20)], dtype=object)
    rows = np.repeat(ids.to_numpy(), 3)
    np.testing.assert_array_equal(positions(ids, rows), np.repeat(np.arange(20), 3))
    rows[5] = pd.NA  # no plain truth value for the run comparison: one hash per row
    want = np.repeat(np.arange(20), 3)
    want[5] = -1
    np.testing.assert_array_equal(positions(ids, rows), want)


_day = st.integers(0, 60)


@given(st.lists(st.tuples(st.integers(0, 6), _day), max_size=50), st.booleans(),
       st.lists(st.integers(-5, 70), min_size=1, max_size=5))
def test_latest_by_binary_search_is_the_mask_over_every_row(rows, presort, as_ofs):
    if presort:
        rows = sorted(rows)
    ids = [f"A{i}" for i in range(6)]
    df = pd.DataFrame({
        "Account ID": pd.Series([ids[p] if p < 6 else "zz" for p, _ in rows], dtype=object),
        "Month": (np.array([d for _, d in rows], dtype="int64") + 20_000).astype(
            "datetime64[D]").astype("datetime64[ns]")})
    sheet = SortedSheet(df, pd.Index(ids, dtype=object), "Month")
    for d in as_ofs:
        day = np.datetime64(20_000 + d, "D")
        np.testing.assert_array_equal(sheet.latest(day), sheet.last(sheet.dates <= day))


@given(st.lists(st.one_of(st.just(np.nan), st.floats(-1e6, 1e6)), max_size=20),
       st.lists(st.integers(-1, 30), max_size=30))
def test_take_fills_like_where(values, idx):
    values = np.array(values, dtype=float)
    idx = np.array([i if i < len(values) else -1 for i in idx], dtype=np.intp)
    want = np.where(idx >= 0, values[np.where(idx >= 0, idx, 0)], np.nan) if len(values) \
        else np.full(len(idx), np.nan)
    np.testing.assert_array_equal(take(values, idx), want)


def _inferred(values) -> pd.Series:
    return pd.DataFrame({"c": np.asarray(values, dtype=object)})["c"]


_labels = st.lists(st.one_of(st.text(max_size=3), st.none()), min_size=1, max_size=5)


@given(_labels.flatmap(lambda labels: st.tuples(
    st.just(labels), st.lists(st.integers(-1, len(labels) - 1), max_size=30))))
def test_labelled_is_what_pandas_infers_from_the_objects(case):
    labels, codes = case
    codes = np.array(codes, dtype=np.int8)
    table = np.array([*labels, None], dtype=object)
    got = pd.DataFrame({"c": labelled(codes, labels)})["c"]
    pd.testing.assert_series_equal(got, _inferred(table[codes]))


@given(st.lists(st.one_of(st.sampled_from(["Met", "Open", "x"]), st.none(), st.just(np.nan),
                          st.integers(0, 2), st.booleans()), max_size=30))
def test_strings_is_what_pandas_infers_from_the_objects(values):
    arr = np.array(values, dtype=object)
    got = pd.DataFrame({"c": strings(arr)})["c"]
    pd.testing.assert_series_equal(got, _inferred(arr))
    col = pd.Series(arr, dtype=object)
    for distinct in (False, True):
        pd.testing.assert_series_equal(pd.DataFrame({"c": passed_text(col, distinct)})["c"],
                                       _inferred(arr))


def test_passed_text_keeps_a_str_column():
    col = pd.Series(["a", None, "b"], dtype="str")
    pd.testing.assert_series_equal(pd.DataFrame({"c": passed_text(col)})["c"],
                                   _inferred(col.to_numpy()))


_num = st.one_of(st.just(np.nan), st.floats(-400, 400), st.integers(-3, 3).map(float))


@given(st.lists(st.tuples(_num, _num), max_size=30), st.floats(0, 200))
def test_status_and_trend_indexes_name_what_the_object_rules_say(rows, goal):
    a = np.array([x for x, _ in rows], dtype=float)
    b = np.array([y for _, y in rows], dtype=float)
    np.testing.assert_array_equal(
        np.array([*TTV_STATUSES, None], dtype=object)[ttv_status_index(a, b, goal)],
        ttv_status_codes(a, b, goal))
    np.testing.assert_array_equal(np.array([*TRENDS, None], dtype=object)[
        trend_index(a, b, goal / 100)], trend_codes(a, b, goal / 100))
    on, infra, adopted = a > 0, b > 0, (a + b) > 0
    np.testing.assert_array_equal(np.array(STAGES, dtype=object)[
        stage_index(on, infra, adopted)], stage_names(on, infra, adopted))


_cells = st.one_of(st.sampled_from(["Green", "red ", "Y", "amber", "", "na", "80", "bad", "150"]),
                   st.just([1, 2]),
                   st.none(), st.just(np.nan), st.just(pd.NaT), st.just(pd.NA),
                   st.floats(0, 100), st.booleans())


def _cell_by_cell(values, name="sentiment"):
    from cs_workbook.config import DEFAULT
    from cs_workbook.metrics.colours import _codes_of_items
    return np.array(_codes_of_items(list(values), DEFAULT, name), dtype=np.int8)


@given(st.lists(_cells, min_size=2, max_size=25))
def test_colour_codes_of_distinct_texts_are_the_cell_by_cell_codes(values):
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):  # a list stays one (unhashable) cell
        arr[i] = v
    try:
        want = _cell_by_cell(arr)
    except InvalidInput as exc:
        with pytest.raises(InvalidInput, match=re.escape(str(exc))):
            colour_codes(Shape(False, len(arr)), arr, name="sentiment")
        return
    np.testing.assert_array_equal(colour_codes(Shape(False, len(arr)), arr, name="sentiment"),
                                  want)


@given(st.lists(st.one_of(st.just(np.nan), st.floats(-2, 9), st.integers(0, 6).map(float)),
                max_size=30))
def test_adoption_buckets_are_the_per_row_rule(adoption):
    v = np.array(adoption, dtype=float)
    want = [None if math.isnan(x) else ("3+" if x >= 3 else str(int(x))) for x in v]
    got = _adoption_buckets(v)
    for g, w in zip(got, want):
        if w is None:
            assert g == _NO_BUCKET
        elif w in _BUCKETS:
            assert _BUCKETS[g] == w
        else:
            assert g == len(_BUCKETS)


@given(st.lists(st.sampled_from(["A", "B", "AB", "A\x00", "\x00", "é", "a\x00b", "", "B "]),
                max_size=40),
       st.lists(st.sampled_from(["A", "B", "AB", "A\x00", "é", "a\x00b", "", "C"]), unique=True))
def test_byte_search_finds_what_the_hash_finds(values, ids):
    from cs_workbook.portfolio.snapshots import AccountKeys
    index = pd.Index(ids, dtype=object)
    arr = np.array(values, dtype=object)
    want = index.get_indexer(pd.Index(arr, dtype=object)) if len(arr) else np.zeros(0)
    np.testing.assert_array_equal(AccountKeys(index).find(arr), want)


_count = st.one_of(st.just(np.nan), st.floats(-5, 500), st.integers(0, 40).map(float))


@given(st.lists(st.tuples(_count, _count), max_size=40), st.floats(0, 2))
def test_valued_rows_are_utilization_at_the_threshold(rows, threshold):
    from cs_workbook.metrics.licenses import utilization
    from cs_workbook.portfolio.score import _valued
    bill = np.array([b for b, _ in rows], dtype=float)
    lic = np.array([x for _, x in rows], dtype=float)
    want = utilization(bill, lic) >= threshold
    np.testing.assert_array_equal(_valued(bill, lic.copy(), threshold), want)


def test_duplicate_account_ids_still_raise_as_the_hash_lookup_does():
    ids = pd.Index(["A", "B", "A"] * 7, dtype=object)
    with pytest.raises(pd.errors.InvalidIndexError):
        positions(ids, np.repeat(ids.to_numpy(), 2))
