"""Reading a calculated Scorecard back and comparing it with ``score_accounts`` cell by cell
(shared by tests/workbook/test_scorecard.py and tests/calc/test_config_follows.py)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import openpyxl
import pandas as pd

#: Scorecard columns that are also ``score_accounts`` columns, compared value by value.
COMPARED = ("Account", "Segment", "CSM", "Lifecycle Stage", "Health Score", "Health Colour",
            "Product Score", "Product Health", "Risk (Sentiment)", "Success Plan Health",
            "Support Health", "Engagement Score", "Usage Month", "Licensed Users",
            "Billable Users", "License Utilization", "Account Age (Months)", "License Health",
            "User Engagement Health", "SCM Health", "CI Health", "CD Score", "CD Health",
            "Security Score", "Security Health", "Platform Adoption", "Adoption Complete",
            "Tickets (Month)", "Days Since Last Meeting", "Meeting Cadence Health",
            "Persona Health", "Time to Engage", "Engage Status", "Time to Onboard",
            "Onboard Status", "First Value Date", "Time to First Value", "First Value Status",
            "Days to Renewal")


def scorecard_frame(path) -> pd.DataFrame:
    """The cached values of a calculated workbook's Scorecard table as a DataFrame."""
    ws = openpyxl.load_workbook(path, data_only=True)["Scorecard"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def same(got, want) -> bool:
    """A Scorecard cell ``got`` shows the engine's value ``want`` (NA as ``#N/A``)."""
    missing = want is None or (isinstance(want, float) and math.isnan(want)) or want is pd.NaT
    if missing:
        return got == "#N/A"
    if isinstance(want, (pd.Timestamp, np.datetime64, dt.date)):
        return isinstance(got, dt.datetime) and pd.Timestamp(got) == pd.Timestamp(want)
    if isinstance(want, (bool, np.bool_)):
        return isinstance(got, bool) and got == want
    if isinstance(want, (float, int, np.number)):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and \
            math.isclose(got, float(want), rel_tol=1e-9, abs_tol=1e-9)
    return got == want


def differences(got: pd.DataFrame, want: pd.DataFrame, column: str) -> list:
    """``(account, Scorecard value, engine value)`` of every account where they differ."""
    assert list(got["Account ID"]) == list(want["Account ID"])
    return [(aid, g, w) for aid, g, w in zip(want["Account ID"], got[column], want[column])
            if not same(g, w)]
