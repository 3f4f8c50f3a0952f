"""Use-case adoption Excel functions [methodology §2]: user engagement, SCM, CI, CD and Security
health, the CD and Security scores, platform adoption and the product score."""

from __future__ import annotations

from .. import metrics as m
from . import coerce as co
from ._xl import arg, func
from .config_arg import CONFIG_DOC, configured
from .errors import boundary
from .rows import elementwise, na_left_out

__all__ = ["CS_USER_ENGAGEMENT_HEALTH", "CS_SCM_HEALTH", "CS_CI_HEALTH", "CS_CD_HEALTH",
           "CS_CD_SCORE", "CS_SECURITY_HEALTH", "CS_SECURITY_SCORE", "CS_PLATFORM_ADOPTION",
           "CS_PRODUCT_SCORE"]

_BILLABLE = "Billable users (the denominator)"


def _counts(*pairs):
    return [co.numbers(x, name, 0) for x, name in pairs]


@func
@arg("active_users", doc="Unique active users in the last 28 days")
@arg("billable_users", doc=_BILLABLE)
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_USER_ENGAGEMENT_HEALTH(active_users, billable_users, config=None):
    """User engagement colour: active ÷ billable users below 50 % Red, below 80 % Yellow,
    else Green. Example: =CS_USER_ENGAGEMENT_HEALTH(80, 100) returns Green."""
    cfg = configured(config)
    cols = _counts((active_users, "active_users"), (billable_users, "billable_users"))
    return elementwise(lambda a, b: m.user_engagement_health(a, b, config=cfg), cols, "text")


@func
@arg("git_operation_users", doc="Users with git operations in the last 28 days")
@arg("billable_users", doc=_BILLABLE)
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_SCM_HEALTH(git_operation_users, billable_users, config=None):
    """SCM adoption colour: git-operation users ÷ billable users ≤10 % Red, ≤33 % Yellow,
    else Green. Example: =CS_SCM_HEALTH(30, 100) returns Yellow."""
    cfg = configured(config)
    cols = _counts((git_operation_users, "git_operation_users"), (billable_users, "billable_users"))
    return elementwise(lambda g, b: m.scm_health(g, b, config=cfg), cols, "text")


@func
@arg("ci_builds", doc="CI builds in the last 28 days")
@arg("billable_users", doc=_BILLABLE)
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_CI_HEALTH(ci_builds, billable_users, config=None):
    """CI adoption colour: CI builds per billable user ≤2 Red, ≤40 Yellow, else Green.
    Example: =CS_CI_HEALTH(4100, 100) returns Green."""
    cfg = configured(config)
    cols = _counts((ci_builds, "ci_builds"), (billable_users, "billable_users"))
    return elementwise(lambda c, b: m.ci_health(c, b, config=cfg), cols, "text")


@func
@arg("deployment_users", doc="Users who deployed in the last 28 days")
@arg("deployments", doc="Deployments in the last 28 days")
@arg("successful_deployments", doc="Successful deployments")
@arg("failed_deployments", doc="Failed deployments")
@arg("billable_users", doc=_BILLABLE)
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_CD_HEALTH(deployment_users, deployments, successful_deployments, failed_deployments,
                 billable_users, config=None):
    """CD adoption colour: mean points of deploying users %, deployments per user and success
    rate. Example: =CS_CD_HEALTH(8, 800, 90, 10, 100) returns Green."""
    cfg = configured(config)
    return elementwise(lambda *a: m.cd_health(*a, config=cfg),
                       _cd_columns(deployment_users, deployments, successful_deployments,
                                   failed_deployments, billable_users), "text")


@func
@arg("deployment_users", doc="Users who deployed in the last 28 days")
@arg("deployments", doc="Deployments in the last 28 days")
@arg("successful_deployments", doc="Successful deployments")
@arg("failed_deployments", doc="Failed deployments")
@arg("billable_users", doc=_BILLABLE)
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_CD_SCORE(deployment_users, deployments, successful_deployments, failed_deployments,
                billable_users, config=None):
    """CD adoption score 0–100 (what the product score weighs): mean points of deploying
    users %, deployments per user and success rate. Example: =CS_CD_SCORE(8, 800, 90, 10, 100)
    returns 79.17."""
    cfg = configured(config)
    return elementwise(lambda *a: m.cd_score(*a, config=cfg),
                       _cd_columns(deployment_users, deployments, successful_deployments,
                                   failed_deployments, billable_users))


def _cd_columns(deployment_users, deployments, successful_deployments, failed_deployments,
                billable_users):
    return _counts((deployment_users, "deployment_users"), (deployments, "deployments"),
                   (successful_deployments, "successful_deployments"),
                   (failed_deployments, "failed_deployments"),
                   (billable_users, "billable_users"))


