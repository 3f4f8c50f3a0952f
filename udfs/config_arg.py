"""The optional last argument ``config`` of the CS_* functions: a workbook's Config table.

Every function whose answer depends on a setting takes ``config``, a two-column Key/Value range
(normally ``Config[[Key]:[Value]]``): its rows are validated exactly as the workbook's Config
sheet is (:meth:`~cs_workbook.config.Config.from_mapping`, the same key matching) on top of the
active configuration (:func:`.rows.config`). Passing the table makes Excel recalculate a formula
when the Config sheet changes, and makes the cell compute what ``score``, ``ebr`` and ``calc``
compute for the workbook.

Both delivery paths are read: classic (Python values, dates as ``datetime``, blanks ``None``)
and Office.js or headless calc (serial dates, ``""`` or ``0`` for blanks, error cells as dicts).
A first row ``Key``/``Value`` (a selection with its header) is skipped, rows with a blank key
are ignored, and a key given twice is an error as in the sheet. Bad keys and values raise
:class:`~._errors.UserError` naming the key: since the configuration applies to every row, a
range call answers that error as a whole.

The Scorecard calls each function once per account row with the same range, so the parsed
configuration is kept in a small LRU keyed by the rows as sent with their cells' types (or, for
rows holding unhashable cells, their normalised form) and the base configuration's identity.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections import OrderedDict
from itertools import chain
from numbers import Number

import numpy as np

from ..config import Config, normalise_key
from ..errors import ConfigError
from .cell_parsers import _date, _unwrap
from . import errors as _errors
from .errors import ExcelError, error_of
from .rows import config as active_config

__all__ = ["configured", "CONFIG_DOC", "parse_rows"]

#: Help text of the ``config`` argument (Excel shows at most 255 characters).
CONFIG_DOC = ("Settings for this call: the workbook's Config table, Config[[Key]:[Value]] "
              "(Key and Value columns, checked as the Config sheet is); omitted: the built-in "
              "settings")

_DATE_KEYS = frozenset(k for k, v in vars(Config()).items() if isinstance(v, _dt.date))
_PLAIN = (str, float, int, bool, type(None), _dt.date)


def configured(config_range=None) -> Config:
    """The configuration of one call: the active one, with the rows of ``config_range``."""
    base = active_config()
    if _blank(config_range):
        return base
    key = _cache_key(config_range)
    if key is None:  # other shapes, or cells such as Office.js data types: normalise first
        rows = _normalised_rows(config_range)
        key = (rows, tuple(type(v) for _, v in rows))
    cfg, message = _parsed(key, base)
    if message:
        raise _errors.UserError(message)
    return cfg


def _blank(x) -> bool:
    if x is None or (isinstance(x, str) and not x.strip()):
        return True
    if isinstance(x, (list, tuple)) and len(x) == 1 and isinstance(x[0], (list, tuple)) \
            and len(x[0]) == 1:
        return _blank(x[0][0])
    return False


def _cache_key(x):
    """``(rows, types of their cells)`` of a list of 2-cell rows of plain values, else None.

    The types are part of the key: 1, 1.0 and True are equal as keys but not as settings."""
    if type(x) not in (list, tuple) or not x or not _ROW_TYPES.issuperset(map(type, x)):
        return None
    rows = tuple(map(tuple, x))
    if set(map(len, rows)) != {2}:
        return None
    types = tuple(map(type, chain.from_iterable(rows)))
    return (rows, types) if _PLAIN_TYPES.issuperset(types) else None


_ROW_TYPES = frozenset((list, tuple))
_PLAIN_TYPES = frozenset((str, float, int, bool, type(None), _dt.date, _dt.datetime))
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 32
_LOCK = threading.Lock()  # the Office.js server may call functions from several threads


def _parsed(key: tuple, base: Config):
    """``(Config, None)`` or ``(None, message)`` for the rows of ``key`` on ``base``, from a
    small LRU (errors are kept too). Entries are found by the base's identity, not its hash:
    hashing a Config costs more than everything else here."""
    where = (id(base), key)  # the entry holds base, so its id is not reused while cached
    with _LOCK:
        entry = _CACHE.get(where)
        if entry is not None and entry[0] is base:
            _CACHE.move_to_end(where)
            return entry[1]
    try:
        result = parse_rows(_normalised_rows(key[0]), base), None
    except _errors.UserError as exc:
        result = None, str(exc)
    with _LOCK:
        _CACHE[where] = (base, result)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def parse_rows(rows, base: Config) -> Config:
    """Validate normalised ``(key, value)`` rows onto ``base`` as the Config sheet is."""
    mapping, seen = {}, set()
    for i, (key, value) in enumerate(rows):
        if key is None:
            continue
        if i == 0 and key.lower() == "key" and isinstance(value, str) \
                and value.strip().lower() == "value":
            continue  # the table's header row
        if key in seen:
            raise _errors.UserError(f"config: key {key!r} appears twice")
        seen.add(key)
        if isinstance(value, ExcelError):
            raise _errors.UserError(f"config: key {key!r} holds {value.code}")
        if normalise_key(key) in _DATE_KEYS and value is not None:
            value = _date(value, key)
            if isinstance(value, ExcelError):
                raise _errors.UserError(f"config: {value.message or value.code}")
        mapping[key] = value
    try:
        return Config.from_mapping(mapping, base=base)
    except ConfigError as exc:
        raise _errors.UserError(f"config: {exc}") from None


def _normalised_rows(x) -> tuple:
    """``((key text or None, clean value), …)`` of a two-column range in either delivery shape."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    elif hasattr(x, "to_numpy"):  # a DataFrame from Python
        x = x.to_numpy(dtype=object).tolist()
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (list, tuple)):
        x = [x]  # one row as a flat list
    if not isinstance(x, (list, tuple)) or not x \
            or not all(isinstance(r, (list, tuple)) for r in x):
        raise _errors.UserError("config: pass the two columns Key and Value of the Config table, "
                        "e.g. Config[[Key]:[Value]]")
    widths = {len(r) for r in x}
    if widths != {2}:
        raise _errors.UserError(f"config: the range must have 2 columns (Key, Value), not "
                        f"{'/'.join(map(str, sorted(widths)))}")
    return tuple((_key(k), _value(v)) for k, v in x)


def _key(k):
    if k is None or (isinstance(k, Number) and not isinstance(k, bool) and k == 0):
        return None  # 0: an empty cell as Excel desktop sends it through Office.js
    err = error_of(k)
    if err is not None:
        raise _errors.UserError(f"config: the Key column holds {err.code}")
    k = _unwrap(k)
    if isinstance(k, np.generic):
        k = k.item()
    if isinstance(k, ExcelError):
        raise _errors.UserError(f"config: the Key column holds {k.code}")
    if isinstance(k, float) and k != k:
        return None
    text = str(k).strip()
    return text or None


def _value(v):
    if isinstance(v, ExcelError):
        return v
    err = error_of(v)
    if err is not None:
        return err
    v = _unwrap(v)
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, _PLAIN):
        return v
    shown = repr(v)
    return shown if len(shown) <= 40 else shown[:36] + "…"
