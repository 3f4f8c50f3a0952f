"""Manually- and activity-scored PROVE measures [methodology §1.2, §1.5].

Meeting cadence, support issues, emergency tickets, success plan (ROI), persona engagement
and CSM-sentiment staleness.
"""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT, Config
from ..errors import InvalidInput
from ._vector import dates, floats, output, shape_of, texts
from .colours import GREEN, NA, RED, YELLOW, colour_codes, colour_names, colour_output
from .dates import day_diff

__all__ = [
    "meeting_cadence_codes", "meeting_cadence_health", "support_codes", "support_health",
    "emergency_health", "emergency_codes", "success_plan_codes", "success_plan_health", "persona_codes",
    "persona_health", "sentiment_codes", "sentiment_status",
]


def meeting_cadence_codes(days: np.ndarray, priority: np.ndarray, cfg: Config) -> np.ndarray:
    out = np.full(len(days), NA, dtype=np.int8)
    for p, g, y in ((1, cfg.cadence_p1_green_days, cfg.cadence_p1_yellow_days),
                    (2, cfg.cadence_p2_green_days, cfg.cadence_p2_yellow_days)):
        sel = (priority == p) & ~np.isnan(days)
        out[sel] = np.where(days[sel] <= g, GREEN, np.where(days[sel] <= y, YELLOW, RED))
    return out


def meeting_cadence_health(days_since_last_meeting, csm_priority, *, config: Config = DEFAULT):
    """Colour of meeting cadence by CSM priority.

    Parameters
    ----------
    days_since_last_meeting : float or array_like
        Days since the last call or meeting; blank = no meeting recorded (NA).
    csm_priority : int or array_like
        CSM prioritization of the account (1 or 2; anything else is NA).
    config : Config, optional
        ``cadence_p1_green_days`` (35), ``cadence_p1_yellow_days`` (60),
        ``cadence_p2_green_days`` (65), ``cadence_p2_yellow_days`` (90).

    Returns
    -------
    colour : str or None, or array_like
        ``"Green"``, ``"Yellow"``, ``"Red"`` or None (NA).

    Raises
    ------
    InvalidInput
        Days are negative or not numbers, the priority is not a number, or ranges differ in
        length (``#VALUE!``).

    Notes
    -----
    Priority 1: ``days ≤ 35`` Green, ``35 < days ≤ 60`` Yellow, ``days > 60`` Red. Priority 2:
    ``days ≤ 65`` Green, ``65 < days ≤ 90`` Yellow, ``days > 90`` Red. Other priorities → NA
    (our choice) [methodology §1.2]. Source: GitLab Customer Health Scoring (Engagement).

    Examples
    --------
    >>> [meeting_cadence_health(d, 1) for d in (35, 36, 61)]
    ['Green', 'Yellow', 'Red']
    >>> [meeting_cadence_health(d, 2) for d in (65, 90, 91)]
    ['Green', 'Yellow', 'Red']
    >>> meeting_cadence_health(10, 3) is None
    True
    """
    shape = shape_of(days_since_last_meeting, csm_priority)
    d = floats(shape, days_since_last_meeting, "days_since_last_meeting", minimum=0)
    p = floats(shape, csm_priority, "csm_priority")
    return colour_output(shape, meeting_cadence_codes(d, p, config))


def support_codes(tickets: np.ndarray, cfg: Config) -> np.ndarray:
    out = np.where(tickets <= cfg.support_green_max, GREEN,
                   np.where(tickets <= cfg.support_yellow_max, YELLOW, RED))
    zero = YELLOW if cfg.support_zero_tickets == "yellow" else NA
    out = np.where(tickets == 0, zero, out)
    return np.where(np.isnan(tickets), NA, out).astype(np.int8)


def support_health(tickets_per_month, *, config: Config = DEFAULT):
    """Colour of support-ticket volume: 1–5 Green, 6–15 Yellow, >15 Red, 0 Yellow (default).

    Parameters
    ----------
    tickets_per_month : float or array_like
        Support tickets in the month; blank is NA.
    config : Config, optional
        ``support_green_max`` (5), ``support_yellow_max`` (15), ``support_zero_tickets``
        (``yellow`` or ``na``).

    Returns
    -------
    colour : str or None, or array_like
        ``"Green"``, ``"Yellow"``, ``"Red"`` or None (NA).

    Raises
    ------
    InvalidInput
        A count is negative or not a number (``#VALUE!``).

    Notes
    -----
    ``0 < t ≤ 5`` Green, ``5 < t ≤ 15`` Yellow, ``t > 15`` Red; ``t = 0`` Yellow by default
    [methodology §1.2]. GitLab's Customer Health Scoring page writes the Yellow band as "5–15",
    the health-score-triage page as "6–15" with Red "16+"; zero tickets is Yellow there ("not
    leveraging technical support services"), or NA with ``support_zero_tickets = "na"``.

    Examples
    --------
    >>> [support_health(t) for t in (5, 6, 15, 16, 0)]
    ['Green', 'Yellow', 'Yellow', 'Red', 'Yellow']
    """
    shape = shape_of(tickets_per_month)
    t = floats(shape, tickets_per_month, "tickets_per_month", minimum=0)
    return colour_output(shape, support_codes(t, config))


