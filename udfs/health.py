"""PROVE health Excel functions [methodology §1]: colours and points, weighted and overall scores,
the drivers table, the manually scored measures, trend and drop alerts."""

from __future__ import annotations

from .. import metrics as m
from . import coerce as co
from ._xl import arg, func
from .config_arg import CONFIG_DOC, configured
from . import errors as _errors
from .errors import NA, boundary
from .rows import check_whole, elementwise, na_left_out, single, table, whole

__all__ = ["CS_COLOUR", "CS_POINTS", "CS_WEIGHTED_SCORE", "CS_HEALTH_SCORE", "CS_HEALTH_COLOUR",
           "CS_HEALTH_DRIVERS", "CS_MEETING_CADENCE_HEALTH", "CS_SUPPORT_HEALTH",
           "CS_SUCCESS_PLAN_HEALTH", "CS_PERSONA_HEALTH", "CS_SENTIMENT_STATUS", "CS_TREND",
           "CS_DROP_ALERT"]

_GROUPS = ("product", "risk", "outcomes", "voice", "engagement")
_GROUP_DOCS = {
    "product": "Product score 0–100 or colour (see CS_PRODUCT_SCORE); blank or #N/A is NA",
    "risk": "CSM sentiment colour (Red overrides the health colour)",
    "outcomes": "Outcomes (success plan) colour or score",
    "voice": "Voice of the customer (support) colour or score",
    "engagement": "Engagement colour or score",
}
_WEIGHTS_DOC = "Five group weights P, R, O, V, E; default 50, 25, 10, 5, 10"


def _weights(weights):
    if weights is None:
        return None
    w = co.number_list(weights, "weights", 0)
    if all(v is None for v in w):  # an empty cell or range: the configured weights
        return None
    if len(w) != len(_GROUPS) or any(v is None for v in w):
        raise _errors.UserError(f"weights: give {len(_GROUPS)} numbers (P, R, O, V, E), got "
                        f"{sum(v is not None for v in w)}")
    return w


