"""Per-account notes of :func:`.coverage.data_coverage`: no or stale usage and support,
missing MRR, missing or stale sentiment, account by account in ``scores`` order.

Held column-wise (:class:`AccountNotes`): per account at most one note in each of four slots
(Usage, Support, Revenue, sentiment), so each slot is one small integer code per account, and
the words of a note are made only when :meth:`AccountNotes.notes` is asked for them. The
grouped lines ``score`` prints need only counts, the first Account IDs and the NA columns of
each kind (:meth:`AccountNotes.groups`): 100,000 accounts cost a few hundredths of a second.
``tests/engine/test_coverage_notes.py`` holds it to the row-by-row loop it replaced.
Pure: numpy and pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..data import CSData
from .coverage import _DATE_COLUMN, SHEET_FEEDS, Note, _month, _sheet_wide_gap
from .snapshots import positions

__all__ = ["account_notes", "AccountNotes", "Group"]


@dataclass(frozen=True)
class _Kind:
    """One kind of note a slot can hold: ``text`` is its words, or ``(values, words)`` when
    they depend on one per-account value (``words(values[i])``, made once per distinct
    value); ``na`` the score columns it may leave NA (those NA in the account's row are
    named)."""

    sheet: str
    column: str | None
    kind: str
    text: str | tuple[np.ndarray, Callable[[object], str]]
    na: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """The notes of one ``(sheet, kind)``: how many, the first Account IDs (in ``scores``
    order) and every score column NA in one of them (unordered)."""

    sheet: str
    kind: str
    count: int
    first_ids: tuple[str, ...]
    na: frozenset


class AccountNotes:
    """The per-account notes of a portfolio as one code array per slot.

    ``slots[s] = (codes, kinds)``: account ``i`` has note ``kinds[codes[i] - 1]`` in slot
    ``s``, none where ``codes[i]`` is 0. Notes are ordered by account, then slot.
    """

    def __init__(self, ids: np.ndarray, slots: list, na_of: "_NaOf"):
        self.ids, self.slots, self._na_of = ids, slots, na_of

    def notes(self) -> list[Note]:
        """Every note as a :class:`Note`, account by account in ``scores`` order."""
        def make(kind, ids, texts, cols):
            sheet, column, what = kind.sheet, kind.column, kind.kind
            return [Note(a, sheet, column, what, t, c) for a, t, c in zip(ids, texts, cols)]

        return self._ordered(make)

    def records(self) -> list[dict]:
        """``[n.record() for n in self.notes()]``, without making the notes."""
        def make(kind, ids, texts, cols):
            sheet, column, what = kind.sheet, kind.column, kind.kind
            return [{"account": a, "sheet": sheet, "column": column, "kind": what, "note": t,
                     "na": list(c)} for a, t, c in zip(ids, texts, cols)]

        return self._ordered(make)

    def _ordered(self, make) -> list:
        """``make(kind, ids, texts, na tuples)`` for the accounts of each kind of note, the
        results in note order (by account, then slot)."""
        keys, made = [], []
        for s, (codes, kinds) in enumerate(self.slots):
            for k, kind in enumerate(kinds, 1):
                rows = np.flatnonzero(codes == k)
                if not len(rows):
                    continue
                cols = self._na_of.many(rows, kind.na) if kind.na else [()] * len(rows)
                made += make(kind, self.ids[rows].tolist(), _texts(kind.text, rows), cols)
                keys.append(rows * 4 + s)
        if not made:
            return []
        order = np.argsort(np.concatenate(keys), kind="stable")
        return [made[k] for k in order.tolist()]

    def groups(self, max_ids: int) -> list[Group]:
        """One :class:`Group` per ``(sheet, kind)``, in the order of their first note."""
        found: dict[tuple, list] = {}  # (sheet, kind) → [first key, rows, na]
        for s, (codes, kinds) in enumerate(self.slots):
            for k, kind in enumerate(kinds, 1):
                rows = np.flatnonzero(codes == k)
                if not len(rows):
                    continue
                na = self._na_of.union(rows, kind.na) if kind.na else frozenset()
                key = (kind.sheet, kind.kind)
                if key in found:
                    first, seen, was = found[key]
                    found[key] = [min(first, int(rows[0]) * 4 + s),
                                  np.sort(np.concatenate([seen, rows])), was | na]
                else:
                    found[key] = [int(rows[0]) * 4 + s, rows, na]
        out = sorted(found.items(), key=lambda item: item[1][0])
        return [Group(sheet, kind, len(rows), tuple(self.ids[rows[:max_ids]].tolist()), na)
                for (sheet, kind), (_, rows, na) in out]


def account_notes(data: CSData, scores, as_of, cfg) -> list[Note]:
    """Per-account notes, account by account in ``scores`` order (Usage, Support, Revenue,
    sentiment): :func:`account_note_codes` made into :class:`Note` objects."""
    return account_note_codes(data, scores, as_of, cfg).notes()


def account_note_codes(data: CSData, scores, as_of, cfg) -> AccountNotes:
    """The per-account notes as :class:`AccountNotes`, from column-wise masks: no pandas
    lookup per account, no Note made. Each account's latest Usage month is the scores'
    ``Usage Month`` when ``scores`` are in Accounts order (as ``score_accounts`` gives
    them), else it is worked out from the Usage rows."""
    day = as_of
    month = as_of.to_period("M").to_timestamp()
    year_ago = month - pd.DateOffset(months=12)
    ids = scores["Account ID"].to_numpy(dtype=object)
    n = len(ids)
    aligned = _aligned(data.accounts["Account ID"].to_numpy(dtype=object), ids)
    sheets = data.sheets()
    na_of = _NaOf(scores)
    slots: list = []
    for sheet, limit in (("Usage", cfg.usage_na_days), ("Support", cfg.support_na_days)):
        df = sheets[sheet]
        if len(df) == 0 or _sheet_wide_gap(df, day, limit):
            slots.append((np.zeros(n, np.int8), []))  # said once for the portfolio
            continue
        if sheet == "Usage" and aligned and "Usage Month" in scores:
            seen = scores["Usage Month"].to_numpy(dtype="datetime64[ns]")
        else:
            seen = _last_dates(df, _DATE_COLUMN[sheet], day, ids)
        none = np.isnat(seen)
        codes = none.astype(np.int8)
        codes[~none & (_days(day, _month_end(seen)) > limit)] = 2
        na = SHEET_FEEDS[sheet][1]
        name = sheet.lower()
        slots.append((codes, [
            _Kind(sheet, None, "no data", f"no {name} rows up to {day.date()}", na),
            _Kind(sheet, None, "stale",
                  (seen, lambda v, name=name, limit=limit:
                   f"{name} ends {_month(v)}, more than {limit} days before {day.date()}"),
                  na)]))
    slots.append(_revenue(data.revenue, ids, month, year_ago))
    slots.append(_sentiment(data.accounts, ids, aligned, day, cfg))
    return AccountNotes(ids, slots, na_of)


def _texts(text, rows: np.ndarray) -> list[str]:
    """The words of a :class:`_Kind` for each of ``rows``."""
    if isinstance(text, str):
        return [text] * len(rows)
    values, words = text
    distinct, inverse = np.unique(values[rows], return_inverse=True)
    said = [words(v) for v in distinct]
    return [said[k] for k in inverse.ravel().tolist()]


def _aligned(account_ids: np.ndarray, ids: np.ndarray) -> bool:
    """Whether ``scores`` rows are the Accounts rows, in order."""
    return account_ids is ids or (len(account_ids) == len(ids)
                                  and bool((account_ids == ids).all()))


def _revenue(revenue: pd.DataFrame, ids: np.ndarray, month, year_ago) -> tuple:
    n = len(ids)
    codes = np.zeros(n, np.int8)
    kinds = [_Kind("Revenue", None, "no data",
                   f"no MRR for {_month(year_ago)}, so retention is NA", ("GRR", "NRR")),
             _Kind("Revenue", None, "counted as churn",
                   f"no MRR for {_month(month)}: counted as churn (0)")]
    if not len(revenue):
        return codes, kinds
    months = revenue["Month"].to_numpy(dtype="datetime64[ns]")
    with_mrr = revenue["MRR"].notna().to_numpy()
    rows = {m: np.flatnonzero(with_mrr & (months == np.datetime64(m.to_datetime64(), "ns")))
            for m in (month, year_ago)}
    # one look-up for both months' rows; a month with no MRR row at all (orphan rows count:
    # any row does) is None
    pos = _positions(ids, revenue["Account ID"].to_numpy(dtype=object)[
        np.concatenate([rows[month], rows[year_ago]])])
    has, start = {}, 0
    for m in (month, year_ago):
        if not len(rows[m]):
            has[m] = None
            continue
        mask = np.zeros(n + 1, bool)
        mask[pos[start:start + len(rows[m])]] = True  # -1 (no account) sets the extra slot
        has[m], start = mask[:n], start + len(rows[m])
    if has[month] is None:  # the portfolio note says it
        return codes, kinds
    no_year_ago = ~has[year_ago] if has[year_ago] is not None else np.zeros(n, bool)
    codes[no_year_ago] = 1
    codes[~no_year_ago & ~has[month]] = 2
    return codes, kinds


def _sentiment(accounts: pd.DataFrame, ids, aligned: bool, day, cfg) -> tuple:
    acc = accounts if aligned else accounts.set_index("Account ID").reindex(ids)
    missing = acc["CSM Sentiment"].isna().to_numpy()
    updated = acc["Sentiment Updated"].to_numpy(dtype="datetime64[ns]")
    age = _days(day, updated)
    dated = ~missing & ~np.isnat(updated)
    codes = missing.astype(np.int8)
    codes[dated & (age > cfg.sentiment_na_days)] = 2
    codes[dated & (age <= cfg.sentiment_na_days) & (age > cfg.sentiment_stale_days)] = 3
    risk = ("Risk (Sentiment)",)
    na_days, stale_days = cfg.sentiment_na_days, cfg.sentiment_stale_days
    return codes, [
        _Kind("Accounts", "CSM Sentiment", "no data", "no CSM sentiment", risk),
        _Kind("Accounts", "Sentiment Updated", "stale",
              (age, lambda v: f"CSM sentiment {v} days old (NA after {na_days})"), risk),
        _Kind("Accounts", "Sentiment Updated", "stale",
              (age, lambda v: f"CSM sentiment {v} days old (stale after {stale_days})"))]


class _NaOf:
    """``na_of(i, columns)``: the ``columns`` NA in row ``i`` of ``scores``. Per set of
    columns, each row's NA pattern is one small integer (worked out once for all rows), and
    each pattern's tuple is made once."""

    def __init__(self, scores: pd.DataFrame):
        self._scores, self._patterns = scores, {}

    def __call__(self, i: int, columns) -> tuple[str, ...]:
        return self.many(np.array([i]), columns)[0]

    def _bits(self, columns: tuple) -> np.ndarray:
        if columns not in self._patterns:
            bits = np.zeros(len(self._scores), dtype=np.int64)
            for j, c in enumerate(columns):
                if c in self._scores:
                    bits |= self._scores[c].isna().to_numpy().astype(np.int64) << j
            self._patterns[columns] = bits
        return self._patterns[columns]

    def many(self, rows: np.ndarray, columns) -> list[tuple[str, ...]]:
        """``[na_of(i, columns) for i in rows]``, one tuple per distinct NA pattern."""
        columns = tuple(columns)
        patterns, inverse = np.unique(self._bits(columns)[rows], return_inverse=True)
        tuples = [tuple(c for j, c in enumerate(columns) if int(p) >> j & 1) for p in patterns]
        return [tuples[k] for k in inverse.ravel().tolist()]

    def union(self, rows: np.ndarray, columns) -> frozenset:
        """The ``columns`` NA in at least one of ``rows``."""
        columns = tuple(columns)
        bits = int(np.bitwise_or.reduce(self._bits(columns)[rows])) if len(rows) else 0
        return frozenset(c for j, c in enumerate(columns) if bits >> j & 1)


