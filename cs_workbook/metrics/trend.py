"""Trend arrows, score-drop alerts and early-warning signals [methodology §1.6]."""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT, Config
from ._vector import output, shape_of
from .colours import GREEN, NA, RED, YELLOW, as_points, colour_codes

__all__ = ["trend", "trend_codes", "trend_index", "TRENDS", "drop_alert", "drop_codes",
           "SIGNALS", "signal_flags"]


TRENDS = ("Up", "Down", "Same")


def trend_index(prev: np.ndarray, cur: np.ndarray, eps: float) -> np.ndarray:
    """Index into ``TRENDS`` of each score's trend (-1 = NA), as :func:`trend_codes`."""
    out = np.where(cur - prev > eps, 0, np.where(prev - cur > eps, 1, 2)).astype(np.int8)
    out[np.isnan(prev) | np.isnan(cur)] = -1
    return out


def trend_codes(prev: np.ndarray, cur: np.ndarray, eps: float) -> np.ndarray:
    """``Up``/``Down``/``Same`` by more than ``eps`` (None = NA) as an object array."""
    return np.array([*TRENDS, None], dtype=object)[trend_index(prev, cur, eps)]


def trend(previous, current, *, config: Config = DEFAULT):
    """Trend arrow of a score or colour: ``Up``, ``Down`` or ``Same`` (dead-band ε, default 0).

    Parameters
    ----------
    previous, current : float, colour, or array_like
        Previous and current score 0–100 or colour (read as points); blank is NA.
    config : Config, optional
        ``trend_epsilon`` (0) and the colour points.

    Returns
    -------
    trend : str or None, or array_like
        ``"Up"``, ``"Down"``, ``"Same"``, or None when either value is NA.

    Raises
    ------
    InvalidInput
        A value is not a colour or a score 0–100, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``Up if current − previous > ε; Down if previous − current > ε; else Same``
    [methodology §1.6]. Source: Gainsight trend indicator (arrow up / down / same against the
    previous score); ε = 0 reproduces it exactly.

    Examples
    --------
    >>> trend(60, 70), trend("Green", "Yellow"), trend(70, 70)
    ('Up', 'Down', 'Same')
    >>> trend(None, 70) is None
    True
    """
    shape = shape_of(previous, current)
    p = as_points(shape, previous, config, "previous")
    c = as_points(shape, current, config, "current")
    return output(shape, trend_codes(p, c, config.trend_epsilon), "object", name="trend")


def drop_codes(prev: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """True on Green→Yellow, Green→Red, Yellow→Red; False otherwise (incl. NA)."""
    return ((prev == GREEN) & ((cur == YELLOW) | (cur == RED))) | ((prev == YELLOW) & (cur == RED))


def drop_alert(previous_colour, current_colour, *, config: Config = DEFAULT):
    """Score-drop alert (the UCA "Product Health Score Drop" CTA).

    TRUE on Green→Yellow, Green→Red or Yellow→Red; FALSE otherwise, including when either
    colour is NA (no alert fires without data).

    Parameters
    ----------
    previous_colour, current_colour : str or array_like
        Colours (a number 0–100 is banded); blank is NA.
    config : Config, optional
        Band limits for numeric input.

    Returns
    -------
    alert : bool or array_like
        True when the colour dropped.

    Raises
    ------
    InvalidInput
        A value is not a colour or a score 0–100, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``alert = (previous = Green and current ∈ {Yellow, Red}) or (previous = Yellow and current =
    Red)`` [methodology §1.6]. Source: GitLab "Health Scoring – Calculations and Methodology",
    Product Health Score Drop CTA.

    Examples
    --------
    >>> drop_alert("Green", "Yellow"), drop_alert("Yellow", "Red"), drop_alert("Red", "Green")
    (True, True, False)
    >>> drop_alert("Yellow", "Yellow"), drop_alert("Green", None)
    (False, False)
    """
    shape = shape_of(previous_colour, current_colour)
    p = colour_codes(shape, previous_colour, config, "previous_colour")
    c = colour_codes(shape, current_colour, config, "current_colour")
    return output(shape, drop_codes(p, c).astype(object), "bool", name="drop_alert")


#: early-warning signal names, in display order
SIGNALS = ("Seat expansion", "Seat reduction", "Downtier risk", "Churn risk")


def signal_flags(*, utilization, engagement, onboarding, declining_users, tier_eligible,
                 security, sentiment, days_since_touch, cfg: Config = DEFAULT) -> dict:
    """Early-warning signals as boolean arrays [methodology §1.6; CHS "Appetite and ability to
    expand"].

    * Seat expansion: utilization ≥ 90 % or user engagement (UMAU) > 80 %.
    * Seat reduction: utilization < 75 % (onboarding accounts excluded), or billable users
      falling month over month.
    * Downtier risk: an Ultimate account not using Ultimate features (Security not Green).
    * Churn risk: CSM sentiment Red, or the customer gone dark (no touch for
      ``gone_dark_days``).

    All inputs are aligned arrays (colours as codes, NaN for NA); NA never raises a signal.
    """
    u, e = utilization, engagement
    with np.errstate(invalid="ignore"):
        expansion = (u >= cfg.expansion_lu) | (e > cfg.expansion_engagement)
        reduction = ((u < cfg.reduction_lu) & ~onboarding) | declining_users
        downtier = tier_eligible & (security != GREEN) & (security != NA)
        churn = (sentiment == RED) | (days_since_touch > cfg.gone_dark_days)
    return dict(zip(SIGNALS, (expansion, reduction, downtier, churn)))
