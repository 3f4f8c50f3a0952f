"""The engine's small exception hierarchy: every failure we raise on purpose is a ``CSError``."""

from __future__ import annotations

__all__ = [
    "CSError",
    "InvalidInput",
    "MissingData",
    "ZeroDenominator",
    "NotComputable",
    "ConfigError",
    "WorkbookError",
]


class CSError(Exception):
    """Base class of every error cs-workbook raises deliberately.

    ``excel`` is the Excel error value the boundary decorator shows in a cell.
    """

    excel = "#VALUE!"


class InvalidInput(CSError, ValueError):
    """An argument has the wrong type or an impossible value (Excel ``#VALUE!``)."""

    excel = "#VALUE!"


class MissingData(CSError):
    """The data a rule needs is absent, so the answer is NA (Excel ``#N/A``)."""

    excel = "#N/A"


class ZeroDenominator(CSError, ZeroDivisionError):
    """A ratio whose denominator is zero and the rule has no answer (Excel ``#DIV/0!``)."""

    excel = "#DIV/0!"


class NotComputable(CSError):
    """Inputs are valid one by one but no answer exists (Excel ``#NUM!``)."""

    excel = "#NUM!"


class ConfigError(CSError, ValueError):
    """A configuration key is unknown or its value is invalid; the message names the key."""

    excel = "#VALUE!"


class WorkbookError(CSError):
    """A workbook cannot be read or fails validation.

    The message is one line naming file, sheet, row and column where they are known.
    """

    def __init__(self, message: str, *, file=None, sheet=None, row=None, column=None):
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        where = []
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = f"{file}: " if file else ""
        loc = ", ".join(where)
        super().__init__(f"{prefix}{loc}: {message}" if loc else f"{prefix}{message}")