@func
@arg("score", doc="Score 0–100 (a number or a column)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_COLOUR(score, config=None):
    """Colour of a 0–100 score: ≤50 Red, ≤75 Yellow, above 75 Green (thresholds from the
    configuration). Example: =CS_COLOUR(70.8) returns Yellow."""
    cfg = configured(config)
    return elementwise(lambda s: m.colour(s, config=cfg), [co.numbers(score, "score", 0)], "text")


@func
@arg("colour", doc="Green, Yellow or Red (any case, or G/Y/R)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_POINTS(colour, config=None):
    """Numeric points of a colour: Green 87.5, Yellow 62.5, Red 25 (88/63/25 with the dbt
    setting). Example: =CS_POINTS("Yellow") returns 62.5."""
    cfg = configured(config)
    return elementwise(lambda c: m.points(c, config=cfg), [co.colours(colour, "colour", cfg)])


@func
@arg("scores", doc="Scores 0–100 or colours; blank and #N/A ones are left out with their weight")
@arg("weights", doc="Weights, same size as scores (any scale, renormalised)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_WEIGHTED_SCORE(scores, weights, config=None):
    """Weighted mean of the scores that are not blank or #N/A, weights renormalised over them
    (Gainsight rule); #N/A if there are none. Example: =CS_WEIGHTED_SCORE({47,59,21},
    {20,15,22}) returns 40.12."""
    cfg = configured(config)
    s = na_left_out(co.scores(scores, "scores", cfg))
    w = co.numbers(weights, "weights", 0)
    check_whole(s, w)
    if len(w.values) != len(s.values) and len(w.values) != 1:
        raise _errors.UserError(f"weights: {len(w.values)} weights for {len(s.values)} scores")
    value = m.weighted_score(list(s.values), list(w.values))
    return single(NA if value is None else value)


def _groups(args, cfg, risk_as_colour=False):
    cols = [co.scores(x, n, cfg) for x, n in zip(args, _GROUPS)]
    if risk_as_colour:
        cols[1] = co.colours(args[1], "risk", cfg)
    return [na_left_out(c) for c in cols]


@func
@arg("product", doc=_GROUP_DOCS["product"])
@arg("risk", doc=_GROUP_DOCS["risk"])
@arg("outcomes", doc=_GROUP_DOCS["outcomes"])
@arg("voice", doc=_GROUP_DOCS["voice"])
@arg("engagement", doc=_GROUP_DOCS["engagement"])
@arg("weights", doc=_WEIGHTS_DOC)
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_HEALTH_SCORE(product, risk, outcomes, voice, engagement, weights=None, config=None):
    """PROVE health score 0–100: weighted mean of the groups that are not blank or #N/A
    (weights 50/25/10/5/10 redistributed over them); #N/A if none. Example:
    =CS_HEALTH_SCORE(70, "Green", "Yellow", "Green", 75) returns 75."""
    cfg = configured(config)
    w, err = whole(lambda: _weights(weights))
    cols = _groups((product, risk, outcomes, voice, engagement), cfg)
    return elementwise(lambda *a: m.health_score(*a, w, config=cfg), cols, whole=err)


@func
@arg("product", doc=_GROUP_DOCS["product"])
@arg("risk", doc=_GROUP_DOCS["risk"])
@arg("outcomes", doc=_GROUP_DOCS["outcomes"])
@arg("voice", doc=_GROUP_DOCS["voice"])
@arg("engagement", doc=_GROUP_DOCS["engagement"])
@arg("weights", doc=_WEIGHTS_DOC)
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_HEALTH_COLOUR(product, risk, outcomes, voice, engagement, weights=None, config=None):
    """PROVE health colour: colour of CS_HEALTH_SCORE, but Red whenever CSM sentiment (risk)
    is Red. Example: =CS_HEALTH_COLOUR(95, "Red", "Green", "Green", 90) returns Red."""
    cfg = configured(config)
    w, err = whole(lambda: _weights(weights))
    cols = _groups((product, risk, outcomes, voice, engagement), cfg, risk_as_colour=True)
    return elementwise(lambda *a: m.health_colour(*a, w, config=cfg), cols, "text", whole=err)


@func
@arg("product", doc=_GROUP_DOCS["product"])
@arg("risk", doc=_GROUP_DOCS["risk"])
@arg("outcomes", doc=_GROUP_DOCS["outcomes"])
@arg("voice", doc=_GROUP_DOCS["voice"])
@arg("engagement", doc=_GROUP_DOCS["engagement"])
@arg("weights", doc=_WEIGHTS_DOC)
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_HEALTH_DRIVERS(product, risk, outcomes, voice, engagement, weights=None, config=None):
    """Why the health score is what it is: a spilled table of component, input, points,
    effective weight and contribution (contributions add up to the score). Example:
    =CS_HEALTH_DRIVERS(70, "Green", "Yellow", "Green", 75)."""
    cfg = configured(config)
    w = _weights(weights)
    cols = [na_left_out(co.colours(x, n, cfg))
            for x, n in zip((product, risk, outcomes, voice, engagement), _GROUPS)]
    if any(c.shape is not None for c in cols):
        raise _errors.UserError(
            "CS_HEALTH_DRIVERS explains one account: pass single cells, not ranges")
    check_whole(*cols)
    d = m.health_drivers(*[c.values[0] for c in cols], w, config=cfg)
    rows = [[r["component"], "" if r["input"] is None else r["input"], r["points"],
             r["effective weight"], r["contribution"]] for r in d.to_dict("records")]
    return table(["Component", "Input", "Points", "Effective weight", "Contribution"], rows)


@func
@arg("days_since_last_meeting", doc="Days since the last call or meeting")
@arg("csm_priority", doc="CSM priority of the account: 1 or 2 (others give #N/A)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_MEETING_CADENCE_HEALTH(days_since_last_meeting, csm_priority, config=None):
    """Meeting cadence colour: priority 1 Green ≤35 days, Yellow ≤60, else Red; priority 2
    Green ≤65, Yellow ≤90; other priorities #N/A. Example: =CS_MEETING_CADENCE_HEALTH(36, 1)
    returns Yellow."""
    cfg = configured(config)
    cols = [co.numbers(days_since_last_meeting, "days_since_last_meeting", 0),
            co.numbers(csm_priority, "csm_priority")]
    return elementwise(lambda d, p: m.meeting_cadence_health(d, p, config=cfg), cols, "text")


@func
@arg("tickets_per_month", doc="Support tickets opened per month")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_SUPPORT_HEALTH(tickets_per_month, config=None):
    """Support colour from tickets per month: 1–5 Green, 6–15 Yellow, above 15 Red, 0 Yellow
    (not using support). Example: =CS_SUPPORT_HEALTH(6) returns Yellow."""
    cfg = configured(config)
    return elementwise(lambda t: m.support_health(t, config=cfg),
                       [co.numbers(tickets_per_month, "tickets_per_month", 0)], "text")


@func
@arg("plan_status", doc="Success plan status: Active, Draft, or None/blank")
@arg("objectives", doc="Number of objectives in the plan")
@arg("has_strategy", doc="TRUE when the plan has Strategy/Highlights")
@boundary
def CS_SUCCESS_PLAN_HEALTH(plan_status, objectives, has_strategy):
    """Success plan (ROI) colour: Green for an Active plan with objectives and strategy;
    Yellow for a Draft or no strategy; Red for no plan or no objectives. Example:
    =CS_SUCCESS_PLAN_HEALTH("Active", 2, TRUE) returns Green."""
    cols = [co.texts(plan_status, "plan_status"), co.numbers(objectives, "objectives", 0),
            co.flags(has_strategy, "has_strategy")]
    return elementwise(lambda s, o, h: m.success_plan_health(s, o, h), cols, "text")


@func
@arg("dev_lead_engaged", doc="TRUE when the Dev Lead attended in the last 3 months")
@arg("security_lead_engaged", doc="TRUE when the Security Lead attended")
@boundary
def CS_PERSONA_HEALTH(dev_lead_engaged, security_lead_engaged):
    """Persona engagement colour: Green when both the Dev Lead and the Security Lead engaged,
    Yellow for one, Red for neither. Example: =CS_PERSONA_HEALTH(TRUE, FALSE) returns
    Yellow."""
    cols = [co.flags(dev_lead_engaged, "dev_lead_engaged"),
            co.flags(security_lead_engaged, "security_lead_engaged")]
    return elementwise(lambda d, s: m.persona_health(d, s), cols, "text")


@func
@arg("sentiment", doc="CSM sentiment colour (Green, Yellow, Red)")
@arg("updated_on", doc="Date the sentiment was last updated")
@arg("as_of", doc="Date to judge staleness on; default today")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_SENTIMENT_STATUS(sentiment, updated_on, as_of=None, config=None):
    """CSM sentiment with staleness: the colour, Stale after 90 days without update, #N/A after
    120. Example: =CS_SENTIMENT_STATUS("Yellow", DATE(2024,1,1), DATE(2024,4,1)) returns
    Stale."""
    cfg = configured(config)
    cols = [co.colours(sentiment, "sentiment", cfg), co.dates(updated_on, "updated_on"),
            co.as_of_dates(as_of)]
    return elementwise(lambda s, u, a: m.sentiment_status(s, u, a, config=cfg), cols, "text")


@func
@arg("previous", doc="Previous score 0–100 or colour")
@arg("current", doc="Current score 0–100 or colour")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_TREND(previous, current, config=None):
    """Trend arrow of a score or colour: Up, Down or Same; #N/A if either is blank. Example:
    =CS_TREND(60, 70) returns Up."""
    cfg = configured(config)
    cols = [co.scores(previous, "previous", cfg), co.scores(current, "current", cfg)]
    return elementwise(lambda p, c: m.trend(p, c, config=cfg), cols, "text")


@func
@arg("previous_colour", doc="Previous colour")
@arg("current_colour", doc="Current colour")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_DROP_ALERT(previous_colour, current_colour, config=None):
    """TRUE on a health drop Green→Yellow, Green→Red or Yellow→Red; FALSE otherwise, also when
    a colour is blank. Example: =CS_DROP_ALERT("Green", "Yellow") returns TRUE."""
    cfg = configured(config)
    cols = [co.colours(previous_colour, "previous_colour", cfg),
            co.colours(current_colour, "current_colour", cfg)]
    return elementwise(lambda p, c: m.drop_alert(p, c, config=cfg), cols, "bool")
