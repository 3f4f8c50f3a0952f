"""The primary evaluation core: the Rust engine ``formualizer`` with our functions registered.

The workbook is loaded from its package bytes by formualizer's own reader (values, formulas,
shared formulas, defined names), after one rewrite: structured references (``Table[Col]``,
``[@Col]``) become A1 references (:mod:`.refs`) in the loaded copy only — formualizer resolves a
``[#This Row]`` reference as the whole table and reports a circular reference otherwise. The
``CS_*`` functions are registered under every spelling (:func:`.evaluate.excel_names`) and
receive ranges as lists of rows (a 2-column table is a 2-D list), errors as Office.js error
dicts, dates as serial numbers, as the Office.js server hands them over.

A formula cell keeps the value Excel cached, and so does every cell depending on it, when the
engine cannot evaluate it: it does not parse, it calls a function that is neither an Excel
built-in the engine knows nor ours (an add-in's, ``[1]!Addin(…)``), it uses something the engine
does not implement (3-D references, unions, ``LAMBDA``) or it is circular. With no cached value,
a call of an unknown function shows ``#NAME?``, as in Excel.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import logging
import re
import zipfile

from ..excel.dates import date_to_serial
from ..excel.errors import ERROR_CODES, ExcelError

__all__ = ["evaluate", "available"]

log = logging.getLogger(__name__)

#: formualizer error kinds → Excel error codes.
_KIND = {"Div": "#DIV/0!", "Na": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
         "Ref": "#REF!", "Value": "#VALUE!", "Spill": "#SPILL!", "Calc": "#CALC!",
         "GettingData": "#GETTING_DATA"}
_CODE = {code: kind for kind, code in _KIND.items()}
#: Error kinds meaning "the engine could not evaluate this": the cached value stays.
_CANNOT = {"NImpl": "uses what the engine does not implement",
           "Circ": "is a circular reference", "Error": "cannot be parsed",
           "Cancelled": "was cancelled"}
_CELL_REF = re.compile(r"^([A-Z]+)([0-9]+)$")
_STRINGS = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_CALL = re.compile(r"((?:\[[^\]]*\])?[\w.]*!)?([A-Za-z_\\][\w.]*)\s*\(")


def available() -> bool:
    """True when formualizer can be imported."""
    try:
        import formualizer  # noqa: F401
    except ImportError:
        return False
    return True


# -- values across the boundary --------------------------------------------------------------

def _to_python(value):
    """A formualizer argument as the Office.js-shaped value our functions accept."""
    if isinstance(value, dict):
        if value.get("type") == "Error":
            return {"type": "Error", "basicValue": _KIND.get(value.get("kind"), "#VALUE!")}
        return value
    if isinstance(value, list):
        return [[_to_python(v) for v in row] if isinstance(row, list) else _to_python(row)
                for row in value]
    return value


def _error(code: str):
    import formualizer as fz

    return fz.LiteralValue.error(_CODE.get(code, "Value"), None)


def _to_engine(value):
    """Our function's result as a formualizer value (errors, dates, spilled ranges)."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy arrays and scalars
    if isinstance(value, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value] or [[None]]
        width = max(len(r) for r in rows)
        return [[_to_engine(v) for v in r] + [_error("#N/A")] * (width - len(r)) for r in rows]
    if value is None:
        return ""
    if isinstance(value, ExcelError):
        return _error(value.code)
    if isinstance(value, str) and value in ERROR_CODES:
        return _error(value)
    if isinstance(value, _dt.date):  # datetimes too: the time of day is the fraction
        try:
            return date_to_serial(value)
        except ValueError:  # before Excel's first date
            return _error("#NUM!")
    if isinstance(value, float) and value != value:
        return _error("#NUM!")
    if value.__class__.__name__ == "NaTType":
        return _error("#NUM!")
    return value


def _adapt(func):
    @functools.wraps(func)
    def call(*args):
        try:
            return _to_engine(func(*[_to_python(a) for a in args]))
        except Exception as exc:  # a cell shows #VALUE!, never a traceback
            log.debug("%s failed: %r", getattr(func, "__name__", func), exc)
            return _error("#VALUE!")
    return call


