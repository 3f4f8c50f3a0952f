"""License utilization, its age-banded health, first value, adoption and lifecycle stage.

methodology §3 (definitions, LU table, first value, adoption complete, lifecycle) and §1.5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import DEFAULT, Config
from ..errors import InvalidInput, NotComputable
from ._vector import dates, floats, is_scalar, number, output, shape_of
from .colours import GREEN, NA, RED, YELLOW, colour_codes, colour_output

__all__ = [
    "utilization", "license_utilization", "lu_health_codes", "license_health",
    "first_value_dates", "first_value_date", "adoption_complete", "lifecycle_stage",
    "overage_seats", "account_license_utilization", "STAGES",
]

STAGES = ("Onboarding", "Implementation", "Adoption", "Optimize & Grow")


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


def first_value_dates(groups: np.ndarray, snap: np.ndarray, util: np.ndarray,
                      threshold: float) -> pd.Series:
    """First snapshot date per group with utilization ≥ threshold (inclusive) [methodology §3.3]."""
    hit = util >= threshold
    frame = pd.DataFrame({"g": groups[hit], "d": snap[hit]})
    return frame.groupby("g", sort=False)["d"].min()


def first_value_date(snapshot_dates, billable_users, licensed_users, threshold=None, *,
                     config: Config = DEFAULT):
    """First snapshot date on which utilization reaches the threshold (10 %, inclusive).

    Parameters
    ----------
    snapshot_dates : date, str or array_like
        Dates of the usage snapshots (monthly); blank dates are ignored.
    billable_users : float or array_like
        Billable users on each snapshot.
    licensed_users : float or array_like
        Licensed users (one number or one per snapshot).
    threshold : float, optional
        Utilization that counts as first value; default ``config.first_value_threshold`` (0.10).
    config : Config, optional
        Supplies the default threshold.

    Returns
    -------
    date : datetime.date or None
        The earliest snapshot date with utilization ≥ threshold; None (NA) if none.

    Raises
    ------
    InvalidInput
        A date or count is invalid or negative, the threshold is outside 0–10, a range is empty,
        or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``first value date = min{dᵢ : billableᵢ / licensedᵢ ≥ threshold}`` [methodology §3.3].
    Sources: GitLab Customer Success Vision (first value = 10 % of licenses activated) and CSM
    Customer Onboarding (the date is set when utilization "meets or exceeds 10%").

    Examples
    --------
    >>> months = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"]
    >>> first_value_date(months, [5, 15, 19, 20, 60], 200)
    datetime.date(2024, 4, 1)
    >>> first_value_date(months, [1, 1, 1, 1, 1], 200) is None
    True
    """
    if is_scalar(snapshot_dates):
        snapshot_dates = [snapshot_dates]
    shape = shape_of(snapshot_dates, billable_users, licensed_users)
    d = dates(shape, snapshot_dates, "snapshot_dates")
    u = utilization(floats(shape, billable_users, "billable_users", minimum=0),
                    floats(shape, licensed_users, "licensed_users", minimum=0))
    thr = number(threshold, config.first_value_threshold, "threshold", high=10)
    ok = ~np.isnat(d)
    first = first_value_dates(np.zeros(ok.sum(), dtype=int), d[ok], u[ok], thr)
    return None if first.empty else pd.Timestamp(first.iloc[0]).date()


def adoption_complete(utilization_value, primary_use_case_colour, threshold=None, *,
                      config: Config = DEFAULT):
    """Adoption complete: utilization ≥ 80 % of original licenses AND primary use case Green.

    NA when utilization is NA; a blank colour is not Green.

    Parameters
    ----------
    utilization_value : float or array_like
        License utilization against the originally purchased licenses (a fraction).
    primary_use_case_colour : str or array_like
        Colour of the use case the customer bought GitLab for.
    threshold : float, optional
        Utilization needed; default ``config.adoption_threshold`` (0.80).
    config : Config, optional
        Supplies the default threshold.

    Returns
    -------
    complete : bool or None, or array_like
        True, False, or None (NA) when utilization is blank.

    Raises
    ------
    InvalidInput
        Utilization is negative or not a number, the colour is not a colour, the threshold is
        outside 0–10, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``complete = utilization ≥ threshold and colour = Green`` [methodology §3.3]. Source: GitLab
    Customer Success Vision (adoption is complete when 80 % of the original licenses are active
    and the customer is adopting the use cases of the original purchase intent); the use-case
    test is our way of making the second condition measurable.

    Examples
    --------
    >>> adoption_complete(0.80, "Green"), adoption_complete(0.79, "Green")
    (True, False)
    >>> adoption_complete(0.95, "Yellow")
    False
    """
    shape = shape_of(utilization_value, primary_use_case_colour)
    u = floats(shape, utilization_value, "utilization", minimum=0)
    c = colour_codes(shape, primary_use_case_colour, config, "primary_use_case_colour")
    thr = number(threshold, config.adoption_threshold, "threshold", high=10)
    done = adoption_codes(u, c, thr)
    return output(shape, np.where(np.isnan(u), None, done).astype(object), "bool")


def _done(shape, x, name) -> np.ndarray:
    """A milestone is done when its cell holds a date or TRUE."""
    if not is_scalar(x) and isinstance(x, pd.Series) and x.dtype.kind == "M":
        return ~x.isna().to_numpy()
    vals = [x] * shape.n if is_scalar(x) else list(np.asarray(x, dtype=object).reshape(-1))
    if len(vals) == 1:
        vals = vals * shape.n
    out = np.zeros(shape.n, dtype=bool)
    for i, v in enumerate(vals):
        if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v) or v == "":
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
        elif isinstance(v, str) and v.strip().lower() in ("false", "no", "n"):
            out[i] = False
        else:
            out[i] = True
    return out


def lifecycle_stage(onboarding_closed, infrastructure_ready, adoption_complete_flag):
    """Lifecycle stage: the first milestone not yet reached names the stage.

    Onboarding until onboarding is closed → Implementation until production infrastructure
    is ready → Adoption until adoption is complete → Optimize & Grow.

    Parameters
    ----------
    onboarding_closed, infrastructure_ready, adoption_complete_flag : date, bool or array_like
        Milestones: reached when the cell holds a date or TRUE; blank, FALSE or "no" is not
        reached.

    Returns
    -------
    stage : str or array_like
        One of :data:`STAGES`.

    Raises
    ------
    InvalidInput
        Ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``stage = Onboarding if not onboarded; Implementation if not infrastructure ready; Adoption
    if not adoption complete; else Optimize & Grow`` [methodology §3.4]. Source: GitLab Customer
    Success Vision (lifecycle stages).

    Examples
    --------
    >>> lifecycle_stage(None, None, False)
    'Onboarding'
    >>> lifecycle_stage("2024-02-01", None, False)
    'Implementation'
    >>> lifecycle_stage("2024-02-01", "2024-03-01", False)
    'Adoption'
    >>> lifecycle_stage("2024-02-01", "2024-03-01", True)
    'Optimize & Grow'
    """
    shape = shape_of(onboarding_closed, infrastructure_ready, adoption_complete_flag)
    ob = _done(shape, onboarding_closed, "onboarding_closed")
    infra = _done(shape, infrastructure_ready, "infrastructure_ready")
    adopt = _done(shape, adoption_complete_flag, "adoption_complete")
    return output(shape, stage_names(ob, infra, adopt), "object", name="lifecycle_stage")


def adoption_codes(utilization_: np.ndarray, primary: np.ndarray, threshold: float) -> np.ndarray:
    """Adoption complete: utilization ≥ threshold and the primary use case Green [§3.3]."""
    return (utilization_ >= threshold) & (primary == GREEN)


def stage_names(onboarded: np.ndarray, infra_ready: np.ndarray, adopted: np.ndarray) -> np.ndarray:
    """Lifecycle stage: the first milestone not yet reached names the stage [§3.4]."""
    idx = np.where(~onboarded, 0, np.where(~infra_ready, 1, np.where(~adopted, 2, 3)))
    return np.array(STAGES, dtype=object)[idx]


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
        The user totals overflow (``#NUM!``).

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
        return None if total_l <= 0 else float(total_b / total_l)
    if arr is None:
        raise InvalidInput("arr: ARR per subscription is needed for the ARR-weighted method")
    a = floats(shape, arr, "arr", minimum=0)
    r = utilization(b, lic)
    ok = ~np.isnan(r) & ~np.isnan(a)
    return None if a[ok].sum() <= 0 else float((r[ok] * a[ok]).sum() / a[ok].sum())
