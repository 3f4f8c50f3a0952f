"""Per-account notes of :func:`.coverage.data_coverage`: no or stale usage and support,
missing MRR, missing or stale sentiment, account by account in ``scores`` order.

Worked out on columns for every account at once (masks, one group-by per sheet), so 100,000
accounts cost well under a second; ``tests/engine/test_coverage_notes.py`` holds it to the
row-by-row loop it replaced. Pure: numpy and pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import CSData
from .coverage import _DATE_COLUMN, SHEET_FEEDS, Note, _month, _sheet_wide_gap
from .snapshots import positions

__all__ = ["account_notes"]


def account_notes(data: CSData, scores, as_of, cfg) -> list[Note]:
    """Per-account notes, account by account in ``scores`` order (Usage, Support, Revenue,
    sentiment), from column-wise masks: no pandas lookup per account."""
    day = as_of
    month = as_of.to_period("M").to_timestamp()
    year_ago = month - pd.DateOffset(months=12)
    ids = scores["Account ID"].to_numpy(dtype=object)
    found: list[tuple[int, int, Note]] = []  # (account position, order within it, note)
    sheets = data.sheets()
    na_of = _NaOf(scores)
    for order, (sheet, limit) in enumerate((("Usage", cfg.usage_na_days),
                                            ("Support", cfg.support_na_days))):
        df = sheets[sheet]
        if len(df) == 0 or _sheet_wide_gap(df, day, limit):
            continue  # said once for the portfolio
        na = SHEET_FEEDS[sheet][1]
        seen = _last_dates(df, _DATE_COLUMN[sheet], day, ids)
        rows = np.flatnonzero(np.isnat(seen))
        found += [(i, order, Note(ids[i], sheet, None, "no data",
                                  f"no {sheet.lower()} rows up to {day.date()}", cols))
                  for i, cols in zip(rows.tolist(), na_of.many(rows, na))]
        stale = ~np.isnat(seen) & (_days(day, _month_end(seen)) > limit)
        rows = np.flatnonzero(stale)
        found += [(i, order, Note(ids[i], sheet, None, "stale",
                                  f"{sheet.lower()} ends {_month(seen[i])}, more than "
                                  f"{limit} days before {day.date()}", cols))
                  for i, cols in zip(rows.tolist(), na_of.many(rows, na))]
    revenue = data.revenue
    with_mrr = {m: _with_mrr(revenue, m) for m in (month, year_ago)}
    if len(revenue) and len(with_mrr[month]):  # else the portfolio note says it
        has_mrr = {m: pd.Index(ids, dtype=object).isin(with_mrr[m]) for m in (month, year_ago)}
        no_year_ago = ~has_mrr[year_ago] if len(with_mrr[year_ago]) else np.zeros(len(ids), bool)
        rows = np.flatnonzero(no_year_ago)
        found += [(i, 2, Note(ids[i], "Revenue", None, "no data",
                              f"no MRR for {_month(year_ago)}, so retention is NA", cols))
                  for i, cols in zip(rows.tolist(), na_of.many(rows, ("GRR", "NRR")))]
        for i in np.flatnonzero(~no_year_ago & ~has_mrr[month]):
            found.append((i, 2, Note(ids[i], "Revenue", None, "counted as churn",
                                     f"no MRR for {_month(month)}: counted as churn (0)")))
    found += _sentiment(data.accounts, ids, day, cfg, na_of)
    # stable, by (account position, order within it), as sorting the tuples by both
    key = np.array([f[0] * 4 + f[1] for f in found], dtype=np.int64)
    return [found[k][2] for k in np.argsort(key, kind="stable").tolist()]


def _sentiment(accounts: pd.DataFrame, ids, day, cfg, na_of) -> list[tuple[int, int, Note]]:
    acc = accounts.set_index("Account ID").reindex(ids)
    missing = acc["CSM Sentiment"].isna().to_numpy()
    updated = acc["Sentiment Updated"].to_numpy(dtype="datetime64[ns]")
    age = _days(day, updated)
    dated = ~missing & ~np.isnat(updated)
    risk = ("Risk (Sentiment)",)
    rows = np.flatnonzero(missing)
    out = [(i, 3, Note(ids[i], "Accounts", "CSM Sentiment", "no data", "no CSM sentiment",
                       cols)) for i, cols in zip(rows.tolist(), na_of.many(rows, risk))]
    rows = np.flatnonzero(dated & (age > cfg.sentiment_na_days))
    out += [(i, 3, Note(ids[i], "Accounts", "Sentiment Updated", "stale",
                        f"CSM sentiment {age[i]} days old (NA after "
                        f"{cfg.sentiment_na_days})", cols))
            for i, cols in zip(rows.tolist(), na_of.many(rows, risk))]
    for i in np.flatnonzero(dated & (age <= cfg.sentiment_na_days)
                            & (age > cfg.sentiment_stale_days)):
        out.append((i, 3, Note(ids[i], "Accounts", "Sentiment Updated", "stale",
                               f"CSM sentiment {age[i]} days old (stale after "
                               f"{cfg.sentiment_stale_days})")))
    return out


class _NaOf:
    """``na_of(i, columns)``: the ``columns`` NA in row ``i`` of ``scores``. Per set of
    columns, each row's NA pattern is one small integer (worked out once for all rows), and
    each pattern's tuple is made once."""

    def __init__(self, scores: pd.DataFrame):
        self._scores, self._patterns = scores, {}

    def __call__(self, i: int, columns) -> tuple[str, ...]:
        return self.many(np.array([i]), columns)[0]

    def many(self, rows: np.ndarray, columns) -> list[tuple[str, ...]]:
        """``[na_of(i, columns) for i in rows]``, one tuple per distinct NA pattern."""
        columns = tuple(columns)
        if columns not in self._patterns:
            bits = np.zeros(len(self._scores), dtype=np.int64)
            for j, c in enumerate(columns):
                if c in self._scores:
                    bits |= self._scores[c].isna().to_numpy().astype(np.int64) << j
            self._patterns[columns] = bits
        patterns, inverse = np.unique(self._patterns[columns][rows], return_inverse=True)
        tuples = [tuple(c for j, c in enumerate(columns) if int(p) >> j & 1) for p in patterns]
        return [tuples[k] for k in inverse.ravel().tolist()]