def _result(value):
    """A formualizer cell value as what the package writer encodes."""
    while isinstance(value, list):  # a spilled array: its anchor holds the top-left value
        value = value[0] if value else None
    if value is None:
        return 0
    if isinstance(value, dict):
        return ExcelError(_KIND.get(value.get("kind"), "#VALUE!"))
    if isinstance(value, _dt.datetime):
        return date_to_serial(value)
    if isinstance(value, _dt.date):
        return date_to_serial(value)
    if isinstance(value, _dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, _dt.timedelta):
        return value.total_seconds() / 86400
    return value


# -- our functions called a column at a time ----------------------------------------------------

def _freeze(value):
    """A hashable key for an argument (TRUE and 1 stay apart, as do error kinds)."""
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return ("\x00E", value.get("kind"))
    if isinstance(value, bool):
        return ("\x00B", value)
    if value.__class__.__name__ == "LiteralValue":  # our answers: compare by what they hold
        return ("\x00L", repr(value))
    return value


def _cell(value):
    """A one-cell range (``INDEX(Accounts[Tier],n)`` passes one) as its value, which batches
    like any single-cell argument; anything else unchanged."""
    if isinstance(value, list) and len(value) == 1:
        row = value[0]
        if not isinstance(row, list):
            return row
        if len(row) == 1 and not isinstance(row[0], list):
            return row[0]
    return value


class _Batches:
    """Our functions evaluated a column at a time, in rounds.

    Each evaluation round answers the calls it has seen before from a memo and records the
    others (answering ``#N/A`` for now); between rounds, the recorded calls of one function
    that share their range arguments are made as one call with the single-cell arguments as
    columns (every ``CS_*`` function maps a column in to a column out). Rounds repeat until one
    records nothing: then every call was answered with the function's value for its actual
    arguments, exactly as one call per cell would. A batch whose first row differs from a
    direct call of that row is made one call per row instead.
    """

    def __init__(self, functions: dict):
        self.functions = functions
        self.memo: dict = {}
        self.misses: dict = {}
        self.calls = 0

    def callback(self, name: str):
        memo, misses = self.memo, self.misses

        def call(*args):
            key = (name, _freeze(list(args)))
            hit = memo.get(key, memo)
            if hit is not memo:
                return hit
            misses[key] = args
            return _error("#N/A")
        return call

    def resolve(self) -> bool:
        """Compute the recorded calls; False when there were none (the fixed point)."""
        if not self.misses:
            return False
        groups: dict = {}
        for key, args in self.misses.items():
            name = key[0]
            ranges = tuple((i, _freeze(a)) for i, a in enumerate(args)
                           if isinstance(a, list) and _cell(a) is a)
            groups.setdefault((name, len(args), ranges), []).append((key, args))
        self.misses.clear()  # the callbacks hold this very dict
        for (name, n, ranges), calls in groups.items():
            func = self.functions[name]
            if len(calls) > 1 and n > len(ranges):
                answers = self._batch(func, calls, {i for i, _ in ranges})
                if answers is not None:
                    self.memo.update(answers)
                    continue
            for key, args in calls:
                self.memo[key] = self._one(func, args)
        return True

    def _one(self, func, args):
        self.calls += 1
        try:
            return _to_engine(func(*[_to_python(a) for a in args]))
        except Exception as exc:  # a cell shows #VALUE!, never a traceback
            log.debug("%s failed: %r", getattr(func, "__name__", func), exc)
            return _error("#VALUE!")

    def _batch(self, func, calls, ranges: set):
        n = len(calls[0][1])
        columns = []
        for i in range(n):
            if i in ranges:
                columns.append(_to_python(calls[0][1][i]))
            else:
                columns.append([[_to_python(_cell(args[i]))] for _, args in calls])
        self.calls += 1
        try:
            result = func(*columns)
        except Exception:  # noqa: BLE001 - one call per row says which row fails
            return None
        if hasattr(result, "tolist"):
            result = result.tolist()
        if not isinstance(result, (list, tuple)) or len(result) != len(calls):
            return None
        rows = [r[0] if isinstance(r, (list, tuple)) and len(r) == 1 else r for r in result]
        if any(isinstance(r, (list, tuple)) for r in rows):
            return None
        answers = {key: _to_engine(value) for (key, _), value in zip(calls, rows)}
        key, args = calls[0]
        if _freeze([answers[key]]) != _freeze([self._one(func, args)]):
            return None  # the function does not map rows to rows: call it per row
        return answers


# -- built-ins formualizer gets wrong, replaced -------------------------------------------------

