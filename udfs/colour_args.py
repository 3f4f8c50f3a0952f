"""Colour arguments of the CS_* functions: colour words or initials (Green, Y, …) and scores 0–100,
coerced to colour names (:func:`colours`) or points (:func:`scores`) the way the engine reads
them, and handed to the engine as its colour Categorical (:func:`engine_colours`). Re-exported
by :mod:`.coerce`, whose column collectors they use.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..errors import CSError
from .cell_parsers import _score_or_colour
from .coerce import Col, _collect
from .errors import ExcelError

__all__ = ["scores", "colours", "engine_colours"]


def _colour_values(x, name, cfg, as_points: bool) -> Col:
    from ..metrics._vector import Shape
    from ..metrics.colours import NAMES, colour_codes, points_of_codes

    one_value = Shape(True, 1)

    def one(v, name):
        c = _score_or_colour(v, name)
        if c is None or isinstance(c, ExcelError):
            return c
        if isinstance(c, float):
            if 0 <= c <= 100:
                return c
        else:
            try:  # the engine's own reading of colour words and initials
                code = int(colour_codes(one_value, c, cfg, name)[0])
            except CSError:
                code = None
            if code is not None:
                if code < 0:
                    return None
                return float(points_of_codes(np.array([code]), cfg)[0]) if as_points \
                    else NAMES[code]
        return ExcelError("#VALUE!", f"{name}: {v!r} is not a colour (Green, Yellow, Red) or a "
                          "score 0–100", user=True)

    blank = np.nan if as_points else None
    return _collect(x, name, one, blank, float if as_points else object)


@functools.lru_cache(maxsize=None)
def _colour_categories():
    """The engine's colour Categorical dtype and each name's code in it."""
    from ..metrics.colours import NAMES

    return pd.CategoricalDtype(list(NAMES)), {name: i for i, name in enumerate(NAMES)}


def engine_colours(values):
    """A coerced colour column in the form the engine reads fastest and safely: colour names
    as its Categorical, all-numeric scores as a float Series, anything mixed as given."""
    values = np.asarray(values, dtype=object)
    items = values.tolist()
    kinds = set(map(type, items))
    if kinds <= {str, type(None)}:
        dtype, code_of = _colour_categories()
        # from_codes: pd.Categorical(values, categories=…) costs ~2 ms a call in its indexer
        codes = [-1 if v is None else code_of.get(v, -2) for v in items]
        if -2 not in codes:
            return pd.Series(pd.Categorical.from_codes(np.array(codes, dtype=np.int8),
                                                       dtype=dtype))
    if kinds <= {float, type(None)}:
        return pd.Series(np.array([np.nan if v is None else v for v in values], dtype=float))
    return values


def scores(x, name: str, cfg) -> Col:
    """Scores 0–100 or colours, as points (colours through the engine's ``points``)."""
    return _colour_values(x, name, cfg, as_points=True)


def colours(x, name: str, cfg) -> Col:
    """Colours (words, initials → names) or scores 0–100, validated."""
    col = _colour_values(x, name, cfg, as_points=False)
    col.prepare = engine_colours
    return col
