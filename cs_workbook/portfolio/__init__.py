"""Portfolio scoring: every metric for every account, and portfolio-level roll-ups (pure)."""

from .score import score_accounts
from .summary import portfolio_summary

__all__ = ["score_accounts", "portfolio_summary"]
