"""What :func:`~cs_workbook.calc.calculate` reports: counts, the cells that kept their cached
value, the differences from the cached values, timing and the work the core did."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..excel.errors import ExcelError

__all__ = ["CalcReport"]


@dataclass
class CalcReport:
    """What :func:`calculate` did: counts, the cells that kept their cached value, timing.

    ``unevaluated`` lists ``(sheet, cell, reason)`` of the formula cells that keep the value
    Excel cached (the engine cannot evaluate them, or they depend on one that it cannot);
    ``differences`` lists ``(sheet, cell, cached, calculated)`` of the evaluated cells whose
    value differs from the cached one (``None`` when there was none).
    """

    source: Path
    output: Path | None
    formulas: int = 0
    evaluated: int = 0
    changed: int = 0
    unevaluated: list[tuple[str, str, str]] = field(default_factory=list)
    differences: list[tuple[str, str, object, object]] = field(default_factory=list)
    seconds: float = 0.0
    engine: str = "formualizer"
    work: dict = field(default_factory=dict)

    @property
    def kept_cached(self) -> int:
        """How many formula cells kept their cached value."""
        return len(self.unevaluated)

    def summary(self, examples: int = 3) -> str:
        """One line of counts and timing; then, if any, one line naming the first
        ``examples`` cells that kept their cached value, with the reason."""
        where = f": {self.output}" if self.output else ""
        text = (f"calculated {self.evaluated} of {self.formulas} formula cells, "
                f"{self.kept_cached} kept their cached value, {self.changed} values changed, "
                f"in {self.seconds:.2f} s{where}")
        if self.unevaluated:
            shown = "; ".join(f"{_address(sheet, cell)}: {why}"[:160]
                              for sheet, cell, why in self.unevaluated[:examples])
            more = len(self.unevaluated) - examples
            text += (f"\n{self.kept_cached} cells kept their cached value: {shown}"
                     + (f"; and {more} more" if more > 0 else ""))
        return text

    def check(self, limit: int = 20) -> str:
        """The differences between the calculated and the cached values, one per line."""
        if not self.differences:
            return f"all {self.evaluated} evaluated formula cells equal their cached value"
        lines = [f"{len(self.differences)} of {self.evaluated} evaluated formula cells differ "
                 f"from their cached value:"]
        for sheet, cell, cached, got in self.differences[:limit]:
            lines.append(f"  {_address(sheet, cell)}: cached {_show(cached)}, "
                         f"calculated {_show(got)}")
        if len(self.differences) > limit:
            lines.append(f"  and {len(self.differences) - limit} more")
        return "\n".join(lines)


def _address(sheet: str, cell: str) -> str:
    if re.fullmatch(r"[A-Za-z_][\w.]*", sheet):
        return f"{sheet}!{cell}"
    return "'" + sheet.replace("'", "''") + f"'!{cell}"


def _show(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def _same(cached, got) -> bool:
    """Is the calculated value the cached one (numbers to 1e-9 relative)?"""
    if cached is None:
        return False
    if isinstance(cached, bool) or isinstance(got, bool):
        return type(cached) is type(got) and cached == got
    if isinstance(cached, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(cached, got, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(cached, ExcelError) or isinstance(got, ExcelError):
        return cached == got
    return str(cached) == str(got)
