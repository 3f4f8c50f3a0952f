"""Gross and net revenue retention, and dollar-weighted churn/expansion reasons [methodology §5]."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidInput, NotComputable
from ._vector import floats, is_scalar, shape_of, texts

__all__ = ["grr", "nrr", "retention_pairs", "retention_from_components", "reason_shares",
           "CHURN_REASONS", "EXPANSION_REASONS"]

CHURN_REASONS = ("Cancellation", "Downgrade")
EXPANSION_REASONS = ("Seat Expansion", "Product Change", "Product Change/Seat Change Mix",
                     "Discount/Price Change")
_TRUEUP = {"trueup", "true-up", "true up", "true-ups", "trueups"}


def retention_pairs(mrr_year_ago, mrr_now):
    """(ΣA, ΣB, ΣC) over customers active a year ago (A > 0); C = min(A, B) per customer.

    A blank current MRR counts as 0 (churned); blank or zero A leaves the cohort.
    """
    shape = shape_of(mrr_year_ago, mrr_now)
    a = floats(shape, mrr_year_ago, "mrr_year_ago", minimum=0)
    b = np.nan_to_num(floats(shape, mrr_now, "mrr_now", minimum=0))
    cohort = np.nan_to_num(a) > 0
    a, b = a[cohort], b[cohort]
    with np.errstate(over="ignore"):
        sums = a.sum(), b.sum(), np.minimum(a, b).sum()
    if not np.isfinite(sums).all():
        raise NotComputable("MRR totals are too large to add up")
    return sums


def grr(mrr_year_ago, mrr_now):
    """Gross revenue retention ΣC/ΣA with C = min(A, B) per customer (≤ 100 %).

    Returns None (NA) when no customer was active a year ago.

    Parameters
    ----------
    mrr_year_ago : float or array_like
        MRR of each customer twelve months ago (A); blank or 0 leaves the cohort.
    mrr_now : float or array_like
        Current MRR of the same customers (B); blank counts as 0 (churned).

    Returns
    -------
    grr : float or None
        A fraction (0.857 is 85.7 %).

    Raises
    ------
    InvalidInput
        An amount is negative or not a number, or ranges differ in length (``#VALUE!``).
    NotComputable
        The totals overflow (``#NUM!``).

    Notes
    -----
    ``GRR = Σ min(Aᵢ, Bᵢ) / Σ Aᵢ`` over customers with ``Aᵢ > 0``; computed from the sums,
    never by averaging percentages [methodology §5.1]. Source: GitLab Customer Success Vision
    (2019 revision: X 50 → 100 and Y 125 → 100 give GRR 150/175); GitLab retention direction
    page (GRR = min(B, A)/A).

    Examples
    --------
    >>> grr(50, 100), grr(125, 100)
    (1.0, 0.8)
    >>> round(grr([50, 125], [100, 100]), 5)
    0.85714
    """
    a, _, c = retention_pairs(mrr_year_ago, mrr_now)
    return None if a <= 0 else float(c / a)


def nrr(mrr_year_ago, mrr_now):
    """Net revenue retention ΣB/ΣA over customers active a year ago.

    Parameters
    ----------
    mrr_year_ago : float or array_like
        MRR of each customer twelve months ago (A); blank or 0 leaves the cohort.
    mrr_now : float or array_like
        Current MRR of the same customers (B); blank counts as 0 (churned).

    Returns
    -------
    nrr : float or None
        A fraction (1.14 is 114 %); None (NA) when no customer was active a year ago.

    Raises
    ------
    InvalidInput
        An amount is negative or not a number, or ranges differ in length (``#VALUE!``).
    NotComputable
        The totals or their ratio overflow (``#NUM!``).

    Notes
    -----
    ``NRR = Σ Bᵢ / Σ Aᵢ`` over customers with ``Aᵢ > 0`` [methodology §5.1]. Source: GitLab
    Customer Success Vision (2019 revision: NRR 200/175 = 114 %).

    Examples
    --------
    >>> nrr(50, 100), nrr(125, 100)
    (2.0, 0.8)
    >>> round(nrr([50, 125], [100, 100]), 5)
    1.14286
    """
    a, b, _ = retention_pairs(mrr_year_ago, mrr_now)
    if a <= 0:
        return None
    with np.errstate(over="ignore"):
        ratio = float(np.float64(b) / np.float64(a))
    if not np.isfinite(ratio):  # a tiny cohort MRR against a huge one now: past float range
        raise NotComputable("NRR is too large to represent")
    return ratio


def retention_from_components(start, contraction, churn, expansion):
    """Industry form: (GRR, NRR) from start ARR and its movements.

    Parameters
    ----------
    start : float
        ARR (or MRR) of the cohort at the start of the period.
    contraction, churn, expansion : float
        Amounts lost to downgrades, lost to cancellations, and gained, as positive numbers.

    Returns
    -------
    grr, nrr : float or None
        Both fractions; ``(None, None)`` when ``start`` is 0.

    Raises
    ------
    InvalidInput
        An argument is a range, blank, negative or not a number (``#VALUE!``).

    Notes
    -----
    ``GRR = (start − contraction − churn) / start``; ``NRR = (start + expansion − contraction −
    churn) / start`` [methodology §5.2]. Source: industry definition (PulseRevOps; early.tools),
    example 10.0 M start, 0.6 M contraction, 0.9 M churn, 1.8 M expansion → 85 % and 103 %.

    Examples
    --------
    >>> tuple(round(x, 4) for x in retention_from_components(10.0, 0.6, 0.9, 1.8))
    (0.85, 1.03)
    """
    args = (start, contraction, churn, expansion)
    if not all(is_scalar(v) for v in args):
        raise InvalidInput("start, contraction, churn and expansion are single amounts")
    vals = [float(floats(shape_of(v), v, name, minimum=0)[0])
            for v, name in zip(args, ("start", "contraction", "churn", "expansion"))]
    if any(v != v for v in vals):
        raise InvalidInput("start, contraction, churn and expansion must all be given")
    s, con, ch, ex = vals
    if s <= 0:
        return None, None
    return (s - con - ch) / s, (s + ex - con - ch) / s


_KNOWN = {r.lower(): ("Churn", r) for r in CHURN_REASONS} | {
    r.lower(): ("Expansion", r) for r in EXPANSION_REASONS}


def reason_shares(reasons, mrr_changes) -> pd.DataFrame:
    """Dollar-weighted shares of churn and expansion reasons, true-ups excluded.

    share = |ΔMRR(reason)| ÷ Σ|ΔMRR| of its category (Churn: Cancellation, Downgrade;
    Expansion: Seat Expansion, Product Change, Product Change/Seat Change Mix,
    Discount/Price Change). Unknown reasons go to "Other" by the sign of the change. A
    category whose total is 0 has NA shares.

    Parameters
    ----------
    reasons : array_like
        Reason of each MRR change (case-insensitive); blank is "Other"; true-ups are dropped.
    mrr_changes : array_like
        Signed MRR change of each row; blank rows are dropped.

    Returns
    -------
    shares : pandas.DataFrame
        Columns category, reason, mrr_change (signed sum) and share (a fraction; NA when
        the category's total is 0).

    Raises
    ------
    InvalidInput
        A change is not a number, or ranges differ in length (``#VALUE!``).

    Notes
    -----
    ``share(r) = |Σ ΔMRR(r)| / Σ_{r' in category} |Σ ΔMRR(r')|``, true-ups excluded from both
    sides [methodology §5.3]. Source: GitLab Customer Success Vision ("Reasons for Churn /
    Expansion, Dollar Weighted"); absolute values and the "Other" row are our choice.

    Examples
    --------
    >>> df = reason_shares(["Cancellation", "Downgrade", "Seat Expansion", "Trueup"],
    ...                    [-300, -100, 500, 50])
    >>> [(r, s) for r, s in zip(df["reason"], df["share"])]
    [('Cancellation', 0.75), ('Downgrade', 0.25), ('Seat Expansion', 1.0)]
    """
    shape = shape_of(reasons, mrr_changes)
    r = texts(shape, reasons)
    d = floats(shape, mrr_changes, "mrr_changes")
    key = pd.Series(r, dtype=object).fillna("other").str.strip().str.lower()
    keep = ~np.isnan(d) & ~key.isin(_TRUEUP).to_numpy()
    key, d = key[keep], d[keep]
    known = key.map(_KNOWN)
    other = known.isna().to_numpy()
    category = np.where(other, np.where(d < 0, "Churn", "Expansion"),
                        known.map(lambda t: t if t != t else t[0]).to_numpy())
    reason = np.where(other, "Other", known.map(lambda t: t if t != t else t[1]).to_numpy())
    df = pd.DataFrame({"category": category, "reason": reason, "mrr_change": d})
    order = {name: i for i, name in enumerate((*CHURN_REASONS, *EXPANSION_REASONS, "Other"))}
    g = df.groupby(["category", "reason"], sort=False, as_index=False)["mrr_change"].sum()
    g["abs"] = g["mrr_change"].abs()
    tot = g.groupby("category")["abs"].transform("sum")
    g["share"] = [None if t == 0 else a / t for a, t in zip(g["abs"], tot)]
    g["_c"] = g["category"].map({"Churn": 0, "Expansion": 1})
    g["_r"] = g["reason"].map(order)
    g = g.sort_values(["_c", "_r"]).reset_index(drop=True)
    return g[["category", "reason", "mrr_change", "share"]].astype({"share": object})