def _text_of(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return f"{v:.15g}"
    return str(v)


def _lifted(scalar):
    """``scalar(*args)`` applied cell by cell over range arguments (Excel's array lifting);
    formualizer 0.13 passes only the first cell of a range to SEARCH and FIND."""
    def call(*args):
        grids = [a for a in args if isinstance(a, list)]
        if not grids:
            return scalar(*args)
        rows = max(len(g) for g in grids)
        cols = max(len(g[0]) if g and isinstance(g[0], list) else 1 for g in grids)

        def at(a, i, j):
            if not isinstance(a, list):
                return a
            row = a[i if len(a) > 1 else 0]
            row = row if isinstance(row, list) else [row]
            return row[j if len(row) > 1 else 0]
        return [[scalar(*[at(a, i, j) for a in args]) for j in range(cols)] for i in range(rows)]
    return call


def _find(case_insensitive: bool):
    def find(needle, haystack, start=1.0):
        for v in (needle, haystack, start):
            if isinstance(v, dict):
                return v if v.get("type") != "Error" else _error(
                    _KIND.get(v.get("kind"), "#VALUE!"))
        needle, text = _text_of(needle), _text_of(haystack)
        try:
            first = int(float(start if start is not None else 1))
        except (TypeError, ValueError):
            return _error("#VALUE!")
        if first < 1 or first > len(text) + 1:
            return _error("#VALUE!")
        if not case_insensitive:
            at = text.find(needle, first - 1)
            return float(at + 1) if at >= 0 else _error("#VALUE!")
        pattern, i = "", 0
        while i < len(needle):  # Excel wildcards: ? and *, ~ escapes
            ch = needle[i]
            if ch == "~" and i + 1 < len(needle):
                pattern += re.escape(needle[i + 1])
                i += 2
                continue
            pattern += "." if ch == "?" else ".*?" if ch == "*" else re.escape(ch)
            i += 1
        m = re.compile(pattern, re.I | re.S).search(text, first - 1)
        return float(m.start() + 1) if m else _error("#VALUE!")
    return find


def _is_error(v) -> bool:
    return isinstance(v, dict) and v.get("type") == "Error"


_IS = {
    "ISNUMBER": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "ISTEXT": lambda v: isinstance(v, str),
    "ISNONTEXT": lambda v: not isinstance(v, str),
    "ISBLANK": lambda v: v is None,
    "ISLOGICAL": lambda v: isinstance(v, bool),
    "ISERROR": _is_error,
    "ISNA": lambda v: _is_error(v) and v.get("kind") == "Na",
    "ISERR": lambda v: _is_error(v) and v.get("kind") != "Na",
}

#: Built-ins registered over formualizer's own, which (0.13) takes only the first cell of a
#: range or array argument instead of answering cell by cell: (callable, min, max arguments).
_OVERRIDES = {"SEARCH": (_lifted(_find(True)), 2, 3), "FIND": (_lifted(_find(False)), 2, 3),
              **{name: (_lifted(test), 1, 1) for name, test in _IS.items()}}


# -- which functions exist ---------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _builtin(name: str) -> bool:
    """Does formualizer know the function ``name`` (an Excel built-in)?"""
    import formualizer as fz

    wb = fz.Workbook()
    wb.add_sheet("S")
    try:
        wb.set_formula("S", 1, 1, f"={name}()")
        wb.evaluate_all()
        value = wb.get_value("S", 1, 1)
    except Exception:  # noqa: BLE001 - anything but a clean answer means: not known
        return False
    return not (isinstance(value, dict) and value.get("kind") == "Name")


@functools.lru_cache(maxsize=4096)
def _calls(formula: str) -> tuple[tuple[str, bool], ...]:
    """The functions ``formula`` calls: (name, called through a workbook or add-in link)."""
    text = _STRINGS.sub('""', formula)
    while "[" in text:  # structured references and link indexes: [Risk (Sentiment)] is no call
        new = _BRACKETS.sub("\x01", text)
        if new == text:
            break
        text = new
    text = text.replace("\x01", "[]")
    return tuple((m.group(2), bool(m.group(1))) for m in _CALL.finditer(text))


def _unknown(formula: str, ours: frozenset) -> str | None:
    for name, linked in _calls(formula):
        if linked:
            return f"calls {name} through an external link or add-in"
        upper = name.upper()
        if upper in ours:
            continue
        if upper.startswith("_XLDUDF_"):
            return f"calls {name}, an Office.js add-in function that is not ours"
        if not _builtin(upper):
            return f"calls {name}, neither an Excel built-in nor a CS_* function"
    return None


# -- loading ----------------------------------------------------------------------------------

def _rewrite_package(zf: zipfile.ZipFile, parts: dict, tables: dict, index=None,
                     is_constant=None, originals=None) -> bytes | None:
    """The package with structured references rewritten as A1 and, given an ``index``, each
    eligible per-row ``*IFS`` call as an index look-up (:mod:`.ifs`; the A1 text before that
    goes into ``originals``). None when nothing changed."""
    from .ifs import rewrite as rewrite_ifs
    from .package import book_part, rewrite_formulas
    from .refs import Rewriter, rewrite_structured

    replace = {}
    rewriter = Rewriter(tables)
    for sheet, part in parts.items():
        def rewrite(text, ref, plain=False, sheet=sheet):
            if tables and "[" in text:
                col, row = _CELL_REF.match(ref).groups()
                text = rewriter("=" + text, sheet, int(row), _col_index(col))[1:]
            if index is not None and plain and "IF" in text.upper():
                quoted = "'" + sheet.replace("'", "''") + "'"
                new = rewrite_ifs("=" + text, quoted, ref, index, is_constant)[1:]
                if new != text:
                    originals[(sheet, ref)] = text
                    text = new
            return text
        new, n = rewrite_formulas(zf.read(part), rewrite, every=index is not None)
        if n:
            replace[part] = new
    book = book_part(zf)
    xml = zf.read(book)
    if b"[" in xml:
        from .package import _escape, _unescape

        def name(m):
            text = _unescape(m.group(2))
            new = rewrite_structured("=" + text, tables, "", 0, 0)[1:]
            return m.group(0) if new == text else m.group(1) + _escape(new) + m.group(3)
        new = re.sub(rb"(<(?:\w+:)?definedName\b[^>]*>)(.*?)(</(?:\w+:)?definedName>)",
                     name, xml, flags=re.S)
        if new != xml:
            replace[book] = new
    if not replace:
        return None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for info in zf.infolist():
            out.writestr(info.filename, replace.get(info.filename) or zf.read(info))
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _constant_ranges(cells: dict):
    """``is_constant(sheet, first row, column, last row)``: the range holds no formula."""
    import bisect

    rows: dict = {}
    for sheet, ref in cells:
        col, row = _CELL_REF.match(ref).groups()
        rows.setdefault((sheet.upper(), _col_index(col)), []).append(int(row))
    for v in rows.values():
        v.sort()

    def is_constant(sheet, r1, c, r2):
        found = rows.get((sheet.upper(), c))
        if not found:
            return True
        i = bisect.bisect_left(found, r1)
        return i == len(found) or found[i] > r2
    return is_constant


def _load(src, zf, parts, index=None, cells=None, originals=None):
    import formualizer as fz

    from .package import read_tables

    tables = read_tables(zf, parts)
    data = None
    if tables or index is not None:
        data = _rewrite_package(zf, parts, tables, index,
                                _constant_ranges(cells) if index is not None else None,
                                originals)
    cfg = fz.EvaluationConfig()
    cfg.enable_parallel = False  # one core: the Python functions hold the GIL anyway
    config = fz.WorkbookConfig(eval_config=cfg)
    if data is None:
        return fz.Workbook.from_path(str(src), config=config)
    return fz.Workbook.from_bytes(data, config=config)


def _reader(wb, parts: dict):
    """``read(sheet, first row, column, last row)``: a column's values as the engine holds
    them (dates as serial numbers)."""
    import formualizer as fz

    names = {name.upper(): name for name in parts}

    def read(sheet, r1, c, r2):
        name = names[sheet.upper()]
        return [row[0] if row else None
                for row in wb.sheet(name).get_values(fz.RangeAddress(name, r1, c, r2, c))]
    return read


# -- evaluation -------------------------------------------------------------------------------

def evaluate(src, zf: zipfile.ZipFile, parts: dict, cells: dict, functions: dict,
             columnwise: bool = True, stats: dict | None = None):
    """Evaluate the workbook ``src`` (open as ``zf``; sheet ``parts``) with formualizer.

    ``cells`` is ``{(sheet, "A1"): (formula text or None, cached value or None, array)}``.
    Returns ``(values, kept)``: ``{(sheet, "A1"): value}`` for the cells evaluated and
    ``{(sheet, "A1"): reason}`` for those that keep their cached value. ``columnwise``
    answers per-row ``*IFS`` over constant columns from hash indexes (:mod:`.ifs`); False
    evaluates every formula as written (the plain engine, for comparison). ``stats``, if
    given, receives counts of the work done (rounds, Python calls, look-ups, declined cells).
    """
    from . import ifs
    from .evaluate import excel_names

    index = ifs.Index() if columnwise else None
    originals: dict = {}
    wb = _load(src, zf, parts, index, cells, originals)
    wb.set_temporal_egress("serial")
    ours = {ifs.FUNCTION}
    if index is not None:
        index.load(_reader(wb, parts))
        wb.register_function(ifs.FUNCTION, index.callback(), min_args=2)
    batches = _Batches(functions)
    for name in functions:
        call = batches.callback(name)
        for alias in excel_names(name):
            wb.register_function(alias, call, volatile=True)  # re-run in every round
            ours.add(alias.upper())
    for name, (func, least, most) in _OVERRIDES.items():
        wb.register_function(name, func, min_args=least, max_args=most,
                             allow_override_builtin=True)
    ours = frozenset(ours)
    restored: set = set()

    def settle() -> int:
        """Evaluate until our functions have answered every call and no *IFS look-up
        declined: a declined cell gets its formula back and the engine answers it."""
        n = 0
        while True:
            wb.evaluate_all()
            n += 1
            if batches.resolve():
                continue
            todo = ((index.declined | index.erring) - restored) if index is not None else ()
            if not todo:
                return n
            for where in todo:
                sheet, ref = _split(where)
                col, row = _CELL_REF.match(ref).groups()
                wb.set_formula(sheet, int(row), _col_index(col), "=" + originals[(sheet, ref)])
            restored.update(todo)

    rounds = settle()
    # A formula Excel did not save as a (dynamic) array formula is a legacy one: a multi-cell
    # result shows its top-left value there, as ``=@(…)`` does, where formualizer spills.
    legacy = []
    for key, cell in cells.items():
        if not cell[2]:
            col, row = _CELL_REF.match(key[1]).groups()
            value = wb.get_value(key[0], int(row), _col_index(col))
            if isinstance(value, dict) and value.get("kind") == "Spill":
                legacy.append((key[0], int(row), _col_index(col)))
    for sheet, r, c in legacy:
        formula = wb.get_formula(sheet, r, c)
        if formula and not formula.startswith("=#ERROR!"):
            wb.set_formula(sheet, r, c, "=@(" + formula.lstrip("=") + ")")
    if legacy:
        rounds += settle()
    log.debug("%d rounds, %d Python calls, %d *IFS look-ups, %d cells declined", rounds,
              batches.calls, index.answered if index else 0, len(restored))
    if stats is not None:
        stats.update(rounds=rounds, python_calls=batches.calls, ifs_declined=len(restored),
                     ifs_lookups=index.answered if index else 0)

    values, roots = {}, {}
    for key, (_, cached, _) in cells.items():
        sheet, ref = key
        col, row = _CELL_REF.match(ref).groups()
        r, c = int(row), _col_index(col)
        formula = wb.get_formula(sheet, r, c)
        if formula is None:
            roots[key] = "was not loaded by the engine"
            continue
        if formula.startswith("=#ERROR!"):
            roots[key] = f"cannot be parsed: ={cells[key][0] or formula}"
            continue
        value = wb.get_value(sheet, r, c)
        why = _unknown(cells[key][0] or formula, ours)
        if why:
            if cached is None:  # as Excel shows it where the function is missing
                values[key] = ExcelError("#NAME?")
            else:
                roots[key] = why
            continue
        if isinstance(value, dict) and value.get("kind") in _CANNOT:
            roots[key] = f"{_CANNOT[value['kind']]}: {formula}"
            continue
        values[key] = _result(value)
    kept = dict(roots)
    if roots:
        todo = [k for k in roots]
        while todo:
            sheet, ref = todo.pop()
            try:
                report = wb.dependents(f"'{sheet}'!{ref}", max_results=1_000_000,
                                       max_work=10_000_000)
            except Exception:  # noqa: BLE001 - no graph node: nothing depends on it
                continue
            for dep in report.dependents:
                key = _split(dep.cell)
                if key in cells and key not in kept:
                    kept[key] = f"depends on {sheet}!{ref}, which keeps its cached value"
                    values.pop(key, None)
                    todo.append(key)
    return values, kept


def _split(address: str) -> tuple[str, str]:
    sheet, _, ref = address.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref.replace("$", "")
