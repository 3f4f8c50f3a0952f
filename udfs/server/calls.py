"""The shape of a custom-functions call: what xlwings' JavaScript posts, checked before any of
it reaches a function (a malformed call is a :class:`BadCall`, answered 400)."""

from __future__ import annotations

import json
import math

__all__ = ["BadCall", "check_call", "parse_call", "signatures"]

#: How deep an entity cell ({"type": …, "properties": {…}}) may nest.
_MAX_CELL_DEPTH = 16


class BadCall(ValueError):
    """A malformed custom-functions call: answered 400 with the message."""


def signatures(module) -> dict:
    """func_name → (required argument count, argument names) of every served function."""
    sigs = {}
    for name, fn in vars(module).items():
        xlf = getattr(fn, "__xlfunc__", None)
        if xlf is not None and not name.startswith("_"):
            names = tuple(a["name"] for a in xlf["args"])
            sigs[name] = (sum("optional" not in a for a in xlf["args"]), names)
    return sigs


def parse_call(body: bytes, sigs: dict) -> tuple[dict, int]:
    """The call in ``body`` and its number of cells; :class:`BadCall` if it is malformed."""
    if not body.strip():
        raise BadCall("empty request body: expected a JSON custom-functions call")
    try:
        data = json.loads(body)
    except RecursionError:
        raise BadCall("invalid request: JSON nested too deeply") from None
    except ValueError as exc:
        raise BadCall(f"invalid JSON: {exc}") from None
    return data, check_call(data, sigs)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_call(data, signatures: dict) -> int:
    """Raise :class:`BadCall` unless ``data`` is a well-formed call of a served function;
    return its number of cells.

    The shape the xlwings custom-functions JavaScript sends: an object with ``client``,
    ``func_name``, ``args`` (one entry per parameter: ``null`` or a non-empty rectangular
    2-D array of cells), ``version`` and ``runtime`` (a number as text, e.g. "1.4").
    """
    if not isinstance(data, dict):
        raise BadCall("invalid request: the body must be a JSON object")
    for key in ("func_name", "args", "version", "runtime", "client"):
        if key not in data:
            raise BadCall(f"invalid request: missing '{key}'")
    name = data["func_name"]
    if not isinstance(name, str) or name not in signatures:
        raise BadCall(f"unknown function {_short(name)}")
    for key in ("version", "client"):
        if not isinstance(data[key], str):
            raise BadCall(f"invalid request: '{key}' must be text")
    runtime = data["runtime"]
    try:
        ok = isinstance(runtime, str) and math.isfinite(float(runtime))
    except ValueError:
        ok = False
    if not ok:
        raise BadCall(f"invalid request: 'runtime' must be a version number such as \"1.4\", "
                      f"not {_short(runtime)}")
    for key in ("caller_address", "date_format", "culture_info_name", "session_id"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise BadCall(f"invalid request: '{key}' must be text or null")
    args = data["args"]
    if not isinstance(args, list):
        raise BadCall("invalid request: 'args' must be a list (one entry per argument)")
    required, names = signatures[name]
    if not required <= len(args) <= len(names):
        count = str(required) if required == len(names) else f"{required} to {len(names)}"
        noun = "argument" if count == "1" else "arguments"
        raise BadCall(f"{name} takes {count} {noun} ({', '.join(names)}), got {len(args)}")
    cells = 0
    for param, arg in zip(names, args):
        if arg is not None:
            problem = _matrix_problem(arg)
            if problem:
                raise BadCall(f"{name}: argument '{param}' {problem}")
            cells += len(arg) * len(arg[0])
    return cells


def _matrix_problem(arg) -> str | None:
    if type(arg) is not list or not arg:
        return "is not a 2-D array of cells (a list of rows)"
    width = -1
    for row in arg:
        if type(row) is not list:
            return "is not a 2-D array of cells (a list of rows)"
        if len(row) != width:
            if width != -1:
                return (f"is not rectangular: rows of {width} and {len(row)} cells")
            width = len(row)
            if not width:
                return "has an empty row"
        types_ = set(map(type, row))
        if list in types_:
            return "has a cell that is itself an array (nested deeper than 2-D)"
        if dict in types_ and any(_too_deep(c) for c in row if type(c) is dict):
            return f"has a cell value nested more than {_MAX_CELL_DEPTH} levels deep"
    return None


def _too_deep(value, depth=0) -> bool:
    if depth > _MAX_CELL_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_too_deep(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_too_deep(v, depth + 1) for v in value)
    return False