def _days(day: pd.Timestamp, dates: np.ndarray) -> np.ndarray:
    """Whole days from each of ``dates`` (datetime64) to ``day``, floored like
    ``Timedelta.days``; NaT gives a large negative number (callers mask NaT first)."""
    delta = np.datetime64(day.to_datetime64(), "ns") - dates.astype("datetime64[ns]")
    return delta.astype("int64") // 86_400_000_000_000


def _month_end(dates: np.ndarray) -> np.ndarray:
    """The last day of each date's month (datetime64[D])."""
    return (dates.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1


def _last_dates(df: pd.DataFrame, column: str, day, ids) -> np.ndarray:
    """Each account's latest ``column`` on or before ``day`` (datetime64[ns], NaT for none),
    aligned with ``ids``."""
    dates = df[column].to_numpy(dtype="datetime64[ns]")
    pos = positions(pd.Index(ids, dtype=object), df["Account ID"])
    keep = (dates <= np.datetime64(pd.Timestamp(day).to_datetime64(), "ns")) & (pos >= 0)
    last = np.full(len(ids), np.iinfo(np.int64).min)  # NaT: below every date
    np.maximum.at(last, pos[keep], dates[keep].view("int64"))
    return last.view("datetime64[ns]")


def _with_mrr(revenue: pd.DataFrame, month) -> np.ndarray:
    """The distinct Account IDs with an MRR for ``month``."""
    return revenue.loc[(revenue["Month"] == month) & revenue["MRR"].notna(),
                       "Account ID"].unique()
