"""Use-case adoption health (SCM, CI, CD, Security, user engagement), platform adoption and the
product score [methodology §2, §2.3, §2.4].

All ratios are L28D counters ÷ billable users. Zero denominators follow DBT's ``DIV0`` (ratio
0 → Red) unless ``zero_denominator = "na"``; a blank numerator is NA.
"""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT, PRODUCT_MEASURES, Config
from ._vector import floats, output, shape_of, text_map, texts
from .colours import GREEN, NA, as_points, band_codes, codes_of_scores, colour_codes, colour_output
from .colours import points_of_codes
from .health import weighted_mean

__all__ = [
    "ratio", "THRESHOLDS", "measure_codes", "use_case_score", "user_engagement_health",
    "scm_health", "ci_health", "cd_health", "cd_score", "security_health", "security_score",
    "platform_adoption", "adoption_count", "product_score",
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
    pts = np.column_stack([points_of_codes(c, cfg) for c in codes_list])
    return weighted_mean(pts, np.ones(pts.shape[1]))


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


def _cd_codes(shape, deployment_users, deployments, successful, failed, billable, cfg):
    du = floats(shape, deployment_users, "deployment_users", minimum=0)
    dep = floats(shape, deployments, "deployments", minimum=0)
    ok = floats(shape, successful, "successful", minimum=0)
    bad = floats(shape, failed, "failed", minimum=0)
    b = floats(shape, billable, "billable_users", minimum=0)
    return [
        measure_codes("cd_user_deployments", ratio(du, b, cfg), cfg),
        measure_codes("cd_deployments_per_user", ratio(dep, b, cfg), cfg),
        measure_codes("cd_success_rate", ratio(ok, _total(ok, bad), cfg), cfg),
    ]


def _total(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b, saturating at the largest float instead of overflowing to inf."""
    with np.errstate(over="ignore"):
        return np.minimum(a + b, np.finfo(float).max)


def cd_score(deployment_users, deployments, successful, failed, billable_users, *,
             config: Config = DEFAULT):
    """CD use-case score: mean points of its three measures (NA if all NA).

    Parameters
    ----------
    deployment_users : float or array_like
        Users who deployed in the last 28 days.
    deployments : float or array_like
        Deployments in the last 28 days.
    successful, failed : float or array_like
        Successful and failed deployments in the last 28 days.
    billable_users : float or array_like
        Billable users (the denominator of the first two measures).
    config : Config, optional
        ``zero_denominator``, colour points and band limits.

    Returns
    -------
    score : float or None, or array_like
        Use-case score 0–100; None (NA) when all three measures are NA.

    Raises
    ------
    InvalidInput
        A count is negative or not a number, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    Three measures, each Red / Yellow / Green: user deployment utilization ``deployment_users /
    billable`` (``< 5 %`` R, ``5–12 %`` Y inclusive, ``> 12 %`` G); deployments per user
    ``deployments / billable`` (``< 2`` R, ``2–7`` Y inclusive, ``> 7`` G); success rate
    ``successful / (successful + failed)`` (``< 25 %`` R, ``25–80 %`` Y inclusive, ``> 80 %`` G).
    ``score = mean of the points of the non-NA measures`` (NA if all three are NA)
    [methodology §2.1]; colour by the bands of [methodology §1.4]. Blank count → NA; zero
    denominator → ratio 0 (dbt ``DIV0``) or NA with ``zero_denominator = "na"``. Sources: GitLab
    "Health Scoring – Calculations and Methodology" (worked example Y, G, Y → 70.83); dbt
    ``rpt_product_usage_health_score`` (``cd_measure_count``).

    Examples
    --------
    >>> round(cd_score(8, 800, 90, 10, 100), 2)  # Y (8 %), G (8/user), G (90 %)
    79.17
    """
    shape = shape_of(deployment_users, deployments, successful, failed, billable_users)
    codes = _cd_codes(shape, deployment_users, deployments, successful, failed,
                      billable_users, config)
    return output(shape, use_case_score(codes, config))


def cd_health(deployment_users, deployments, successful, failed, billable_users, *,
              config: Config = DEFAULT):
    """CD colour: mean of user-deployment %, deployments per user and success rate.

    Parameters
    ----------
    deployment_users : float or array_like
        Users who deployed in the last 28 days.
    deployments : float or array_like
        Deployments in the last 28 days.
    successful, failed : float or array_like
        Successful and failed deployments in the last 28 days.
    billable_users : float or array_like
        Billable users (the denominator of the first two measures).
    config : Config, optional
        ``zero_denominator``, colour points and band limits.

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
    Three measures, each Red / Yellow / Green: user deployment utilization ``deployment_users /
    billable`` (``< 5 %`` R, ``5–12 %`` Y inclusive, ``> 12 %`` G); deployments per user
    ``deployments / billable`` (``< 2`` R, ``2–7`` Y inclusive, ``> 7`` G); success rate
    ``successful / (successful + failed)`` (``< 25 %`` R, ``25–80 %`` Y inclusive, ``> 80 %`` G).
    ``score = mean of the points of the non-NA measures`` (NA if all three are NA)
    [methodology §2.1]; colour by the bands of [methodology §1.4]. Blank count → NA; zero
    denominator → ratio 0 (dbt ``DIV0``) or NA with ``zero_denominator = "na"``. Sources: GitLab
    "Health Scoring – Calculations and Methodology" (worked example Y, G, Y → 70.83); dbt
    ``rpt_product_usage_health_score`` (``cd_measure_count``).

    Examples
    --------
    >>> cd_health(8, 800, 90, 10, 100)
    'Green'
    >>> cd_health(8, 500, 50, 50, 100)
    'Yellow'
    """
    shape = shape_of(deployment_users, deployments, successful, failed, billable_users)
    codes = _cd_codes(shape, deployment_users, deployments, successful, failed,
                      billable_users, config)
    return colour_output(shape, codes_of_scores(use_case_score(codes, config), config))


def _security_codes(shape, scanner_users, billable, scans, pipelines, scanner_types, tier, cfg):
    su = floats(shape, scanner_users, "scanner_users", minimum=0)
    b = floats(shape, billable, "billable_users", minimum=0)
    sc = floats(shape, scans, "scans", minimum=0)
    pl = floats(shape, pipelines, "pipelines", minimum=0)
    st = floats(shape, scanner_types, "scanner_types", minimum=0)
    codes = [
        measure_codes("security_scanner_users", ratio(su, b, cfg), cfg),
        measure_codes("security_scans_per_pipeline", ratio(sc, pl, cfg, always_na=True), cfg),
        measure_codes("security_scanner_types", st, cfg),
    ]
    if tier is not None:
        eligible = tier if isinstance(tier, np.ndarray) and tier.dtype == bool \
            else security_eligible(texts(shape, tier), cfg)
        codes = [np.where(eligible, c, NA).astype(np.int8) for c in codes]
    return codes


def security_eligible(tiers: np.ndarray, cfg: Config) -> np.ndarray:
    """True where the tier can use the Security measures (Ultimate by default)."""
    wanted = {t.lower() for t in cfg.security_tiers} | {""}  # blank tier: not known, not filtered
    return text_map(tiers, lambda t: t.strip().lower() in wanted)


def security_score(scanner_users, billable_users, scans, pipelines, scanner_types, tier=None, *,
                   config: Config = DEFAULT):
    """Security use-case score: mean points of its three measures; NA unless Ultimate.

    Parameters
    ----------
    scanner_users : float or array_like
        Users running security scanners in the last 28 days.
    billable_users : float or array_like
        Billable users.
    scans : float or array_like
        Scans of the seven scanner types (secret detection, dependency, container, SAST, DAST,
        coverage fuzzing, API fuzzing) in the last 28 days.
    pipelines : float or array_like
        CI pipelines in the last 28 days.
    scanner_types : float or array_like
        Number of scanner types with at least one scan.
    tier : str or array_like, optional
        Subscription tier; when given, Security is NA unless it is in ``config.security_tiers``
        (Ultimate). A blank tier is not filtered.
    config : Config, optional
        ``security_tiers``, ``zero_denominator``, colour points and band limits.

    Returns
    -------
    score : float or None, or array_like
        Use-case score 0–100; None (NA) when all measures are NA or the tier is not eligible.

    Raises
    ------
    InvalidInput
        A count is negative or not a number, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    Three measures, each Red / Yellow / Green: scanner utilization ``scanner_users / billable``
    (``≤ 5 %`` R, ``< 20 %`` Y, ``≥ 20 %`` G); scans per pipeline ``scans / pipelines``
    (``< 0.1`` R, ``0.1–0.5`` Y inclusive, ``> 0.5`` G; NA when there are no pipelines);
    scanner types (``≤ 1`` R, ``2`` Y, ``≥ 3`` G). ``score = mean of the points of the non-NA
    measures`` [methodology §2.1]; colour by [methodology §1.4]; Ultimate only
    [methodology §1.1]. Sources: GitLab "Health Scoring – Calculations and Methodology"; dbt
    ``rpt_product_usage_health_score`` (``security_measure_count``,
    ``security_score_ultimate_only``).

    Examples
    --------
    >>> security_score(25, 100, 60, 100, 3, "Ultimate")
    87.5
    >>> security_score(25, 100, 60, 100, 3, "Premium") is None
    True
    """
    shape = shape_of(scanner_users, billable_users, scans, pipelines, scanner_types, tier)
    codes = _security_codes(shape, scanner_users, billable_users, scans, pipelines,
                            scanner_types, tier, config)
    return output(shape, use_case_score(codes, config))


def security_health(scanner_users, billable_users, scans, pipelines, scanner_types,
                    tier=None, *, config: Config = DEFAULT):
    """Security (DevSecOps) colour; NA unless the tier is Ultimate.

    Scans per pipeline is NA when there are no pipelines.

    Parameters
    ----------
    scanner_users : float or array_like
        Users running security scanners in the last 28 days.
    billable_users : float or array_like
        Billable users.
    scans : float or array_like
        Scans of the seven scanner types (secret detection, dependency, container, SAST, DAST,
        coverage fuzzing, API fuzzing) in the last 28 days.
    pipelines : float or array_like
        CI pipelines in the last 28 days.
    scanner_types : float or array_like
        Number of scanner types with at least one scan.
    tier : str or array_like, optional
        Subscription tier; when given, Security is NA unless it is in ``config.security_tiers``
        (Ultimate). A blank tier is not filtered.
    config : Config, optional
        ``security_tiers``, ``zero_denominator``, colour points and band limits.

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
    Three measures, each Red / Yellow / Green: scanner utilization ``scanner_users / billable``
    (``≤ 5 %`` R, ``< 20 %`` Y, ``≥ 20 %`` G); scans per pipeline ``scans / pipelines``
    (``< 0.1`` R, ``0.1–0.5`` Y inclusive, ``> 0.5`` G; NA when there are no pipelines);
    scanner types (``≤ 1`` R, ``2`` Y, ``≥ 3`` G). ``score = mean of the points of the non-NA
    measures`` [methodology §2.1]; colour by [methodology §1.4]; Ultimate only
    [methodology §1.1]. Sources: GitLab "Health Scoring – Calculations and Methodology"; dbt
    ``rpt_product_usage_health_score`` (``security_measure_count``,
    ``security_score_ultimate_only``).

    Examples
    --------
    >>> security_health(25, 100, 60, 100, 3, "Ultimate")
    'Green'
    >>> security_health(10, 100, 20, 100, 2, "Ultimate")
    'Yellow'
    >>> security_health(10, 100, 20, 100, 2, "Premium") is None
    True
    """
    shape = shape_of(scanner_users, billable_users, scans, pipelines, scanner_types, tier)
    codes = _security_codes(shape, scanner_users, billable_users, scans, pipelines,
                            scanner_types, tier, config)
    return colour_output(shape, codes_of_scores(use_case_score(codes, config), config))


def platform_adoption(scm, ci, cd, security, *, config: Config = DEFAULT):
    """Platform adoption score: number of Green use cases among SCM, CI, CD, Security (0–4).

    NA use cases count as not adopted; all four NA → NA (no usage data).

    Parameters
    ----------
    scm, ci, cd, security : str or array_like
        Use-case colours (a number 0–100 is banded); blank is NA.
    config : Config, optional
        Band limits for numeric input.

    Returns
    -------
    count : int or None, or array_like
        0–4; None (NA) when all four are NA.

    Raises
    ------
    InvalidInput
        A value is not a colour or a score 0–100, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``count = #{SCM, CI, CD, Security with colour Green}``, NA if all four are NA; 3 or more is
    successful platform adoption [methodology §2.4]. Sources: GitLab "Platform Adoption
    Scoring"; "Health Scoring – Calculations and Methodology"; dbt
    ``rpt_product_usage_health_score``.

    Examples
    --------
    >>> platform_adoption("Green", "Green", "Yellow", None)
    2
    >>> platform_adoption(None, None, None, None) is None
    True
    """
    shape = shape_of(scm, ci, cd, security)
    codes = [colour_codes(shape, x, config, n) for x, n in
             ((scm, "scm"), (ci, "ci"), (cd, "cd"), (security, "security"))]
    return output(shape, adoption_count(codes), "int", name="platform_adoption")


def adoption_count(codes_list) -> np.ndarray:
    """Number of Green codes per row; NaN where every code is NA."""
    stack = np.column_stack(codes_list)
    count = (stack == GREEN).sum(axis=1).astype(float)
    return np.where((stack == NA).all(axis=1), np.nan, count)


def product_score(license, engagement, scm, ci, cd, security, *, config: Config = DEFAULT):
    """Overall product score: weighted mean of the non-NA product measures.

    Weights LU 30, UE 10, SCM 15, CI 15, CD 15, Security 15 (renormalised over non-NA).
    Inputs are colours or scores 0–100.

    Parameters
    ----------
    license, engagement, scm, ci, cd, security : str, float or array_like
        License utilization, user engagement, SCM, CI, CD and Security, as colours or scores
        0–100; blank is NA.
    config : Config, optional
        Weights (``weights_profile`` and ``weight_license`` … ``weight_security``) and colour
        points.

    Returns
    -------
    score : float or None, or array_like
        Product score 0–100; None (NA) when all six are NA.

    Raises
    ------
    InvalidInput
        A value is not a colour or a score 0–100, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``product = Σ wᵢ·sᵢ / Σ wᵢ`` over the non-NA measures with w = (30, 10, 15, 15, 15, 15)
    [methodology §2.3, §1.3.1]. Source: GitLab dbt ``rpt_product_usage_health_score``
    (re-weighting ``w / Σ w(non-null)``); weights from GitLab Customer Health Scoring.

    Examples
    --------
    >>> product_score("R", "Y", "G", "G", "G", "Y")
    62.5
    >>> product_score(None, None, None, None, None, None) is None
    True
    """
    args = (license, engagement, scm, ci, cd, security)
    shape = shape_of(*args)
    m = np.column_stack([as_points(shape, a, config, n) for a, n in zip(args, PRODUCT_MEASURES)])
    w = config.product_weights()
    return output(shape, weighted_mean(m, [w[k] for k in PRODUCT_MEASURES]), name="product_score")
