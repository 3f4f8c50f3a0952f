"""License utilization, its age-banded health, overage seats and the account-level
utilization [methodology §3.1, §3.2, §1.5]; the milestones it leads to (first value, adoption
complete, lifecycle stage) are in :mod:`.milestones`.
"""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT, Config
from ..errors import InvalidInput, NotComputable
from ._vector import floats, output, shape_of
from .colours import GREEN, NA, RED, YELLOW, colour_output

__all__ = [
    "utilization", "license_utilization", "lu_health_codes", "license_health",
    "overage_seats", "account_license_utilization",
]

def utilization(billable: np.ndarray, licensed: np.ndarray) -> np.ndarray:
    """billable ÷ licensed, NaN where licensed is 0 or blank (rows excluded in DBT)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(licensed > 0, billable / np.where(licensed > 0, licensed, 1), np.nan)


def license_utilization(billable_users, licensed_users):
    """License utilization = billable users ÷ licensed users, not capped.

    Parameters
    ----------
    billable_users : float or array_like
        Billable users (guests on Ultimate and bots excluded).
    licensed_users : float or array_like
        Licensed users (seats bought); 0 or blank gives NA.

    Returns
    -------
    utilization : float or None, or array_like
        A fraction (0.8 is 80 %); None (NA) when licensed is 0 or blank or billable is blank.

    Raises
    ------
    InvalidInput
        A count is negative or not a number, or ranges differ in length (``#VALUE!``).
    NotComputable
        The ratio overflows (``#NUM!``).

    Notes
    -----
    ``utilization = billable / licensed`` for ``licensed > 0``, else NA; values above 1 are kept
    (over-use is billed as a true-up) [methodology §3.1]. Source: GitLab "License Utilization in
    Gainsight"; GitLab dbt ``rpt_product_usage_health_score`` excludes rows with 0 licenses.

    Examples
    --------
    >>> license_utilization(80, 100)
    0.8
    >>> license_utilization(120, 100)
    1.2
    >>> license_utilization(5, 0) is None
    True
    """
    shape = shape_of(billable_users, licensed_users)
    b = floats(shape, billable_users, "billable_users", minimum=0)
    lic = floats(shape, licensed_users, "licensed_users", minimum=0)
    return output(shape, utilization(b, lic), name="license_utilization")


# (min age, max age or None, red_below, red_inclusive, green_above, green_inclusive)
_LU_TABLES = {
    # DBT rpt_product_usage_health_score: normative default.
    "dbt": ((3, 6, 0.10, True, 0.50), (7, 9, 0.50, True, 0.75), (10, None, 0.75, True, 0.75)),
    # Handbook table (UCA/HST-2022): 10 % is Yellow, scoring starts at 2 months.
    "handbook": ((2, 6, 0.10, False, 0.50), (7, 9, 0.50, True, 0.75),
                 (10, None, 0.75, True, 0.75)),
}


def lu_health_codes(util: np.ndarray, age: np.ndarray, cfg: Config) -> np.ndarray:
    out = np.full(len(util), NA, dtype=np.int8)
    table = _LU_TABLES[cfg.lu_table]
    for i, (lo, hi, red_below, red_incl, green_above) in enumerate(table):
        if i == 0 and cfg.lu_table == "dbt":
            lo = cfg.lu_min_age_months
        sel = (age >= lo) & (True if hi is None else age <= hi) & ~np.isnan(util)
        u = util[sel]
        red = u <= red_below if red_incl else u < red_below
        out[sel] = np.where(red, RED, np.where(u > green_above, GREEN, YELLOW))
    return out


def license_health(utilization_value, account_age_months, *, config: Config = DEFAULT):
    """License-utilization colour by account age (DBT table by default).

    ======  =========  =================  ========
    age     Red        Yellow             Green
    ======  =========  =================  ========
    <3      NA         NA                 NA
    3–6     ≤10 %      >10 % – ≤50 %      >50 %
    7–9     ≤50 %      >50 % – ≤75 %      >75 %
    ≥10     ≤75 %      —                  >75 %
    ======  =========  =================  ========

    Parameters
    ----------
    utilization_value : float or array_like
        License utilization as a fraction (0.3 is 30 %); blank is NA.
    account_age_months : float or array_like
        Calendar months since the contract (see :func:`months_between`); rounded down.
    config : Config, optional
        ``lu_table`` (``dbt`` or ``handbook``) and ``lu_min_age_months`` (3, dbt table only).

    Returns
    -------
    colour : str or None, or array_like
        ``"Red"``, ``"Yellow"``, ``"Green"``, or None (NA: too young, negative age, or blank).

    Raises
    ------
    InvalidInput
        Utilization is negative or not a number, the age is not a number, or ranges differ in
        length (``#VALUE!``).

    Notes
    -----
    The table above is ``lu_table = "dbt"`` [methodology §3.2]. With ``lu_table = "handbook"``
    scoring starts at 2 months and in months 2–6 ``u < 10 %`` is Red, so exactly 10 % is
    Yellow. Sources: GitLab dbt model ``rpt_product_usage_health_score`` (normative); GitLab
    "Health Scoring – Calculations and Methodology" license-utilization table.

    Examples
    --------
    >>> license_health(0.30, 4), license_health(0.75, 12), license_health(0.76, 12)
    ('Yellow', 'Red', 'Green')
    >>> license_health(0.9, 2) is None
    True
    """
    shape = shape_of(utilization_value, account_age_months)
    u = floats(shape, utilization_value, "utilization", minimum=0)
    a = np.floor(floats(shape, account_age_months, "account_age_months"))  # whole months
    return colour_output(shape, lu_health_codes(u, a, config))


def overage_seats(billable_users, licensed_users):
    """Seats used beyond the license: ``max(0, billable − licensed)`` (true-up exposure).

    Parameters
    ----------
    billable_users, licensed_users : float or array_like
        Billable and licensed users.

    Returns
    -------
    seats : float or None, or array_like
        Overage seats; None (NA) when either count is blank.

    Raises
    ------
    InvalidInput
        A count is negative or not a number, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``overage = max(0, billable − licensed)`` [methodology §3.1]. Source: GitLab true-ups are
    "the outstanding overage of maximum users exceeding the users/seats in a license".

    Examples
    --------
    >>> overage_seats(120, 100), overage_seats(80, 100)
    (20.0, 0.0)
    """
    shape = shape_of(billable_users, licensed_users)
    b = floats(shape, billable_users, "billable_users", minimum=0)
    lic = floats(shape, licensed_users, "licensed_users", minimum=0)
    return output(shape, np.maximum(0.0, b - lic))


def account_license_utilization(billable, licensed, arr=None, *, config: Config = DEFAULT):
    """Account-level utilization over its subscriptions.

    ``sum`` (default): Σ billable ÷ Σ licensed, NA if any subscription misses either value.
    ``arr_weighted``: Σ(ratioₛ·ARRₛ) ÷ Σ ARRₛ over subscriptions that report usage.

    Parameters
    ----------
    billable, licensed : array_like
        Billable and licensed users per subscription.
    arr : array_like, optional
        ARR per subscription; required for ``arr_weighted``.
    config : Config, optional
        ``account_lu_method`` (``sum`` or ``arr_weighted``).

    Returns
    -------
    utilization : float or None
        The account's utilization; None (NA) when it cannot be formed (a missing value with
        ``sum``, licensed total 0, or no ARR reporting usage).

    Raises
    ------
    InvalidInput
        A count or ARR is negative or not a number, ranges differ in length, or ``arr`` is
        missing for ``arr_weighted`` (``#VALUE!``).
    NotComputable
        The user totals or their ratio overflow (``#NUM!``).

    Notes
    -----
    ``sum``: ``U = Σ billableₛ / Σ licensedₛ``. ``arr_weighted``: ``U = Σ uₛ·ARRₛ / Σ ARRₛ`` with
    ``uₛ = billableₛ / licensedₛ`` over subscriptions with ``licensedₛ > 0`` and ARR present
    [methodology §1.5, §3.1]. Sources: GitLab "License Utilization in Gainsight" (sum/sum);
    GitLab dbt ``rpt_product_usage_health_score_account_calcs`` (ARR-weighted).

    Examples
    --------
    >>> account_license_utilization([50, 30], [100, 100])
    0.4
    >>> from cs_workbook.config import Config
    >>> account_license_utilization([50, 30], [100, 100], [3000, 1000],
    ...                             config=Config(account_lu_method="arr_weighted"))
    0.45
    """
    shape = shape_of(billable, licensed, *( [] if arr is None else [arr]))
    b = floats(shape, billable, "billable", minimum=0)
    lic = floats(shape, licensed, "licensed", minimum=0)
    if config.account_lu_method == "sum":
        if np.isnan(b).any() or np.isnan(lic).any():
            return None
        with np.errstate(over="ignore", invalid="ignore"):
            total_b, total_l = b.sum(), lic.sum()
        if not (np.isfinite(total_b) and np.isfinite(total_l)):
            raise NotComputable("user totals are too large to add up")
        if total_l <= 0:
            return None
        with np.errstate(over="ignore"):
            ratio = float(total_b / total_l)
        if not np.isfinite(ratio):  # a tiny licensed total against a huge billable one
            raise NotComputable("utilization is too large to represent")
        return ratio
    if arr is None:
        raise InvalidInput("arr: ARR per subscription is needed for the ARR-weighted method")
    a = floats(shape, arr, "arr", minimum=0)
    r = utilization(b, lic)
    ok = ~np.isnan(r) & ~np.isnan(a)
    with np.errstate(over="ignore", invalid="ignore"):
        weight = a[ok].sum()
        value = None if weight <= 0 else float((r[ok] * a[ok]).sum() / weight)
    if value is not None and not np.isfinite(value):
        raise NotComputable("ARR-weighted utilization is too large to represent")
    return value
