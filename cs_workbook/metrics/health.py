"""PROVE health: NA-aware weighted scores, the overall score, colour override and drivers.

methodology §1.1 (weights), §1.3 (aggregation and the Red-sentiment override), §7.1 (Gainsight).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import DEFAULT, GROUPS, Config
from ..errors import InvalidInput
from ._vector import floats, is_scalar, output, shape_of
from .colours import RED, as_points, codes_of_scores, colour_codes, colour_output

__all__ = ["weighted_mean", "weighted_mean_columns", "weighted_score", "health_score",
           "health_colour", "health_drivers",
           "group_matrix"]

GROUP_LABELS = {"product": "Product", "risk": "Risk (CSM sentiment)",
                "outcomes": "Outcomes (success plan)", "voice": "Voice of the customer (support)",
                "engagement": "Engagement"}


def weighted_mean(scores: np.ndarray, weights) -> np.ndarray:
    """Row-wise Σ(w·s)/Σw over the non-NaN cells of a 2-D ``scores`` matrix.

    Weights are renormalised over the present scores of each row; a row with no present
    score (or only zero-weight ones) is NaN (NA).
    """
    scores = np.asarray(scores, dtype=float)
    return weighted_mean_columns([scores[:, j] for j in range(scores.shape[1])], weights,
                                 len(scores))


def weighted_mean_columns(columns, weights, n: int | None = None) -> np.ndarray:
    """:func:`weighted_mean` of the matrix whose columns are ``columns`` (1-D arrays of one
    length ``n``), without building the matrix.

    Each row's sums run over the columns left to right from 0, as numpy's row-wise ``sum``
    of the matrix does, so the result is the same to the last bit.
    """
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or not np.isfinite(w).all():
        raise InvalidInput("weights must be finite and not negative")
    n = len(columns[0]) if n is None else n
    w = np.broadcast_to(w, (len(columns),))  # one weight for all, as the matrix would take it
    present = [~np.isnan(c) for c in columns]
    # Weights may have any scale (Gainsight allows 0–999,999): dividing by each row's largest
    # present weight keeps Σw·s finite for huge weights and exact for tiny ones.
    wp = [np.where(p, wj, 0.0) for p, wj in zip(present, w)]
    top = np.zeros(n)
    for x in wp:
        np.maximum(top, x, out=top)
    top[top <= 0] = 1.0
    wsum, total = np.zeros(n), np.zeros(n)
    for c, p, x in zip(columns, present, wp):
        np.divide(x, top, out=x)
        wsum += x
        part = np.where(p, c, 0.0)
        part *= x
        total += part
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, total / np.where(wsum > 0, wsum, 1), np.nan)


def weighted_score(scores, weights):
    """Weighted mean of the non-NA scores, weights renormalised (Gainsight's rule).

    Parameters
    ----------
    scores : sequence of float or colour
        Measure scores 0–100 or colours; blanks are NA and drop out with their weight.
    weights : float or sequence of float
        Non-negative weights, any scale (auto-normalised), same length as ``scores``; a single
        weight applies to every score.

    Returns
    -------
    score : float or None
        The weighted mean; None when every score is NA (or only zero-weight scores are present).

    Raises
    ------
    InvalidInput
        Lengths differ, a weight is blank, negative or not a number, a score is not a colour or
        lies outside 0–100, or a range is ragged (``#VALUE!``).

    Notes
    -----
    ``score = Σ wᵢ·sᵢ / Σ wᵢ`` over the scores that are not NA [methodology §1.3.1], so an NA
    score's weight is shared in proportion among the others; a weight of 0 contributes nothing;
    all NA gives NA, never 0 [methodology §1.3.4]. Colours count as their points
    [methodology §1.2].

    Source: Gainsight "Calculation of Measure Group Scores and Overall Score" (weights 20, 15, 22
    and scores 47, 59, 21 give 40.12, displayed 40).

    Examples
    --------
    >>> round(weighted_score([47, 59, 21], [20, 15, 22]), 4)
    40.1228
    >>> weighted_score(["Yellow", "Green", "Yellow"], [1, 1, 1])
    70.83333333333333
    >>> weighted_score([None, 80], [3, 1])
    80.0
    >>> weighted_score([None, None], [1, 1]) is None
    True
    """
    s_list = [scores] if is_scalar(scores) else list(_flat(scores))
    w_list = [weights] if is_scalar(weights) else list(_flat(weights))
    if len(w_list) == 1 and len(s_list) > 1:
        w_list = w_list * len(s_list)
    if len(s_list) != len(w_list):
        raise InvalidInput(f"scores and weights have different lengths ({len(s_list)} and {len(w_list)})")
    shape = shape_of(s_list)
    pts = as_points(shape, s_list, name="scores")
    w = floats(shape, w_list, "weights", minimum=0)
    if np.isnan(w).any():
        raise InvalidInput("weights: blank weights are not allowed")
    value = weighted_mean(pts.reshape(1, -1), w)[0]
    return None if np.isnan(value) else float(value)


def _flat(values) -> np.ndarray:
    try:
        return np.asarray(values, dtype=object).reshape(-1)
    except ValueError:
        raise InvalidInput("a range must be rectangular") from None


def _weights(weights, cfg: Config) -> np.ndarray:
    if weights is None:
        gw = cfg.group_weights()
        return np.array([gw[g] for g in GROUPS], dtype=float)
    if isinstance(weights, dict):
        unknown = [k for k in weights if str(k).lower() not in GROUPS]
        if unknown:
            raise InvalidInput(f"weights: {unknown[0]!r} is not a PROVE group")
        weights = [(cfg.group_weights() | {str(k).lower(): v for k, v in weights.items()})[g]
                   for g in GROUPS]
    if is_scalar(weights):
        raise InvalidInput("weights: expected 5 group weights (P, R, O, V, E)")
    try:
        w = np.asarray(list(weights), dtype=object).reshape(-1)
    except (TypeError, ValueError):
        raise InvalidInput("weights: expected 5 group weights (P, R, O, V, E)") from None
    if len(w) != len(GROUPS):
        raise InvalidInput(f"weights: expected {len(GROUPS)} group weights (P, R, O, V, E), got {len(w)}")
    try:
        arr = np.array([np.nan if v is None or v == "" else v for v in w], dtype=float)
    except (TypeError, ValueError):
        raise InvalidInput("weights: group weights must be numbers ≥ 0") from None
    if np.isnan(arr).any() or (arr < 0).any() or not np.isfinite(arr).all():
        raise InvalidInput("weights: group weights must be numbers ≥ 0")
    if arr.sum() <= 0:
        raise InvalidInput("weights: group weights must not all be 0")
    return arr


def group_matrix(product, risk, outcomes, voice, engagement, cfg: Config = DEFAULT):
    """(shape, n×5 points matrix) from five group inputs (numbers 0–100 or colours)."""
    args = (product, risk, outcomes, voice, engagement)
    shape = shape_of(*args)
    cols = [as_points(shape, a, cfg, name) for a, name in zip(args, GROUPS)]
    return shape, np.column_stack(cols)


def health_score(product, risk, outcomes, voice, engagement, weights=None, *,
                 config: Config = DEFAULT):
    """PROVE overall score 0–100: weighted mean of the non-NA group scores.

    Parameters
    ----------
    product, risk, outcomes, voice, engagement : float, colour, or array_like
        Group scores 0–100 or colours (points per ``config.colour_points``); blank = NA.
    weights : sequence of 5 floats or dict, optional
        Group weights (P, R, O, V, E), any non-negative scale; a dict overrides some groups by
        name. Default from the configuration (50/25/10/5/10).
    config : Config, optional
        Supplies the default weights and the colour points.

    Returns
    -------
    score : float or None, or array_like
        Unrounded score (display rounds); None when every group is NA.

    Raises
    ------
    InvalidInput
        A group value is not a colour or a score 0–100; weights are not five non-negative
        numbers, name an unknown group or are all 0; ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``overall = Σ W_g·G_g / Σ W_g`` over the groups g that are not NA [methodology §1.3.2]: a
    missing group's weight is redistributed in proportion (GitLab Customer Health Scoring,
    Example 1); all NA gives NA [methodology §1.3.4]. Default weights are GitLab's current
    PROVE table [methodology §1.1]. The Red-sentiment override changes only the colour
    (:func:`health_colour`), not this score [methodology §1.3.5].

    Examples
    --------
    >>> health_score(70, "Green", "Yellow", "Green", 75)
    75.0
    >>> health_score(None, None, None, None, None) is None
    True
    """
    shape, m = group_matrix(product, risk, outcomes, voice, engagement, config)
    return output(shape, weighted_mean(m, _weights(weights, config)), name="health_score")


def health_colour(product, risk, outcomes, voice, engagement, weights=None, *,
                  config: Config = DEFAULT):
    """PROVE colour: colour of :func:`health_score`, Red whenever CSM sentiment is Red.

    Parameters
    ----------
    product, risk, outcomes, voice, engagement : float, colour, or array_like
        Group scores 0–100 or colours; blank = NA. ``risk`` is the CSM sentiment.
    weights : sequence of 5 floats or dict, optional
        Group weights (P, R, O, V, E); default from the configuration.
    config : Config, optional
        Weights, colour points, band limits and ``sentiment_override`` (default True).

    Returns
    -------
    colour : str or None, or array_like
        ``"Red"``, ``"Yellow"``, ``"Green"``, or None when every group is NA.

    Raises
    ------
    InvalidInput
        As :func:`health_score` (``#VALUE!``).

    Notes
    -----
    ``colour = band(health_score)`` with the bands of [methodology §1.4]; if
    ``sentiment_override`` and ``risk`` is Red, the colour is Red whatever the score
    [methodology §1.3.5] (GitLab Customer Health Scoring: CSM-sentiment override).

    Examples
    --------
    >>> health_colour(70, "Green", "Yellow", "Green", 75)
    'Yellow'
    >>> health_colour(95, "Red", "Green", "Green", 90)
    'Red'
    """
    shape, m = group_matrix(product, risk, outcomes, voice, engagement, config)
    codes = codes_of_scores(weighted_mean(m, _weights(weights, config)), config)
    if config.sentiment_override:
        risk_codes = colour_codes(shape, risk, config, "risk")
        codes = np.where(risk_codes == RED, RED, codes).astype(np.int8)
    return colour_output(shape, codes, name="health_colour")


def health_drivers(product, risk, outcomes, voice, engagement, weights=None, *,
                   config: Config = DEFAULT) -> pd.DataFrame:
    """Why the score is what it is: one row per PROVE group.

    Parameters
    ----------
    product, risk, outcomes, voice, engagement : float or colour
        One account's group scores 0–100 or colours; blank = NA.
    weights : sequence of 5 floats or dict, optional
        Group weights (P, R, O, V, E); default from the configuration.
    config : Config, optional
        Weights and colour points.

    Returns
    -------
    drivers : pandas.DataFrame
        Columns ``component``, ``input``, ``points``, ``weight`` (configured share),
        ``effective weight`` (renormalised fraction, 0 for NA) and ``contribution`` (points ×
        effective weight; NaN for NA). The contributions sum to the overall score.

    Raises
    ------
    InvalidInput
        An argument is a range rather than a single value, or as :func:`health_score`
        (``#VALUE!``).

    Notes
    -----
    ``effective weight_g = W_g / Σ W_h`` over the non-NA groups h, and ``contribution_g =
    points_g × effective weight_g``, so ``Σ contribution_g`` is the overall score of
    [methodology §1.3.2]; the drivers table is described in [methodology §1.3.6].

    Examples
    --------
    >>> d = health_drivers(70, "Green", "Yellow", "Green", None)
    >>> list(d["component"])[:2], float(round(d["contribution"].sum(), 4))
    (['Product', 'Risk (CSM sentiment)'], 75.0)
    >>> float(d["effective weight"].iloc[0].round(4))  # 50 of the 90 present weight
    0.5556
    """
    args = (product, risk, outcomes, voice, engagement)
    if not all(is_scalar(a) for a in args):
        raise InvalidInput("health drivers explain one account: pass single values")
    _, m = group_matrix(*args, config)
    w = _weights(weights, config)
    pts = m[0]
    present = ~np.isnan(pts)
    wsum = (w * present).sum()
    eff = np.where(present & (wsum > 0), w / (wsum if wsum > 0 else 1), 0.0)
    return pd.DataFrame({
        "component": [GROUP_LABELS[g] for g in GROUPS],
        "input": [None if a is None or (isinstance(a, float) and a != a) else a for a in args],
        "points": pts,
        "weight": w / w.sum(),
        "effective weight": eff,
        "contribution": np.where(present, pts * eff, np.nan),
    })
