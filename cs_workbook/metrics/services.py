"""Professional Services standard cost, rate tables, SOW cost, price and margin [methodology §6]."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import DEFAULT, Config
from ..errors import InvalidInput, MissingData, NotComputable, ZeroDenominator
from ._vector import dates, floats, is_scalar, output, shape_of, texts

__all__ = ["ps_standard_rate", "rate_table", "ps_rate", "sow_cost", "sow_price", "sow_margin",
           "sow_markup", "below_target", "RATE_COLUMNS"]

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


def _sum_products(hours, rates, hname, rname) -> float:
    if is_scalar(hours) and is_scalar(rates):
        hours, rates = [hours], [rates]
    shape = shape_of(hours, rates)
    h = floats(shape, hours, hname, minimum=0)
    r = floats(shape, rates, rname, minimum=0)
    both = ~np.isnan(h) & (h > 0)
    if np.isnan(r[both]).any():
        raise InvalidInput(f"{rname}: a line with hours has no rate")
    with np.errstate(over="ignore", invalid="ignore"):
        total = float((h[both] * r[both]).sum())
    if not np.isfinite(total):
        raise NotComputable(f"{hname} × {rname}: the total is too large")
    return total


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (
        isinstance(value, str) and not value.strip())


def _one(value, name):
    if not is_scalar(value):
        raise InvalidInput(f"{name}: expected a single value")
    return value


def _pct(value, default, name) -> float:
    if _blank(_one(value, name)):
        return float(default)
    v = float(floats(shape_of(value), value, name)[0])
    if not 0 <= v < 1:
        raise InvalidInput(f"{name}: {v:g} must be a fraction from 0 to below 1 (10 % is 0.1)")
    return v


def _money(value, name) -> float:
    if _blank(_one(value, name)):
        return 0.0
    return float(floats(shape_of(value), value, name, minimum=0)[0])


def sow_cost(hours, cost_rates, contingency_pct=None, travel_cost=None, *,
             config: Config = DEFAULT) -> float:
    """SOW cost = Σ hours × cost rate × (1 + contingency) + travel & expenses cost.

    Parameters
    ----------
    hours : float or array_like
        Hours per role line; lines with no hours are ignored.
    cost_rates : float or array_like
        Standard (cost) rate per line.
    contingency_pct : float, optional
        Contingency on labour cost as a fraction, 0 ≤ c < 1; default
        ``config.sow_contingency_pct`` (0).
    travel_cost : float, optional
        Travel and expenses cost; blank is 0.
    config : Config, optional
        Supplies the default contingency.

    Returns
    -------
    cost : float

    Raises
    ------
    InvalidInput
        A value is negative or not a number, a line with hours has no rate, the contingency is
        outside 0 ≤ c < 1, an optional argument is a range, or ranges differ in length
        (``#VALUE!``).
    NotComputable
        The labour total overflows (``#NUM!``).

    Notes
    -----
    ``cost = Σ hᵣ·costᵣ × (1 + c) + T&E`` [methodology §6.2]. The calculator model is our
    choice (GitLab's SOW Cost Estimate Calculator is internal).

    Examples
    --------
    >>> round(sow_cost(120, 114.8936), 2)
    13787.23
    >>> sow_cost([10, 20], [100, 50], 0.1, 500)
    2700.0
    """
    labour = _sum_products(hours, cost_rates, "hours", "cost_rates")
    c = _pct(contingency_pct, config.sow_contingency_pct, "contingency_pct")
    return labour * (1 + c) + _money(travel_cost, "travel_cost")


def sow_price(hours, bill_rates, discount_pct=None, travel_billed=None, *,
              config: Config = DEFAULT) -> float:
    """SOW price = Σ hours × bill rate × (1 − discount) + travel billed.

    Parameters
    ----------
    hours : float or array_like
        Hours per role line; lines with no hours are ignored.
    bill_rates : float or array_like
        Bill rate per line.
    discount_pct : float, optional
        Discount on fees as a fraction, 0 ≤ d < 1; default ``config.sow_discount_pct`` (0).
    travel_billed : float, optional
        Travel and expenses billed to the customer; blank is 0.
    config : Config, optional
        Supplies the default discount.

    Returns
    -------
    price : float

    Raises
    ------
    InvalidInput
        A value is negative or not a number, a line with hours has no rate, the discount is
        outside 0 ≤ d < 1, an optional argument is a range, or ranges differ in length
        (``#VALUE!``).
    NotComputable
        The fee total overflows (``#NUM!``).

    Notes
    -----
    ``price = Σ hᵣ·billᵣ × (1 − d) + T&E billed`` [methodology §6.2]. The calculator model is
    our choice.

    Examples
    --------
    >>> sow_price(120, 250)
    30000.0
    >>> sow_price([10, 20], [200, 150], 0.1, 300)
    4800.0
    """
    fees = _sum_products(hours, bill_rates, "hours", "bill_rates")
    d = _pct(discount_pct, config.sow_discount_pct, "discount_pct")
    return fees * (1 - d) + _money(travel_billed, "travel_billed")


def sow_margin(price, cost):
    """Gross margin = (price − cost) ÷ price; NA when price is 0 or blank.

    Parameters
    ----------
    price, cost : float or array_like
        SOW price and cost.

    Returns
    -------
    margin : float or None, or array_like
        A fraction (0.54 is 54 %).

    Raises
    ------
    InvalidInput
        An amount is negative or not a number, or ranges differ in length (``#VALUE!``).
    NotComputable
        The ratio overflows (``#NUM!``).

    Notes
    -----
    ``margin = (price − cost) / price`` for ``price > 0``, else NA [methodology §6.2]. Target
    30 % per GitLab's Professional Services handbook (see :func:`below_target`).

    Examples
    --------
    >>> round(sow_margin(30000, 13787.23), 4)
    0.5404
    >>> sow_margin(0, 100) is None
    True
    """
    shape = shape_of(price, cost)
    p = floats(shape, price, "price", minimum=0)
    c = floats(shape, cost, "cost", minimum=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m = np.where(p > 0, (p - c) / np.where(p > 0, p, 1), np.nan)
    return output(shape, m, name="margin")


def sow_markup(price, cost):
    """Markup = (price − cost) ÷ cost; NA when cost is 0.

    Parameters
    ----------
    price, cost : float or array_like
        SOW price and cost.

    Returns
    -------
    markup : float or None, or array_like
        A fraction (0.5 is 50 %).

    Raises
    ------
    InvalidInput
        An amount is negative or not a number, or ranges differ in length (``#VALUE!``).
    NotComputable
        The ratio overflows (``#NUM!``).

    Notes
    -----
    ``markup = (price − cost) / cost`` for ``cost > 0``, else NA [methodology §6.2].

    Examples
    --------
    >>> sow_markup(150, 100)
    0.5
    """
    shape = shape_of(price, cost)
    p = floats(shape, price, "price", minimum=0)
    c = floats(shape, cost, "cost", minimum=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m = np.where(c > 0, (p - c) / np.where(c > 0, c, 1), np.nan)
    return output(shape, m, name="markup")


def below_target(margin, *, config: Config = DEFAULT):
    """TRUE when the margin is below the PS target (30 %); NA margin → NA.

    Parameters
    ----------
    margin : float or array_like
        Gross margin as a fraction.
    config : Config, optional
        ``sow_margin_target`` (0.30).

    Returns
    -------
    flag : bool or None, or array_like

    Raises
    ------
    InvalidInput
        A margin is not a number (``#VALUE!``).

    Notes
    -----
    ``flag = margin < sow_margin_target``; exactly on target is not below [methodology §6.2].
    Source: GitLab Professional Services handbook (long-term 30 % gross margin target).

    Examples
    --------
    >>> below_target(0.29), below_target(0.30)
    (True, False)
    """
    shape = shape_of(margin)
    m = floats(shape, margin, "margin")
    return output(shape, np.where(np.isnan(m), None, m < config.sow_margin_target).astype(object),
                  "bool")


