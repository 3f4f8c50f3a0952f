"""The former evaluation core, the ``formulas`` package, kept for comparison
(``calculate(…, engine="formulas")``, ``bench/calc.py``)."""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import logging
from pathlib import Path

from ..excel.dates import date_to_serial
from ..excel.errors import ERROR_CODES, ExcelError
from .names import excel_names
from .refs import rewrite_structured, tables_of

__all__ = ["register_functions"]

log = logging.getLogger(__name__.rpartition(".")[0] + ".evaluate")


def _to_python(value):
    """A formula-engine argument as the classic/Office.js-shaped value our functions accept."""
    import numpy as np
    import schedula as sh
    from formulas.ranges import Ranges
    from formulas.tokens.operand import XlError

    if isinstance(value, Ranges):
        value = value.value
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            value = value.item()
        else:
            rows = np.atleast_2d(value).tolist()
            if len(rows) == 1 and len(rows[0]) == 1:
                return _to_python(rows[0][0])
            return [[_to_python(v) for v in row] for row in rows]
    if value is sh.EMPTY or value is None:
        return None
    if isinstance(value, XlError):
        return {"type": "Error", "basicValue": str(value)}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _to_engine(value):
    """Our function's result as a formula-engine value (errors, dates, spilled ranges)."""
    import numpy as np
    from formulas.functions import Array
    from formulas.tokens.operand import Error

    if isinstance(value, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value] or [[None]]
        width = max(len(r) for r in rows)
        grid = [[_to_engine(v) for v in r] + [Error.errors["#N/A"]] * (width - len(r))
                for r in rows]
        return np.asarray(grid, dtype=object).view(Array)
    if value is None:
        return ""
    if isinstance(value, str) and value in ERROR_CODES and value in Error.errors:
        return Error.errors[value]
    if isinstance(value, _dt.date):  # datetimes too: the time of day is the fraction
        try:
            return date_to_serial(value)
        except ValueError:  # before Excel's first date
            return Error.errors["#NUM!"]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and value != value:
        return Error.errors["#NUM!"]
    return value


def _adapt(func):
    from formulas.tokens.operand import Error

    @functools.wraps(func)
    def call(*args):
        try:
            return _to_engine(func(*[_to_python(a) for a in args]))
        except Exception as exc:  # a cell shows #VALUE!, never a traceback
            log.debug("%s failed: %r", getattr(func, "__name__", func), exc)
            return Error.errors["#VALUE!"]
    return call


def register_functions(functions: dict) -> None:
    """Make ``{CS_NAME: callable}`` callable from formulas under all three spellings."""
    import formulas

    table = formulas.get_functions()
    for name, func in functions.items():
        adapted = _adapt(func)
        for alias in excel_names(name):
            table[alias] = adapted



@contextlib.contextmanager
def _quiet():
    """Silence the formula engine's progress bar and its per-cell error logging."""
    import formulas.excel as fx
    import tqdm

    saved = fx.tqdm
    fx.tqdm = type("tqdm", (), {"tqdm": functools.partial(tqdm.tqdm, disable=True)})
    loggers = [logging.getLogger(n) for n in ("formulas", "schedula")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        fx.tqdm = saved
        for lg, lv in zip(loggers, levels):
            lg.setLevel(lv)


def _parses(formula: str) -> bool:
    import formulas

    try:
        formulas.Parser().ast(formula if formula.startswith("=") else "=" + formula)
    except Exception:  # noqa: BLE001 - the package raises several kinds
        return False
    return True


def _formula_cells(book) -> dict[tuple[str, str], str]:
    """``{(sheet, "A1"): formula}``; structured references rewritten as A1 in the workbook."""
    tables = tables_of(book)
    found, bad = {}, set()
    for ws in book.worksheets:
        for cell in list(ws._cells.values()):
            if cell.data_type != "f":
                continue
            value = cell.value
            text = value if isinstance(value, str) else getattr(value, "text", None)
            if not isinstance(text, str):
                continue
            found[(ws.title, cell.coordinate)] = text
            if tables and "[" in text:
                text = rewrite_structured(text, tables, ws.title, cell.row, cell.column)
                if isinstance(value, str):
                    cell.value = text
                else:
                    value.text = text
            if not _parses(text):  # one bad formula must not abort the workbook
                bad.add((ws.title, cell.coordinate))
                cell.value = None
    if tables:
        for name in list(book.defined_names.values()):
            if name.value and "[" in name.value:
                name.value = rewrite_structured(name.value, tables, "", 0, 0).lstrip("=")
    _formula_cells.bad = bad
    return found


def _result(value):
    import numpy as np
    import schedula as sh
    from formulas.ranges import Ranges
    from formulas.tokens.operand import XlError

    if isinstance(value, Ranges):
        value = value.value
    if isinstance(value, np.ndarray):
        value = value.ravel()[0] if value.size else sh.EMPTY
    if isinstance(value, Ranges):
        value = value.value.ravel()[0]
    if value is sh.EMPTY or value is None:
        return 0
    if isinstance(value, XlError):
        return ExcelError(str(value))
    if isinstance(value, np.generic):
        value = value.item()
    return value


def _evaluate(path: Path, functions: dict):
    """``({(SHEET, "A1"): value}, {(sheet, "A1"): formula}, sheet names)`` for ``path``."""
    import formulas
    from formulas.excel import BOOK
    from formulas.excel.xlreader import load_workbook

    register_functions(functions)
    book = load_workbook(str(path))
    cells = _formula_cells(book)
    model = formulas.ExcelModel()
    model.basedir = str(path.parent.resolve())
    model.books[path.name.upper()] = {BOOK: book}
    with _quiet():
        model.dsp.raises = ""
        model.load(str(path.resolve()))
        model.finish()
        solution = model.calculate()
    values = {}
    for key, cell in model.cells.items():
        rng = getattr(cell, "range", None)
        if rng is None or len(rng.ranges) != 1 or key not in solution:
            continue
        r = rng.ranges[0]
        if "sheet" not in r or r.get("r1") != r.get("r2") or r.get("c1") != r.get("c2"):
            continue
        values[(r["sheet"].upper(), f"{r['c1']}{r['r1']}")] = solution[key]
    return values, cells, book.sheetnames


def _formulas_engine(src: Path, cells: dict, functions: dict):
    """``(values, kept)`` from the ``formulas`` package (the former core, kept for comparison)."""
    found, _, _ = _evaluate(src, functions)
    bad = {(s.upper(), ref) for s, ref in getattr(_formula_cells, "bad", ())}
    values, kept = {}, {}
    for key in cells:
        node = found.get((key[0].upper(), key[1]))
        if (key[0].upper(), key[1]) in bad:
            kept[key] = "cannot be parsed by the formulas package"
        elif node is None:
            kept[key] = "could not be evaluated by the formulas package"
        else:
            values[key] = _result(node)
    return values, kept
