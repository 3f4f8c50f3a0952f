"""The CD and Security use cases: each the mean of its measures' points, with CD's deployment
ratios and Security's Ultimate-only scope [methodology §2.1, §2.2]."""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT, Config
from ._vector import floats, output, shape_of, text_map, texts
from .colours import NA, codes_of_scores, colour_output
from .usecases import measure_codes, ratio, use_case_score

__all__ = ["cd_score", "cd_health", "security_eligible", "security_score", "security_health"]


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
