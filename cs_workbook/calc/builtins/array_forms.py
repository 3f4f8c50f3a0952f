"""Rewrites of formulas for array forms formualizer 0.13 evaluates differently from Excel.

Applied to the copy of the package the engine loads (:func:`.prepare.prepare_sheet`), never to
the package written back:

- ``_xlfn.LAMBDA(_xlpm.x, body)(arg)``, a lambda called where it is written, becomes ``body``
  with each parameter replaced by its argument (the engine does not implement ``LAMBDA``);
- ``_xlfn.SINGLE(x)``, as Excel saves the ``@`` operator, becomes ``@(x)``;
- in an array formula, ``IF``, ``IFERROR`` and ``IFNA`` with two arguments that are arrays
  by their own operators (``IF(A1:A4>2,H1:H2,E1:E2)``) become our element-wise versions
  (:mod:`.arrays`), which broadcast arguments of different shapes as Excel does (formualizer
  answers ``#VALUE!``); a one-value function of
  :data:`.array_map.LIFT` with an argument that may be an array, in an array formula or
  nested in ``SUMPRODUCT`` & co (:data:`FORCING`), becomes ``_CSCALC_MAP("NAME", …)``;
  ``INDEX`` of an array constant becomes ours (Excel's argument checks), ``COUNTIF`` & co with
  criteria that may be an array become ours (one answer per criterion; also nested in
  ``SUMPRODUCT`` & co), and an operator between a range and an array constant of different
  shapes (``A6:C6+{1,2}``) becomes a call of ours;
- a legacy (Ctrl+Shift+Enter) array formula over several cells is wrapped in our
  :data:`.arrays.AREA`, which fills its area as Excel does (a single value in every cell, a row
  or column repeated, ``#N/A`` beyond a smaller result).
"""

from __future__ import annotations

import re

from .array_ifs import CRITERIA_FROM
from .array_map import LIFT

__all__ = ["inline_lambdas", "rewrite_array_forms", "split_args"]

_IDENT = re.compile(r"[A-Za-z_\\][\w.]*")
_PARAM = re.compile(r"(?<![\w.])_xlpm\.([A-Za-z_][\w.]*)(?![\w.(])", re.IGNORECASE)
_LAMBDA = re.compile(r"(?<![\w.])_xlfn\.LAMBDA\(", re.IGNORECASE)
_SINGLE = re.compile(r"(?<![\w.])_xlfn\.SINGLE\(", re.IGNORECASE)
_CELL = r"\$?[A-Z]{1,3}\$?[0-9]+"
_SHEET = r"(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)"
_RANGE = re.compile(rf"^(?:{_SHEET}!)?({_CELL})(?::({_CELL}))?$")
_SIMPLE = re.compile(rf"^(?:(?:{_SHEET}!)?{_CELL}(?::{_CELL})?|[0-9.]+|\"(?:[^\"]|\"\")*\")$")

#: Functions an array formula gets in our element-wise versions: ``{name: our name}``.
ELEMENTWISE = {"IF": "_CSCALC_IF", "IFERROR": "_CSCALC_IFERROR", "_XLFN.IFNA": "_CSCALC_IFNA",
               "IFNA": "_CSCALC_IFNA"}


def _skip(text: str, i: int) -> int:
    """The index after the string, quoted sheet name, ``{…}`` or ``[…]`` starting at ``i``."""
    ch = text[i]
    close = {'"': '"', "'": "'", "{": "}", "[": "]"}[ch]
    j = i + 1
    depth = 1
    while j < len(text):
        c = text[j]
        if close in "\"'" and c == close:
            if j + 1 < len(text) and text[j + 1] == close:
                j += 2
                continue
            return j + 1
        if close not in "\"'":
            if c == '"':
                j = _skip(text, j)
                continue
            if c == ch:
                depth += 1
            elif c == close:
                depth -= 1
                if depth == 0:
                    return j + 1
        j += 1
    return len(text)


def split_args(text: str, open_at: int) -> tuple[list[str], int] | None:
    """The top-level arguments of the call whose ``(`` is at ``open_at`` and the index after
    its ``)``; None when the parentheses do not close.

    >>> split_args('F(1,"a,b",{1,2},G(3,4))+1', 1)
    (['1', '"a,b"', '{1,2}', 'G(3,4)'], 23)
    """
    args, depth, start, i = [], 0, open_at + 1, open_at + 1
    while i < len(text):
        ch = text[i]
        if ch in "\"'{[":
            i = _skip(text, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                args.append(text[start:i])
                return ([] if args == [""] else args), i + 1
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[start:i])
            start = i + 1
        i += 1
    return None


def _masked(text: str) -> str:
    """``text`` with the insides of strings blanked (same length), for searching."""
    return re.sub(r'"(?:[^"]|"")*"', lambda m: '"' + "\x00" * (len(m.group(0)) - 2) + '"', text)


def _operand(arg: str) -> str:
    arg = arg.strip()
    return arg if _SIMPLE.match(arg) else "(" + arg + ")"


