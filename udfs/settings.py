"""Configuration Excel functions: the value in force of a Config key, and membership of a list
setting (segments, deployments, tiers) — what the Scorecard's settings cells and segment gates
read, so they follow the workbook's Config table like every CS_* function does."""

from __future__ import annotations

import numpy as np

from ..config import normalise_key
from ..errors import ConfigError
from . import coerce as co
from ._xl import arg, func
from .config_arg import CONFIG_DOC, configured
from .errors import ExcelError, boundary
from .rows import elementwise, shaped, single

__all__ = ["CS_CONFIG_VALUE", "CS_IN_CONFIG_LIST"]


def _excel_value(cfg, key):
    """The value of ``key`` as a cell shows it: lists as "a, b" text, like the Config sheet."""
    try:
        v = cfg.value(key)
    except ConfigError as exc:
        return ExcelError("#VALUE!", f"key: {exc}", user=True)
    return ", ".join(v) if isinstance(v, tuple) else v


@func
@arg("key", doc="A Config key, e.g. usage_na_days or weight_product (any case; spaces as _)")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_CONFIG_VALUE(key, config=None):
    """The setting in force for a Config key: the Config range's value, else the default (a
    weight left to its profile is the profile's weight; lists as text). Example:
    =CS_CONFIG_VALUE("usage_na_days") returns 60."""
    cfg = configured(config)
    keys = co.texts(key, "key")
    values = []
    for i, k in enumerate(keys.values.tolist()):
        if i in keys.errors:
            values.append(keys.errors[i])
        elif k is None:
            values.append(ExcelError("#VALUE!", "key: give a Config key", user=True))
        else:
            values.append(_excel_value(cfg, k))
    if keys.shape is None:
        return single(values[0])
    return shaped(values, keys.shape)


@func
@arg("value", doc="Text to look for (a cell or a column), e.g. the account's Segment")
@arg("key", doc="A list setting: risk_na_segments, outcomes_na_segments, cadence_na_segments, "
                "persona_na_segments, user_engagement_na_deployments or security_tiers")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_IN_CONFIG_LIST(value, key, config=None):
    """TRUE when the value is one of the items of a list setting (trimmed, any case), FALSE
    otherwise, also when blank. Example: =CS_IN_CONFIG_LIST("Tech Touch", "risk_na_segments")
    returns TRUE."""
    cfg = configured(config)
    keys = co.texts(key, "key")
    lists = {}
    for i, k in enumerate(keys.values.tolist()):
        if i in keys.errors:
            continue
        if k not in lists:
            lists[k] = _list_setting(cfg, k)
        if isinstance(lists[k], ExcelError):
            keys.errors[i] = lists[k]

    def member(values, names):
        return np.array([v is not None and v.lower() in lists[k] for v, k in zip(values, names)],
                        dtype=object)

    return elementwise(member, [co.texts(value, "value"), keys], "bool")


def _list_setting(cfg, key):
    """The items of a list setting, trimmed and in lower case, or the error naming the key."""
    if key is None:
        return ExcelError("#VALUE!", "key: give a list setting, e.g. risk_na_segments", user=True)
    try:
        items = cfg.value(key)
    except ConfigError as exc:
        return ExcelError("#VALUE!", f"key: {exc}", user=True)
    if not isinstance(items, tuple):
        return ExcelError("#VALUE!", f"key: {normalise_key(key)!r} is not a list setting",
                          user=True)
    return frozenset(s.strip().lower() for s in items)
