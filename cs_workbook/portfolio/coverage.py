"""What the scores rest on: the optional sheets and columns a workbook lacks, data that ends
before the as-of date or has gone stale, and which measures that makes NA.

Pure: :class:`~cs_workbook.data.CSData` and the per-account ``scores`` of
:func:`~cs_workbook.portfolio.score_accounts` in, :class:`Coverage` out. A measure is said to
be NA only when the scores show it NA, so a note can never claim more than the numbers do.
``score`` prints :meth:`Coverage.lines` on stderr and writes :meth:`Coverage.records` into its
output; the EBR shows :func:`rests_on` for its account.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass

import pandas as pd

from ..config import DEFAULT, Config
from ..data import CSData

__all__ = ["Coverage", "Note", "data_coverage", "rests_on", "SHEET_FEEDS", "COLUMN_FEEDS"]

_PRODUCT = ("License Utilization", "License Health", "User Engagement Health", "SCM Health",
            "CI Health", "CD Health", "Security Health", "Product Score", "Platform Adoption",
            "Adoption Complete")
_RETENTION = ("MRR Year Ago", "MRR Now", "GRR", "NRR")

#: sheet → (what it feeds, in words; the score columns that may become NA without it)
SHEET_FEEDS = {
    "Usage": ("product usage, license utilization and first value", _PRODUCT),
    "Support": ("support tickets", ("Tickets (Month)", "Support Health", "Emergency Health")),
    "Timeline": ("meetings and personas beyond the Accounts columns",
                 ("Meeting Cadence Health", "Persona Health", "Time to Engage")),
    "Success Plan": ("objectives beyond the Accounts columns", ("Success Plan Health",)),
    "Revenue": ("MRR, GRR and NRR", _RETENTION),
    "MRR Changes": ("the churn and expansion reasons", ()),
    "Config": ("settings", ()),
}

#: (sheet, optional column) → (what it feeds, the score columns that may become NA without it)
COLUMN_FEEDS = {
    ("Accounts", "CSM Sentiment"): ("risk", ("Risk (Sentiment)",)),
    ("Accounts", "Sentiment Updated"): ("sentiment staleness: used as entered", ()),
    ("Accounts", "CSM Priority"): ("meeting cadence", ("Meeting Cadence Health",)),
    ("Accounts", "Renewal Date"): ("renewal", ("Days to Renewal",)),
    ("Accounts", "ARR"): ("ARR", ("ARR",)),
    ("Accounts", "Onboarding Start"): ("time to engage and onboard",
                                       ("Time to Engage", "Time to Onboard")),
    ("Accounts", "Onboarding Closed"): ("time to onboard", ("Time to Onboard",)),
    ("Accounts", "Success Plan Status"): ("success plan: blank is no plan", ()),
    ("Usage", "Active Users"): ("user engagement", ("User Engagement", "User Engagement Health")),
    ("Usage", "Git Operation Users"): ("SCM adoption", ("Git Operation Utilization",
                                                        "SCM Health")),
    ("Usage", "CI Builds"): ("CI adoption", ("CI Builds per User", "CI Health")),
    ("Usage", "Deployment Users"): ("CD adoption", ("CD Score", "CD Health")),
    ("Usage", "Deployments"): ("CD adoption", ("CD Score", "CD Health")),
    ("Usage", "Successful Deployments"): ("CD adoption", ("CD Score", "CD Health")),
    ("Usage", "Failed Deployments"): ("CD adoption", ("CD Score", "CD Health")),
    ("Usage", "Scanner Users"): ("security adoption", ("Security Score", "Security Health")),
    ("Usage", "Scans"): ("security adoption", ("Security Score", "Security Health")),
    ("Usage", "CI Pipelines"): ("security adoption", ("Security Score", "Security Health")),
    ("Usage", "Scanner Types"): ("security adoption", ("Security Score", "Security Health")),
    ("Support", "Emergency Open"): ("emergency tickets", ("Emergency Health",)),
    ("Support", "Emergency Closed Last 7 Days"): ("emergency tickets", ("Emergency Health",)),
}

#: which date column of a sheet says how far its data reaches
_DATE_COLUMN = {"Usage": "Month", "Support": "Month", "Revenue": "Month", "Timeline": "Date",
                "MRR Changes": "Month"}


@dataclass(frozen=True)
class Note:
    """One statement about the data: ``account`` is None for the whole portfolio.

    ``kind`` is one of ``absent sheet``, ``absent column``, ``no rows``, ``ends early``,
    ``starts late``, ``stale``, ``no data``, ``counted as churn``; ``na`` lists the score
    columns that are NA because of it (for a portfolio note: NA for every account).
    """

    account: str | None
    sheet: str
    column: str | None
    kind: str
    text: str
    na: tuple[str, ...] = ()

    def record(self) -> dict:
        """The note as plain values (the ``notes`` of JSON output, a row of the Notes sheet)."""
        return {"account": self.account, "sheet": self.sheet, "column": self.column,
                "kind": self.kind, "note": self.text, "na": list(self.na)}


class Coverage:
    """Every :class:`Note` about a workbook as of a date, portfolio notes first.

    The per-account notes are held column-wise (:class:`.account_notes.AccountNotes`):
    :meth:`lines` reads counts and first IDs from them, and the :class:`Note` objects of
    :attr:`notes` and :meth:`records` are made on first use only.
    """

    def __init__(self, notes, as_of: _dt.date, account: str | None = None, per_account=None):
        self._portfolio, self._per_account = tuple(notes), per_account
        self.as_of = as_of
        self.account = account  #: set when the notes are about this one account only

    @functools.cached_property
    def notes(self) -> tuple[Note, ...]:
        """Portfolio notes, then per-account notes account by account."""
        if self._per_account is None:
            return self._portfolio
        return self._portfolio + tuple(self._per_account.notes())

    def __eq__(self, other) -> bool:
        if not isinstance(other, Coverage):
            return NotImplemented
        return (self.notes, self.as_of, self.account) == (other.notes, other.as_of,
                                                          other.account)

    def __repr__(self) -> str:
        return f"Coverage(as_of={self.as_of!r}, account={self.account!r}, notes={self.notes!r})"

    def portfolio(self) -> list[Note]:
        return [n for n in self.notes if n.account is None]

    def for_account(self, account_id: str) -> list[Note]:
        """The portfolio notes and those of one account."""
        return [n for n in self.notes if n.account in (None, account_id)]

    def records(self) -> list[dict]:
        """Every note's :meth:`Note.record`, in :attr:`notes` order."""
        if self._per_account is None or "notes" in self.__dict__:
            return [n.record() for n in self.notes]
        return [n.record() for n in self._portfolio] + self._per_account.records()

    def lines(self, max_ids: int = 3) -> list[str]:
        """A few lines for stderr: each portfolio note, then per-account notes grouped by
        sheet and kind with the first ``max_ids`` Account IDs (never one line per account).
        For one account (``account`` set), its notes as they are."""
        if self.account is not None:
            return [n.text for n in self.notes]
        if self._per_account is not None:
            out = [n.text for n in self._portfolio if n.account is None]
            groups = self._per_account.groups(max_ids)
            out += [_group_line(g.sheet, g.kind, g.count, g.first_ids, g.na, max_ids)
                    for g in groups]
            return out
        out = [n.text for n in self.portfolio()]
        grouped: dict[tuple, list[Note]] = {}
        for n in self.notes:
            if n.account is not None:
                grouped.setdefault((n.sheet, n.kind), []).append(n)
        for (sheet, kind), notes in grouped.items():
            out.append(_group_line(sheet, kind, len(notes), [n.account for n in notes[:max_ids]],
                                   {c for n in notes for c in n.na}, max_ids))
        return out