def inline_lambdas(formula: str) -> str:
    """``formula`` with every immediately called ``LAMBDA`` replaced by its body, each
    parameter substituted by its argument.

    >>> inline_lambdas("_xlfn.LAMBDA(_xlpm.x, --_xlpm.x)(A1:A4=\\"h\\")")
    '--(A1:A4="h")'
    >>> inline_lambdas("1+_xlfn.LAMBDA(_xlpm.a,_xlpm.b,_xlpm.a*_xlpm.b)(B1,2)")
    '1+B1*2'
    """
    for _ in range(20):  # nested lambdas: one per pass, innermost last
        masked = _masked(formula)
        done = True
        for m in _LAMBDA.finditer(masked):
            got = split_args(formula, m.end() - 1)
            if not got or got[1] >= len(formula) or formula[got[1]] != "(":
                continue
            params, end = got
            call = split_args(formula, end)
            if not call or len(params) < 1 or len(call[0]) != len(params) - 1:
                continue
            names = [p.strip() for p in params[:-1]]
            if not all(re.fullmatch(r"_xlpm\.[A-Za-z_][\w.]*", n, re.IGNORECASE) for n in names):
                continue
            values = {n.lower()[len("_xlpm."):]: _operand(a) for n, a in zip(names, call[0])}
            body = params[-1].strip()
            body_masked = _masked(body)
            pieces, last = [], 0
            for p in _PARAM.finditer(body_masked):
                key = p.group(1).lower()
                if key in values:
                    pieces.append(body[last:p.start()] + values[key])
                    last = p.end()
            body = "".join(pieces) + body[last:]
            formula = formula[:m.start()] + body + formula[call[1]:]
            done = False
            break
        if done:
            break
    return formula


def _singles(formula: str) -> str:
    while True:
        m = _SINGLE.search(_masked(formula))
        if not m:
            return formula
        got = split_args(formula, m.end() - 1)
        if not got or len(got[0]) != 1:
            return formula
        formula = formula[:m.start()] + "@(" + got[0][0].strip() + ")" + formula[got[1]:]


def _calls(formula: str):
    """``(start, name, open paren index)`` of every call in ``formula``, outside strings."""
    masked = _masked(formula)
    for m in re.finditer(r"(?<![\w.\\$!'\]])([A-Za-z_][\w.]*)\(", masked):
        yield m.start(1), m.group(1), m.end() - 1


def _rename(formula: str, names: frozenset, wanted) -> str:
    """``formula`` with each call ``NAME(`` of one of ``names`` (without prefixes) for which
    ``wanted(NAME, args, at)`` gives a new opening (``OURS(`` or ``_CSCALC_MAP("NAME",``)
    written with it."""
    out, last = [], 0
    for start, name, open_at in _calls(formula):
        if _bare(name) not in names:
            continue
        got = split_args(formula, open_at)
        new = wanted(name, got[0], open_at) if got else None
        if new:
            out.append(formula[last:start] + new)
            last = open_at + 1
    return "".join(out) + formula[last:] if out else formula


_SPILL = re.compile(r"[A-Z]\$?[0-9]+#|ANCHORARRAY\(", re.IGNORECASE)
_NESTED = re.compile(r"\([^()]*\)")


def _arrayish(arg: str) -> bool:
    """An argument that may be an array: it holds a range, an array constant or a spill."""
    masked = _masked(arg)
    return ":" in masked or "{" in masked or bool(_SPILL.search(masked))


def _array_operand(arg: str) -> bool:
    """An argument that is an array by its own operators, not only through a call nested in
    it (``A1:A4>2``, ``{1,2}``, not ``COUNTA(A1:A4)=0``, which is one value)."""
    masked = _masked(arg)
    while True:
        outer = _NESTED.sub("", masked)
        if outer == masked:
            break
        masked = outer
    return ":" in masked or "{" in masked or bool(_SPILL.search(masked))


def _bare(name: str) -> str:
    return name.upper().replace("_XLFN.", "").replace("_XLWS.", "")


def _mapped(name: str, args: list[str]):
    """``_CSCALC_MAP("NAME",`` for a call of a function of :data:`.array_map.LIFT` with an
    argument that may be an array; ``_CSCALC_COUNTIF(`` & co for a call of ``COUNTIF`` & co
    (:mod:`.array_ifs`) with criteria that may be an array."""
    bare = _bare(name)
    if bare in LIFT and any(map(_arrayish, args)):
        return f'_CSCALC_MAP("{name}",'
    if bare in CRITERIA_FROM and any(map(_arrayish, args[CRITERIA_FROM[bare]::2])):
        return f"_CSCALC_{bare}("
    return None


#: Functions whose arguments Excel evaluates as arrays even in a legacy formula, so that a
#: one-value function nested in them is lifted (``SUMPRODUCT(LEN(A1:A3))``).
FORCING = ("SUMPRODUCT", "MMULT", "TRANSPOSE", "FREQUENCY", "SUMX2MY2", "SUMX2PY2", "SUMXMY2")
_FORCING_CALLS = tuple(n + "(" for n in FORCING)


