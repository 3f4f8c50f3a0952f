"""cs-workbook: Customer Success metrics as Excel functions, workbooks and EBR PDFs.

The root package exports the pure engine: configuration, errors, every metric rule and
portfolio scoring. The tree is the architecture, one folder per concern:

* engine (pure; numpy, pandas and the standard library without I/O): ``config``, ``errors``,
  ``rounding``, ``schema``, ``data``, ``excel`` (Excel's serial dates and error values),
  ``metrics`` (the rules), ``portfolio`` (every metric for every account);
* ``files`` and ``config_files``: the shared file helpers (atomic writes, TOML configuration);
* ``sample``: the built-in sample portfolio (pure);
* adapters, which depend on the engine and never the reverse: ``workbook`` (reading and
  writing CS workbooks and templates), ``calc`` (headless formula evaluation), ``udfs`` (the
  CS_* Excel functions), ``reports`` (EBR PDFs), ``cli`` (the command line).

``tests/engine/test_import_contract.py`` enforces the allowed imports of each layer (listed in
``tests/import_layers.py``).
"""

__version__ = "0.1.0"

from . import metrics
from .config import DEFAULT, Config
from .data import CSData
from .errors import (ConfigError, CSError, InvalidInput, MissingData, NotComputable,
                     WorkbookError, ZeroDenominator)
from .metrics import *  # noqa: F401,F403  (the rules, listed in metrics.__all__)
from .portfolio import portfolio_summary, score_accounts
from .rounding import excel_round

__all__ = [
    "__version__", "metrics", "DEFAULT", "Config", "CSData",
    "ConfigError", "CSError", "InvalidInput", "MissingData", "NotComputable", "WorkbookError",
    "ZeroDenominator", "portfolio_summary", "score_accounts", "excel_round",
    *metrics.__all__,
]