def _days(day: pd.Timestamp, dates: np.ndarray) -> np.ndarray:
    """Whole days from each of ``dates`` (datetime64) to ``day``, floored like
    ``Timedelta.days``; NaT gives a large negative number (callers mask NaT first)."""
    delta = np.datetime64(day.to_datetime64(), "ns") - dates.astype("datetime64[ns]")
    return delta.astype("int64") // 86_400_000_000_000


def _month_end(dates: np.ndarray) -> np.ndarray:
    """The last day of each date's month (datetime64[D])."""
    return (dates.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1


def _last_dates(df: pd.DataFrame, column: str, day, ids: np.ndarray) -> np.ndarray:
    """Each account's latest ``column`` on or before ``day`` (datetime64[ns], NaT for none),
    aligned with ``ids``."""
    dates = df[column].to_numpy(dtype="datetime64[ns]")
    pos = _positions(ids, df["Account ID"].to_numpy(dtype=object))
    keep = (dates <= np.datetime64(pd.Timestamp(day).to_datetime64(), "ns")) & (pos >= 0)
    last = np.full(len(ids), np.iinfo(np.int64).min)  # NaT: below every date
    np.maximum.at(last, pos[keep], dates[keep].view("int64"))
    return last.view("datetime64[ns]")


def _positions(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The position of each of ``values`` in ``ids`` (-1 where absent or blank), like
    :func:`.snapshots.positions`. One factorization of ``ids`` and ``values`` together: when
    ``ids`` are distinct (they are Account IDs) their codes are their positions, and that
    costs about half of an ``Index.get_indexer`` on this pandas."""
    n = len(ids)
    codes, _ = pd.factorize(np.concatenate([ids, values]))
    if not (codes[:n] == np.arange(n)).all():  # a repeated or blank ID: look them up
        return positions(pd.Index(ids, dtype=object), values)
    pos = codes[n:]
    pos[pos >= n] = -1
    return pos