_LIFTED = LIFT | set(CRITERIA_FROM)
#: The calls an array formula may get in our versions (names without prefixes).
_IN_ARRAYS = LIFT | set(CRITERIA_FROM) | {"IF", "IFERROR", "IFNA", "INDEX"}


def _forces_arrays(masked: str, at: int) -> bool:
    """Whether the call whose ``(`` is at ``at`` is nested in one of :data:`FORCING`."""
    from .sheet_rewrites import nested_in

    return nested_in(masked, at, FORCING)


def _array_call(name: str, args: list[str], at: int):
    upper = name.upper()
    if upper in ELEMENTWISE:  # only where two arguments may be arrays of different shapes:
        # ours evaluates every argument, where Excel's IF evaluates only the branch it takes
        return ELEMENTWISE[upper] + "(" if sum(map(_array_operand, args)) >= 2 else None
    if upper == "INDEX" and args and args[0].strip().startswith("{"):
        return "_CSCALC_INDEX("
    return _mapped(name, args)


def _shape(atom: str):
    """(rows, columns) of a range reference or array constant, else None."""
    atom = atom.strip()
    if atom.startswith("{") and atom.endswith("}"):
        rows = atom[1:-1].split(";")
        return len(rows), rows[0].count(",") + 1
    m = _RANGE.match(atom)
    if not m:
        return None
    a = re.match(r"\$?([A-Z]+)\$?([0-9]+)", m.group(1))
    b = re.match(r"\$?([A-Z]+)\$?([0-9]+)", m.group(2) or m.group(1))

    def col(s):
        n = 0
        for ch in s:
            n = n * 26 + ord(ch) - 64
        return n
    return (abs(int(b.group(2)) - int(a.group(2))) + 1,
            abs(col(b.group(1)) - col(a.group(1))) + 1)


_ATOM = rf"(?:(?:{_SHEET}!)?{_CELL}(?::{_CELL})?|\{{[^{{}}\"]*\}})"
_BINARY = re.compile(rf"(?<=[(,])(\s*)({_ATOM})\s*(\+|-|\*|/|\^|&|<>|<=|>=|=|<|>)\s*({_ATOM})"
                     rf"(\s*)(?=[,)])")


def _mismatched(a, b) -> bool:
    return any(x != y and x != 1 and y != 1 for x, y in zip(a, b))


def _operators(formula: str) -> str:
    """``A6:C6+{1,2}`` (two atoms, ranges or array constants, of shapes Excel pads with
    ``#N/A``, forming a whole argument or the whole formula) as ``_CSCALC_OP("+",A6:C6,{1,2})``;
    every other operator is left to the engine.

    >>> _operators("SUM(A6:C6+{1,2})"), _operators("A1:A3*B1:B3")
    ('SUM(_CSCALC_OP("+",A6:C6,{1,2}))', 'A1:A3*B1:B3')
    """
    if "{" not in formula and ":" not in formula:
        return formula
    wrapped = "(" + formula + ")"

    def one(m: re.Match) -> str:
        a, b = _shape(m.group(2)), _shape(m.group(4))
        if a is None or b is None or not _mismatched(a, b):
            return m.group(0)
        return f'{m.group(1)}_CSCALC_OP("{m.group(3)}",{m.group(2)},{m.group(4)}){m.group(5)}'

    new = _BINARY.sub(one, wrapped)
    return formula if new == wrapped else new[1:-1]


def rewrite_array_forms(formula: str, array: bool = False, area: tuple[int, int] | None = None
                        ) -> str:
    """``formula`` as the engine should read it (see the module docstring). ``array``: the cell
    holds an array formula; ``area``: (rows, columns) of a legacy array formula's area.

    >>> rewrite_array_forms("N(_xlfn.SINGLE(D18:D22))")
    'N(@(D18:D22))'
    >>> rewrite_array_forms("IF(A1:A4>2,H1:H2,E1:E2)", array=True)
    '_CSCALC_IF(A1:A4>2,H1:H2,E1:E2)'
    >>> rewrite_array_forms("123", array=True, area=(4, 1))
    '_CSCALC_AREA(123,4,1)'
    """
    if "(" not in formula and not array:
        return formula
    upper = formula.upper()
    if "LAMBDA(" in upper:
        formula = inline_lambdas(formula)
    if "SINGLE(" in upper:
        formula = _singles(formula)
    if not array:
        if ":" in formula and any(n in upper for n in _FORCING_CALLS):
            masked = _masked(formula)  # nested in SUMPRODUCT…: evaluated as arrays
            formula = _rename(formula, _LIFTED, lambda name, args, at: _mapped(name, args)
                              if _forces_arrays(masked, at) else None)
        return formula
    formula = _rename(formula, _IN_ARRAYS, _array_call)
    formula = _operators(formula)
    if area and area != (1, 1):
        formula = f"_CSCALC_AREA({formula},{area[0]},{area[1]})"
    return formula
