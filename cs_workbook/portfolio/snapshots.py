"""Per-account facts drawn from the monthly and event sheets as of a date (vectorised).

Each sheet is prepared once: account IDs become integer positions in the Accounts table and
rows are sorted by (position, date). Every "latest row", "first date" or "count" per account is
then a numpy reduction over that order, for any number of as-of dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from ..metrics._vector import text_map

__all__ = [
    "AccountKeys",
    "SortedSheet",
    "month_end_days",
    "month_start",
    "positions",
    "timeline_facts",
]

NAT = np.datetime64("NaT", "D")


def month_start(ts) -> pd.Timestamp:
    return pd.Timestamp(ts).to_period("M").to_timestamp()


def month_end_days(months: np.ndarray) -> np.ndarray:
    """Last day of each month of a ``datetime64`` array (NaT stays NaT)."""
    m = months.astype("datetime64[M]")
    return ((m + 1).astype("datetime64[D]") - 1).astype("datetime64[D]")


class AccountKeys:
    """The Accounts sheet's IDs, prepared once for matching the IDs of every other sheet.

    Besides the pandas Index, plain ASCII IDs are kept as sorted fixed-width bytes, so a
    sheet's distinct IDs are found by one vectorised binary search instead of one hash
    lookup each (a hash lookup of a text object costs far more than comparing bytes).
    """

    def __init__(self, ids):
        self.index = ids if isinstance(ids, pd.Index) else pd.Index(ids, dtype=object)
        self._sorted = None

    def __len__(self) -> int:
        return len(self.index)

    def sorted_bytes(self):
        """(sorted IDs as bytes, their positions), or None when the IDs are not all distinct
        ASCII texts (then the Index's hash lookup answers, duplicates raising as before)."""
        if self._sorted is None:
            b = _ascii(self.index.to_numpy(dtype=object))
            self._sorted = False
            if b is not None and len(b):
                order = np.argsort(b, kind="stable")
                b = b[order]
                if not (b[1:] == b[:-1]).any():
                    self._sorted = (b, order)
        return self._sorted or None

    def find(self, values: np.ndarray) -> np.ndarray:
        """Position of each value (distinct values, mostly), -1 where absent or blank."""
        prepared, b = self.sorted_bytes(), None
        if prepared is not None:
            b = _ascii(values)
        if b is None:
            found = self.index.get_indexer(pd.Index(values, dtype=object)) if len(values) \
                else np.zeros(0, dtype=np.intp)
            found[pd.isna(values)] = -1
            return found
        ids, order = prepared
        at = np.minimum(np.searchsorted(ids, b), len(ids) - 1)
        return np.where(ids[at] == b, order[at], -1)


def _ascii(values: np.ndarray) -> np.ndarray | None:
    """``values`` as fixed-width bytes when every one is an ASCII text without NULs (fixed
    width drops trailing ones), else None."""
    if not len(values) or infer_dtype(values, skipna=False) != "string":
        return None
    if "\x00" in "".join(values.tolist()):
        return None
    try:
        return values.astype("S")
    except UnicodeError:
        return None


def positions(ids, values) -> np.ndarray:
    """``ids.get_indexer(values)`` (-1 where absent or blank) for a column with few distinct
    values: each distinct value is looked up once (100k Account IDs, not 2.4 M Usage rows).

    ``ids`` is a pandas Index or :class:`AccountKeys`. Exports list an account's rows
    together, so when runs of equal values are long only the first value of each run is
    looked up (one comparison per row instead of one hash), and when those are the Account
    IDs themselves in the Accounts order, none is."""
    keys = ids if isinstance(ids, AccountKeys) else AccountKeys(ids)
    values = np.asarray(values, dtype=object)
    n = len(values)
    if n > 16:
        try:
            heads = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        except (TypeError, ValueError):  # a cell without a plain truth value (pd.NA)
            heads = None
        if heads is not None and 2 * len(heads) <= n:
            return np.repeat(_run_positions(keys, values[heads]), np.diff(np.r_[heads, n]))
    return _each_position(keys, values)


def _run_positions(keys: AccountKeys, firsts: np.ndarray) -> np.ndarray:
    """:func:`positions` of the first value of each run (mostly distinct values)."""
    # duplicate Account IDs: the hash lookup raises, as it always did
    if len(firsts) == len(keys) and (keys.sorted_bytes() is not None or keys.index.is_unique):
        try:
            if (firsts == keys.index.to_numpy(dtype=object)).all():
                found = np.arange(len(keys))
                found[pd.isna(firsts)] = -1
                return found
        except (TypeError, ValueError):
            pass
    return keys.find(firsts)


def _each_position(ids, values: np.ndarray) -> np.ndarray:
    """:func:`positions` by one hash per row (any order)."""
    keys = ids if isinstance(ids, AccountKeys) else AccountKeys(ids)
    codes, distinct = pd.factorize(values)
    found = keys.find(np.asarray(distinct, dtype=object))
    return np.append(found, -1)[codes]  # code -1 (blank): the appended -1


def _key(pos: np.ndarray, dates: np.ndarray):
    """One int64 per row ordering like (position, day), its day offset ``low`` and ``span``;
    ``None`` when such a key would overflow."""
    days = dates.astype("datetime64[D]", copy=False).view("int64")
    low, span = int(days.min()), int(days.max()) - int(days.min()) + 1
    if span * (int(pos.max()) + 1) >= 2**62:  # a key would overflow: sort on both
        return None
    key = pos.astype("int64")
    key *= span
    key += days
    key -= low
    return key, low, span


def _order(pos: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """``np.lexsort((dates, pos))``: one int64 key (position, day), and no sort at all when
    the rows are in that order already (exports usually are, account by account)."""
    if not len(pos):
        return np.zeros(0, dtype=np.intp)
    keyed = _key(pos, dates)
    if keyed is None:
        return np.lexsort((dates, pos))
    key = keyed[0]
    if (key[1:] >= key[:-1]).all():
        return np.arange(len(key))
    return np.argsort(key, kind="stable")


class SortedSheet:
    """A sheet's rows ordered by (account position, ``date_col``), for fast per-account lookups.

    Rows whose account is not in the Accounts table are dropped (the reader rejects them).
    When every row is kept and already in that order (the usual export), nothing is copied:
    ``rows`` is None and columns are the frame's own arrays.
    """

    def __init__(self, df: pd.DataFrame, ids, date_col: str):
        pos = positions(ids, df["Account ID"])
        self._all_pos = pos
        dates = _days(df[date_col])
        keep = (pos >= 0) & ~np.isnat(dates)
        rows = None
        if not keep.all():
            rows = np.flatnonzero(keep)
            pos, dates = pos[rows], dates[rows]
        keyed = _key(pos, dates) if len(pos) else None
        key = None
        if keyed is None:
            order = np.lexsort((dates, pos)) if len(pos) else None
        else:
            key, self._low, self._span = keyed
            order = None if (key[1:] >= key[:-1]).all() else np.argsort(key, kind="stable")
        if order is not None:
            rows = order if rows is None else rows[order]
            pos, dates = pos[order], dates[order]
            key = key[order] if key is not None else None
        self.n = len(ids)
        self.rows, self.pos, self.dates, self.key = rows, pos, dates, key
        self._bounds = None  # each account's first and past-last sorted row, when needed
        self.df = df

    def column(self, name: str, dtype=float) -> np.ndarray:
        """Column ``name`` in sorted order (read-only: it may be the frame's own array)."""
        values = self.df[name].to_numpy(dtype=dtype) if dtype is float else \
            self.df[name].to_numpy()
        return values if self.rows is None else values[self.rows]

    def rows_per_account(self) -> np.ndarray:
        """Number of the sheet's rows of each account, undated rows included."""
        return np.bincount(self._all_pos + 1, minlength=self.n + 1)[1:]

    def last(self, mask: np.ndarray) -> np.ndarray:
        """Sorted-row index of the last masked row per account (-1 where none)."""
        idx = np.flatnonzero(mask)
        p = self.pos[idx]
        ends = np.r_[p[1:] != p[:-1], True] if len(p) else np.zeros(0, dtype=bool)
        out = np.full(self.n, -1)
        out[p[ends]] = idx[ends]
        return out

    def first(self, mask: np.ndarray) -> np.ndarray:
        """Sorted-row index of the first masked row per account (-1 where none)."""
        idx = np.flatnonzero(mask)
        p = self.pos[idx]
        starts = np.r_[True, p[1:] != p[:-1]] if len(p) else np.zeros(0, dtype=bool)
        out = np.full(self.n, -1)
        out[p[starts]] = idx[starts]
        return out

    def count(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.pos[mask], minlength=self.n).astype(float)

    def latest(self, as_of: np.datetime64) -> np.ndarray:
        """Sorted-row index of the latest row dated ≤ ``as_of`` per account (-1 where none)."""
        if self.key is None:
            return self.last(self.dates <= as_of)
        return self._latest_by_key(as_of)

    def _latest_by_key(self, as_of: np.datetime64) -> np.ndarray:
        """:meth:`latest` by a binary search within each account's rows (a few steps over
        per-account arrays) instead of a mask over every row."""
        day = int(np.datetime64(as_of, "D").astype("int64")) - self._low
        day = min(max(day, -1), self._span - 1)  # before any row / after every row
        if self._bounds is None:
            ends = np.cumsum(np.bincount(self.pos, minlength=self.n))
            self._bounds = (np.concatenate(([0], ends[:-1])), ends)
        start, end = self._bounds
        target = np.arange(self.n, dtype=np.int64) * self._span + day
        lo, hi = start.copy(), end.copy()  # the first row with key > target is in [lo, hi]
        last = max(len(self.key) - 1, 0)
        while True:
            open_ = lo < hi
            if not open_.any():
                break
            mid = (lo + hi) >> 1
            right = open_ & (self.key[np.minimum(mid, last)] <= target)
            lo = np.where(right, mid + 1, lo)
            hi = np.where(open_ & ~right, mid, hi)
        return np.where(lo > start, lo - 1, -1)


def _days(dates) -> np.ndarray:
    """A date column as ``datetime64[D]`` (a view when it already is one)."""
    return np.asarray(dates).astype("datetime64[D]", copy=False)


def take(values: np.ndarray, idx: np.ndarray, fill=np.nan) -> np.ndarray:
    """``values[idx]`` with ``fill`` where ``idx`` is -1."""
    if len(values) and values.dtype.kind in "fM" and isinstance(fill, float) and np.isnan(fill):
        missing = idx < 0
        out = values[np.where(missing, 0, idx)]
        if missing.any():
            out[missing] = NAT if values.dtype.kind == "M" else np.nan
        return out
    if values.dtype.kind == "M":
        fill = NAT
    elif values.dtype.kind in "OUb":
        values = values.astype(object)
        fill = None
    out = values[np.where(idx >= 0, idx, 0)] if len(values) else np.full(len(idx), fill)
    return np.where(idx >= 0, out, fill) if len(values) else out


def declining(sheet: SortedSheet, latest: np.ndarray, billable: np.ndarray,
              steps: int = 2) -> np.ndarray:
    """True where billable users fell in each of the last ``steps`` month-over-month changes."""
    out = np.zeros(len(latest), dtype=bool)
    rows = np.flatnonzero(latest >= steps)
    cur = latest[rows]
    result = np.ones(len(rows), dtype=bool)
    for k in range(steps):
        a, b = cur - k, cur - k - 1
        result &= (sheet.pos[b] == sheet.pos[a]) & (billable[a] < billable[b])
    out[rows] = result
    return out


_MEETING_TYPES = ("Call", "Meeting", "EBR")


class TimelinePrep:
    """The Timeline sheet prepared once: sorted, meeting mask, persona mentions."""

    def __init__(self, timeline: pd.DataFrame, ids):
        self.sheet = SortedSheet(timeline, ids, "Date")
        self.meeting = text_map(self.sheet.column("Type", dtype=object),
                                lambda t: t in _MEETING_TYPES)
        # one pass over the distinct attendee lists for both personas: bit 1 dev, bit 2 security
        att = text_map(self.sheet.column("Attendees", dtype=object),
                       lambda t: ("dev lead" in t.lower()) + 2 * ("security lead" in t.lower()),
                       np.int8)
        self.dev, self.sec = (att & 1).astype(bool), (att & 2).astype(bool)


def timeline_facts(prep: TimelinePrep, as_of: pd.Timestamp, persona_months: int = 3) -> dict:
    """Per account (aligned arrays): first/last meeting, last touch, meetings in 12 months, and
    whether a Dev Lead / Security Lead attended a call, meeting or EBR in the last
    ``persona_months`` (NaN where the account has no such meeting)."""
    s = prep.sheet
    day = np.datetime64(as_of.date(), "D")
    upto = s.dates <= day
    meet = upto & prep.meeting
    since = np.datetime64((as_of - pd.DateOffset(months=persona_months)).date(), "D")
    year = np.datetime64((as_of - pd.DateOffset(months=12)).date(), "D")
    recent = meet & (s.dates > since)
    has_recent = s.count(recent) > 0
    return {
        "First Meeting": take(s.dates, s.first(meet)),
        "Last Meeting": take(s.dates, s.last(meet)),
        "Last Touch": take(s.dates, s.last(upto)),
        "Meetings 12M": s.count(meet & (s.dates > year)),
        "Dev Lead": np.where(has_recent, s.count(recent & prep.dev) > 0, np.nan),
        "Security Lead": np.where(has_recent, s.count(recent & prep.sec) > 0, np.nan),
    }
