"""The folder reader's fast paths for typed columns (issue #12 item 3: 2.4 M Usage rows) give
exactly what the general, cell-by-cell path gives.

* numbers whose NaNs are their blanks (``Cells.numbers(values)``) skip rounding, masks and the
  copy when nothing is wrong; the oracle is ``_numbers`` before any fast path;
* typed Parquet dates and booleans are converted once per distinct value; the oracle is the
  per-row code they replaced;
* end to end, a Usage table written by pyarrow as Parquet (float64 or int64) or as CSV reads
  to the frame, or the first error, that the workbook reader's path (calamine-like cells
  through ``reader._read_table``) gives: blank rows, unknown and padded Account IDs,
  duplicate (Account ID, Month) rows, float noise, negatives, infinities, -0.0.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from hypothesis import example, given, settings
from hypothesis import strategies as st
from number_reference import old_numbers

from cs_workbook.errors import WorkbookError
from cs_workbook.schema import Column, sheet
from cs_workbook.workbook import columns
from cs_workbook.workbook.arrow_cells import _column_cells, _take, _typed_convert
from cs_workbook.workbook.columns import Cells, _numbers, convert
from cs_workbook.workbook.reader import _read_table
from cs_workbook.workbook.tables import read_tables

SPECIAL = [0.0, -0.0, 3.0000000000000004, 2.9999999999999996, 0.5, -1.0, -0.25, 1e300,
           -1e300, 2.0 ** 53 + 2, 1e-320, math.inf, -math.inf, math.nan]
VALUE = st.one_of(st.none(), st.sampled_from(SPECIAL), st.integers(-3, 10**6).map(float),
                  st.floats(allow_nan=True, allow_infinity=True))
COLUMNS = [Column("n", "int"), Column("n", "number"), Column("n", "money"),
           Column("n", "int", choices=(1, 2, 3))]


def _same(got, want):
    a, b = got[0].to_numpy(), want[0].to_numpy()
    assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    assert np.array_equal(np.signbit(a[~np.isnan(a)]), np.signbit(b[~np.isnan(b)]))  # -0.0
    assert [m for _, m in got[1]] == [m for _, m in want[1]]
    for (x, _), (y, _) in zip(got[1], want[1]):
        assert np.array_equal(x, y)


@given(st.lists(VALUE, max_size=40), st.sampled_from(COLUMNS), st.sampled_from([3, 1 << 16]))
@example([], Column("n", "int"), 3)
@example([None, None, math.nan], Column("n", "int"), 3)  # all blank
@example([1.0, 2.0, -0.0, 1e300, 2.0 ** 53 + 2], Column("n", "int"), 2)  # none blank
@example([1.0, None, 3.0000000000000004], Column("n", "int"), 1)  # noise in a later chunk
def test_numbers_whose_nans_are_blanks_check_as_before(values, col, chunk):
    raw = np.array([np.nan if v is None else v for v in values], dtype="float64")
    old, columns._CHUNK = columns._CHUNK, chunk  # several chunks of the whole-number check
    try:
        got = _numbers(col, Cells.numbers(raw.copy()))
    finally:
        columns._CHUNK = old
    _same(got, old_numbers(col, Cells.numbers(raw.copy(), np.isnan(raw))))
    assert got[0].array._ndarray.flags.writeable  # pandas hands out read-only views


def test_a_clean_read_only_column_is_copied_once_and_a_clean_one_not_at_all():
    values = np.array([1.0, np.nan, 3.0])
    same, _ = _numbers(Column("n", "int"), Cells.numbers(values))
    assert np.shares_memory(same.to_numpy(), values)  # nothing to correct: not copied
    values.flags.writeable = False  # zero-copy from pyarrow
    got, _ = _numbers(Column("n", "int"), Cells.numbers(values))
    assert got.array._ndarray.flags.writeable and not np.shares_memory(got.to_numpy(), values)


# --- dates and booleans, per distinct value ----------------------------------------------------

_FIRST = np.datetime64(pd.Timestamp.min.ceil("D").date(), "D")
_LAST = np.datetime64(pd.Timestamp.max.floor("D").date(), "D")


def old_dates(col: Column, arrow):
    """The per-row typed-date code the distinct-value path replaced."""
    arrow = arrow.combine_chunks()
    t = arrow.type
    blank = arrow.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_timestamp(t) and t.tz is not None:
        arrow = pc.local_timestamp(arrow)
    days = pc.cast(pc.cast(arrow, pa.timestamp("s")) if pa.types.is_timestamp(t) else arrow,
                   pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    if col.kind not in ("date", "month"):
        iso = np.where(blank, "", np.datetime_as_string(days, unit="D")).astype(object)
        return convert(col, Cells(iso))
    outside = ~blank & ((days < _FIRST) | (days > _LAST))
    days = np.where(outside, np.datetime64("NaT"), days)
    unit = "datetime64[M]" if col.kind == "month" else "datetime64[D]"
    values = days.astype(unit).astype("datetime64[ns]")
    return pd.Series(values, dtype="datetime64[ns]"), [
        (outside, "{v} is not a date pandas can hold (years 1677–2262)")]


DAYS = st.one_of(st.none(), st.sampled_from([dt.date(2025, 5, 1), dt.date(2025, 5, 31),
                                             dt.date(2025, 6, 2), dt.date(1500, 1, 1),
                                             dt.date(2300, 12, 31)]),
                 st.dates(dt.date(1600, 1, 1), dt.date(2400, 1, 1)))
DATE_TYPES = [pa.date32(), pa.timestamp("ns"), pa.timestamp("us", tz="America/New_York")]


def _chunks(values, cut, type_):
    if pa.types.is_timestamp(type_):  # inside what ns can hold
        values = [None if v is None or not 1700 < v.year < 2200 else
                  dt.datetime(v.year, v.month, v.day, 23, 30) for v in values]
    parts = [values[:cut], values[cut:]]
    return pa.chunked_array([pa.array(p, type=type_) for p in parts], type=type_)


@given(st.lists(DAYS, max_size=30), st.integers(0, 30), st.sampled_from(DATE_TYPES),
       st.sampled_from(["date", "month", "text"]), st.lists(st.booleans(), min_size=30,
                                                            max_size=30))
def test_typed_dates_convert_as_per_row(values, cut, type_, kind, keep):
    arrow = _chunks(values, min(cut, len(values)), type_)
    col = Column("d", kind)
    cells = _column_cells(arrow)
    keep = np.array(keep[:len(values)], dtype=bool)
    for c, a in ((cells, arrow), (_take(cells, keep), arrow.filter(pa.array(keep)))):
        got, want = _typed_convert(col, c), old_dates(col, a)
        pd.testing.assert_series_equal(got[0], want[0])
        assert [m for _, m in got[1]] == [m for _, m in want[1]]
        for (x, _), (y, _) in zip(got[1], want[1]):
            assert np.array_equal(x, y)
        np.testing.assert_array_equal(c.blank, a.is_null().to_numpy(zero_copy_only=False))
        if kind == "month" and c.value_keys is not None:  # equal months, equal codes
            months = got[0].to_numpy()
            k = c.value_keys
            assert np.array_equal(k < 0, np.isnat(months))
            dated = (k[:, None] >= 0) & (k[None, :] >= 0)
            assert np.array_equal((k[:, None] == k[None, :]) & dated,
                                  (months[:, None] == months[None, :]) & dated)


@given(st.lists(st.one_of(st.none(), st.booleans()), max_size=30),
       st.sampled_from(["bool", "text", "int"]))
def test_typed_booleans_convert_as_cells(values, kind):
    col = Column("b", kind)
    got = _typed_convert(col, _column_cells(pa.chunked_array([pa.array(values, pa.bool_())])))
    raw = np.array(["" if v is None else v for v in values], dtype=object)
    want = convert(col, Cells(raw))  # what the old path built: one object per cell
    pd.testing.assert_series_equal(got[0], want[0])
    assert [m for _, m in got[1]] == [m for _, m in want[1]]
    for (x, _), (y, _) in zip(got[1], want[1]):
        assert np.array_equal(x, y)


# --- end to end: Parquet and CSV against the workbook path -------------------------------------

USAGE = sheet("Usage")
IDS = st.sampled_from(["A1", "A2", " A1 ", "ZZ", "", None])
MONTHS = st.sampled_from([dt.date(2025, 5, 1), dt.date(2025, 5, 31), dt.date(2025, 6, 2),
                          None])
ROWS = st.lists(st.tuples(IDS, MONTHS, VALUE, VALUE), max_size=12)
ACCOUNTS = {"Account ID": ["A1", "A2"], "Account": ["Acme", "Beta"],
            "Segment": ["Growth", "Scale"], "Tier": ["Premium", "Free"],
            "Deployment": ["SaaS", "Dedicated"],
            "Contract Date": pa.array([dt.date(2024, 1, 15), dt.date(2024, 2, 1)]),
            "Licensed Users": [100.0, 7.0]}
HEADER = ["Account ID", "Month", "Billable Users", "Scans"]


def _workbook_result(rows):
    """What the workbook reader's path gives for the same cells (calamine: '' when blank,
    dates as dates, numbers as floats; a NaN cannot be in a workbook, so it is blank)."""
    def cell(v):
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else v

    grid = [HEADER] + [[cell(v) for v in r] for r in rows]
    try:
        df, _ = _read_table(USAGE, grid, {"file": "x"}, pd.Index(["A1", "A2"], dtype=object))
    except WorkbookError as exc:
        return (exc.args[0].split(": ", 1)[-1].split(", column ")[-1], )
    return df


def _folder_result(folder: Path):
    try:
        return read_tables(folder).usage
    except WorkbookError as exc:
        return (exc.args[0].split(": ", 1)[-1].split(", column ")[-1], )


def _compare(got, want):
    if isinstance(want, tuple) or isinstance(got, tuple):
        assert isinstance(got, tuple) and isinstance(want, tuple) and got == want
    else:
        pd.testing.assert_frame_equal(got, want)


def _csv_field(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    return repr(v) if isinstance(v, float) else v


@settings(max_examples=60, deadline=None)
@given(ROWS, st.sampled_from(["double", "int64", "csv"]))
@example([("A1", dt.date(2025, 5, 1), 3.0, -0.0), ("A1", dt.date(2025, 5, 31), 4.0, 1.0)],
         "double")  # two rows for one month
@example([(None, None, None, None), ("A2", dt.date(2025, 6, 2), 3.0000000000000004, None)],
         "double")  # a blank row, float noise
def test_usage_reads_as_the_workbook_path(rows, how):
    if how == "int64":  # whole numbers only, as an int64 column holds them
        rows = [r[:2] + tuple(None if v is None or not math.isfinite(v) or v != int(v)
                              or abs(v) > 2**53 else v for v in r[2:]) for r in rows]
    if how == "csv":  # CSV text: no NaN or infinity (their spelling is pyarrow's, not ours)
        rows = [r[:2] + tuple(None if v is None or not math.isfinite(v) else v
                              for v in r[2:]) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pq.write_table(pa.table(ACCOUNTS), folder / "Accounts.parquet")
        if how == "csv":
            with open(folder / "Usage.csv", "w", newline="", encoding="utf-8") as fh:
                out = csv.writer(fh)
                out.writerow(HEADER)
                out.writerows([[_csv_field(v) for v in r] for r in rows])
        else:
            type_ = pa.float64() if how == "double" else pa.int64()
            cols = list(zip(*rows)) if rows else [[], [], [], []]
            pq.write_table(pa.table({
                "Account ID": pa.array(list(cols[0]), pa.string()),
                "Month": pa.array(list(cols[1]), pa.date32()),
                "Billable Users": pa.array([None if v is None else (v if how == "double"
                                            else int(v)) for v in cols[2]], type_,
                                           from_pandas=False),
                "Scans": pa.array([None if v is None else (v if how == "double" else int(v))
                                   for v in cols[3]], type_, from_pandas=False)}),
                folder / "Usage.parquet", row_group_size=4)  # several dictionaries
        _compare(_folder_result(folder), _workbook_result(rows))
