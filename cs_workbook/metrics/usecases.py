"""Use-case adoption health: the measure thresholds, user engagement, SCM and CI
[methodology §2.1, §2.2]; the CD and Security use cases are in :mod:`.delivery`, platform
adoption and the product score in :mod:`.platform`.

All ratios are L28D counters ÷ billable users. Zero denominators follow DBT's ``DIV0`` (ratio
0 → Red) unless ``zero_denominator = "na"``; a blank numerator is NA.
"""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT, Config
from ._vector import floats, shape_of
from .colours import band_codes, colour_output
from .colours import points_of_codes
from .health import weighted_mean_columns

__all__ = [
    "ratio", "THRESHOLDS", "measure_codes", "use_case_score", "user_engagement_health",
    "scm_health", "ci_health",
]

# measure: (red_below, red_inclusive, green_above, green_inclusive) per threshold set
THRESHOLDS = {
    "current": {
        "scm": (0.10, True, 0.33, False),
        "ci": (2, True, 40, False),
        "cd_user_deployments": (0.05, False, 0.12, False),
        "cd_deployments_per_user": (2, False, 7, False),
        "cd_success_rate": (0.25, False, 0.80, False),
        "security_scanner_users": (0.05, True, 0.20, True),
        "security_scans_per_pipeline": (0.1, False, 0.5, False),
        "security_scanner_types": (1, True, 3, True),
        "user_engagement": (0.50, False, 0.80, True),
    },
}
# 2023 set (UCA @05498ef8): SCM <25 / ≥25–<50 / ≥50 %; CI is CI-pipeline utilization
# (pass pipeline users as the CI input) <25 / ≥25–<33 / ≥33 %.
THRESHOLDS["2023"] = THRESHOLDS["current"] | {
    "scm": (0.25, False, 0.50, True),
    "ci": (0.25, False, 0.33, True),
}


def ratio(num: np.ndarray, den: np.ndarray, cfg: Config, always_na: bool = False) -> np.ndarray:
    """num ÷ den with DBT's DIV0 semantics (0 when den is 0) or NA (config / always_na)."""
    zero_na = always_na or cfg.zero_denominator == "na"
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan if zero_na else 0.0)
    return np.where(np.isnan(num) | np.isnan(den), np.nan, r)


def measure_codes(measure: str, x: np.ndarray, cfg: Config) -> np.ndarray:
    return band_codes(x, *THRESHOLDS[cfg.threshold_set][measure])


def use_case_score(codes_list, cfg: Config) -> np.ndarray:
    """Simple mean of the points of the non-NA measures (NaN if all NA) [DBT]."""
    pts = [points_of_codes(c, cfg) for c in codes_list]
    return weighted_mean_columns(pts, np.ones(len(pts)))


def _ratio_health(measure, num, den, names, config):
    shape = shape_of(num, den)
    n = floats(shape, num, names[0], minimum=0)
    d = floats(shape, den, names[1], minimum=0)
    return shape, measure_codes(measure, ratio(n, d, config), config)


def user_engagement_health(active_users, billable_users, *, config: Config = DEFAULT):
    """User engagement: active users L28D ÷ billable: <50 % Red, <80 % Yellow, ≥80 % Green.

    Parameters
    ----------
    active_users : float or array_like
        Unique active users in the last 28 days.
    billable_users : float or array_like
        Billable users (the denominator).
    config : Config, optional
        ``threshold_set`` and ``zero_denominator``.

    Returns
    -------
    colour : str or None, or array_like
        ``"Red"``, ``"Yellow"``, ``"Green"`` or None (NA).

    Raises
    ------
    InvalidInput
        A count is negative or not a number, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``r = active / billable``: ``r < 0.50`` Red, ``0.50 ≤ r < 0.80`` Yellow, ``r ≥ 0.80`` Green
    [methodology §2.1]. A blank count gives NA; a zero denominator gives ``r = 0`` (Snowflake
    ``DIV0``, as GitLab's SQL) or NA with ``zero_denominator = "na"``. Workbook scoring also
    makes it NA on SaaS deployments [methodology §1.1]. Sources: GitLab "Health Scoring –
    Calculations and Methodology"; dbt ``rpt_product_usage_health_score``.

    Examples
    --------
    >>> [user_engagement_health(a, 100) for a in (79, 80, 49)]
    ['Yellow', 'Green', 'Red']
    """
    shape, codes = _ratio_health("user_engagement", active_users, billable_users,
                                 ("active_users", "billable_users"), config)
    return colour_output(shape, codes)


