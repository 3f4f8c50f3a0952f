"""Argument types shared by the sub-commands (argparse ``type=`` callables)."""

from __future__ import annotations

import argparse
import datetime as _dt

__all__ = ["iso_date", "worker_count"]


def iso_date(text: str) -> _dt.date:
    """``YYYY-MM-DD`` → :class:`datetime.date`, or argparse's usage error."""
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def worker_count(text: str) -> int:
    """A number of worker processes (a whole number ≥ 1), or argparse's usage error."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of worker processes ≥ 1")
    return n
