"""Rounding like Excel (half away from zero), used only where a person sees a number."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["excel_round"]


def excel_round(value, digits: int = 0):
    """Round half away from zero, as Excel's ROUND does (Python's ``round`` is half-to-even).

    The decimal is taken from the shortest repr of the float, so 2.675 rounds to 2.68 as in
    Excel, not to 2.67 as its binary value would.

    >>> excel_round(2.5), excel_round(-2.5), excel_round(2.675, 2), excel_round(70.8333, 0)
    (3.0, -3.0, 2.68, 71.0)
    >>> excel_round(None) is None
    True
    """
    if value is None or value != value:
        return None
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))
