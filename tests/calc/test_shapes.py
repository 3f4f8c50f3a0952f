"""The speed paths of the loaded copy equal the plain engine (``engine="formualizer-plain"``).

* A table column's run of one formula text is rewritten once and loaded as a shared formula
  (:mod:`cs_workbook.calc.shapes`); a text with a row-relative reference other than
  ``[#This Row]`` (the same ``$B2`` in every row must not shift), a ``SUBTOTAL`` or a run
  crossing the table's end keeps the cell-by-cell path.
* A constant range argument of our functions (the Config table) is read once and passed by
  token (:mod:`cs_workbook.calc.hoist`); a range holding a formula is passed as written.

Randomized tables (hypothesis) mix runs broken by odd rows, keys of any case and blanks."""

from __future__ import annotations

import openpyxl
import pytest
from calc_plain import fast_equals_plain
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl.worksheet.table import Table

from cs_workbook.calc.shapes import shiftable

KEYS = ["a", "A", "b", "acc-1", None]
ROW = "Calc[[#This Row],[{}]]"
#: Calc's formula columns: (header, formula); {n} is the last data row of Data.
COLUMNS = [
    ("F1", f"={ROW.format('Num')}*2+SUMIFS(Data[Number],Data[Key],{ROW.format('Key')})"),
    ("F2", f'=CS_CONFIG_VALUE("red_max",Config[[Key]:[Value]])+{ROW.format("F1")}'),
    ("F3", f'=IF({ROW.format("Num")}>0,COUNTIFS(Data[Key],{ROW.format("Key")}),$B$1)'),
    ("F4", f"={ROW.format('Num')}+$B2"),  # the same B2 in every row: must not shift
    ("F5", "=SUBTOTAL(9,Calc[Num])+ROW()"),
    ("F6", f'=CS_CONFIG_VALUE("yellow_max",Config!$A$2:$B$3)+{ROW.format("F2")}'),
]
ODD = f"={ROW.format('Num')}*3"  # breaks a column's run


def _book(path, data, rows, odd):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Key", "Number"])
    for row in data:
        ws.append(list(row))
    ws.add_table(Table(displayName="Data", ref=f"A1:B{len(data) + 1}"))
    config = wb.create_sheet("Config")
    config.append(["Key", "Value"])
    config.append(["red_max", 20])
    config.append(["yellow_max", 30])
    config.add_table(Table(displayName="Config", ref="A1:B3"))
    calc = wb.create_sheet("Calc")
    calc.append(["Key", "Num"] + [name for name, _ in COLUMNS])
    for i, (key, num) in enumerate(rows):
        formulas = [ODD if (i, j) in odd else f for j, (_, f) in enumerate(COLUMNS)]
        calc.append([key, num] + formulas)
    calc["J1"] = "=SUM(Calc[F1])"  # outside the table, reads the shared column
    calc.add_table(Table(displayName="Calc", ref=f"A1:{chr(64 + 2 + len(COLUMNS))}"
                                                 f"{len(rows) + 1}"))
    wb.save(path)
    return path


def _both(path, tmp_path):
    return fast_equals_plain(path, tmp_path)


numbers = st.one_of(st.none(), st.integers(-5, 5), st.floats(-10, 10, allow_nan=False))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.tuples(st.sampled_from(KEYS), numbers), min_size=1, max_size=12),
       rows=st.lists(st.tuples(st.sampled_from(KEYS[:-1]), st.integers(-3, 3)), min_size=1,
                     max_size=10),
       odd=st.sets(st.tuples(st.integers(0, 9), st.integers(0, len(COLUMNS) - 1)),
                   max_size=6))
def test_shared_columns_equal_the_plain_engine(tmp_path, data, rows, odd):
    fast, _ = _both(_book(tmp_path / "t.xlsx", data, rows, odd), tmp_path)
    assert fast.work["hoisted_ranges"] == 1  # Config[[Key]:[Value]] is Config!$A$2:$B$3
    if len(rows) >= 2 and not any(i < 2 and j == 0 for i, j in odd):
        assert fast.work["shared_cells"] >= 2  # F1's run at least


def test_what_would_shift_or_subtotal_keeps_the_cell_by_cell_path(tmp_path):
    rows = [("a", 1), ("b", 2), ("A", 3), ("acc-1", 4)]
    fast, got = _both(_book(tmp_path / "t.xlsx", [("a", 5), ("b", 7)], rows, set()),
                      tmp_path)
    assert [got[f"F{r}"] for r in range(2, 6)] == [1 + 1, 2 + 1, 3 + 1, 4 + 1]  # $B2 stays
    # F1, F2, F3 and F6 are shared (4 columns × 4 rows); F4 ($B2) and F5 (SUBTOTAL) are not
    assert fast.work["shared_cells"] == 16


def test_a_range_holding_a_formula_is_passed_as_written(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Settings"
    ws.append(["Key", "Value"])
    ws.append(["red_max", 20])
    ws.append(["yellow_max", "=20+10"])
    ws.append(["risk_na_segments", "Scale"])
    calc = wb.create_sheet("Calc")
    calc.append(["Num", "Yellow", "Red"])
    for i in range(2, 6):
        calc.append([i, f'=CS_CONFIG_VALUE("yellow_max",Settings!$A$2:$B$3)+$A{i}',
                     f'=CS_CONFIG_VALUE("red_max",Settings!$A$2:$A$4)'])
    wb.save(tmp_path / "t.xlsx")
    fast, got = _both(tmp_path / "t.xlsx", tmp_path)
    assert fast.work["hoisted_ranges"] == 1  # column A only: B3 holds a formula
    assert [got[f"B{i}"] for i in range(2, 6)] == [32, 33, 34, 35]


@pytest.mark.parametrize("template, expected", [
    ("='S'!$C\x00*2+SUM($A$1:$A$9)", True),
    ("=$C\x00+B5", False),
    ("=SUM(5:7)", False),
    ("=SUM($5:$7)+A$1", True),
    ('="B5"&LOG10(2)', True),
    ("=SUBTOTAL(9,$A$1:$A$9)", False),
    ("=Table1[Col]", False),
    ("=Q1!$A$1", False),  # a sheet named like a cell: conservatively not shifted
])
def test_shiftable(template, expected):
    assert shiftable(template) is expected