def emergency_health(emergency_open, emergency_closed_last_7_days):
    """Emergency tickets: Red if any open, Yellow if any closed in the last 7 days, else Green.

    Parameters
    ----------
    emergency_open : float or array_like
        Open emergency (Priority: Urgent) tickets.
    emergency_closed_last_7_days : float or array_like
        Emergency tickets closed in the last 7 days.

    Returns
    -------
    colour : str or None, or array_like
        ``"Red"``, ``"Yellow"``, ``"Green"``, or None when both counts are blank.

    Raises
    ------
    InvalidInput
        A count is negative or not a number, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``open ≥ 1`` Red; else ``closed ≥ 1`` Yellow; else Green (our choice: the source names only
    Red and Yellow); a blank count beside a known one reads as 0 [methodology §1.2]. Displayed
    only: the measure's weight is 0 %. Source: GitLab Customer Health Scoring.

    Examples
    --------
    >>> emergency_health(1, 0), emergency_health(0, 2), emergency_health(0, 0)
    ('Red', 'Yellow', 'Green')
    """
    shape = shape_of(emergency_open, emergency_closed_last_7_days)
    o = floats(shape, emergency_open, "emergency_open", minimum=0)
    c = floats(shape, emergency_closed_last_7_days, "emergency_closed", minimum=0)
    return colour_output(shape, emergency_codes(o, c))


def emergency_codes(open_: np.ndarray, closed: np.ndarray) -> np.ndarray:
    out = np.where(open_ >= 1, RED, np.where(closed >= 1, YELLOW, GREEN))
    return np.where(np.isnan(open_) & np.isnan(closed), NA, out).astype(np.int8)


_PLAN_STATUS = {"active": 2, "draft": 1, "none": 0, "no plan": 0, "": 0}


def success_plan_codes(status: np.ndarray, objectives: np.ndarray, strategy: np.ndarray) -> np.ndarray:
    """status codes 0 none, 1 draft, 2 active; objectives count; strategy 0/1 (NaN = no)."""
    has_obj = np.nan_to_num(objectives) >= 1
    green = (status == 2) & has_obj & (strategy == 1)
    yellow = (status == 1) | ((status == 2) & has_obj & (strategy != 1))
    return np.where(green, GREEN, np.where(yellow, YELLOW, RED)).astype(np.int8)


def _status_codes(shape, status) -> np.ndarray:
    raw = texts(shape, status)
    out = np.empty(len(raw))
    for i, v in enumerate(raw):
        key = (v or "").lower()
        if key not in _PLAN_STATUS:
            raise InvalidInput(f"plan_status: {v!r} is not Active, Draft or None")
        out[i] = _PLAN_STATUS[key]
    return out


def success_plan_health(plan_status, objectives, has_strategy):
    """ROI (success plan) colour, using the CHS-2022 wording.

    Parameters
    ----------
    plan_status : str or array_like
        ``Active``, ``Draft``, ``None``/``No plan`` or blank (no plan), any case.
    objectives : float or array_like
        Number of objectives in the plan; blank counts as 0.
    has_strategy : bool or array_like
        Whether the plan has Strategy/Highlights; blank counts as no.

    Returns
    -------
    colour : str or array_like
        ``"Green"``, ``"Yellow"`` or ``"Red"`` (never NA: no plan is Red).

    Raises
    ------
    InvalidInput
        An unknown plan status, a negative or non-numeric objective count, a non-boolean
        strategy flag, or ranges of different lengths (``#VALUE!``).

    Notes
    -----
    Green: ``status = Active`` and ``objectives ≥ 1`` and strategy. Yellow: ``status = Draft``,
    or ``status = Active`` and ``objectives ≥ 1`` and no strategy. Red: otherwise (no plan, or
    no objectives) [methodology §1.2]. Source: GitLab Customer Health Scoring (2022 revision;
    the current page's Green row repeats the Yellow wording).

    Examples
    --------
    >>> success_plan_health("Active", 2, True), success_plan_health("Active", 2, False)
    ('Green', 'Yellow')
    >>> success_plan_health("Draft", 0, False), success_plan_health("Active", 0, True)
    ('Yellow', 'Red')
    >>> success_plan_health(None, None, None)
    'Red'
    """
    shape = shape_of(plan_status, objectives, has_strategy)
    s = _status_codes(shape, plan_status)
    o = floats(shape, objectives, "objectives", minimum=0)
    st = floats(shape, has_strategy, "has_strategy")
    return colour_output(shape, success_plan_codes(s, o, st))


