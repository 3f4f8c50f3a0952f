"""The command boundary: engine errors get the file they came from.

The engine does no I/O and knows no file names, so an error it raises while scoring ("a range
must not be empty") names no file. Commands run the engine inside :func:`about`, which adds the
workbook's name; the one handler in :mod:`.app` then prints the line.
"""

from __future__ import annotations

import contextlib

from ..errors import ConfigError, CSError, WorkbookError

__all__ = ["about", "require_accounts"]


@contextlib.contextmanager
def about(workbook, doing: str):
    """Re-raise an engine :class:`CSError` as a :class:`WorkbookError` naming ``workbook``:
    ``book.xlsx: scoring as of 2026-11-23: <the engine's message>``. Errors that already name
    their file (workbook and configuration errors) pass unchanged."""
    try:
        yield
    except (WorkbookError, ConfigError):
        raise
    except CSError as exc:
        raise WorkbookError(f"{doing}: {exc}", file=str(workbook)) from exc


def require_accounts(data, workbook, what: str) -> None:
    """Refuse a workbook whose Accounts sheet has no rows (``new portfolio`` writes one)."""
    if not len(data.accounts):
        raise WorkbookError(f"no accounts: nothing to {what}", file=str(workbook),
                            sheet="Accounts")