def _group_line(sheet: str, kind: str, count: int, first_ids, na, max_ids: int) -> str:
    """One line of :meth:`Coverage.lines`: ``count`` notes of a kind, the first IDs shown."""
    shown = ", ".join(list(first_ids)[:max_ids]) + (f" and {count - max_ids} more"
                                                    if count > max_ids else "")
    na = sorted(na, key=_order)
    what = _GROUP_WORDS.get((sheet, kind), f"{sheet}: {kind}")
    accounts = f"{count} account{'s' if count != 1 else ''}"
    return f"{what} for {accounts} ({shown})" + (f": NA {', '.join(na)}" if na else "")


_GROUP_WORDS = {
    ("Usage", "no data"): "no usage rows", ("Usage", "stale"): "usage too old",
    ("Support", "no data"): "no support rows", ("Support", "stale"): "support too old",
    ("Revenue", "no data"): "no MRR 12 months before the as-of month",
    ("Revenue", "counted as churn"): "no MRR for the as-of month, counted as churn (0)",
    ("Accounts", "stale"): "CSM sentiment stale", ("Accounts", "no data"): "no CSM sentiment",
}
_ALL_COLUMNS = list(dict.fromkeys(
    [c for _, cols in SHEET_FEEDS.values() for c in cols]
    + [c for _, cols in COLUMN_FEEDS.values() for c in cols] + ["Risk (Sentiment)"]))


