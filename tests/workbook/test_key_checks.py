"""The readers' key checks on integer codes flag exactly what the object-wise checks did.

``reader._key_problems`` (duplicate Account IDs, IDs not in Accounts, two rows for one account
and month) was rewritten for 100,000 accounts × 24 months (issue #12 item 3): one factorize of
the IDs, then numpy on codes, with a ``bincount`` short cut when there is no duplicate. The
pandas version it replaced is kept below as the oracle; hypothesis draws messy keys (blanks,
repeats, unknown IDs, NaT months, times of day) and both must give the same problems, messages
and rows included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from cs_workbook.schema import sheet
from cs_workbook.workbook.reader import _MONTHLY_UNIQUE, _key_problems

POOL = ["A1", "A2", "B7", "ACC-000010", "x", "Ä9"]


def old_key_problems(schema, df, excel_rows, account_ids) -> list:
    """The object-wise checks as they were before the rewrite (commit 55b1193)."""
    problems = []
    ids = df["Account ID"]
    order = schema.headers.index("Account ID")
    if schema.unique_key:
        dup = (ids.duplicated() & ids.notna()).to_numpy()
        if dup.any():
            pos = int(dup.argmax())
            first = int((ids == ids[pos]).to_numpy().argmax())
            problems.append((pos, order, "Account ID", f"Account ID {ids[pos]!r} appears twice "
                             f"(rows {excel_rows[first]} and {excel_rows[pos]})"))
    if account_ids is not None:
        unknown = (ids.notna() & ~ids.isin(account_ids)).to_numpy()
        if unknown.any():
            pos = int(unknown.argmax())
            problems.append((pos, order, "Account ID",
                             f"account {ids[pos]!r} is not in the Accounts sheet"))
    if schema.name in _MONTHLY_UNIQUE:
        keys = df[["Account ID", "Month"]]
        dup = (keys.duplicated() & keys.notna().all(axis=1)).to_numpy()
        if dup.any():
            pos = int(dup.argmax())
            same = ((keys["Account ID"] == ids[pos]) & (keys["Month"] == keys["Month"][pos]))
            first = int(same.to_numpy().argmax())
            month = keys["Month"][pos].strftime("%Y-%m")
            problems.append((pos, schema.headers.index("Month"), "Month",
                             f"account {ids[pos]!r} has two rows for month {month} "
                             f"(rows {excel_rows[first]} and {excel_rows[pos]})"))
    return problems


MONTHS = st.one_of(
    st.none(),
    st.sampled_from(["2024-01-01", "2024-02-01", "2025-06-01", "1999-12-01", "2262-04-01"]),
    st.sampled_from(["2024-01-01 13:30", "2024-01-01 00:00:01"]),  # times: the hash path
)


@st.composite
def tables(draw):
    name = draw(st.sampled_from(["Accounts", "Usage", "Support", "Revenue", "Timeline"]))
    n = draw(st.integers(0, 40))
    ids = draw(st.lists(st.one_of(st.none(), st.sampled_from(POOL)), min_size=n, max_size=n))
    months = draw(st.lists(MONTHS, min_size=n, max_size=n))
    gaps = draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    known = draw(st.one_of(st.none(), st.lists(st.sampled_from(POOL), max_size=6)))
    df = pd.DataFrame({"Account ID": pd.Series(ids, dtype=object),
                       "Month": pd.to_datetime(pd.Series(months, dtype=object), format="ISO8601")
                       .astype("datetime64[ns]")})
    excel_rows = np.cumsum(np.array(gaps, dtype=np.int64)) + 1
    account_ids = None if known is None else pd.Series(known, dtype=object)
    if known is not None and draw(st.booleans()):  # as the readers pass them: a unique Index
        account_ids = pd.Index(list(dict.fromkeys(known)), dtype=object)
    return sheet(name), df, excel_rows, account_ids


@given(tables())
def test_key_checks_match_the_object_wise_checks(case):
    schema, df, excel_rows, account_ids = case
    assert _key_problems(schema, df, excel_rows, account_ids) == old_key_problems(
        schema, df, excel_rows, account_ids)


def test_a_big_clean_sheet_has_no_problem_and_one_repeat_is_found():
    """The bincount short cut at a size where it matters, then one duplicate row in it."""
    ids = np.repeat(np.array([f"ACC-{i:05d}" for i in range(2_000)], dtype=object), 12)
    months = np.tile(pd.date_range("2024-01-01", periods=12, freq="MS").to_numpy(), 2_000)
    df = pd.DataFrame({"Account ID": ids, "Month": months})
    rows = np.arange(2, len(df) + 2)
    known = pd.Series(ids[::12], dtype=object)
    usage = sheet("Usage")
    assert _key_problems(usage, df, rows, known) == []
    df.loc[20_000, "Month"] = df.loc[19_999, "Month"]
    got = _key_problems(usage, df, rows, known)
    assert got == old_key_problems(usage, df, rows, known)
    assert got[0][3] == ("account 'ACC-01666' has two rows for month 2024-08 "
                         "(rows 20001 and 20002)")
