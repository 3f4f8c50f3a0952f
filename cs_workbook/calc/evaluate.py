"""Headless calculation: evaluate a workbook's formulas and write back only the cached values.

``calculate(IN, OUT)`` evaluates every formula of IN — Excel built-ins and our ``CS_*``
functions under all three spellings (``CS_X`` classic add-in, ``CS.X`` Office.js namespace,
``_xldudf_CS_X`` as Excel saves an Office.js function it cannot reach) — with formualizer
(:mod:`.fast`; ``engine="formulas"`` uses the ``formulas`` package instead), and writes OUT
as a copy of IN's package in which only the cached values of formula cells differ (see
:mod:`.package`). IN is never modified; OUT is written to a
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
import math
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CSError
from ..files import atomic_path, check_not_input
from ..workbook.formats import check_xlsx_package
from ..excel.dates import date_to_serial
from ..excel.errors import ERROR_CODES, ExcelError
from .package import copy_package, patch_sheet, sheet_parts
from .refs import rewrite_structured, tables_of

__all__ = ["calculate", "CalcReport", "register_functions", "excel_names"]

log = logging.getLogger(__name__)


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


#: The evaluation cores :func:`calculate` can use (``bench/calc.py`` compares them).
ENGINES = ("formualizer", "formualizer-plain", "formulas")


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


def _scan(zf: zipfile.ZipFile, parts: dict) -> dict:
    """``{(sheet, "A1"): (formula text or None, cached value or None, array formula)}`` of every
    formula cell (:func:`.package.formula_cells`)."""
    from .package import formula_cells, shared_strings

    strings = functools.lru_cache(maxsize=1)(lambda: shared_strings(zf))
    cells = {}
    for sheet, part in parts.items():
        for ref, cell in formula_cells(zf.read(part), strings).items():
            cells[(sheet, ref)] = cell
    return cells


def calculate(in_path, out_path=None, *, functions: dict | None = None,
              engine: str = "formualizer") -> CalcReport:
    """Evaluate every formula of ``in_path`` and write ``out_path`` with fresh cached values.

    Parameters
    ----------
    in_path, out_path : path-like
        The workbook to evaluate (``.xlsx``/``.xlsm``, never modified) and the copy to write;
        with no ``out_path`` nothing is written (the report still compares the values with
        the cached ones: :meth:`CalcReport.check`).
    functions : dict, optional
        ``{CS_NAME: callable}`` to make available; default is the ``CS_*`` catalogue.
    engine : str
        ``"formualizer"`` (the default core), ``"formualizer-plain"`` (the same without the
        column-wise ``*IFS`` look-ups, :mod:`.ifs`) or ``"formulas"`` (the slower former core).

    Returns
    -------
    CalcReport
        Counts, timing, the cells that kept their cached value (with the reason) and the
        differences from the cached values.

    Raises
    ------
    CSError
        ``out_path`` is ``in_path``, or ``in_path`` is missing or not an Excel package.
    """
    src = Path(in_path)
    dst = None if out_path is None else Path(out_path)
    if not src.is_file():
        raise CSError(f"{src}: no such workbook")
    if dst is not None:  # the same path, a symlink or a hard link to the input
        check_not_input(dst, src)
    check_xlsx_package(src)  # an .xls, .xlsb or encrypted file: say what it is
    if not zipfile.is_zipfile(src):
        raise CSError(f"{src}: not an Excel workbook (.xlsx or .xlsm)")
    if engine not in ENGINES:
        raise CSError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    started = time.perf_counter()
    report = CalcReport(src, dst, engine=engine)
    if functions is None:
        # A bad Config sheet is one clear error, as for `score` and `ebr`. Its settings reach
        # the CS_* functions as Excel passes them, through their config argument (the
        # Scorecard's Config[[Key]:[Value]]): a call without it computes what Excel computes.
        _config_of(src)
    funcs = _catalogue() if functions is None else functions
    with zipfile.ZipFile(src) as zf:
        try:
            parts = sheet_parts(zf)
            cells = _scan(zf, parts)
        except Exception as exc:
            raise CSError(f"{src}: cannot read the workbook: {exc}") from exc
        try:
            if not cells:
                values, kept = {}, {}
            elif engine.startswith("formualizer"):
                from . import fast

                values, kept = fast.evaluate(src, zf, parts, cells, funcs,
                                             columnwise=engine == "formualizer",
                                             stats=report.work)
            else:
                values, kept = _formulas_engine(src, cells, funcs)
        except CSError:
            raise
        except Exception as exc:
            raise CSError(f"{src}: cannot evaluate the workbook: {exc}") from exc
    report.formulas = len(cells)
    by_sheet: dict[str, dict[str, object]] = {}
    for key, (formula, cached, _) in cells.items():
        if key in kept:
            report.unevaluated.append((key[0], key[1], kept[key]))
            continue
        if key not in values:
            report.unevaluated.append((key[0], key[1], f"could not evaluate ={formula}"[:120]))
            continue
        value = values[key]
        by_sheet.setdefault(key[0], {})[key[1]] = value
        report.evaluated += 1
        if not _same(cached, value):
            report.differences.append((key[0], key[1], cached, value))

    def write(tmp):
        with zipfile.ZipFile(src) as zin:
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

    if dst is not None:
        with atomic_path(dst) as tmp:
            write(tmp)
    else:  # count what would change
        with zipfile.ZipFile(src) as zin:
            for sheet, sheet_values in by_sheet.items():
                if sheet in parts:
                    report.changed += patch_sheet(zin.read(parts[sheet]), sheet_values)[1]
    report.seconds = time.perf_counter() - started
    return report
