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
import functools
import gc
import logging
import time
import zipfile
from pathlib import Path

from ..errors import CSError
from ..files import atomic_path, check_not_input
from ..workbook.formats import check_xlsx_package
from ..workbook.limits import check_package
from .formulas_core import _formulas_engine, register_functions
from .names import excel_names
from .package import copy_package, patch_sheet, sheet_parts
from .report import CalcReport, _same  # noqa: F401 - _same: bench/calc.py

__all__ = ["calculate", "CalcReport", "register_functions", "excel_names"]

log = logging.getLogger(__name__)


def _catalogue() -> dict:
    from ..udfs import CATALOGUE

    return dict(CATALOGUE)


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


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused, and restored as it was.

    Evaluation converts every argument of every call of ours into new Python objects and
    keeps many (the answers, the look-up indexes): at 1,000 accounts the collector's passes,
    started by the allocations, walked ever more live objects, freed nothing, and took 6-10 %
    of the time. Reference counting frees objects as before; only reference cycles wait
    until the collector runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: The evaluation cores :func:`calculate` can use (``bench/calc.py`` compares them).
ENGINES = ("formualizer", "formualizer-plain", "formulas")


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
    with _collector_paused():
        return _calculate(in_path, out_path, functions, engine)


def _calculate(in_path, out_path, functions, engine) -> CalcReport:
    src = Path(in_path)
    dst = None if out_path is None else Path(out_path)
    if not src.is_file():
        raise CSError(f"{src}: no such workbook")
    if dst is not None:  # the same path, a symlink or a hard link to the input
        check_not_input(dst, src)
    check_xlsx_package(src)  # an .xls, .xlsb or encrypted file: say what it is
    check_package(src, sheets=True)  # zip bombs, too many cells: before the engine loads it
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
