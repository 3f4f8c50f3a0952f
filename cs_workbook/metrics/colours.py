"""Colours: parsing, numeric points, and the colour band of a 0–100 score [methodology §1.2, §1.4].

Internally a colour is an ``int8`` code: -1 NA, 0 Red, 1 Yellow, 2 Green (the codes of a
pandas Categorical with categories Red, Yellow, Green).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from ..config import DEFAULT, Config
from ..errors import InvalidInput
from ._vector import Shape, floats, is_scalar, output, shape_of

__all__ = [
    "NA", "RED", "YELLOW", "GREEN", "NAMES",
    "colour_codes", "colour_names", "colour_output", "points_of_codes", "codes_of_scores", "band_codes",
    "as_points", "colour", "points",
]

NA, RED, YELLOW, GREEN = -1, 0, 1, 2
NAMES = ("Red", "Yellow", "Green")
_WORDS = {"red": RED, "r": RED, "yellow": YELLOW, "y": YELLOW, "amber": YELLOW,
          "green": GREEN, "g": GREEN}
_NAME_ARRAY = np.array([None, "Red", "Yellow", "Green"], dtype=object)


def _code_item(v, cfg: Config, name: str) -> int:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return NA
    if isinstance(v, str):
        t = v.strip().lower()
        if t in ("", "na", "n/a", "#n/a"):
            return NA
        if t in _WORDS:
            return _WORDS[t]
        try:
            v = float(t)
        except ValueError:
            raise InvalidInput(f"{name}: {v!r} is not a colour (Green, Yellow, Red)") from None
    if isinstance(v, (bool, np.bool_)):
        raise InvalidInput(f"{name}: {v!r} is not a colour (Green, Yellow, Red)")
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name}: {v!r} is not a colour (Green, Yellow, Red)") from None
    return int(codes_of_scores(np.array([_check_score(f, name)]), cfg)[0])


def _check_score(f: float, name: str) -> float:
    if not (0 <= f <= 100):
        raise InvalidInput(f"{name}: {f:g} is not a score between 0 and 100")
    return f


def colour_codes(shape: Shape, x, cfg: Config = DEFAULT, name: str = "colour") -> np.ndarray:
    """Colour codes of ``x``: words in any case, initials, numeric points (scored), blanks."""
    if isinstance(x, pd.Series) and isinstance(x.dtype, pd.CategoricalDtype) \
            and list(x.cat.categories) == list(NAMES):
        return x.cat.codes.to_numpy().astype(np.int8)
    if isinstance(x, (pd.Series, np.ndarray)) and x.dtype.kind in "fi":
        return codes_of_scores(_checked_scores(shape, x, name), cfg)
    if shape.scalar or is_scalar(x):
        return np.full(shape.n, _code_item(x, cfg, name), dtype=np.int8)
    vals = x.to_numpy() if isinstance(x, pd.Series) else np.asarray(x, dtype=object).reshape(-1)
    if len(vals) == 1 and shape.n != 1:
        vals = np.repeat(vals, shape.n)
    if vals.dtype == object and len(vals) > 1:
        codes = _text_column_codes(vals, cfg, name)
        if codes is not None:
            return codes
    # Fast path for text columns: map whole words, fall back per item for the rest.
    series = pd.Series(vals, dtype=object)
    is_str = series.map(type).eq(str).to_numpy()
    out = np.full(len(vals), NA, dtype=np.int8)
    if is_str.any():
        mapped = series[is_str].str.strip().str.lower().map(_WORDS)
        known = mapped.notna().to_numpy()
        out[np.flatnonzero(is_str)[known]] = mapped[known].to_numpy(dtype=np.int8)
        todo = is_str.copy()
        todo[np.flatnonzero(is_str)[known]] = False
    else:
        todo = is_str
    rest = np.flatnonzero(todo | ~is_str)
    if len(rest):
        out[rest] = _codes_of_items(vals[rest].tolist(), cfg, name)
    return out


def _text_column_codes(vals: np.ndarray, cfg: Config, name: str) -> np.ndarray | None:
    """Codes of an object column whose distinct values are all texts, each text coded once
    (a sentiment column holds a handful); None when another kind of value is present or a
    value is bad, so the caller goes cell by cell and raises for the first bad cell."""
    try:
        codes, uniques = pd.factorize(vals)
    except TypeError:  # unhashable cells (a nested range): cell by cell
        return None
    if not all(type(u) is str for u in uniques):
        return None
    try:
        table = np.array([*_codes_of_items(uniques.tolist(), cfg, name), NA], dtype=np.int8)
        out = table[codes]
        blank = np.flatnonzero(codes < 0)  # None and NaN, but also NaT or pd.NA: as cells
        if len(blank):
            out[blank] = _codes_of_items(vals[blank].tolist(), cfg, name)
    except InvalidInput:
        return None
    return out


def _codes_of_items(items: list, cfg: Config, name: str) -> list:
    """``_code_item`` of each item, computed once per distinct (type, value): a column repeats
    a few scores, blanks and odd cells a lot. Raises for the first bad item, as row order
    would."""
    seen: dict = {}
    out = []
    for v in items:
        if v is None:
            out.append(NA)
            continue
        key = (v.__class__, v)
        try:
            code = seen.get(key)
        except TypeError:  # unhashable: no reuse
            code = None
        if code is None:
            code = _code_item(v, cfg, name)
            with contextlib.suppress(TypeError):
                seen[key] = code
        out.append(code)
    return out


def _checked_scores(shape, x, name):
    arr = floats(shape, x, name)
    bad = (arr < 0) | (arr > 100)
    if bad.any():
        raise InvalidInput(f"{name}: {arr[bad][0]:g} is not a score between 0 and 100")
    return arr


def codes_of_scores(scores: np.ndarray, cfg: Config = DEFAULT) -> np.ndarray:
    """Colour band of aggregated scores: ≤ red_max Red, ≤ yellow_max Yellow, else Green [§1.4]."""
    out = np.where(scores <= cfg.red_max, RED, np.where(scores <= cfg.yellow_max, YELLOW, GREEN))
    return np.where(np.isnan(scores), NA, out).astype(np.int8)


def band_codes(x: np.ndarray, red_below: float, red_inclusive: bool, green_above: float,
               green_inclusive: bool, na_mask: np.ndarray | None = None) -> np.ndarray:
    """Three-band threshold rule for a raw measure; NaN → NA.

    Red when ``x < red_below`` (``≤`` if ``red_inclusive``), Green when ``x > green_above``
    (``≥`` if ``green_inclusive``), Yellow in between.
    """
    red = x <= red_below if red_inclusive else x < red_below
    green = x >= green_above if green_inclusive else x > green_above
    out = np.where(red, RED, np.where(green, GREEN, YELLOW))
    na = np.isnan(x) if na_mask is None else (np.isnan(x) | na_mask)
    return np.where(na, NA, out).astype(np.int8)


def points_of_codes(codes: np.ndarray, cfg: Config = DEFAULT) -> np.ndarray:
    """Numeric points of colour codes (NA → NaN)."""
    table = np.array([*cfg.points(), np.nan])  # index -1 → NaN
    return table[codes]


def as_points(shape: Shape, x, cfg: Config = DEFAULT, name: str = "score") -> np.ndarray:
    """A score input as points: numbers 0–100 pass through, colours become their points."""
    if shape.scalar or is_scalar(x):
        if isinstance(x, str):
            try:
                x = float(x) if x.strip() else None
            except ValueError:
                pass
        if isinstance(x, (int, float, np.number)) and not isinstance(x, bool):
            f = float(x)
            if f != f:
                return np.full(shape.n, np.nan)
            return np.full(shape.n, _check_score(f, name))
        return points_of_codes(colour_codes(shape, x, cfg, name), cfg)
    if isinstance(x, (pd.Series, np.ndarray)) and x.dtype.kind in "fi":
        return _checked_scores(shape, x, name)
    vals = x.to_numpy() if isinstance(x, pd.Series) else np.asarray(x, dtype=object).reshape(-1)
    if isinstance(x, pd.Series) and isinstance(x.dtype, pd.CategoricalDtype):
        return points_of_codes(colour_codes(shape, x, cfg, name), cfg)
    if len(vals) == 1 and shape.n != 1:
        vals = np.repeat(vals, shape.n)
    out = np.empty(len(vals))
    for i, v in enumerate(vals):
        out[i] = as_points(Shape(True, 1), v, cfg, name)[0]
    return out


def colour_names(codes) -> np.ndarray:
    """Colour codes as an object array of ``"Red"``/``"Yellow"``/``"Green"``/``None``."""
    return _NAME_ARRAY[np.asarray(codes) + 1]


def colour_output(shape: Shape, codes: np.ndarray, name: str | None = None):
    """Colour codes in the caller's shape: str/None, Categorical Series, or object array."""
    if shape.scalar:
        return _NAME_ARRAY[codes[0] + 1]
    if shape.index is not None:
        cat = pd.Categorical.from_codes(codes.astype(np.int8), categories=list(NAMES))
        return pd.Series(cat, index=shape.index, name=name)
    return colour_names(codes)


