"""Scalar built-ins where formualizer (or our first version) disagreed with Excel, checked
against the values Excel cached in the oracle corpus (``tests/calc/corpus``), Microsoft's
documented rules, and hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_workbook.calc.builtins.depreciation import VDB

# -- VDB with fractional periods: xlcalculator-VDB.xlsx Sheet1!D23:D37 and F23:F28 -------------
# =VDB(1, 0, 14, start, end, 1.25, FALSE), the values Excel cached

_VDB_EXCEL = [
    (0, 0.5, 0.044642857142857144), (0.5, 1.5, 0.08529974489795919),
    (1.5, 2.5, 0.07768369624635568), (2.5, 3.5, 0.07074765193864536),
    (3.5, 4.5, 0.06872629045468406), (7.5, 8.5, 0.06872629045468406),
    (12.5, 13.5, 0.06872629045468406), (13.5, 14, 0.03436314522734203),
    (13, 14, 0.06866789938377948), (11, 12, 0.06866789938377948),
]


@pytest.mark.parametrize("start, end, expected", _VDB_EXCEL)
def test_vdb_fractional_periods_match_excel(start, end, expected):
    assert VDB(1, 0, 14, start, end, 1.25, False) == pytest.approx(expected, rel=1e-12)


@given(st.floats(100, 1e6), st.floats(0, 0.5), st.integers(2, 40), st.floats(0.01, 0.99),
       st.floats(0.5, 3))
def test_vdb_from_a_fraction_to_the_end_completes_the_depreciation(cost, share, life, f, factor):
    salvage = cost * share
    assert VDB(cost, salvage, life, 0, f, factor) + VDB(cost, salvage, life, f, life, factor) \
        == pytest.approx(cost - salvage, rel=1e-9)
