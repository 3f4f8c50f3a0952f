"""The built-in sample portfolio (README "Usage"): a seeded, realistic CS workbook for demos and tests.

Every random draw comes from one ``numpy.random.default_rng(seed)`` consumed in a fixed order, so
the same ``(as_of, n_accounts, seed)`` always gives the same frames. Each account is first given a
lifecycle stage (methodology §3.4) and then dates, usage, revenue and the rest are generated to be
consistent with it: the stage recomputed from the data with the engine's rule is the planned one.

The accounts are planned in :mod:`.accounts` and their monthly series generated in
:mod:`.series`; this module draws them in order and assembles the frames.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from ..data import CSData
from ..errors import InvalidInput
from .accounts import _finish_account, _plan_accounts, _success_plan, _timeline
from .series import PRICE_PER_SEAT, REVENUE_MONTHS, USAGE_MONTHS, _revenue, _support, _usage

__all__ = ["sample_portfolio", "STAGES", "PRICE_PER_SEAT", "USAGE_MONTHS", "REVENUE_MONTHS"]

STAGES = ("Onboarding", "Implementation", "Adoption", "Optimize & Grow")


def sample_portfolio(as_of: datetime.date | None = None, *, n_accounts: int = 40,
                     seed: int = 2026) -> CSData:
    """A deterministic, realistic sample portfolio ending at ``as_of``'s month.

    Parameters
    ----------
    as_of : datetime.date, optional
        The review date; defaults to today. No date in the data lies after it.
    n_accounts : int
        Number of accounts (``ACC-001`` …); 40 by default.
    seed : int
        Seed of the ``numpy`` generator; same arguments give identical frames.

    Returns
    -------
    CSData
        All seven data sheets filled, ``config`` empty, ``source="sample"``.

    Raises
    ------
    InvalidInput
        ``n_accounts`` < 1 or ``as_of`` not a date.

    Examples
    --------
    >>> data = sample_portfolio(datetime.date(2026, 11, 23), n_accounts=8)
    >>> len(data.accounts), data.usage["Month"].max().date()
    (8, datetime.date(2026, 11, 1))
    """
    as_of = _as_timestamp(as_of)
    if isinstance(n_accounts, bool) or not isinstance(n_accounts, int) or n_accounts < 1:
        raise InvalidInput(f"n_accounts must be a whole number ≥ 1, got {n_accounts!r}")
    rng = np.random.default_rng(seed)
    accounts = _plan_accounts(rng, as_of, n_accounts)
    names = ("Usage", "Support", "Timeline", "Success Plan", "Revenue", "MRR Changes")
    parts = {name: [] for name in names}
    for a in accounts:
        revenue, changes = _revenue(rng, a, as_of)
        for name, rows in zip(names, (_usage(rng, a, as_of), _support(rng, a, as_of),
                                      _timeline(rng, a, as_of), _success_plan(rng, a, as_of),
                                      revenue, changes)):
            parts[name].append(pd.DataFrame(rows))
        _finish_account(rng, a, as_of)
    frames = {name: pd.concat([p for p in parts[name] if len(p)] or [pd.DataFrame()],
                              ignore_index=True)
              for name in names}
    frames["Accounts"] = pd.DataFrame([a["row"] for a in accounts])
    return CSData.from_frames(frames, source="sample")


def _as_timestamp(as_of) -> pd.Timestamp:
    if as_of is None:
        as_of = datetime.date.today()
    if not isinstance(as_of, datetime.date):
        raise InvalidInput(f"as_of must be a date, got {as_of!r}")
    return pd.Timestamp(as_of.year, as_of.month, as_of.day)
