"""The Excel face of cs-workbook: one ``CS_*`` function per metric (docs/functions.md).

Each function is a thin wrapper — coerce what Excel sends (:mod:`.coerce`), call the engine
once for a whole range (:mod:`.rows`), map the answer to Excel values (:mod:`.errors`) — and
carries xlwings metadata (:mod:`._xl`) for the classic add-in (*UDF Modules* =
``cs_workbook.udfs``, *Import Functions*) and for Office.js (``cs-workbook serve``, namespace
``CS``). :mod:`.catalogue` renders the function reference; :mod:`.server` is the Office.js
server (the ``server`` extra); :mod:`.lite` names the functions ``=CS.X(…)`` for xlwings Lite.

Imports only the engine, :mod:`cs_workbook.config_files`, numpy, pandas and xlwings — what
xlwings Lite (Pyodide) can load — never workbook I/O, headless calc, reports or the CLI.

``CATALOGUE`` maps each Excel name to its function, in the order of docs/functions.md. Every
function whose answer depends on a setting takes an optional last argument ``config``, the
workbook's Config table (:mod:`.config_arg`); ``use_config`` changes the configuration those
ranges apply to (default: the built-in settings, or ``$CS_WORKBOOK_CONFIG``).
"""

from .adoption import (
                       CS_ADOPTION_COMPLETE,
                       CS_FIRST_VALUE_DATE,
                       CS_LICENSE_HEALTH,
                       CS_LICENSE_UTILIZATION,
                       CS_LIFECYCLE_STAGE,
                       CS_MONTHS_BETWEEN,
)
from .health import (
                       CS_COLOUR,
                       CS_DROP_ALERT,
                       CS_HEALTH_COLOUR,
                       CS_HEALTH_DRIVERS,
                       CS_HEALTH_SCORE,
                       CS_MEETING_CADENCE_HEALTH,
                       CS_PERSONA_HEALTH,
                       CS_POINTS,
                       CS_SENTIMENT_STATUS,
                       CS_SUCCESS_PLAN_HEALTH,
                       CS_SUPPORT_HEALTH,
                       CS_TREND,
                       CS_WEIGHTED_SCORE,
)
from .retention import CS_GRR, CS_NRR, CS_REASON_SHARES
from .rows import config, use_config
from .settings import CS_CONFIG_VALUE, CS_IN_CONFIG_LIST
from .services import CS_PS_RATE, CS_PS_STANDARD_RATE, CS_SOW_COST, CS_SOW_MARGIN, CS_SOW_PRICE
from .ttv import (
                       CS_DAYS,
                       CS_TIME_TO_ENGAGE,
                       CS_TIME_TO_FIRST_VALUE,
                       CS_TIME_TO_ONBOARD,
                       CS_TTV_GOAL,
                       CS_TTV_STATUS,
)
from .usecases import (
                       CS_CD_HEALTH,
                       CS_CD_SCORE,
                       CS_CI_HEALTH,
                       CS_PLATFORM_ADOPTION,
                       CS_PRODUCT_SCORE,
                       CS_SCM_HEALTH,
                       CS_SECURITY_HEALTH,
                       CS_SECURITY_SCORE,
                       CS_USER_ENGAGEMENT_HEALTH,
)

#: Excel name → function, in the order of docs/functions.md (each use-case score next to its colour).
CATALOGUE = {f.__name__: f for f in (
    # Time to value
    CS_DAYS, CS_TIME_TO_ENGAGE, CS_TIME_TO_FIRST_VALUE, CS_TIME_TO_ONBOARD, CS_TTV_GOAL,
    CS_TTV_STATUS,
    # Licenses and adoption
    CS_LICENSE_UTILIZATION, CS_MONTHS_BETWEEN, CS_LICENSE_HEALTH, CS_FIRST_VALUE_DATE,
    CS_ADOPTION_COMPLETE, CS_USER_ENGAGEMENT_HEALTH, CS_SCM_HEALTH, CS_CI_HEALTH, CS_CD_HEALTH,
    CS_CD_SCORE, CS_SECURITY_HEALTH, CS_SECURITY_SCORE, CS_PLATFORM_ADOPTION, CS_PRODUCT_SCORE,
    CS_LIFECYCLE_STAGE,
    # Health
    CS_COLOUR, CS_POINTS, CS_WEIGHTED_SCORE, CS_HEALTH_SCORE, CS_HEALTH_COLOUR,
    CS_HEALTH_DRIVERS, CS_MEETING_CADENCE_HEALTH, CS_SUPPORT_HEALTH, CS_SUCCESS_PLAN_HEALTH,
    CS_PERSONA_HEALTH, CS_SENTIMENT_STATUS, CS_TREND, CS_DROP_ALERT,
    # Retention
    CS_GRR, CS_NRR, CS_REASON_SHARES,
    # Professional services
    CS_PS_STANDARD_RATE, CS_PS_RATE, CS_SOW_COST, CS_SOW_PRICE, CS_SOW_MARGIN,
    # Configuration
    CS_CONFIG_VALUE, CS_IN_CONFIG_LIST,
)}

__all__ = ["CATALOGUE", "UserError", "config", "use_config", *CATALOGUE]


def __getattr__(name: str):
    if name == "UserError":  # made on first use: importing xlwings costs ~80 ms
        from .errors import _user_error

        return _user_error()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
