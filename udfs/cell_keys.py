"""Keys of distinct cells, so that a range's cells are parsed once per distinct value: a range
repeats a few values (a status, a colour, an error cell) a lot."""

from __future__ import annotations

from operator import itemgetter

import numpy as np

__all__ = ["PLAIN", "distinct", "distinct_coded", "type_codes", "key", "take"]

#: Cells whose equal values parse alike (True == 1 is kept out).
PLAIN = frozenset({str, float, int, type(None)})


def distinct(items, types=None):
    """``(codes, firsts)``: each cell's code of its distinct (type, value), in C passes, and the
    first cell of each code. Cells are grouped by exact type first (so True stays apart from 1
    and None from NaN), then each type's cells are hashed together (pandas' hash table); an
    Office.js dict is keyed by its items. ``types`` (``list(map(type, items))``) may be given
    when the caller has it. Raises TypeError for a cell that cannot be a key (a nested list)."""
    if types is None:
        types = list(map(type, items))
    kinds = list(set(types))
    if len(kinds) == 1:
        if kinds[0] in (list, tuple):
            raise TypeError("a nested cell")
        return _codes_of(kinds[0], items)
    return distinct_coded(items, type_codes(types, kinds), kinds)


def type_codes(types: list, kinds: list) -> np.ndarray:
    """Each cell's index of its type in ``kinds``, in one C pass."""
    index = dict(zip(kinds, range(len(kinds))))
    return np.fromiter(map(index.__getitem__, types), dtype=np.intp, count=len(types))


def distinct_coded(items, codes_of_types: np.ndarray, kinds: list):
    """:func:`distinct` of cells whose types are given as indices into ``kinds``."""
    if list in kinds or tuple in kinds:
        raise TypeError("a nested cell")
    codes = np.empty(len(items), dtype=np.intp)
    firsts: list = []
    for i, kind in enumerate(kinds):
        at = np.flatnonzero(codes_of_types == i)
        if not len(at):
            continue
        cells = (items[at[0]],) if len(at) == 1 else itemgetter(*at.tolist())(items)
        group_codes, group_firsts = _codes_of(kind, cells)
        codes[at] = group_codes + len(firsts)
        firsts.extend(group_firsts)
    return codes, firsts


def _codes_of(kind, cells):
    """``(codes, firsts)`` of cells of one type: equal cells (hash and ``==``) share a code.
    One hash pass: each cell's key maps to the position of its first cell."""
    n = len(cells)
    keys = _dict_keys(cells) if kind is dict else cells
    index: dict = {}  # key → position of its first cell; raises TypeError if unhashable
    at = np.fromiter(map(index.setdefault, keys, range(n)), dtype=np.intp, count=n)
    first = np.fromiter(index.values(), dtype=np.intp, count=len(index))  # ascending
    code = np.empty(n, dtype=np.intp)
    code[first] = np.arange(len(first))
    return code[at], [cells[i] for i in first.tolist()]


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


def _dict_keys(cells):
    """Keys of Office.js dicts that tell them apart as the parsers (and their messages) do: the
    values, when every dict has the same keys in the same order (one C pass each), else the
    items."""
    names = set(map(tuple, cells))
    if len(names) == 1:
        names = next(iter(names))
        if len(names) > 1:
            return map(itemgetter(*names), cells)
    return map(tuple, map(dict.items, cells))


def take(items, at: np.ndarray):
    """The items at positions ``at`` (a list or tuple), in one C call."""
    if len(at) < 2:
        return [items[i] for i in at.tolist()]
    return itemgetter(*at.tolist())(items)
