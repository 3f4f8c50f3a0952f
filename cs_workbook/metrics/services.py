"""Professional Services standard cost: the hourly standard rate, quarterly rate tables and the
rate in force on a date [methodology §6.1, §6.2]; a SOW's cost, price and margin are in
:mod:`.sow`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import DEFAULT, Config
from ..errors import InvalidInput, MissingData, ZeroDenominator
from ._vector import dates, floats, is_scalar, output, shape_of, texts

__all__ = ["ps_standard_rate", "rate_table", "ps_rate", "RATE_COLUMNS"]

RATE_COLUMNS = ("Quarter", "Effective From", "Role", "Average Annual OTE", "Benefits",
                "Billable Hours", "Standard Rate", "Bill Rate")


def ps_standard_rate(avg_annual_ote, benefits, billable_hours=None, *, config: Config = DEFAULT):
    """Standard hourly cost = (average annual OTE + benefits) ÷ billable hours (1,880).

    Parameters
    ----------
    avg_annual_ote : float or array_like
        Average annual on-target earnings of the role; blank gives NA.
    benefits : float or array_like
        Annual benefits; blank counts as 0.
    billable_hours : float or array_like, optional
        Estimated annual billable hours; blank uses ``config.ps_billable_hours`` (1,880).
    config : Config, optional
        Supplies ``ps_billable_hours``.

    Returns
    -------
    rate : float or None, or array_like
        Cost per hour.

    Raises
    ------
    InvalidInput
        An amount is negative or not a number, or ranges differ in length (``#VALUE!``).
    ZeroDenominator
        ``billable_hours`` is 0 (``#DIV/0!``).
    NotComputable
        The result overflows (``#NUM!``).

    Notes
    -----
    ``rate = (OTE + benefits) / hours`` with ``hours = 1,880`` by default [methodology §6.1].
    Source: GitLab Customer Success Vision ("Professional Services Standard Cost"; updated
    quarterly).

    Examples
    --------
    >>> round(ps_standard_rate(180_000, 36_000), 4)
    114.8936
    """
    hours_in = config.ps_billable_hours if billable_hours is None else billable_hours
    shape = shape_of(avg_annual_ote, benefits, hours_in)
    ote = floats(shape, avg_annual_ote, "avg_annual_ote", minimum=0)
    ben = np.nan_to_num(floats(shape, benefits, "benefits", minimum=0))
    hours = floats(shape, hours_in, "billable_hours", minimum=0)
    hours = np.where(np.isnan(hours), config.ps_billable_hours, hours)
    if (hours == 0).any():
        raise ZeroDenominator("billable_hours: must be more than 0")
    return output(shape, (ote + ben) / hours, name="standard_rate")


def rate_table(table, *, config: Config = DEFAULT) -> pd.DataFrame:
    """A rate table (DataFrame, or rows with or without the header row) as a clean DataFrame
    with the :data:`RATE_COLUMNS`; a blank Standard Rate is computed from OTE and benefits.

    Parameters
    ----------
    table : pandas.DataFrame or sequence of rows
        Columns Quarter, Effective From, Role, Average Annual OTE, Benefits, Billable Hours,
        Standard Rate, Bill Rate (header optional; Effective From and Role are required).
    config : Config, optional
        Its ``ps_billable_hours`` (1,880 by default) fills a blank or 0 Billable Hours.

    Returns
    -------
    rates : pandas.DataFrame
        Columns Quarter, Effective From, Role, Standard Rate, Bill Rate, sorted by Effective
        From; rows without a role or effective date are dropped.

    Raises
    ------
    InvalidInput
        ``table`` is not a table of rows, has the wrong number of columns (without a header),
        lacks Effective From or Role, or holds an invalid date or a negative or non-numeric
        amount (``#VALUE!``).

    Notes
    -----
    A blank Standard Rate is ``(OTE + benefits) / hours`` with the row's Billable Hours, or
    ``ps_billable_hours`` (1,880) when those are blank or 0 [methodology §6.1, §6.2]. Quarterly rate versions follow
    GitLab Customer Success Vision (the standard cost is updated each quarter); the table layout
    is our choice.
    """
    if isinstance(table, pd.DataFrame):
        df = table.copy()
    elif is_scalar(table) or not all(isinstance(r, (list, tuple, np.ndarray)) for r in table):
        raise InvalidInput("rate_table: expected a table of rows (Quarter, Effective From, Role, "
                           "…, Standard Rate, Bill Rate)")
    else:
        rows = [list(r) for r in table]
        if rows and any(isinstance(c, str) and c.strip().lower() == "role" for c in rows[0]):
            df = pd.DataFrame(rows[1:], columns=[str(c).strip() for c in rows[0]])
        else:
            if rows and len(rows[0]) != len(RATE_COLUMNS):
                raise InvalidInput(f"rate_table: expected {len(RATE_COLUMNS)} columns "
                                   f"({', '.join(RATE_COLUMNS)})")
            df = pd.DataFrame(rows, columns=list(RATE_COLUMNS))
    lower = {c.lower(): c for c in df.columns}
    missing = [c for c in ("Effective From", "Role") if c.lower() not in lower]
    if missing:
        raise InvalidInput(f"rate_table: missing column {missing[0]!r}")
    df = df.rename(columns={lower[c.lower()]: c for c in RATE_COLUMNS if c.lower() in lower})
    for c in RATE_COLUMNS:
        if c not in df.columns:
            df[c] = None
    shape = shape_of(df["Role"])
    eff = dates(shape, df["Effective From"].to_numpy(dtype=object), "Effective From")
    std = floats(shape, df["Standard Rate"].to_numpy(dtype=object), "Standard Rate", minimum=0)
    ote = floats(shape, df["Average Annual OTE"].to_numpy(dtype=object), "Average Annual OTE", minimum=0)
    ben = np.nan_to_num(floats(shape, df["Benefits"].to_numpy(dtype=object), "Benefits", minimum=0))
    hrs = floats(shape, df["Billable Hours"].to_numpy(dtype=object), "Billable Hours", minimum=0)
    hrs = np.where(np.isnan(hrs) | (hrs == 0), config.ps_billable_hours, hrs)
    std = np.where(np.isnan(std), (ote + ben) / hrs, std)
    out = pd.DataFrame({
        "Quarter": texts(shape, df["Quarter"].to_numpy(dtype=object)),
        "Effective From": eff.astype("datetime64[ns]"),
        "Role": texts(shape, df["Role"].to_numpy(dtype=object)),
        "Standard Rate": std,
        "Bill Rate": floats(shape, df["Bill Rate"].to_numpy(dtype=object), "Bill Rate", minimum=0),
    })
    out = out[out["Role"].notna() & out["Effective From"].notna()]
    return out.sort_values("Effective From", kind="stable").reset_index(drop=True)


def ps_rate(role, as_of, table, column: str = "Standard Rate", *, config: Config = DEFAULT):
    """Rate of ``role`` from the rate-table version in effect on ``as_of`` (quarterly versions).

    The version is the row with the latest ``Effective From`` ≤ ``as_of`` for that role.

    Parameters
    ----------
    role : str or array_like
        Role name (case-insensitive).
    as_of : date, str or array_like
        Date the rate must be effective on (usually the SOW date).
    table : pandas.DataFrame or sequence of rows
        Rate table, as :func:`rate_table` reads it.
    column : str, optional
        ``"Standard Rate"`` (default, the cost rate) or ``"Bill Rate"``.
    config : Config, optional
        Its ``ps_billable_hours`` fills a blank Billable Hours (see :func:`rate_table`).

    Returns
    -------
    rate : float or array_like
        The rate; NaN in an array result where no version is effective.

    Raises
    ------
    InvalidInput
        The table is invalid (see :func:`rate_table`), ``column`` is neither rate column, a
        date is invalid, or ranges differ in length (``#VALUE!``).
    MissingData
        No version of that role is effective on that date (``#N/A``).

    Notes
    -----
    ``rate(role, d) = rate of the row with role = role and the greatest Effective From ≤ d``
    [methodology §6.2]. Our choice of lookup; quarterly versions per GitLab Customer Success
    Vision.

    Examples
    --------
    >>> t = [["Quarter", "Effective From", "Role", "Standard Rate"],
    ...      ["FY26-Q1", "2025-02-01", "Engineer", 110.0],
    ...      ["FY26-Q2", "2025-05-01", "Engineer", 115.0]]
    >>> ps_rate("Engineer", "2025-04-30", t), ps_rate("engineer", "2025-05-01", t)
    (110.0, 115.0)
    """
    rates = rate_table(table, config=config)
    shape = shape_of(role, as_of)
    roles = texts(shape, role)
    when = dates(shape, as_of, "as_of").astype("datetime64[ns]")
    if column not in ("Standard Rate", "Bill Rate"):
        raise InvalidInput(f"column: {column!r} is not Standard Rate or Bill Rate")
    left = pd.DataFrame({"key": pd.Series(roles, dtype=object).str.lower(), "when": when,
                         "pos": np.arange(shape.n)})
    right = rates.assign(key=rates["Role"].astype(object).str.lower().astype(object))
    right = right[["key", "Effective From", column]]
    left["key"] = left["key"].astype(object)
    ok = left["when"].notna() & left["key"].notna()
    merged = pd.merge_asof(left[ok].sort_values("when"), right, left_on="when",
                           right_on="Effective From", by="key", direction="backward")
    result = np.full(shape.n, np.nan)
    result[merged["pos"].to_numpy()] = merged[column].to_numpy(dtype=float)
    if shape.scalar and np.isnan(result[0]):
        raise MissingData(f"no {column.lower()} for role {role!r} effective on {as_of}")
    return output(shape, result, name=column)
