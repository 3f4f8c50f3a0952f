"""Adoption milestones: the first-value date, adoption complete and the lifecycle stage they
name [methodology §3.3, §3.4]."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import DEFAULT, Config
from ._vector import dates, floats, is_scalar, number, output, shape_of
from .colours import GREEN, colour_codes
from .licenses import utilization

__all__ = ["STAGES", "first_value_dates", "first_value_date", "adoption_complete",
           "lifecycle_stage", "adoption_codes", "stage_names", "stage_index"]


STAGES = ("Onboarding", "Implementation", "Adoption", "Optimize & Grow")


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


def stage_index(onboarded: np.ndarray, infra_ready: np.ndarray, adopted: np.ndarray) -> np.ndarray:
    """Index into ``STAGES`` of the lifecycle stage (see :func:`stage_names`)."""
    return np.where(~onboarded, 0, np.where(~infra_ready, 1, np.where(~adopted, 2, 3)))


def stage_names(onboarded: np.ndarray, infra_ready: np.ndarray, adopted: np.ndarray) -> np.ndarray:
    """Lifecycle stage: the first milestone not yet reached names the stage [§3.4]."""
    return np.array(STAGES, dtype=object)[stage_index(onboarded, infra_ready, adopted)]