def persona_codes(dev: np.ndarray, sec: np.ndarray) -> np.ndarray:
    n = (np.nan_to_num(dev) == 1).astype(int) + (np.nan_to_num(sec) == 1).astype(int)
    out = np.where(n == 2, GREEN, np.where(n == 1, YELLOW, RED))
    return np.where(np.isnan(dev) & np.isnan(sec), NA, out).astype(np.int8)


def persona_health(dev_lead_engaged, security_lead_engaged):
    """Persona engagement: Green both Dev and Security Lead attended, Yellow one, Red neither.

    Parameters
    ----------
    dev_lead_engaged, security_lead_engaged : bool or array_like
        Whether the Dev Lead / Security Lead attended a meeting in the past 3 months; blank is
        unknown.

    Returns
    -------
    colour : str or None, or array_like
        ``"Green"``, ``"Yellow"``, ``"Red"``, or None when both are unknown.

    Raises
    ------
    InvalidInput
        A flag is not TRUE/FALSE (or 1/0), or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``n = [dev attended] + [security attended]``: ``n = 2`` Green, ``n = 1`` Yellow, ``n = 0``
    Red; one unknown flag counts as "not attended", both unknown is NA [methodology §1.2].
    Source: GitLab Customer Health Scoring (Engagement).

    Examples
    --------
    >>> persona_health(True, True), persona_health(True, False), persona_health(False, False)
    ('Green', 'Yellow', 'Red')
    """
    shape = shape_of(dev_lead_engaged, security_lead_engaged)
    d = floats(shape, dev_lead_engaged, "dev_lead_engaged")
    s = floats(shape, security_lead_engaged, "security_lead_engaged")
    return colour_output(shape, persona_codes(d, s))


def sentiment_codes(sentiment: np.ndarray, age_days: np.ndarray, cfg: Config):
    """(effective colour codes, stale flags): NA after ``sentiment_na_days``."""
    na = age_days > cfg.sentiment_na_days
    stale = (age_days > cfg.sentiment_stale_days) & ~na
    return np.where(na, NA, sentiment).astype(np.int8), stale & (sentiment != NA)


def sentiment_status(sentiment, updated_on, as_of=None, *, config: Config = DEFAULT):
    """CSM sentiment with staleness: the colour; ``Stale`` after 90 days; NA after 120.

    An unknown update date leaves the sentiment as entered.

    Parameters
    ----------
    sentiment : str or array_like
        The CSM's colour (Green, Yellow, Red; a number 0–100 is banded); blank is NA.
    updated_on : date, str or array_like
        Date the sentiment was last updated.
    as_of : date or str, optional
        Date to judge staleness on; default today.
    config : Config, optional
        ``sentiment_stale_days`` (90) and ``sentiment_na_days`` (120).

    Returns
    -------
    status : str or None, or array_like
        The colour, ``"Stale"``, or None (NA).

    Raises
    ------
    InvalidInput
        The sentiment is not a colour, a date is invalid, or ranges differ in length
        (``#VALUE!``).

    Notes
    -----
    ``age = as_of − updated_on`` in days: ``age > 120`` → NA; ``90 < age ≤ 120`` → ``Stale``;
    otherwise the colour [methodology §1.5]. Source: GitLab Customer Health Scoring (CSM
    sentiment is flagged stale after 90 days without update and set to NULL after 120).

    Examples
    --------
    >>> sentiment_status("G", "2024-01-01", "2024-03-31")
    'Green'
    >>> sentiment_status("Yellow", "2024-01-01", "2024-04-01")
    'Stale'
    >>> sentiment_status("Red", "2024-01-01", "2024-05-01") is None
    True
    """
    import datetime as _dt

    shape = shape_of(sentiment, updated_on, as_of)
    s = colour_codes(shape, sentiment, config, "sentiment")
    age = day_diff(dates(shape, updated_on, "updated_on"),
                   dates(shape, _dt.date.today() if as_of is None else as_of, "as_of"))
    codes, stale = sentiment_codes(s, age, config)
    names = colour_names(codes)
    return output(shape, np.where(stale, "Stale", names).astype(object), "object")
