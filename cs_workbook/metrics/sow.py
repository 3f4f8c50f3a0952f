"""A statement of work's cost, price, margin and markup, and the margin-target flag
[methodology §6.2]."""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT, Config
from ..errors import InvalidInput, NotComputable
from ._vector import floats, is_scalar, output, shape_of

__all__ = ["sow_cost", "sow_price", "sow_margin", "sow_markup", "below_target"]


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
