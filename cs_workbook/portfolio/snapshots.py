"""Per-account facts drawn from the monthly and event sheets as of a date (vectorised)."""

from __future__ import annotations

import pandas as pd

__all__ = ["latest_by_account", "month_start", "month_end", "value_at_month", "timeline_facts",
           "declining"]


def month_start(ts) -> pd.Timestamp:
    return pd.Timestamp(ts).to_period("M").to_timestamp()


def month_end(months: pd.Series) -> pd.Series:
    """Last day of each month in ``months``."""
    return months + pd.offsets.MonthEnd(0)


def latest_by_account(df: pd.DataFrame, as_of: pd.Timestamp, offset: int = 0) -> pd.DataFrame:
    """The row per account with the latest ``Month`` ≤ ``as_of`` (``offset`` = n rows earlier).

    Indexed by Account ID. ``offset=1`` gives the snapshot before the latest one.
    """
    rows = df[df["Month"] <= as_of]
    rows = rows.sort_values(["Account ID", "Month"], kind="stable")
    if offset:
        rank = rows.groupby("Account ID").cumcount(ascending=False)
        rows = rows[rank == offset]
    else:
        rows = rows.drop_duplicates("Account ID", keep="last")
    return rows.set_index("Account ID")


def value_at_month(df: pd.DataFrame, month: pd.Timestamp, column: str) -> pd.Series:
    """``column`` per account in exactly ``month`` (accounts without that row are absent)."""
    rows = df[df["Month"] == month]
    return rows.drop_duplicates("Account ID", keep="last").set_index("Account ID")[column]


def declining(usage: pd.DataFrame, as_of: pd.Timestamp, steps: int = 2) -> pd.Series:
    """True where billable users fell in each of the last ``steps`` month-over-month changes."""
    rows = usage[usage["Month"] <= as_of].sort_values(["Account ID", "Month"], kind="stable")
    rows = rows.groupby("Account ID").tail(steps + 1)
    diff = rows.groupby("Account ID")["Billable Users"].diff()
    falls = (diff < 0).groupby(rows["Account ID"]).sum()
    counts = rows.groupby("Account ID").size()
    return (falls >= steps) & (counts == steps + 1)


_MEETING_TYPES = {"Call", "Meeting", "EBR"}


def timeline_facts(timeline: pd.DataFrame, as_of: pd.Timestamp, persona_months: int = 3
                   ) -> pd.DataFrame:
    """Per account: first meeting, last meeting, last touch, and persona evidence.

    ``Dev Lead`` / ``Security Lead`` are True when a call, meeting or EBR in the last
    ``persona_months`` lists that persona among its attendees.
    """
    t = timeline[timeline["Date"] <= as_of]
    meetings = t[t["Type"].isin(_MEETING_TYPES)]
    g = meetings.groupby("Account ID")["Date"]
    since = as_of - pd.DateOffset(months=persona_months)
    recent = meetings[meetings["Date"] > since]
    att = recent["Attendees"].fillna("").astype(str).str.lower()
    dev = att.str.contains("dev lead", regex=False).groupby(recent["Account ID"]).any()
    sec = att.str.contains("security lead", regex=False).groupby(recent["Account ID"]).any()
    out = pd.DataFrame({
        "First Meeting": g.min(),
        "Last Meeting": g.max(),
        "Last Touch": t.groupby("Account ID")["Date"].max(),
        "Meetings 12M": meetings[meetings["Date"] > as_of - pd.DateOffset(months=12)]
        .groupby("Account ID").size(),
        "Dev Lead": dev,
        "Security Lead": sec,
    })
    out["Meetings 12M"] = out["Meetings 12M"].fillna(0)
    return out


