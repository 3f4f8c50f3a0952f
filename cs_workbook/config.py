"""Configuration: every default of docs/methodology.md in one frozen dataclass, with validation.

Overrides come as ``{key: value}`` mappings — a workbook's ``Config`` sheet rows, a parsed TOML
document (:func:`from_toml_text`) or a Config range passed to an Excel function; unknown keys
and invalid values raise :class:`~cs_workbook.errors.ConfigError` naming the key. Reading a file
is :mod:`cs_workbook.config_files`' job: this module does no I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import tomllib
from dataclasses import dataclass, fields

from .errors import ConfigError

__all__ = ["Config", "DEFAULT", "PROFILES", "GROUPS", "PRODUCT_MEASURES", "from_toml_text",
           "normalise_key"]

#: PROVE groups in display order.
GROUPS = ("product", "risk", "outcomes", "voice", "engagement")
#: Product-group measures in display order.
PRODUCT_MEASURES = ("license", "user_engagement", "scm", "ci", "cd", "security")

#: Weight profiles [methodology §1.1]: current CHS table and the CHS-2022 triage scorecard.
PROFILES = {
    "gitlab_current": {
        "groups": {"product": 50, "risk": 25, "outcomes": 10, "voice": 5, "engagement": 10},
        "product": {"license": 30, "user_engagement": 10, "scm": 15, "ci": 15, "cd": 15,
                    "security": 15},
    },
    "gitlab_2022": {
        "groups": {"product": 25, "risk": 50, "outcomes": 10, "voice": 5, "engagement": 10},
        "product": {"license": 40, "user_engagement": 0, "scm": 15, "ci": 15, "cd": 15,
                    "security": 15},
    },
}

_CHOICES = {
    "weights_profile": tuple(PROFILES),
    "colour_points": ("midpoint", "dbt"),
    "threshold_set": ("current", "2023"),
    "lu_table": ("dbt", "handbook"),
    "zero_denominator": ("zero", "na"),
    "account_lu_method": ("sum", "arr_weighted"),
    "support_zero_tickets": ("yellow", "na"),
    "primary_use_case": ("scm", "ci", "cd", "security"),
}

_FRACTIONS = {
    "first_value_threshold", "adoption_threshold", "expansion_lu", "expansion_engagement",
    "reduction_lu", "sow_margin_target", "sow_contingency_pct", "sow_discount_pct",
    "grr_target",
}


@dataclass(frozen=True)
class Config:
    """The active configuration. Field names are the keys of the Config sheet and TOML files.

    Weights left as ``None`` come from ``weights_profile``.
    """

    # §1 health score
    weights_profile: str = "gitlab_current"
    weight_product: float | None = None
    weight_risk: float | None = None
    weight_outcomes: float | None = None
    weight_voice: float | None = None
    weight_engagement: float | None = None
    weight_license: float | None = None
    weight_user_engagement: float | None = None
    weight_scm: float | None = None
    weight_ci: float | None = None
    weight_cd: float | None = None
    weight_security: float | None = None
    weight_meeting_cadence: float = 50
    weight_persona: float = 50
    colour_points: str = "midpoint"
    red_max: float = 50.0
    yellow_max: float = 75.0
    sentiment_override: bool = True
    support_green_max: float = 5
    support_yellow_max: float = 15
    support_zero_tickets: str = "yellow"
    cadence_p1_green_days: int = 35
    cadence_p1_yellow_days: int = 60
    cadence_p2_green_days: int = 65
    cadence_p2_yellow_days: int = 90
    sentiment_stale_days: int = 90
    sentiment_na_days: int = 120
    usage_na_days: int = 60
    support_na_days: int = 30
    onboarding_grace_days: int = 30
    risk_na_segments: tuple = ("Tech Touch",)
    outcomes_na_segments: tuple = ("Scale", "Tech Touch")
    cadence_na_segments: tuple = ("Scale", "Tech Touch")
    persona_na_segments: tuple = ("Growth", "Scale", "Tech Touch")
    user_engagement_na_deployments: tuple = ("SaaS",)
    trend_epsilon: float = 0.0
    # §2–3 adoption and licenses
    threshold_set: str = "current"
    lu_table: str = "dbt"
    lu_min_age_months: int = 3
    zero_denominator: str = "zero"
    account_lu_method: str = "sum"
    security_tiers: tuple = ("Ultimate",)
    first_value_threshold: float = 0.10
    adoption_threshold: float = 0.80
    primary_use_case: str = "scm"
    # §1.6 early-warning signals
    expansion_lu: float = 0.90
    expansion_engagement: float = 0.80
    reduction_lu: float = 0.75
    gone_dark_days: int = 90
    # §4 time to value
    goal_engage_days: int = 14
    goal_first_value_days: int = 30
    goal_onboard_days: int = 45
    instance_ttv_since: _dt.date = _dt.date(2022, 2, 1)
    # §5 retention
    grr_target: float = 0.90
    nrr_target: float = 1.80
    # §6 professional services
    ps_billable_hours: float = 1880
    sow_margin_target: float = 0.30
    sow_contingency_pct: float = 0.0
    sow_discount_pct: float = 0.0

    # -- derived views ---------------------------------------------------------------------
    def group_weights(self) -> dict[str, float]:
        """PROVE group weights (profile values unless overridden)."""
        base = PROFILES[self.weights_profile]["groups"]
        return {g: _pick(getattr(self, f"weight_{g}"), base[g]) for g in GROUPS}

    def product_weights(self) -> dict[str, float]:
        """Product-group measure weights (profile values unless overridden)."""
        base = PROFILES[self.weights_profile]["product"]
        return {m: _pick(getattr(self, f"weight_{m}"), base[m]) for m in PRODUCT_MEASURES}

    def points(self) -> tuple[float, float, float]:
        """Numeric points of (Red, Yellow, Green) [methodology §1.2]."""
        return (25.0, 62.5, 87.5) if self.colour_points == "midpoint" else (25.0, 63.0, 88.0)

    def value(self, key: str):
        """The value in force of the Config key ``key`` (matched as :meth:`from_mapping`
        matches keys): a ``weight_*`` left to its profile is the profile's weight.

        >>> Config(weights_profile="gitlab_2022").value("Weight Risk")
        50.0
        """
        name = normalise_key(key)
        if name not in _FIELD_NAMES:
            raise ConfigError(f"config key {key!r} is unknown")
        v = getattr(self, name)
        if v is None and name.startswith("weight_"):
            measure = name.removeprefix("weight_")
            return (self.group_weights() if measure in GROUPS else self.product_weights())[measure]
        return v

    def ttv_goal(self, kpi: str) -> int:
        key = _KPI_ALIASES.get(str(kpi).strip().lower().replace(" ", "_").replace("-", "_"))
        if key is None:
            raise ConfigError(f"kpi: {kpi!r} is not one of engage, first_value, onboard")
        return getattr(self, f"goal_{key}_days")

    # -- construction ----------------------------------------------------------------------
    def replace(self, **changes) -> "Config":
        """A copy with ``changes`` applied and validated (keys as in the Config sheet)."""
        return Config.from_mapping(changes, base=self)

    @classmethod
    def from_mapping(cls, mapping: dict, base: "Config | None" = None) -> "Config":
        """Validate ``{key: value}`` overrides onto ``base`` (default: the defaults).

        Keys are matched case-insensitively with spaces, dashes and dots read as ``_``.
        """
        base = base or DEFAULT
        known = {f.name: f for f in fields(cls)}
        changes = {}
        for raw_key, value in mapping.items():
            key = normalise_key(raw_key)
            if key not in known:
                raise ConfigError(f"config key {raw_key!r} is unknown")
            changes[key] = _convert(key, known[key], value, getattr(base, key))
        cfg = dataclasses.replace(base, **changes)
        cfg._check()
        return cfg

    def _check(self):
        if not 0 <= self.red_max <= self.yellow_max <= 100:
            raise ConfigError("config keys 'red_max'/'yellow_max' must satisfy 0 ≤ red_max ≤ yellow_max ≤ 100")
        if self.support_green_max > self.support_yellow_max:
            raise ConfigError("config key 'support_green_max' must not exceed 'support_yellow_max'")
        for a, b in (("cadence_p1_green_days", "cadence_p1_yellow_days"),
                     ("cadence_p2_green_days", "cadence_p2_yellow_days"),
                     ("sentiment_stale_days", "sentiment_na_days")):
            if getattr(self, a) > getattr(self, b):
                raise ConfigError(f"config key {a!r} must not exceed {b!r}")
        if sum(self.group_weights().values()) <= 0:
            raise ConfigError("config key 'weight_product': group weights must not all be 0")

    def as_rows(self) -> list[tuple[str, str]]:
        """``(key, value)`` rows for a Config sheet or a report appendix."""
        out = []
        for f in fields(self):
            v = getattr(self, f.name)
            if v is None:
                continue
            out.append((f.name, ", ".join(v) if isinstance(v, tuple) else str(v)))
        return out


_KPI_ALIASES = {
    "engage": "engage", "time_to_engage": "engage", "tte": "engage",
    "first_value": "first_value", "time_to_first_value": "first_value", "ttfv": "first_value",
    "onboard": "onboard", "time_to_onboard": "onboard", "tto": "onboard",
}


def _pick(value, default):
    return float(default if value is None else value)


def normalise_key(key) -> str:
    """A Config key as the field name it means: case-insensitive, spaces, dashes and dots
    read as ``_`` (``"Red Max"`` → ``red_max``)."""
    return str(key).strip().lower().replace(" ", "_").replace("-", "_").replace(".", "_")


def _convert(key, f, value, current):
    if isinstance(value, str):
        value = value.strip()
    typ = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    try:
        if key in _CHOICES:
            v = str(value).strip().lower()
            if v not in _CHOICES[key]:
                raise ValueError(f"must be one of {', '.join(_CHOICES[key])}")
            return v
        if typ == "tuple":
            items = value if isinstance(value, (list, tuple)) else str(value).split(",")
            return tuple(str(i).strip() for i in items if str(i).strip())
        if typ == "bool":
            return _bool(value)
        if "date" in typ:
            return value if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime) \
                else (value.date() if isinstance(value, _dt.datetime)
                      else _dt.date.fromisoformat(str(value)))
        if "float" in typ or typ == "int":
            if isinstance(value, bool):
                raise ValueError("must be a number")
            if value in ("", None):
                if "None" in typ:
                    return None
                raise ValueError("must be a number")
            num = _number(value)
            if typ == "int":
                if num != int(num):
                    raise ValueError("must be a whole number")
                num = int(num)
            if num < 0:
                raise ValueError("must not be negative")
            if key in _FRACTIONS and num > 1:
                raise ValueError("must be a fraction between 0 and 1 (10 % is 0.1)")
            return num
    except (ValueError, TypeError):
        raise ConfigError(f"config key {key!r} expects {expects(key)}, not {value!r}") from None
    raise ConfigError(f"config key {key!r}: unsupported type {typ}")  # pragma: no cover


def expects(key: str) -> str:
    """What the value of config key ``key`` must be, for error messages.

    >>> expects("red_max"), expects("goal_engage_days"), expects("grr_target")
    ('a number ≥ 0 (e.g. 50.0)', 'a whole number ≥ 0 (e.g. 14)', 'a fraction from 0 to 1 (10 % is 0.1; e.g. 0.9)')
    >>> expects("lu_table"), expects("sentiment_override")
    ('one of dbt, handbook', 'TRUE or FALSE')
    """
    f = {f.name: f for f in fields(Config)}[key]
    typ = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    default = f.default
    example = f" (e.g. {default})" if default is not None else ""
    if key in _CHOICES:
        return f"one of {', '.join(_CHOICES[key])}"
    if typ == "tuple":
        return "a comma-separated list" + (f" (e.g. {', '.join(default)})" if default else "")
    if typ == "bool":
        return "TRUE or FALSE"
    if "date" in typ:
        return f"a date YYYY-MM-DD (e.g. {default.isoformat()})"
    if key in _FRACTIONS:
        return f"a fraction from 0 to 1 (10 % is 0.1; e.g. {default})"
    if typ == "int":
        return f"a whole number ≥ 0{example}"
    if "None" in typ:
        return "a number ≥ 0 (blank: the weights profile's value)"
    return f"a number ≥ 0{example}"


def _number(value) -> float:
    if isinstance(value, str):
        text = value.replace(",", "").strip()
        if text.endswith("%"):
            return float(text[:-1]) / 100
        return float(text)
    return float(value)


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "y", "1", "on"):
        return True
    if text in ("false", "no", "n", "0", "off"):
        return False
    raise ValueError("must be TRUE or FALSE")


def from_toml_text(text: str, base: Config | None = None, source: str = "TOML") -> Config:
    """Validate a TOML document of overrides onto ``base``: top-level keys, or tables whose
    keys are flattened. Errors start with ``source`` (e.g. the file name).

    >>> cfg = from_toml_text('colour_points = "dbt"\\n[goals]\\ngoal_engage_days = 10\\n')
    >>> cfg.points(), cfg.goal_engage_days
    ((25.0, 63.0, 88.0), 10)
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from None
    flat = {}
    for k, v in raw.items():
        if isinstance(v, dict):
            flat.update(v)
        else:
            flat[k] = v
    try:
        return Config.from_mapping(flat, base=base)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


DEFAULT = Config()
_FIELD_NAMES = frozenset(f.name for f in fields(Config))
