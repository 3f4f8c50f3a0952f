"""Excel's ``FV``: the future value of an investment at a constant rate."""

from __future__ import annotations

import math

from .args import lifted, numeric

__all__ = ["FV"]


@lifted
@numeric()
def FV(rate, nper, pmt, pv=0.0, when=0.0):
    """Excel's ``FV(rate, nper, pmt, [pv], [type])``.

    Notes
    -----
    ``−(pv·g + pmt·(1 + rate·type)·(g − 1)/rate)`` with ``g = (1 + rate)^nper``, or
    ``−(pv + pmt·nper)`` at rate 0 (Microsoft's FV help page). ``g`` is a real power, so a
    negative ``1 + rate`` with a fractional ``nper`` is ``#NUM!`` and ``0`` to a negative
    power is ``#DIV/0!``, as Excel answers ``FV(-3, -3.5, 1)`` and ``FV(-1, -2, 1)``.

    Examples
    --------
    >>> round(FV(0.06 / 12, 10, -200, -500, 1), 2)  # Microsoft's FV example
    2581.4
    """
    due = 1.0 if when else 0.0
    if rate == 0:
        return -(pv + pmt * nper)
    if 1 + rate == 0 and nper < 0:
        raise ZeroDivisionError  # math.pow calls it a domain error
    growth = math.pow(1 + rate, nper)
    return -(pv * growth + pmt * (1 + rate * due) * (growth - 1) / rate)
