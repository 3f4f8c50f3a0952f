"""PROVE health: NA-aware weighted scores, the overall score, colour override and drivers.

DOMAIN §1.1 (weights), §1.3 (aggregation and the Red-sentiment override), §7.1 (Gainsight).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import DEFAULT, GROUPS, Config
from ..errors import InvalidInput
from ._vector import floats, is_scalar, output, shape_of
from .colours import RED, as_points, codes_of_scores, colour_codes, colour_output

__all__ = ["weighted_mean", "weighted_score", "health_score", "health_colour", "health_drivers",
           "group_matrix"]

GROUP_LABELS = {"product": "Product", "risk": "Risk (CSM sentiment)",
                "outcomes": "Outcomes (success plan)", "voice": "Voice of the customer (support)",
                "engagement": "Engagement"}


def weighted_mean(scores: np.ndarray, weights) -> np.ndarray:
    """Row-wise Σ(w·s)/Σw over the non-NaN cells of a 2-D ``scores`` matrix.

    Weights are renormalised over the present scores of each row; a row with no present
    score (or only zero-weight ones) is NaN (NA).
    """
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or not np.isfinite(w).all():
        raise InvalidInput("weights must be finite and not negative")
    present = ~np.isnan(scores)
    # Weights may have any scale (Gainsight allows 0–999,999): dividing by each row's largest
    # present weight keeps Σw·s finite for huge weights and exact for tiny ones.
    wp = present * w
    top = wp.max(axis=1, initial=0.0)
    wp = wp / np.where(top > 0, top, 1.0)[:, None]
    wsum = wp.sum(axis=1)
    total = (np.where(present, scores, 0.0) * wp).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, total / np.where(wsum > 0, wsum, 1), np.nan)


def weighted_score(scores, weights):
    """Weighted mean of the non-NA scores, weights renormalised [DOMAIN §1.3; GS-CALC].

    Parameters
    ----------
    scores : sequence of float or colour
        Measure scores 0–100 or colours; blanks are NA and drop out with their weight.
    weights : sequence of float
        Non-negative weights, any scale (auto-normalised), same length as ``scores``.

    Returns
    -------
    float, or None when every score is NA.

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
    """PROVE overall score 0–100: weighted mean of the non-NA group scores [DOMAIN §1.3].

    Parameters
    ----------
    product, risk, outcomes, voice, engagement : float, colour, or array-like
        Group scores 0–100 or colours (points per ``config.colour_points``); blank = NA.
    weights : sequence of 5 floats or dict, optional
        Group weights (P, R, O, V, E); default from the configuration (50/25/10/5/10).

    Returns
    -------
    float or None (all NA); arrays for array inputs. Unrounded (display rounds).

    Notes
    -----
    ``Σ(W_g·G_g)/Σ W_g`` over non-NA groups: missing groups' weight is redistributed in
    proportion (CHS Example 1). The Red-sentiment override affects only the colour.

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

    Columns: component, input, points, effective weight (renormalised fraction, 0 for NA),
    contribution (points × effective weight; the contributions sum to the score).

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