@func
@arg("scanner_users", doc="Users running security scanners in the last 28 days")
@arg("billable_users", doc=_BILLABLE)
@arg("scans", doc="Security scans in the last 28 days")
@arg("pipelines", doc="CI pipelines in the last 28 days")
@arg("scanner_types", doc="Number of scanner types in use")
@arg("tier", doc="Subscription tier; anything but Ultimate gives #N/A (omit to skip the check)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_SECURITY_HEALTH(scanner_users, billable_users, scans, pipelines, scanner_types,
                       tier=None, config=None):
    """Security (DevSecOps) adoption colour from scanner users %, scans per pipeline and
    scanner types; #N/A unless the tier is Ultimate. Example:
    =CS_SECURITY_HEALTH(25, 100, 60, 100, 3, "Ultimate") returns Green."""
    cfg = configured(config)
    return _security(m.security_health, cfg, "text", scanner_users, billable_users, scans,
                     pipelines, scanner_types, tier)


@func
@arg("scanner_users", doc="Users running security scanners in the last 28 days")
@arg("billable_users", doc=_BILLABLE)
@arg("scans", doc="Security scans in the last 28 days")
@arg("pipelines", doc="CI pipelines in the last 28 days")
@arg("scanner_types", doc="Number of scanner types in use")
@arg("tier", doc="Subscription tier; anything but Ultimate gives #N/A (omit to skip the check)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_SECURITY_SCORE(scanner_users, billable_users, scans, pipelines, scanner_types,
                      tier=None, config=None):
    """Security adoption score 0–100: mean points of scanner users %, scans per pipeline and
    scanner types; #N/A unless the tier is Ultimate. Example:
    =CS_SECURITY_SCORE(25, 100, 60, 100, 3, "Ultimate") returns 87.5."""
    cfg = configured(config)
    return _security(m.security_score, cfg, "float", scanner_users, billable_users, scans,
                     pipelines, scanner_types, tier)


def _security(rule, cfg, kind, scanner_users, billable_users, scans, pipelines, scanner_types,
              tier):
    cols = _counts((scanner_users, "scanner_users"), (billable_users, "billable_users"),
                   (scans, "scans"), (pipelines, "pipelines"), (scanner_types, "scanner_types"))
    if tier is None or (isinstance(tier, str) and not tier.strip()):  # omitted or empty cell
        return elementwise(lambda *a: rule(*a, config=cfg), cols, kind)
    cols.append(co.texts(tier, "tier"))
    return elementwise(lambda *a: rule(*a[:5], _tiers(a[5]), config=cfg), cols, kind)


def _tiers(tiers):
    # A blank tier cell is a tier that is not Ultimate, not "no check".
    return [t or "" for t in tiers]


@func
@arg("scm", doc="SCM colour (Green, Yellow, Red; blank or #N/A is NA)")
@arg("ci", doc="CI colour")
@arg("cd", doc="CD colour")
@arg("security", doc="Security colour")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_PLATFORM_ADOPTION(scm, ci, cd, security, config=None):
    """Platform adoption: how many of SCM, CI, CD and Security are Green (0–4); #N/A when all
    four are blank or #N/A. Example: =CS_PLATFORM_ADOPTION("Green", "Green", "Yellow", "")
    returns 2."""
    cfg = configured(config)
    cols = [na_left_out(co.colours(x, n, cfg))
            for x, n in ((scm, "scm"), (ci, "ci"), (cd, "cd"), (security, "security"))]
    return elementwise(lambda *a: m.platform_adoption(*a, config=cfg), cols, "int")


@func
@arg("license", doc="License-utilization colour or score 0–100; blank or #N/A is NA")
@arg("engagement", doc="User-engagement colour or score")
@arg("scm", doc="SCM colour or score")
@arg("ci", doc="CI colour or score")
@arg("cd", doc="CD colour or score")
@arg("security", doc="Security colour or score")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_PRODUCT_SCORE(license, engagement, scm, ci, cd, security, config=None):
    """Product score 0–100: weighted mean of the six product measures (30/10/15/15/15/15), NA
    (blank or #N/A) measures left out. Example: =CS_PRODUCT_SCORE("R", "Y", "G", "G", "G",
    "Y") returns 62.5."""
    cfg = configured(config)
    cols = [na_left_out(co.scores(x, n, cfg))
            for x, n in ((license, "license"), (engagement, "engagement"), (scm, "scm"),
                         (ci, "ci"), (cd, "cd"), (security, "security"))]
    return elementwise(lambda *a: m.product_score(*a, config=cfg), cols)
