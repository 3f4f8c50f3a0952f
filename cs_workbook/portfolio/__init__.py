"""Portfolio scoring: every metric for every account, and portfolio-level roll-ups.

:mod:`.score` builds one row of metrics per account from a :class:`~cs_workbook.data.CSData`,
:mod:`.snapshots` draws the per-account facts from the monthly and event sheets, and
:mod:`.summary` rolls retention, reasons and health up; :mod:`.texts` builds the scores
table's text columns from label codes. Pure: numpy, pandas and the engine
(config, data, metrics) only.
"""

from .score import score_accounts
from .summary import portfolio_summary

__all__ = ["score_accounts", "portfolio_summary"]
