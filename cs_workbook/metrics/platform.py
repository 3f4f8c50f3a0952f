"""Platform adoption (the number of Green use cases) and the overall product score
[methodology §2.3, §2.4]."""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT, PRODUCT_MEASURES, Config
from ._vector import output, shape_of
from .colours import GREEN, NA, as_points, colour_codes
from .health import weighted_mean

__all__ = ["platform_adoption", "adoption_count", "product_score"]


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
