"""Portfolio roll-ups: retention, churn/expansion reasons, ARR by adoption, health mix."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from ..config import DEFAULT, Config
from ..data import CSData
from ..metrics.retention import grr, nrr, reason_shares

__all__ = ["portfolio_summary"]

#: ``reason_shares`` of a window without MRR changes (the columns of :func:`reason_shares`)
_NO_REASONS = pd.DataFrame({"category": pd.Series(dtype="str"),
                            "reason": pd.Series(dtype="str"),
                            "mrr_change": pd.Series(dtype=float),
                            "share": pd.Series(dtype=object)})


_BUCKETS = ("0", "1", "2", "3+")
_NO_BUCKET, _OTHER = -1, len(_BUCKETS)


def _adoption_buckets(adoption: np.ndarray) -> np.ndarray:
    """Index into ``_BUCKETS`` of each account's number of Green use cases (3 or more is
    "3+"; its whole part otherwise): ``_NO_BUCKET`` for NA, ``_OTHER`` for a negative count."""
    whole = np.trunc(adoption)
    out = np.full(len(adoption), _OTHER, dtype=np.int8)
    for i in range(3):
        out[whole == i] = i
    out[adoption >= 3] = 3
    out[np.isnan(adoption)] = _NO_BUCKET
    return out


def portfolio_summary(data: CSData, scores: pd.DataFrame, as_of=None,
                      config: Config = DEFAULT) -> dict:
    """Portfolio-level figures from the per-account ``scores`` of :func:`score_accounts`.

    Returns a dict with ``grr``/``nrr`` (per-customer netting, ΣC/ΣA and ΣB/ΣA),
    ``reason_shares`` (MRR changes of the 12 months to ``as_of``, true-ups excluded),
    ``arr_by_adoption`` (share of ARR by number of Green use cases: 0, 1, 2, 3+),
    ``health_mix`` (accounts per health colour incl. NA) and ``stages`` (accounts per stage).

    Every sheet but Accounts is optional: with no MRR changes in the 12 months (no
    ``MRR Changes`` sheet, or ``as_of`` outside its months) ``reason_shares`` has no rows, and
    with no accounts ``grr``/``nrr`` are None (NA).
    """
    as_of = pd.Timestamp(as_of or _dt.date.today()).normalize()
    a, b = scores["MRR Year Ago"], scores["MRR Now"]
    changes = data.mrr_changes
    window = changes[(changes["Month"] <= as_of)
                     & (changes["Month"] > as_of - pd.DateOffset(months=12))]
    buckets = _adoption_buckets(scores["Platform Adoption"].to_numpy(dtype=float))
    arr = scores["ARR"].fillna(0)
    total = arr[buckets != _NO_BUCKET].sum()
    by_bucket = {k: (float(arr[buckets == i].sum() / total) if total > 0 else None)
                 for i, k in enumerate(_BUCKETS)}
    colours = scores["Health Colour"]
    mix = colours.value_counts()  # NA, with any cell reading "NA", is counted as "NA"
    mix["NA"] = int(mix.get("NA", 0)) + int(colours.isna().sum())
    return {
        "as_of": as_of.date(),
        "accounts": int(len(scores)),
        "arr": float(arr.sum()),
        # NA, not 0, when no account has an MRR for the as-of month (no data in the window)
        "grr": grr(a.to_numpy(dtype=float), b.to_numpy(dtype=float)) if b.notna().any()
        else None,
        "nrr": nrr(a.to_numpy(dtype=float), b.to_numpy(dtype=float)) if b.notna().any()
        else None,
        "grr_target": config.grr_target,
        "nrr_target": config.nrr_target,
        "reason_shares": reason_shares(window["Reason"].to_numpy(dtype=object),
                                       window["Change"].to_numpy(dtype=float))
        if len(window) else _NO_REASONS.copy(),
        "arr_by_adoption": by_bucket,
        "health_mix": {k: int(mix.get(k, 0)) for k in ("Green", "Yellow", "Red", "NA")},
        "stages": scores["Lifecycle Stage"].value_counts().to_dict(),
        "mean_health_score": None if scores["Health Score"].isna().all()
        else float(np.nanmean(scores["Health Score"].to_numpy(dtype=float))),
    }
