"""Excel's ``MODE.SNGL`` (and ``MODE``): the most frequent number, the first to occur on a tie."""

from __future__ import annotations

from .args import error, grid

__all__ = ["MODE_SNGL", "modes"]


def _numbers(args) -> list[float]:
    """The numbers of ``args`` in order (row by row in a range); raises ``_Found`` with the
    first error value, or with ``#VALUE!`` for a direct text or logical argument."""
    out = []
    for a in args:
        if isinstance(a, list):
            for row in grid(a):
                for v in row:
                    if isinstance(v, dict):
                        raise _Found(v)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        out.append(float(v))
        elif isinstance(a, dict):
            raise _Found(a)
        elif isinstance(a, (int, float)) and not isinstance(a, bool):
            out.append(float(a))
        elif a is not None:
            raise _Found(error("Value"))
    return out


class _Found(Exception):
    def __init__(self, value):
        super().__init__(value)
        self.value = value


def modes(values: list[float]) -> list[float]:
    """The values occurring most often (at least twice), in the order of first occurrence.

    >>> modes([2, 2, 2, 1, 1, 1, 3, 3]), modes([1, 2, 3])
    ([2, 1], [])
    """
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    top = max(counts.values(), default=0)
    return [v for v, n in counts.items() if n == top] if top >= 2 else []


def MODE_SNGL(*args):
    """Excel's ``MODE.SNGL``: the number occurring most often in the arguments (text,
    logicals and blanks in ranges are skipped), the first of them on a tie; ``#N/A`` when no
    number repeats."""
    try:
        found = modes(_numbers(args))
    except _Found as f:
        return f.value
    return found[0] if found else error("Na")
