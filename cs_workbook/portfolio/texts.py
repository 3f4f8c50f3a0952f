"""Text columns of the scores table, built from codes as pandas' ``str`` arrays.

``pd.DataFrame`` infers the ``str`` dtype for an object array of texts and NAs by converting
every cell (about 9 ms per 100,000 cells, two dozen columns). Colours, statuses and stages are
a handful of labels, so converting the labels once and taking them by code gives the same
column for a fraction of that. Each function returns exactly what the DataFrame constructor
would have made of the object array (an all-NA column stays an object array of ``None``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["labelled", "passed_text", "strings"]

#: the dtype pandas infers for an object array of texts (``str``, with the default storage)
_STR = pd.Series(np.array(["x"], dtype=object)).dtype


def labelled(codes: np.ndarray, labels) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """``labels[codes]`` with code -1 (or a label ``None``) as NA, as a ``str`` column.

    Parameters
    ----------
    codes : ndarray of int
        Indexes into ``labels``; -1 is NA.
    labels : sequence of str or None
        The distinct texts.

    Returns
    -------
    column : ExtensionArray or ndarray
        A ``str`` array; an object array of ``None`` when no row has a text (pandas infers no
        ``str`` dtype from NAs alone).

    Examples
    --------
    >>> list(labelled(np.array([1, -1, 0]), ["Red", "Green"]))
    ['Green', nan, 'Red']
    >>> labelled(np.array([-1]), ["Red"])
    array([None], dtype=object)
    """
    table = np.array([*labels, None], dtype=object)
    codes = np.asarray(codes, dtype=np.intp)
    used = np.bincount(codes + 1, minlength=len(table) + 1)[1:] if len(codes) else \
        np.zeros(len(table), dtype=np.intp)
    if not any(n and t is not None for n, t in zip(used, table)):
        return table[codes]
    codes = np.where(codes < 0, len(table) - 1, codes)  # non-negative: pandas need not fix it
    return pd.array(table, dtype=_STR).take(codes)


def strings(values: np.ndarray) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """An object array of few distinct texts (and ``None``/NaN) as the ``str`` column pandas
    would infer, converting each distinct text once; anything else is returned unchanged.

    Examples
    --------
    >>> list(strings(np.array(["Met", None, "Met"], dtype=object)))
    ['Met', nan, 'Met']
    """
    values = np.asarray(values)
    if values.dtype != object or not len(values):
        return values
    codes, uniques = pd.factorize(values)
    if 2 * len(uniques) > len(values):  # mostly distinct: nothing to share
        return values
    if not len(uniques) or not all(isinstance(u, str) for u in uniques):
        return values
    return labelled(codes, uniques.tolist())


def passed_text(column: pd.Series, distinct: bool = False):
    """An Accounts text column for the scores table: its own array when it already is a
    ``str`` column (no round trip through objects), else :func:`strings` of its values (or
    the values themselves when they are ``distinct``, such as IDs and names)."""
    if column.dtype == _STR:
        return column.array
    return column.to_numpy() if distinct else strings(column.to_numpy())
