"""Headless calculation: evaluate a workbook's formulas and write back only the cached values.

``calculate(IN, OUT)`` evaluates every formula of IN — Excel built-ins and our ``CS_*``
functions under all three spellings (``CS_X`` classic add-in, ``CS.X`` Office.js namespace,
``_xldudf_CS_X`` as Excel saves an Office.js function it cannot reach) — with the
``formulas`` package, and writes OUT as a copy of IN's package in which only the cached values
of formula cells differ (see :mod:`.package`). IN is never modified; OUT is written to a
temporary file and renamed into place.

The ``CS_*`` functions get a workbook's settings as Excel gives them: through their ``config``
argument (the Scorecard passes ``Config[[Key]:[Value]]``), so a formula computes here what it
computes in Excel; no configuration is made active around the evaluation. A Config sheet that
``score`` would reject is rejected here too, with the same message naming the key.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import logging
import os
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CSError
from ..files import atomic_path
from ..excel.dates import date_to_serial
from ..excel.errors import ERROR_CODES, ExcelError
from .package import copy_package, patch_sheet, sheet_parts
from .refs import rewrite_structured, tables_of

__all__ = ["calculate", "CalcReport", "register_functions", "excel_names"]

log = logging.getLogger(__name__)


@dataclass
class CalcReport:
    """What :func:`calculate` did: counts, the cells it could not evaluate, and timing."""

    source: Path
    output: Path
    formulas: int = 0
    evaluated: int = 0
    changed: int = 0
    unevaluated: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        text = (f"calculated {self.evaluated} of {self.formulas} formula cells "
                f"({self.changed} values changed) in {self.seconds:.1f} s: {self.output}")
        if self.unevaluated:
            sheet, cell, why = self.unevaluated[0]
            more = len(self.unevaluated) - 1
            text += (f"\n{len(self.unevaluated)} cells kept their cached value (first: "
                     f"{sheet}!{cell}: {why}" + (f"; and {more} more" if more else "") + ")")
        return text


# -- our functions inside the formula engine ------------------------------------------------

def excel_names(name: str) -> tuple[str, ...]:
    """Every spelling under which Excel files carry the function ``name`` (``CS_X``).

    >>> excel_names("CS_DAYS")
    ('CS_DAYS', 'CS.DAYS', '_XLDUDF_CS_DAYS', '_XLDUDF_CS.DAYS')
    """
    base = name.upper()
    rest = base[3:] if base.startswith("CS_") else base
    return (base, f"CS.{rest}", f"_XLDUDF_{base}", f"_XLDUDF_CS.{rest}")


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


def _catalogue() -> dict:
    from ..udfs import CATALOGUE

    return dict(CATALOGUE)


# -- evaluation ----------------------------------------------------------------------------

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


def _formula_cells(book) -> dict[tuple[str, str], str]:
    """``{(sheet, "A1"): formula}``; structured references rewritten as A1 in the workbook."""
    tables = tables_of(book)
    found = {}
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
                new = rewrite_structured(text, tables, ws.title, cell.row, cell.column)
                if isinstance(value, str):
                    cell.value = new
                else:
                    value.text = new
    if tables:
        for name in list(book.defined_names.values()):
            if name.value and "[" in name.value:
                name.value = rewrite_structured(name.value, tables, "", 0, 0).lstrip("=")
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


def _config_of(src: Path):
    """The configuration a workbook asks for in its ``Config`` sheet (Key, Value), if any;
    :class:`~cs_workbook.errors.ConfigError` naming the key when the sheet is invalid."""
    from ..config_files import workbook_config
    from ..errors import WorkbookError
    from ..workbook.reader import read_sheet_frame

    try:
        frame = read_sheet_frame(src, "Config")
    except WorkbookError:
        return workbook_config({})
    if frame.empty or "Key" not in frame.columns or "Value" not in frame.columns:
        return workbook_config({})
    rows = {str(k).strip(): v for k, v in zip(frame["Key"], frame["Value"])
            if k is not None and str(k).strip()}
    return workbook_config(rows, source=src)


def calculate(in_path, out_path, *, functions: dict | None = None) -> CalcReport:
    """Evaluate every formula of ``in_path`` and write ``out_path`` with fresh cached values.

    Parameters
    ----------
    in_path, out_path : path-like
        The workbook to evaluate (``.xlsx``/``.xlsm``, never modified) and the copy to write.
    functions : dict, optional
        ``{CS_NAME: callable}`` to make available; default is the ``CS_*`` catalogue.

    Returns
    -------
    CalcReport
        Counts, timing and the cells that could not be evaluated (they keep their cached
        value; an unknown function is the usual reason).

    Raises
    ------
    CSError
        ``out_path`` is ``in_path``, or ``in_path`` is missing or not an Excel package.
    """
    src, dst = Path(in_path), Path(out_path)
    if not src.is_file():
        raise CSError(f"{src}: no such workbook")
    if dst.exists() and os.path.samefile(src, dst) or src.resolve() == dst.resolve():
        raise CSError(f"{dst}: output must differ from the input (the input is never changed)")
    if not zipfile.is_zipfile(src):
        raise CSError(f"{src}: not an Excel workbook (.xlsx or .xlsm)")
    started = time.perf_counter()
    report = CalcReport(src, dst)
    if functions is None:
        # A bad Config sheet is one clear error, as for `score` and `ebr`. Its settings reach
        # the CS_* functions as Excel passes them, through their config argument (the
        # Scorecard's Config[[Key]:[Value]]): a call without it computes what Excel computes.
        _config_of(src)
    try:
        values, cells, _ = _evaluate(src, _catalogue() if functions is None else functions)
    except CSError:
        raise
    except Exception as exc:
        raise CSError(f"{src}: cannot evaluate the workbook: {exc}") from exc
    report.formulas = len(cells)
    by_sheet: dict[str, dict[str, object]] = {}
    for (sheet, ref), formula in cells.items():
        node = values.get((sheet.upper(), ref))
        if node is None:
            report.unevaluated.append((sheet, ref, f"could not evaluate ={formula}"[:120]))
            continue
        by_sheet.setdefault(sheet, {})[ref] = _result(node)
        report.evaluated += 1

    def write(tmp):
        with zipfile.ZipFile(src) as zin:
            parts = sheet_parts(zin)
            replace = {}
            for sheet, sheet_values in by_sheet.items():
                part = parts.get(sheet)
                if part is None:
                    continue
                new, n = patch_sheet(zin.read(part), sheet_values)
                if n:
                    replace[part] = new
                    report.changed += n
            with zipfile.ZipFile(tmp, "w", allowZip64=True) as zout:
                copy_package(zin, zout, replace)

    with atomic_path(dst) as tmp:
        write(tmp)
    report.seconds = time.perf_counter() - started
    return report
