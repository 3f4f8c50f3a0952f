"""One safe way to put a Python value into an openpyxl cell.

Text is always stored as text: openpyxl would turn a string starting with ``=`` into a
formula, so CRM text like ``=HYPERLINK(...)`` or ``+1 555`` could execute in Excel.
"""

from __future__ import annotations

import datetime as _dt
import math

import numpy as np
import pandas as pd

__all__ = ["put", "clean"]


def clean(value):
    """None for every flavour of blank (None, NaN, NaT, pd.NA); dates without time."""
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):  # pd.NA
        return None
    if isinstance(value, float) and math.isinf(value):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        return value.date()
    return value


def put(ws, row: int, column: int, value):
    """Write ``value`` to ``ws`` at (row, column); strings are never formulas. Returns the cell."""
    value = clean(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
