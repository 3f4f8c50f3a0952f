"""Every function's help example (the "Example: =CS_…(…) returns …" of its docstring, what
Excel's function wizard and docs/functions.md show) is executed and its result checked:

* in Python, with the arguments delivered as the classic add-in delivers them (our ``ndim=2``
  options: rows × columns, dates from date cells as datetimes) and as Office.js delivers them
  (xlwings Lite, ``serve``: single values, dates as serial numbers);
* in a real .xlsx evaluated headlessly by :func:`cs_workbook.calc.calculate`, each example once
  as written (``=CS_X(…)``) and once as ``=CS.X(…)``, with the tables Usage, Changes and Rates
  the table-referencing examples read.

An example without a documented result (a spilled table, or one that reads a table) is checked
against the engine (:mod:`cs_workbook.metrics`) computed directly on the same data, and the
table-referencing ones also against the values worked out by hand (``TABLE_RESULTS``).
Functions are looked up in the catalogue by name; parameter names never appear here.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table

from cs_workbook.calc import calculate
from cs_workbook.excel.dates import date_to_serial
from cs_workbook.udfs import CATALOGUE
from cs_workbook.udfs.catalogue import describe

def _load_examples():
    """tests/udfs/examples.py (tests run in importlib mode: no sys.path entry for tests/)."""
    name = "cs_workbook_tests_help_examples"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("examples.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ex = _load_examples()
ENTRIES = describe()
IDS = [e["name"] for e in ENTRIES]


def _spilled(value) -> bool:
    return isinstance(value, list)


# -- the catalogue has what the tests need ---------------------------------------------------

def test_every_function_has_an_example_of_itself():
    assert [e["name"] for e in ENTRIES] == list(CATALOGUE)
    for e in ENTRIES:
        assert e["example"], f"{e['name']}: no example in its docstring"
        name, _ = ex.parse_example(e["example"])
        assert name == e["name"], f"{e['name']}'s example calls {name}"


def test_every_example_is_checked_against_something():
    """A documented result, or the engine (never skipped); table data always worked out."""
    for e in ENTRIES:
        name, args = ex.parse_example(e["example"])
        if ex.parse_result(e["result"]) is None:
            assert name in ex.ENGINE, f"{name}: no documented result and no engine check"
        if ex.formula_tables(args):
            assert set(ex.formula_tables(args)) <= set(ex.TABLES), name
            assert name in ex.TABLE_RESULTS, f"{name}: reads a table, no hand-worked value"
    assert set(ex.ENGINE) <= set(CATALOGUE) and set(ex.TABLE_RESULTS) <= set(ex.ENGINE)


def test_the_sample_tables_give_the_hand_worked_values():
    """The data were chosen so the examples are checkable: the engine agrees with the values
    worked out by hand (first value on the inclusive 10 %, the rate version in effect…)."""
    by_name = {e["name"]: e for e in ENTRIES}
    for name, expected in ex.TABLE_RESULTS.items():
        assert ex.same(ex.engine_value(by_name[name]), expected), name


# -- (a) in Python ---------------------------------------------------------------------------

DELIVERIES = {"classic": ex.classic_args, "officejs": ex.serial_args}


@pytest.mark.parametrize("delivery", list(DELIVERIES))
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_example_in_python(entry, delivery):
    name, args = ex.parse_example(entry["example"])
    value = CATALOGUE[name](*DELIVERIES[delivery](args))
    ex.check(entry, value)


# -- (b) in a real workbook, evaluated by cs_workbook.calc -----------------------------------

def _officejs_spelling(formula: str) -> str:
    """``=CS_X(…)`` → ``=CS.X(…)``."""
    assert formula.startswith("=CS_")
    return "=CS." + formula[len("=CS_"):]


def _python_value(entry):
    name, args = ex.parse_example(entry["example"])
    return CATALOGUE[name](*ex.serial_args(args))


@pytest.fixture(scope="module")
def calculated(tmp_path_factory):
    """``(values, formulas, layout)`` of the examples workbook after ``calculate``.

    Sheet Examples: per example a row with the formula as written (B) and as ``=CS.X(…)``
    (C). Spilled results also get, on sheet Spills, ``INDEX(formula, r, c)`` for every cell
    of the table and one row and column beyond it (``#REF!``).
    """
    folder = tmp_path_factory.mktemp("help-examples")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Examples"
    ws.append(["Function", "As written", "Office.js spelling"])
    for name, (header, rows) in ex.TABLES.items():
        sheet = wb.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        sheet.add_table(Table(displayName=name, ref=ref))
    spills = wb.create_sheet("Spills")
    layout, spill_row = {}, 1
    for i, entry in enumerate(ENTRIES, start=2):
        formula = entry["example"]
        ws.cell(i, 1, entry["name"])
        ws.cell(i, 2, formula)
        ws.cell(i, 3, _officejs_spelling(formula))
        cells = {"written": f"B{i}", "officejs": f"C{i}"}
        value = _python_value(entry)
        if _spilled(value):
            n_rows, n_cols = len(value), len(value[0])
            grid = {}
            for r in range(1, n_rows + 2):
                for c in range(1, n_cols + 2):
                    cell = spills.cell(spill_row + r - 1, c, f"=INDEX({formula[1:]},{r},{c})")
                    grid[(r, c)] = cell.coordinate
            spill_row += n_rows + 2
            cells["grid"], cells["size"] = grid, (n_rows, n_cols)
        layout[entry["name"]] = cells
    src, out = folder / "examples.xlsx", folder / "examples-calculated.xlsx"
    wb.save(src)
    report = calculate(src, out)
    assert not report.unevaluated, report.summary()
    assert report.evaluated == report.formulas
    values = openpyxl.load_workbook(out, data_only=True)
    formulas = openpyxl.load_workbook(out)
    return values, formulas, layout


def _cell_value(v):
    """A cached value as the function's own result would be: serials of dates → dates are
    compared by the caller; an empty text result reads back as None."""
    return "" if v is None else v


def _expected_cell(v):
    if isinstance(v, _dt.datetime):
        return date_to_serial(v.date())
    if isinstance(v, _dt.date):
        return date_to_serial(v)
    return v


@pytest.mark.parametrize("spelling", ["written", "officejs"])
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_example_in_a_calculated_workbook(calculated, entry, spelling):
    values, formulas, layout = calculated
    cells = layout[entry["name"]]
    ref = cells[spelling]
    written = formulas["Examples"][ref].value
    assert written == (entry["example"] if spelling == "written"
                       else _officejs_spelling(entry["example"]))
    got = _cell_value(values["Examples"][ref].value)
    expected = ex.parse_result(entry["result"])
    if expected is not None:
        assert ex.matches(got, expected), (written, got, entry["result"])
        return
    engine = ex.engine_value(entry)
    if "grid" not in cells:  # one value (a date travels as its serial number)
        assert ex.same(got, _expected_cell(engine)), (written, got, engine)
        if entry["name"] in ex.TABLE_RESULTS:
            assert ex.same(got, _expected_cell(ex.TABLE_RESULTS[entry["name"]]))
        return
    # a spilled table: the cell holds its top-left value; INDEX reads every other cell
    python = _python_value(entry)
    assert got == python[0][0]
    n_rows, n_cols = cells["size"]
    sheet = values["Spills"]
    table = [[_cell_value(sheet[cells["grid"][(r, c)]].value) for c in range(1, n_cols + 1)]
             for r in range(1, n_rows + 1)]
    assert table[0] == python[0]
    assert ex.same(table[1:], [[_expected_cell(v) for v in row] for row in engine]), table
    if entry["name"] in ex.TABLE_RESULTS:
        assert ex.same(table[1:], ex.TABLE_RESULTS[entry["name"]])
    beyond = [sheet[cells["grid"][(r, n_cols + 1)]].value for r in range(1, n_rows + 2)]
    beyond += [sheet[cells["grid"][(n_rows + 1, c)]].value for c in range(1, n_cols + 1)]
    assert set(beyond) == {"#REF!"}, "the spilled table is larger than the engine's"