def _order(column: str) -> int:
    return _ALL_COLUMNS.index(column) if column in _ALL_COLUMNS else len(_ALL_COLUMNS)


@functools.lru_cache(maxsize=1024)
def _month(ts) -> str:
    return pd.Timestamp(ts).strftime("%b %Y")


def _all_na(scores: pd.DataFrame, columns) -> tuple[str, ...]:
    return tuple(c for c in columns if c in scores and len(scores) and scores[c].isna().all())


def _na_of(row: pd.Series, columns) -> tuple[str, ...]:
    return tuple(c for c in columns if c in row.index and pd.isna(row[c]))


def data_coverage(data: CSData, scores: pd.DataFrame, as_of=None,
                  config: Config = DEFAULT, account: str | None = None) -> Coverage:
    """What ``scores`` (from ``score_accounts(data, as_of, config)``) rest on.

    Parameters
    ----------
    data : CSData
        The workbook; ``data.absent`` (filled by the reader) tells an absent sheet or column
        from one that is present but empty.
    scores : DataFrame
        The per-account scores of the same data, date and configuration.
    as_of : date, optional
        The scoring date (default today).
    config : Config, optional
        ``usage_na_days``, ``support_na_days``, ``sentiment_stale_days``, ``sentiment_na_days``.
    account : str, optional
        Only this account (an EBR): its rows of ``data`` and ``scores``; what would be a
        portfolio note is then about this account.

    Returns
    -------
    Coverage
        Portfolio notes (absent sheets and columns, sheets with no rows, data ending before
        ``as_of``), then per-account notes (no or stale usage and support, missing MRR,
        stale or missing sentiment).

    Examples
    --------
    >>> from cs_workbook.portfolio import score_accounts
    >>> data = CSData.from_frames({"Accounts": [{"Account ID": "A1", "Account": "Acme",
    ...     "Segment": "Growth", "Tier": "Premium", "Deployment": "SaaS",
    ...     "Contract Date": "2024-01-15", "Licensed Users": 10}]})
    >>> cov = data_coverage(data, score_accounts(data, "2026-10-01"), "2026-10-01")
    >>> cov.lines()[0].split(": NA")[0]
    'sheet Usage has no rows (product usage, license utilization and first value)'
    >>> cov.portfolio()[0].na[:2]
    ('License Utilization', 'License Health')
    """
    as_of = pd.Timestamp(as_of or _dt.date.today()).normalize()
    if account is not None:
        data = data.for_account(account)
        scores = scores[scores["Account ID"] == account]
    notes = _sheet_notes(data, scores, as_of, config, account)
    if account is not None:  # one account: its notes and the sheet notes are the same thing
        notes = [Note(account, n.sheet, n.column, n.kind, n.text.replace(_EVERY, ": NA "), n.na)
                 for n in notes]
    from .account_notes import account_note_codes  # it uses this module's Note

    return Coverage(notes, as_of.date(), account,
                    account_note_codes(data, scores, as_of, config))


def _sheet_notes(data: CSData, scores, as_of, cfg, account=None) -> list[Note]:
    notes = []
    frames = {**data.sheets(), "Config": None}
    for sheet, (feeds, columns) in SHEET_FEEDS.items():
        absent = sheet in data.absent and data.absent[sheet] is None
        df = frames[sheet]
        if sheet == "Config":
            if absent:
                which = "the defaults" if cfg == DEFAULT else "the defaults and --config"
                notes.append(Note(None, sheet, None, "absent sheet",
                                  f"no sheet Config: {which} are in force"))
            continue
        if absent or len(df) == 0:
            kind = "absent sheet" if absent else "no rows"
            na = _all_na(scores, columns)
            words = (f"no sheet {sheet}" if absent else f"sheet {sheet} has no rows"
                     + (f" for {account}" if account else ""))
            notes.append(Note(None, sheet, None, kind, f"{words} ({feeds})" + _na_words(na), na))
            continue
        notes += _ends_early(sheet, df, scores, as_of, cfg)
    for sheet, missing in data.absent.items():
        for column in missing or ():
            feeds, columns = COLUMN_FEEDS.get((sheet, column), ("", ()))
            na = _all_na(scores, columns)
            notes.append(Note(None, sheet, column, "absent column",
                              f"sheet {sheet} has no column {column!r}"
                              + (f" ({feeds})" if feeds else "") + _na_words(na), na))
    return notes


