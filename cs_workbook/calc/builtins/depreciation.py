"""Excel's declining-balance depreciation: ``DB``, ``DDB`` and ``VDB``.

``DB`` rounds its rate to three decimals and truncates ``month``; ``DDB`` is
``min(book · rate, book − salvage)`` with the book value ``cost · (1 − rate)^(period − 1)``
(fractional periods allowed); ``VDB`` switches to straight-line when that is larger, unless
``no_switch``. Errors are ``#NUM!`` for out-of-range arguments, ``#VALUE!`` for text.
"""

from __future__ import annotations

import math

from .args import NumError as _Num
from .args import lifted, numeric

__all__ = ["DB", "DDB", "VDB", "ddb", "vdb"]


def ddb(cost: float, salvage: float, life: float, period: float, factor: float = 2.0) -> float:
    """Depreciation in ``period`` by the declining balance at ``factor / life``.

    >>> round(ddb(2400, 300, 10 * 12, 1), 2)  # Microsoft's DDB example: the first month
    40.0
    """
    rate = factor / life
    if rate >= 1:
        rate, before = 1.0, cost if period == 1 else 0.0
    else:
        before = cost * (1 - rate) ** (period - 1)
    after = cost * (1 - rate) ** period
    return max(before - salvage if after < salvage else before - after, 0.0)


def _inter_vdb(cost, salvage, life, life1, period, factor):
    total, sln, switched = 0.0, 0.0, False
    left = cost - salvage
    end = math.ceil(period)
    for i in range(1, int(end) + 1):
        if not switched:
            d = ddb(cost, salvage, life, float(i), factor)
            sln = left / (life1 - (i - 1))
            if sln > d:
                term, switched = sln, True
            else:
                term = d
                left -= d
        else:
            term = sln
        if i == end:
            term *= period + 1 - end
        total += term
    return total


def vdb(cost, salvage, life, start, end, factor=2.0, no_switch=False) -> float:
    """Depreciation between ``start`` and ``end`` (periods, fractions allowed).

    >>> round(vdb(2400, 300, 10 * 365, 0, 1), 2)  # Microsoft's VDB example: the first day
    1.32
    """
    if start < 0 or end < start or end > life or cost < 0 or salvage > cost or factor <= 0:
        raise _Num
    i_start, i_end = math.floor(start), math.ceil(end)
    if no_switch:
        total = 0.0
        for i in range(int(i_start) + 1, int(i_end) + 1):
            term = ddb(cost, salvage, life, float(i), factor)
            if i == i_start + 1:
                term *= min(end, i_start + 1) - start
            elif i == i_end:
                term *= end + 1 - i_end
            total += term
        return total
    part = 0.0
    if start != i_start:
        value = cost - _inter_vdb(cost, salvage, life, life, i_start, factor)
        part += (start - i_start) * _inter_vdb(value, salvage, life, life - i_start, 1, factor)
    if end != i_end:
        value = cost - _inter_vdb(cost, salvage, life, life, i_end - 1, factor)
        part += (i_end - end) * _inter_vdb(value, salvage, life, life - (i_end - 1), 1, factor)
    cost -= _inter_vdb(cost, salvage, life, life, i_start, factor)
    return _inter_vdb(cost, salvage, life, life - i_start, i_end - i_start, factor) - part


@lifted
@numeric()
def VDB(cost, salvage, life, start, end, factor=2.0, no_switch=0.0):
    """Excel's ``VDB``."""
    return vdb(cost, salvage, life, start, end, factor, bool(no_switch))


@lifted
@numeric()
def DDB(cost, salvage, life, period, factor=2.0):
    """Excel's ``DDB``."""
    if cost < 0 or salvage < 0 or life <= 0 or period <= 0 or factor <= 0 or period > life:
        raise _Num
    return ddb(cost, salvage, life, period, factor)


@lifted
@numeric()
def DB(cost, salvage, life, period, month=12.0):
    """Excel's ``DB``: the fixed-declining balance, rate rounded to 3 decimals."""
    month = math.trunc(month)
    if cost < 0 or salvage < 0 or life <= 0 or period <= 0 or not 1 <= month <= 12:
        raise _Num
    if period > life + (month < 12) or (month == 12 and period > life):
        raise _Num
    if cost == 0:
        return 0.0
    rate = round(1 - (salvage / cost) ** (1 / life), 3)
    done = cost * rate * month / 12
    if period < 2:
        return done
    dep = done
    for p in range(2, int(period) + 1):
        dep = (cost - done) * rate * ((12 - month) / 12 if p == life + 1 else 1)
        done += dep
    return dep
