"""Scalar built-ins that formualizer 0.13 does not lift over arrays, answered element by element.

Excel lifts a function of single values over an array argument: in an array formula, or nested
in ``SUMPRODUCT``, ``ROUND(A1:A3,0)`` is ``{ROUND(A1,0);ROUND(A2,0);ROUND(A3,0)}``, so
``SUMPRODUCT(ROUND(A1:A3,0))`` sums the rounded values. formualizer answers the functions of
:data:`LIFT` with ``#VALUE!`` or with the first element only. :mod:`.array_forms` writes such
a call as ``_CSCALC_MAP("ROUND", A1:A3, 0)``; :class:`Mapper` brings the arguments to one shape
(:func:`.arrays.broadcast`) and has the engine itself answer each distinct combination of
elements, in a scratch workbook of its own, so every element gets the engine's (and our
registered built-ins') semantics.
"""

from __future__ import annotations

from .args import error
from .arrays import _grid, _shape, broadcast

__all__ = ["LIFT", "Mapper"]

#: Functions of single values that formualizer 0.13 does not lift over an array argument
#: (measured: each called with a three-cell range).
LIFT = frozenset([
    "ABS", "ACOS", "ASIN", "ATAN", "BASE", "CHAR", "CODE", "COMBIN", "CONCATENATE", "COSH",
    "DATEDIF", "DATEVALUE", "DAYS", "DAYS360", "DEC2BIN", "DEGREES", "DOLLAR", "EOMONTH",
    "EVEN", "EXACT", "FACT", "FIXED", "FLOOR", "HOUR", "INT", "ISEVEN", "ISODD", "ISOWEEKNUM",
    "LEFT", "LEN", "LN", "LOG", "LOG10", "LOWER", "MID", "MINUTE", "MOD", "MROUND", "NOT",
    "NUMBERVALUE", "ODD", "PERMUT", "POWER", "PROPER", "RADIANS", "REPLACE", "REPT", "RIGHT",
    "ROMAN", "ROUND", "ROUNDDOWN", "ROUNDUP", "SECOND", "SIGN", "SINH", "SQRT", "SUBSTITUTE",
    "TANH", "TIMEVALUE", "TRIM", "TRUNC", "UNICHAR", "UNICODE", "UPPER", "VALUE", "WEEKDAY",
    "WEEKNUM", "YEARFRAC",
])

_MEMO_LIMIT = 200_000


def _column(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _hashable(v):
    if isinstance(v, dict):
        return ("\x00error", v.get("kind"))
    if isinstance(v, bool):
        return ("\x00bool", v)
    return v


class Mapper:
    """``_CSCALC_MAP(name, args…)``: the built-in ``name`` applied element by element.

    One per evaluated workbook (``date1904``: its date system); answers are remembered, so
    the same call down a column is computed once.
    """

    def __init__(self, date1904: bool = False):
        self.date1904 = date1904
        self._scratch = None
        self._memo: dict = {}

    def _workbook(self):
        if self._scratch is None:
            import formualizer as fz

            from . import register

            cfg = fz.EvaluationConfig()
            cfg.date_system = "1904" if self.date1904 else "1900"
            cfg.enable_parallel = False
            wb = fz.Workbook(config=fz.WorkbookConfig(eval_config=cfg))
            wb.set_temporal_egress("serial")
            register(wb, in_1904=self.date1904)
            self._scratch = wb
        return self._scratch

    def _answer(self, name: str, todo: list[tuple]) -> None:
        import formualizer as fz

        wb = self._workbook()
        width = len(todo[0])
        sheet = f"S{width}"  # one sheet per arity: arguments in A…, the calls after them
        wb.add_sheet(sheet)
        refs = [_column(j + 1) for j in range(width)]
        wb.set_values_batch(sheet, 1, 1, [list(t) for t in todo])
        wb.set_formulas_batch(sheet, 1, width + 1, [
            [f"={name}({','.join(f'{c}{i}' for c in refs)})"] for i in range(1, len(todo) + 1)])
        wb.evaluate_all()
        got = wb.sheet(sheet).get_values(fz.RangeAddress(sheet, 1, width + 1, len(todo),
                                                         width + 1))
        if len(self._memo) > _MEMO_LIMIT:
            self._memo.clear()
        for t, row in zip(todo, got):
            self._memo[(name, tuple(map(_hashable, t)))] = row[0]

    def __call__(self, name, *args):
        if not isinstance(name, str) or not name.replace(".", "").replace("_", "").isalnum():
            return error("Value")
        if not args:
            return error("Value")
        if any(isinstance(a, list) for a in args):
            grids = [_grid(a) for a in args]
            rows, cols = _shape(grids)
            combos = broadcast(lambda *t: t, *args)
        else:
            rows = cols = 0
            combos = [[tuple(args)]]
        todo, seen = [], set()
        for row in combos:
            for t in row:
                key = (name, tuple(map(_hashable, t)))
                if key not in self._memo and key not in seen:
                    seen.add(key)
                    todo.append(t)
        if todo:
            self._answer(name, todo)
        out = [[self._memo[(name, tuple(map(_hashable, t)))] for t in row] for row in combos]
        return out if rows or cols else out[0][0]
