"""The oracle of the number-column tests (``tests/workbook/test_number_checks.py``,
``test_typed_fast_paths.py``): ``columns._numbers`` as it was before its fast paths, for any
:class:`~cs_workbook.workbook.columns.Cells` (mixed cells, or typed ones from Parquet/CSV)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cs_workbook.schema import Column
from cs_workbook.workbook.columns import Cells

__all__ = ["old_numbers"]


def old_numbers(col: Column, c: Cells):
    """``_numbers`` before the fast paths (commit 55b1193)."""
    numeric = c.of_type((float, int))
    texts = c.is_str & ~c.blank
    num = (c.raw if numeric.all() else np.where(numeric, c.raw, np.nan)).astype("float64")
    if texts.any():
        parsed = pd.to_numeric(pd.Series(c.raw[texts], dtype=object), errors="coerce")
        num[texts] = parsed.to_numpy(dtype="float64", na_value=np.nan)
    present = ~c.blank
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(num)
        if col.kind == "int":
            whole = np.round(num)
            finite &= np.abs(num - whole) <= 1e-9 * np.maximum(1.0, np.abs(num))
            num = whole
        negative = finite & (num < 0)
    what = "a whole number" if col.kind == "int" else "a number"
    checks = [(present & ~finite, "{v} is not " + what)]
    if col.kind in ("int", "money"):
        checks.append((present & negative, "{v} is negative (must be ≥ 0)"))
    if col.choices:
        outside = present & finite & ~np.isin(num, np.array(col.choices, dtype=float))
        checks.append((outside, "{v} is not one of: " + ", ".join(map(str, col.choices))))
    num[c.blank] = np.nan
    return pd.Series(num, dtype="float64"), checks
