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


def vdb(cost, salvage, life, start, end, factor=2.0, no_switch=False) -> float:
    """Depreciation between ``start`` and ``end`` (periods, fractions allowed).

    Notes
    -----
    The schedule is a sequence of segments: ``[0, f]`` first when the fraction ``f`` of
    ``start`` is not 0, then whole periods, the last one cut at ``life``. A segment starting
    at ``t`` depreciates, per period, the declining amount ``min(book · factor / life, book −
    salvage)`` or, unless ``no_switch``, the straight line over the life left, ``(book −
    salvage) / (life − t)``, when that is larger; each segment decides afresh and a part of a
    segment takes its share. Excel's cached values show this shifted grid: from the first
    segment where the straight line wins, every whole period after a fractional start is the
    same (``xlcalculator-VDB.xlsx``, rows 23–37), which neither LibreOffice's rule nor
    prorating the unshifted periods reproduces.

    Examples
    --------
    >>> round(vdb(2400, 300, 10 * 365, 0, 1), 2)  # Microsoft's VDB example: the first day
    1.32
    >>> round(vdb(1, 0, 14, 3.5, 4.5, 1.25), 6), round(vdb(1, 0, 14, 12.5, 13.5, 1.25), 6)
    (0.068726, 0.068726)
    """
    if start < 0 or end < start or end > life or cost < 0 or salvage > cost or factor <= 0:
        raise _Num
    total = result = t = 0.0
    length = (start - math.floor(start)) or 1.0
    while t < end:
        length = min(length, life - t)
        declining = min((cost - total) * factor / life, cost - salvage - total)
        straight = (cost - salvage - total) / (life - t)
        rate = declining if no_switch or declining >= straight else straight
        result += rate * max(min(t + length, end) - max(t, start), 0.0)
        total += rate * length
        t += length
        length = 1.0
    return result


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