def colour(score, *, config: Config = DEFAULT):
    """Colour of a 0–100 score: ≤50 Red, >50 and ≤75 Yellow, >75 Green.

    Parameters
    ----------
    score : float or array_like
        Aggregated score(s) 0–100 (a group, use-case, product or overall score); blank is NA.
    config : Config, optional
        Supplies the band limits ``red_max`` (50) and ``yellow_max`` (75).

    Returns
    -------
    colour : str or None, or array_like
        ``"Red"``, ``"Yellow"`` or ``"Green"``; None for NA. A Categorical Series for a Series
        input, an object array for other array input.

    Raises
    ------
    InvalidInput
        A score is not a number or lies outside 0–100, or is an empty range (``#VALUE!``).

    Notes
    -----
    ``Red if score ≤ red_max; Yellow if red_max < score ≤ yellow_max; Green if score >
    yellow_max`` [methodology §1.4]. The lower edge of a band belongs to the band below.

    Sources: GitLab dbt model ``rpt_product_usage_health_score`` (``overall_product_color``);
    Gainsight Scorecard FAQs: "Except for the 0–X range, the 'From' value is not included".

    Examples
    --------
    >>> [colour(s) for s in (50, 50.01, 75, 75.01)]
    ['Red', 'Yellow', 'Yellow', 'Green']
    >>> colour(None) is None
    True
    """
    shape = shape_of(score)
    return colour_output(shape, codes_of_scores(_checked_scores(shape, score, "score"), config))


