"""Excel's ``DOLLARDE`` and ``DOLLARFR``: prices quoted in fractions (``1.02`` = 1 2/16)."""

from __future__ import annotations

import math

from .args import NumError, lifted, numeric

__all__ = ["DOLLARDE", "DOLLARFR"]


def _split(dollar: float, fraction: float):
    f = math.trunc(fraction)
    if f < 0:
        raise NumError
    if f == 0:
        raise ZeroDivisionError
    whole = math.trunc(dollar)
    return whole, dollar - whole, f, 10 ** math.ceil(math.log10(f))


@lifted
@numeric(logical=False)
def DOLLARDE(dollar, fraction):
    """``1.02`` in sixteenths is ``1.125``: whole + decimals · 10^digits(fraction) / fraction.

    >>> DOLLARDE(1.02, 16), DOLLARDE(1.1, 32)
    (1.125, 1.3125)
    """
    whole, part, f, scale = _split(dollar, fraction)
    return whole + part * scale / f


@lifted
@numeric(logical=False)
def DOLLARFR(dollar, fraction):
    """``1.125`` in sixteenths is ``1.02``: whole + decimals · fraction / 10^digits(fraction).

    >>> DOLLARFR(1.125, 16), round(DOLLARFR(1.125, 32), 10)
    (1.02, 1.04)
    """
    whole, part, f, scale = _split(dollar, fraction)
    return whole + part * f / scale
