"""Fast paths of headless calc held to the plain engine (``tests/calc/test_columnwise.py``,
``test_shapes.py``): a workbook's sheet computed both ways must give the same values."""

from __future__ import annotations

import math

import openpyxl

from cs_workbook.calc import calculate

__all__ = ["sheet_values", "same", "fast_equals_plain"]


def sheet_values(path, sheet):
    """``{coordinate: cached value}`` of one sheet of a calculated workbook."""
    wb = openpyxl.load_workbook(path, data_only=True)
    return {c.coordinate: c.value for row in wb[sheet].iter_rows() for c in row}


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def fast_equals_plain(path, tmp_path, sheet: str = "Calc"):
    """Calculate ``path`` with the default core and with ``formualizer-plain``; assert every
    cell of ``sheet`` is the same and every formula was evaluated (none kept its cached value).
    Returns the default core's report and its values."""
    fast = calculate(path, tmp_path / "fast.xlsx")
    plain = calculate(path, tmp_path / "plain.xlsx", engine="formualizer-plain")
    got = sheet_values(tmp_path / "fast.xlsx", sheet)
    want = sheet_values(tmp_path / "plain.xlsx", sheet)
    wrong = {k: (got[k], want[k]) for k in want if not same(got[k], want[k])}
    assert not wrong
    assert fast.evaluated == plain.evaluated == fast.formulas
    assert fast.kept_cached == plain.kept_cached == 0
    return fast, got