def _na_words(na) -> str:
    return f"{_EVERY}{', '.join(na)}" if na else ""


_EVERY = ": NA for every account: "


def _ends_early(sheet, df, scores, as_of, cfg) -> list[Note]:
    """The sheet's data stops before ``as_of`` far enough to leave every account without it."""
    dates = df[_DATE_COLUMN[sheet]] if sheet in _DATE_COLUMN else None
    if dates is None or dates.isna().all():
        return []
    last = dates.max()
    month = as_of.to_period("M").to_timestamp()
    end_of_last = last.to_period("M").to_timestamp(how="end").normalize()
    if sheet in ("Usage", "Support"):
        limit = cfg.usage_na_days if sheet == "Usage" else cfg.support_na_days
        if (as_of - end_of_last).days <= limit:
            return []
        na = _all_na(scores, SHEET_FEEDS[sheet][1])
        return [Note(None, sheet, None, "ends early",
                     f"{sheet} ends {_month(last)}, more than {limit} days before "
                     f"{as_of.date()}" + _na_words(na), na)]
    if sheet == "Revenue":
        out = []
        if last < month:
            na = _all_na(scores, _RETENTION)
            out.append(Note(None, sheet, None, "ends early",
                            f"Revenue ends {_month(last)}: no MRR for {_month(month)}, so "
                            "retention is NA, not 0 %" + _na_words(na), na))
        year_ago = month - pd.DateOffset(months=12)
        if dates.min() > year_ago:
            na = _all_na(scores, ("MRR Year Ago", "GRR", "NRR"))
            out.append(Note(None, sheet, None, "starts late",
                            f"Revenue starts {_month(dates.min())}: no MRR for "
                            f"{_month(year_ago)} (12 months before), so retention is NA"
                            + _na_words(na), na))
        return out
    if sheet == "MRR Changes":
        start = as_of - pd.DateOffset(months=12)
        if not ((dates <= as_of) & (dates > start)).any():
            return [Note(None, sheet, None, "ends early",
                         f"MRR Changes has no change in the 12 months to {as_of.date()} "
                         f"(last {_month(last)}): no churn and expansion reasons")]
    return []


def _sheet_wide_gap(df: pd.DataFrame, day, limit: int) -> bool:
    last = df["Month"].max()
    return pd.isna(last) or (day - last.to_period("M").to_timestamp(how="end").normalize()
                             ).days > limit


def rests_on(data: CSData, account_id: str, as_of, config: Config = DEFAULT) -> list[str]:
    """Short facts an account's EBR rests on: how far each monthly or event sheet reaches
    (sheets ending the same month said together), then the CSM sentiment's age.

    >>> data = CSData.from_frames({"Accounts": [{"Account ID": "A1", "Account": "Acme",
    ...     "Segment": "Growth", "Tier": "Premium", "Deployment": "SaaS",
    ...     "Contract Date": "2024-01-15", "Licensed Users": 10, "CSM Sentiment": "Green",
    ...     "Sentiment Updated": "2026-06-28"}],
    ...     "Usage": [{"Account ID": "A1", "Month": "2026-09-01", "Billable Users": 5}],
    ...     "Revenue": [{"Account ID": "A1", "Month": "2026-09-01", "MRR": 500}]})
    >>> for fact in rests_on(data, "A1", "2026-10-01"):
    ...     print(fact)
    usage and revenue through Sep 2026
    no support data
    no timeline entries
    CSM sentiment 95 days old
    """
    day = pd.Timestamp(as_of).normalize()
    one = data.for_account(account_id)
    through: dict[str, list[str]] = {}
    missing = []
    for sheet, word in (("Usage", "usage"), ("Support", "support"), ("Revenue", "revenue"),
                        ("Timeline", "timeline")):
        dates = one.sheets()[sheet][_DATE_COLUMN[sheet]]
        dates = dates[dates <= day]
        if len(dates):
            through.setdefault(_month(dates.max()), []).append(word)
        else:
            missing.append("no timeline entries" if sheet == "Timeline" else f"no {word} data")
    facts = [f"{_and(words)} through {month}" for month, words in through.items()] + missing
    acc = one.accounts.iloc[0]
    if pd.isna(acc["CSM Sentiment"]):
        facts.append("no CSM sentiment")
    elif not pd.isna(acc["Sentiment Updated"]):
        age = (day - acc["Sentiment Updated"]).days
        facts.append(f"CSM sentiment {age} day{'s' if age != 1 else ''} old"
                     + (" (NA)" if age > config.sentiment_na_days else ""))
    return facts


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
