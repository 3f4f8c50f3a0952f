"""The in-memory CS workbook: one DataFrame per schema sheet, with canonical headers and dtypes.

Dtypes by column kind (see :mod:`cs_workbook.schema`):

* ``id``, ``text``, ``category`` → pandas ``object`` holding ``str`` or ``None``
* ``date``, ``month`` → ``datetime64[ns]`` (``NaT`` = blank); months are the 1st of the month
* ``int``, ``number``, ``money`` → ``float64`` (``NaN`` = blank)
* ``bool`` → pandas nullable ``boolean``
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .schema import SHEETS, Sheet

__all__ = ["CSData", "frame", "empty_frame", "ATTRS"]

#: attribute name on CSData for each sheet name
ATTRS = {
    "Accounts": "accounts",
    "Usage": "usage",
    "Support": "support",
    "Timeline": "timeline",
    "Success Plan": "success_plan",
    "Revenue": "revenue",
    "MRR Changes": "mrr_changes",
}


def _coerce(series: pd.Series, kind: str) -> pd.Series:
    if kind in ("id", "text", "category"):
        values = [None if v is None or v is pd.NA or v != v else str(v) for v in series.tolist()]
        return pd.Series(values, dtype=object, index=series.index)
    if kind in ("date", "month"):
        s = pd.to_datetime(series, errors="raise").astype("datetime64[ns]")
        return s.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]") if kind == "month" else s
    if kind in ("int", "number", "money"):
        return pd.to_numeric(series, errors="raise").astype("float64")
    if kind == "bool":
        return series.astype("boolean")
    raise ValueError(kind)


def frame(sheet: Sheet, data=None) -> pd.DataFrame:
    """A DataFrame for ``sheet`` with exactly its columns in order and canonical dtypes.

    ``data`` is anything ``pd.DataFrame`` accepts (already valid values); missing columns
    become blank.
    """
    df = pd.DataFrame(data if data is not None else {})
    out = {}
    n = len(df)
    for col in sheet.columns:
        s = df[col.name] if col.name in df.columns else pd.Series([None] * n, dtype=object)
        out[col.name] = _coerce(s.reset_index(drop=True), col.kind)
    return pd.DataFrame(out, columns=sheet.headers)


def empty_frame(sheet: Sheet) -> pd.DataFrame:
    return frame(sheet, None)


def _sheet(name):
    return next(s for s in SHEETS if s.name == name)


@dataclass(frozen=True)
class CSData:
    """A CS workbook's data. ``config`` holds the raw ``Config`` sheet as ``{key: value}``.

    ``absent`` records what the source lacked, when the reader knows (an empty frame may be
    an absent sheet or one with no rows): ``{sheet name: None}`` for an absent optional sheet
    (``Config`` included) and ``{sheet name: (column, ...)}`` for the optional columns a present
    sheet lacks. Those sheets and columns read as blank; :mod:`cs_workbook.portfolio.coverage`
    says what that makes NA.
    """

    accounts: pd.DataFrame = field(default_factory=lambda: empty_frame(_sheet("Accounts")))
    usage: pd.DataFrame = field(default_factory=lambda: empty_frame(_sheet("Usage")))
    support: pd.DataFrame = field(default_factory=lambda: empty_frame(_sheet("Support")))
    timeline: pd.DataFrame = field(default_factory=lambda: empty_frame(_sheet("Timeline")))
    success_plan: pd.DataFrame = field(default_factory=lambda: empty_frame(_sheet("Success Plan")))
    revenue: pd.DataFrame = field(default_factory=lambda: empty_frame(_sheet("Revenue")))
    mrr_changes: pd.DataFrame = field(default_factory=lambda: empty_frame(_sheet("MRR Changes")))
    config: dict = field(default_factory=dict)
    source: str | None = None
    absent: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_frames(cls, frames: dict, config: dict | None = None, source=None) -> "CSData":
        """Build from ``{sheet name: DataFrame-like}``, coercing to canonical dtypes."""
        kwargs = {}
        for name, attr in ATTRS.items():
            kwargs[attr] = frame(_sheet(name), frames.get(name))
        return cls(**kwargs, config=dict(config or {}), source=source)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """``{sheet name: DataFrame}`` in schema order (Config excluded)."""
        return {name: getattr(self, attr) for name, attr in ATTRS.items()}

    def for_account(self, account_id: str) -> "CSData":
        """The subset of rows belonging to one account."""
        kw = {attr: _rows(getattr(self, attr), account_id) for attr in ATTRS.values()}
        return CSData(**kw, config=self.config, source=self.source, absent=self.absent)


def _rows(df: pd.DataFrame, account_id: str) -> pd.DataFrame:
    return df[df["Account ID"] == account_id].reset_index(drop=True)



