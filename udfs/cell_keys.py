"""Keys of distinct cells, so that a range's cells are parsed once per distinct value: a range
repeats a few values (a status, a colour, an error cell) a lot."""

from __future__ import annotations

from itertools import compress, repeat
from operator import is_

import numpy as np
import pandas as pd

__all__ = ["PLAIN", "distinct", "key"]

#: Cells whose equal values parse alike (True == 1 is kept out).
PLAIN = frozenset({str, float, int, type(None)})


def distinct(items):
    """``(codes, firsts)``: each cell's code of its distinct (type, value), in C passes (pandas'
    hash table), and the first cell of each code. The type keeps True apart from 1 and None
    from NaN; an Office.js dict is keyed by its items. Raises TypeError for an unhashable cell."""
    n = len(items)
    types = list(map(type, items))
    type_codes = pd.factorize(np.fromiter(map(id, types), dtype=np.int64, count=n))[0]
    values = np.empty(n, dtype=object)
    values[:] = items
    if dict in set(types):
        at = np.flatnonzero(np.fromiter(map(is_, types, repeat(dict)), dtype=bool, count=n))
        cells = [items[i] for i in at.tolist()]
        values[at] = np.fromiter(map(tuple, map(dict.items, cells)), dtype=object,
                                 count=len(at))
    value_codes = pd.factorize(values, use_na_sentinel=False)[0]
    codes, uniques = pd.factorize(type_codes * (int(value_codes.max()) + 1) + value_codes)
    first = np.empty(len(uniques), dtype=np.intp)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)  # the last write wins: the first cell
    return codes, [items[i] for i in first.tolist()]


def key(v):
    """A hashable key for a cell: what the parsers read of it, with its type (True is not 1);
    a cell that cannot be a key (a nested list) gets a key of its own."""
    k = v if v.__class__ in PLAIN else \
        ((dict, *v.items()) if v.__class__ is dict else (v.__class__, v))
    try:
        hash(k)
    except TypeError:
        return object()
    return k
