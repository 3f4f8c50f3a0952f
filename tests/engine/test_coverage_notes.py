"""Per-account coverage notes from column-wise masks say exactly what the row-by-row loop said.

The per-account notes of ``data_coverage`` used to look every account up in pandas (and take a
whole sheet's maximum per account: 35 s at 10,000 accounts); ``portfolio.account_notes`` now
works on masks over all accounts at once (issue #12 item 3). The loop it replaced is kept
below as the oracle, and hypothesis draws the as-of date, the staleness limits and damaged
data (rows removed, sentiment blanked or aged): both must give the same notes, in the same
order, with the same words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_workbook.config import DEFAULT
from cs_workbook.data import CSData
from cs_workbook.portfolio import score_accounts
from cs_workbook.portfolio.account_notes import account_notes
from cs_workbook.portfolio.coverage import _DATE_COLUMN, SHEET_FEEDS, Note
from cs_workbook.sample import sample_portfolio

AS_OF = dt.date(2026, 10, 1)
#: limits a few days long, so "more than N days" is drawn at N itself (as-of near a month end)
SMALL = st.integers(0, 4)
#: ("age", i): the limit is the i-th account's sentiment age (worked out in the test)
AGE = st.tuples(st.just("age"), st.integers(0, 15))


def old_account_notes(data, scores, as_of, cfg) -> list[Note]:
    """The row-by-row loop as it was before the rewrite (commit 55b1193)."""
    def na_of(row, columns):
        return tuple(c for c in columns if c in row.index and pd.isna(row[c]))

    def last_dates(df, column, day):
        rows = df[df[column] <= day]
        return rows.groupby("Account ID")[column].max().to_dict() if len(rows) else {}

    def wide_gap(df, day, limit):
        last = df["Month"].max()
        return pd.isna(last) or (day - last.to_period("M").to_timestamp(how="end")
                                 .normalize()).days > limit

    def month(ts):
        return pd.Timestamp(ts).strftime("%b %Y")

    notes = []
    day = as_of
    this = as_of.to_period("M").to_timestamp()
    year_ago = this - pd.DateOffset(months=12)
    by_id = scores.set_index("Account ID", drop=False)
    sheets = data.sheets()
    last = {s: last_dates(sheets[s], _DATE_COLUMN[s], day) for s in ("Usage", "Support")}
    revenue = data.revenue
    mrr_months = {m: set(revenue.loc[(revenue["Month"] == m) & revenue["MRR"].notna(),
                                     "Account ID"]) for m in (this, year_ago)}
    accounts = data.accounts.set_index("Account ID", drop=False)
    for aid in scores["Account ID"]:
        row = by_id.loc[aid]
        for sheet, limit in (("Usage", cfg.usage_na_days), ("Support", cfg.support_na_days)):
            if len(sheets[sheet]) == 0 or wide_gap(sheets[sheet], day, limit):
                continue
            na = na_of(row, SHEET_FEEDS[sheet][1])
            seen = last[sheet].get(aid)
            if seen is None:
                notes.append(Note(aid, sheet, None, "no data",
                                  f"no {sheet.lower()} rows up to {day.date()}", na))
            elif (day - seen.to_period("M").to_timestamp(how="end").normalize()).days > limit:
                notes.append(Note(aid, sheet, None, "stale",
                                  f"{sheet.lower()} ends {month(seen)}, more than "
                                  f"{limit} days before {day.date()}", na))
        if len(revenue) and mrr_months[this]:
            if mrr_months[year_ago] and aid not in mrr_months[year_ago]:
                notes.append(Note(aid, "Revenue", None, "no data",
                                  f"no MRR for {month(year_ago)}, so retention is NA",
                                  na_of(row, ("GRR", "NRR"))))
            elif aid not in mrr_months[this]:
                notes.append(Note(aid, "Revenue", None, "counted as churn",
                                  f"no MRR for {month(this)}: counted as churn (0)"))
        acc = accounts.loc[aid]
        if pd.isna(acc["CSM Sentiment"]):
            notes.append(Note(aid, "Accounts", "CSM Sentiment", "no data", "no CSM sentiment",
                              na_of(row, ("Risk (Sentiment)",))))
            continue
        updated = acc["Sentiment Updated"]
        if pd.isna(updated):
            continue
        age = (day - updated).days
        if age > cfg.sentiment_na_days:
            notes.append(Note(aid, "Accounts", "Sentiment Updated", "stale",
                              f"CSM sentiment {age} days old (NA after {cfg.sentiment_na_days})",
                              na_of(row, ("Risk (Sentiment)",))))
        elif age > cfg.sentiment_stale_days:
            notes.append(Note(aid, "Accounts", "Sentiment Updated", "stale",
                              f"CSM sentiment {age} days old (stale after "
                              f"{cfg.sentiment_stale_days})"))
    return notes


@pytest.fixture(scope="module")
def portfolio() -> CSData:
    return sample_portfolio(AS_OF, n_accounts=16)


def _damaged(data: CSData, rng: np.random.Generator, p: float) -> CSData:
    """Rows of Usage, Support and Revenue dropped and sentiment blanked or aged, at rate p."""
    def drop(df):
        return df[rng.random(len(df)) >= p].reset_index(drop=True)

    acc = data.accounts.copy()
    blank = rng.random(len(acc)) < p
    acc.loc[blank, "CSM Sentiment"] = None
    shift = rng.integers(-200, 200, len(acc)) * (rng.random(len(acc)) < p)
    acc["Sentiment Updated"] = acc["Sentiment Updated"] + pd.to_timedelta(shift, unit="D")
    return dataclasses.replace(data, accounts=acc, usage=drop(data.usage),
                               support=drop(data.support), revenue=drop(data.revenue))


@settings(max_examples=15)
@given(days=st.integers(-3, 3) | st.integers(-420, 120), seed=st.integers(0, 2**16),
       p=st.sampled_from([0, .1, .5, 1]), usage=SMALL | st.integers(0, 120),
       support=SMALL | st.integers(0, 90), stale=AGE | st.integers(0, 150),
       na=AGE | st.integers(0, 200))
def test_account_notes_match_the_row_by_row_loop(portfolio, days, seed, p, usage, support,
                                                 stale, na):
    data = _damaged(portfolio, np.random.default_rng(seed), p)
    as_of = AS_OF + dt.timedelta(days=days)
    ages = (pd.Timestamp(as_of) - data.accounts["Sentiment Updated"]).dt.days.dropna()
    ages = ages[ages >= 0].astype(int).tolist() or [0]
    # a limit equal to some account's sentiment age: the "more than" boundary itself
    stale, na = (ages[x[1] % len(ages)] if isinstance(x, tuple) else x for x in (stale, na))
    cfg = dataclasses.replace(DEFAULT, usage_na_days=usage, support_na_days=support,
                              sentiment_stale_days=stale, sentiment_na_days=na)
    scores = score_accounts(data, as_of, cfg)
    day = pd.Timestamp(as_of)
    assert account_notes(data, scores, day, cfg) == old_account_notes(
        data, scores, day, cfg)


# --- the column-wise Coverage (issue #12 item 3, 100k accounts): lines from counts, notes and
# records made on demand, Usage's latest month from the scores; held to the code it replaced

def old_lines(notes, as_of_account, max_ids: int = 3) -> list[str]:
    """``Coverage.lines`` as it was before the notes went column-wise (commit d08095a)."""
    from cs_workbook.portfolio.coverage import _GROUP_WORDS, _order

    if as_of_account is not None:
        return [n.text for n in notes]
    out = [n.text for n in notes if n.account is None]
    groups: dict[tuple, list[Note]] = {}
    for n in notes:
        if n.account is not None:
            groups.setdefault((n.sheet, n.kind), []).append(n)
    for (sheet, kind), group in groups.items():
        ids = [n.account for n in group]
        shown = ", ".join(ids[:max_ids]) + (f" and {len(ids) - max_ids} more"
                                            if len(ids) > max_ids else "")
        na = sorted({c for n in group for c in n.na}, key=_order)
        what = _GROUP_WORDS.get((sheet, kind), f"{sheet}: {kind}")
        count = f"{len(ids)} account{'s' if len(ids) != 1 else ''}"
        out.append(f"{what} for {count} ({shown})" + (f": NA {', '.join(na)}" if na else ""))
    return out


def old_coverage_notes(data, scores, as_of, cfg, account=None) -> list[Note]:
    """``data_coverage(...).notes`` as it was composed before (commit d08095a), with the
    row-by-row loop above for the per-account notes."""
    from cs_workbook.portfolio.coverage import _EVERY, _sheet_notes

    as_of = pd.Timestamp(as_of).normalize()
    if account is not None:
        data = data.for_account(account)
        scores = scores[scores["Account ID"] == account]
    notes = _sheet_notes(data, scores, as_of, cfg, account)
    if account is not None:
        notes = [Note(account, n.sheet, n.column, n.kind, n.text.replace(_EVERY, ": NA "), n.na)
                 for n in notes]
    return notes + old_account_notes(data, scores, as_of, cfg)


def _with_orphans(data: CSData, rng: np.random.Generator) -> CSData:
    """Support and Revenue rows of an account not in Accounts, and of a blank one."""
    def orphans(df):
        extra = df.iloc[rng.integers(0, len(df), 3)].copy() if len(df) else df.copy()
        extra["Account ID"] = ["ZZZ-404", None, "ZZZ-404"][:len(extra)]
        return pd.concat([df, extra], ignore_index=True)

    return dataclasses.replace(data, support=orphans(data.support),
                               revenue=orphans(data.revenue))


@settings(max_examples=20)
@given(days=st.integers(-3, 3) | st.integers(-420, 120), seed=st.integers(0, 2**16),
       p=st.sampled_from([0, .1, .5, 1]), usage=SMALL | st.integers(0, 120),
       support=SMALL | st.integers(0, 90), stale=st.integers(0, 150), na=st.integers(0, 200),
       layout=st.sampled_from(["as scored", "shuffled", "no Usage Month", "subset"]),
       orphans=st.booleans(), max_ids=st.integers(1, 4), account=st.none() | st.integers(0, 15))
def test_coverage_lines_notes_and_records_match_the_code_they_replaced(
        portfolio, days, seed, p, usage, support, stale, na, layout, orphans, max_ids, account):
    """Lines (grouped from counts and first IDs), notes and records (made on demand), for
    scores in Accounts order (Usage's latest month read from the scores) and not (worked out
    from the Usage rows), and for one account (an EBR)."""
    from cs_workbook.portfolio.coverage import data_coverage

    rng = np.random.default_rng(seed)
    data = _damaged(portfolio, rng, p)
    if orphans:
        data = _with_orphans(data, rng)
    as_of = AS_OF + dt.timedelta(days=days)
    cfg = dataclasses.replace(DEFAULT, usage_na_days=usage, support_na_days=support,
                              sentiment_stale_days=stale, sentiment_na_days=na)
    scores = score_accounts(data, as_of, cfg)
    if layout == "shuffled":
        scores = scores.iloc[rng.permutation(len(scores))].reset_index(drop=True)
    elif layout == "no Usage Month":
        scores = scores.drop(columns=["Usage Month"])
    elif layout == "subset":
        scores = scores.iloc[sorted(rng.choice(len(scores), 9, replace=False))]
    aid = None if account is None else scores["Account ID"].iloc[account % len(scores)]
    want = old_coverage_notes(data, scores, as_of, cfg, aid)
    cov = data_coverage(data, scores, as_of, cfg, account=aid)
    assert cov.lines(max_ids) == old_lines(want, aid, max_ids)  # before any Note is made
    assert json.dumps(cov.records()) == json.dumps([n.record() for n in want])  # key order too
    assert cov.notes == tuple(want)
    assert cov.portfolio() == [n for n in want if n.account is None]
    assert cov.lines(max_ids) == old_lines(want, aid, max_ids)  # and after
    assert cov.records() == [n.record() for n in want]
