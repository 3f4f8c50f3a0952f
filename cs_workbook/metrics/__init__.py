"""The pure metric engine: every rule of docs/methodology.md once, on scalars and on
pandas/numpy columns.

One module per concept (colours, health, measures, licenses, milestones, usecases, delivery,
platform, ttv, trend, retention, services, sow, dates; ``_vector`` is the scalar/column plumbing they share). May import only numpy,
pandas, the standard library without I/O, and the engine (config, errors, excel); never an
I/O library or an adapter.
"""

from .colours import colour, points
from .dates import days_between, months_between
from .health import health_colour, health_drivers, health_score, weighted_score
from .licenses import (account_license_utilization, license_health, license_utilization,
                       overage_seats)
from .measures import (emergency_health, meeting_cadence_health, persona_health,
                       sentiment_status, success_plan_health, support_health)
from .retention import grr, nrr, reason_shares, retention_from_components
from .milestones import STAGES, adoption_complete, first_value_date, lifecycle_stage
from .services import ps_rate, ps_standard_rate, rate_table
from .sow import below_target, sow_cost, sow_margin, sow_markup, sow_price
from .trend import drop_alert, trend
from .ttv import (time_to_engage, time_to_first_value, time_to_onboard, time_to_utilization,
                  ttv_goal, ttv_status)
from .delivery import cd_health, cd_score, security_health, security_score
from .platform import platform_adoption, product_score
from .usecases import ci_health, scm_health, user_engagement_health

__all__ = [
    "colour", "points", "days_between", "months_between",
    "health_colour", "health_drivers", "health_score", "weighted_score",
    "STAGES", "account_license_utilization", "adoption_complete", "first_value_date",
    "license_health", "license_utilization", "lifecycle_stage", "overage_seats",
    "emergency_health", "meeting_cadence_health", "persona_health", "sentiment_status",
    "success_plan_health", "support_health",
    "grr", "nrr", "reason_shares", "retention_from_components",
    "below_target", "ps_rate", "ps_standard_rate", "rate_table", "sow_cost", "sow_margin",
    "sow_markup", "sow_price",
    "drop_alert", "trend",
    "time_to_engage", "time_to_first_value", "time_to_onboard", "time_to_utilization",
    "ttv_goal", "ttv_status",
    "cd_health", "cd_score", "ci_health", "platform_adoption", "product_score", "scm_health",
    "security_health", "security_score", "user_engagement_health",
]
