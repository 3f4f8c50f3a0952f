"""Excel's ``CEILING``, ``QUOTIENT``, ``DELTA`` and ``GESTEP``, and ``ERROR.TYPE``."""

from __future__ import annotations

import math

from .args import NumError, error, lifted, numeric

__all__ = ["CEILING", "QUOTIENT", "DELTA", "GESTEP", "ERROR_TYPE"]


@lifted
@numeric()
def CEILING(number, significance=1.0):
    """Round up to a multiple of ``significance``; with both negative, away from zero.

    >>> CEILING(2.5, 1), CEILING(-2.5, -2), CEILING(-2.5, 2), CEILING(1.5, 0.1), CEILING(2, 0)
    (3.0, -4.0, -2.0, 1.5, 0.0)
    """
    if significance == 0 or number == 0:
        return 0.0
    if number > 0 and significance < 0:
        raise NumError
    q = number / significance
    steps = math.ceil(q - 1e-12 * abs(q)) if significance > 0 or number > 0 else \
        math.ceil(q - 1e-12 * abs(q))
    return float(round(steps * significance, 15))


@lifted
@numeric(logical=False)
def QUOTIENT(numerator, denominator):
    """The integer part of a division (``#DIV/0!`` for 0).

    >>> QUOTIENT(5, 2), QUOTIENT(-10, 3)
    (2.0, -3.0)
    """
    return float(math.trunc(numerator / denominator))


@lifted
@numeric(logical=False)
def DELTA(number1, number2=0.0):
    """1 when the two numbers are equal, else 0."""
    return 1.0 if number1 == number2 else 0.0


@lifted
@numeric(logical=False)
def GESTEP(number, step=0.0):
    """1 when ``number`` ≥ ``step``, else 0."""
    return 1.0 if number >= step else 0.0


_ERROR_TYPES = {"Null": 1, "Div": 2, "Value": 3, "Ref": 4, "Name": 5, "Num": 6, "Na": 7,
                "GettingData": 8, "Spill": 9, "Connect": 10, "Blocked": 11, "Unknown": 12,
                "Field": 13, "Calc": 14}


@lifted
def ERROR_TYPE(value):
    """Excel's error number of an error value (``#N/A`` for anything else)."""
    if isinstance(value, dict) and value.get("type") == "Error":
        n = _ERROR_TYPES.get(value.get("kind"))
        return float(n) if n else error("Na")
    return error("Na")