def points(colour_value, *, config: Config = DEFAULT):
    """Numeric points of a colour: Green 87.5, Yellow 62.5, Red 25 (dbt set: 88/63/25).

    Parameters
    ----------
    colour_value : str, float or array_like
        ``Green``/``Yellow``/``Red`` in any case, ``G``/``Y``/``R`` or ``Amber``; a number 0–100
        is first banded to its colour. Blank, ``NA`` and ``#N/A`` are NA.
    config : Config, optional
        ``colour_points`` picks the point set (``midpoint`` or ``dbt``); ``red_max`` and
        ``yellow_max`` band numeric input.

    Returns
    -------
    points : float or None, or array_like
        The colour's points; None (NaN in arrays) for NA.

    Raises
    ------
    InvalidInput
        A value is not a colour (unknown word, TRUE/FALSE) or a number outside 0–100
        (``#VALUE!``).

    Notes
    -----
    ``points(Red, Yellow, Green) = 25, 62.5, 87.5`` with ``colour_points = "midpoint"`` (the
    middles of Gainsight's bands 0–50 / 50–75 / 75–100, as in the handbook's worked example), or
    ``25, 63, 88`` with ``colour_points = "dbt"`` (GitLab's dbt model
    ``rpt_product_usage_health_score``) [methodology §1.2].

    Examples
    --------
    >>> points("Green"), points("y"), points("RED")
    (87.5, 62.5, 25.0)
    >>> from cs_workbook.config import Config
    >>> points("Yellow", config=Config(colour_points="dbt"))
    63.0
    """
    shape = shape_of(colour_value)
    return output(shape, points_of_codes(colour_codes(shape, colour_value, config), config))
