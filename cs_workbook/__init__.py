"""cs-workbook: Customer Success metrics as Excel functions, workbooks and EBR PDFs.

The root package exports the pure engine: configuration, errors, every metric rule and
portfolio scoring. Adapters live in ``cs_workbook.workbook`` (reading/writing workbooks),
``cs_workbook.udfs`` (Excel functions), ``cs_workbook.reports`` (EBR PDFs) and
``cs_workbook.cli``.
"""

__version__ = "0.1.0"

from . import metrics
from .config import DEFAULT, Config, load_toml
from .data import CSData
from .errors import (ConfigError, CSError, InvalidInput, MissingData, NotComputable,
                     WorkbookError, ZeroDenominator)
from .metrics import *  # noqa: F401,F403  (the rules, listed in metrics.__all__)
from .portfolio import portfolio_summary, score_accounts
from .rounding import excel_round

__all__ = [
    "__version__", "metrics", "DEFAULT", "Config", "load_toml", "CSData",
    "ConfigError", "CSError", "InvalidInput", "MissingData", "NotComputable", "WorkbookError",
    "ZeroDenominator", "portfolio_summary", "score_accounts", "excel_round",
    *metrics.__all__,
]
