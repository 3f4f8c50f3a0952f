"""Arguments as formualizer hands them to a Python built-in, turned into numbers as Excel does."""

from __future__ import annotations

import functools
import math

__all__ = ["error", "numeric", "NumError", "ArgError"]


def error(kind: str) -> dict:
    """A formualizer error value (``kind`` is ``Num``, ``Value``, ``Div``, ``Na`` …)."""
    return {"type": "Error", "kind": kind}


class NumError(Exception):
    """An argument out of range: ``#NUM!``."""


class ArgError(Exception):
    """An argument that answers the cell with ``value`` (an error passed through, ``#VALUE!``)."""

    def __init__(self, value):
        super().__init__(value)
        self.value = value


def _number(a, logical: bool) -> float:
    if isinstance(a, dict):
        raise ArgError(a if a.get("type") == "Error" else error("Value"))
    if a is None:
        return 0.0
    if isinstance(a, bool):
        if not logical:
            raise ArgError(error("Value"))
        return float(a)
    if isinstance(a, (int, float)):
        return float(a)
    if isinstance(a, str):
        try:
            return float(a)
        except ValueError:
            raise ArgError(error("Value")) from None
    raise ArgError(error("Value"))


def numeric(logical: bool = True):
    """Decorate a function of floats as a formualizer callable: errors pass through, text that
    is no number is ``#VALUE!`` (so are TRUE/FALSE unless ``logical``), :class:`NumError`
    and non-finite results are ``#NUM!``, division by zero is ``#DIV/0!``."""
    def wrap(func):
        @functools.wraps(func)
        def call(*args):
            try:
                result = func(*[_number(a, logical) for a in args])
            except ArgError as e:
                return e.value
            except ZeroDivisionError:
                return error("Div")
            except (NumError, OverflowError, ValueError):
                return error("Num")
            if isinstance(result, float) and not math.isfinite(result):
                return error("Num")
            return result
        return call
    return wrap