def scm_health(git_operation_users, billable_users, *, config: Config = DEFAULT):
    """SCM: git-operation users ÷ billable: ≤10 % Red, ≤33 % Yellow, >33 % Green.

    Parameters
    ----------
    git_operation_users : float or array_like
        Users with git operations in the last 28 days.
    billable_users : float or array_like
        Billable users (the denominator).
    config : Config, optional
        ``threshold_set`` (``current`` or ``2023``) and ``zero_denominator``.

    Returns
    -------
    colour : str or None, or array_like
        ``"Red"``, ``"Yellow"``, ``"Green"`` or None (NA).

    Raises
    ------
    InvalidInput
        A count is negative or not a number, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``r = git_operation_users / billable``; current set: ``r ≤ 0.10`` Red, ``0.10 < r ≤ 0.33``
    Yellow, ``r > 0.33`` Green; 2023 set: ``< 0.25`` Red, ``< 0.50`` Yellow, ``≥ 0.50`` Green
    [methodology §2.1, §2.2]. Blank count → NA; zero denominator → ``r = 0`` (dbt ``DIV0``) or NA
    with ``zero_denominator = "na"``. Sources: GitLab "Health Scoring – Calculations and
    Methodology"; dbt ``rpt_product_usage_health_score``.

    Examples
    --------
    >>> scm_health(30, 100), scm_health(10, 100), scm_health(34, 100)
    ('Yellow', 'Red', 'Green')
    """
    shape, codes = _ratio_health("scm", git_operation_users, billable_users,
                                 ("git_operation_users", "billable_users"), config)
    return colour_output(shape, codes)


def ci_health(ci_builds, billable_users, *, config: Config = DEFAULT):
    """CI: CI builds L28D per billable user: ≤2 Red, ≤40 Yellow, >40 Green.

    Parameters
    ----------
    ci_builds : float or array_like
        CI builds in the last 28 days (with ``threshold_set = "2023"``: CI pipeline users, for
        CI pipeline utilization).
    billable_users : float or array_like
        Billable users (the denominator).
    config : Config, optional
        ``threshold_set`` and ``zero_denominator``.

    Returns
    -------
    colour : str or None, or array_like
        ``"Red"``, ``"Yellow"``, ``"Green"`` or None (NA).

    Raises
    ------
    InvalidInput
        A count is negative or not a number, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``r = ci_builds / billable``; current set: ``r ≤ 2`` Red, ``2 < r ≤ 40`` Yellow, ``r > 40``
    Green; 2023 set (pipeline utilization): ``< 0.25`` Red, ``< 0.33`` Yellow, ``≥ 0.33`` Green
    [methodology §2.1, §2.2]. Blank count → NA; zero denominator → ``r = 0`` (dbt ``DIV0``) or NA
    with ``zero_denominator = "na"``. Sources: GitLab "Health Scoring – Calculations and
    Methodology"; dbt ``rpt_product_usage_health_score``.

    Examples
    --------
    >>> ci_health(4100, 100), ci_health(4000, 100), ci_health(200, 100)
    ('Green', 'Yellow', 'Red')
    """
    shape, codes = _ratio_health("ci", ci_builds, billable_users,
                                 ("ci_builds", "billable_users"), config)
    return colour_output(shape, codes)
