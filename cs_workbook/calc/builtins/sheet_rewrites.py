"""Rewrites of the copy of a package that formualizer loads, for forms it cannot read as Excel does.

- The cells of an array formula's area other than its anchor hold Excel's cached results
  (``<c r="C2"><v>…</v></c>``, no ``<f>``): loaded as constants they block the formula's spill
  (``#SPILL!``), so their values are removed from the loaded copy.
- In a formula Excel did not save as an array formula, a range passed straight to a function
  that takes one value (``ROUND(J2:J7, 2)`` in row 4) is implicitly intersected with the
  formula's row or column, as Excel does: it becomes ``ROUND(@J2:J7, 2)``.
- 3-D references (``SUM(Sheet1:Sheet3!A1)``) become a list of one reference per sheet, in the
  order of the workbook's sheets (``SUM(Sheet1!A1,Sheet2!A1,Sheet3!A1)``).
- Array forms (``LAMBDA`` calls, ``SINGLE``, broadcasting, lifting, legacy array areas) are
  rewritten by :mod:`.array_forms`.

The package written back is untouched: these rewrites only change what the engine reads.
"""

from __future__ import annotations

import re

from ..layout import SHEET_DATA as _SHEET_DATA  # bytes.find: a lazy regex cost ~0.3 s a part
from .array_forms import rewrite_array_forms
from .literal_args import rewrite_literals

__all__ = ["prepare_sheet", "expand_3d", "intersect_legacy"]

_LITERAL_F = re.compile(rb'<(?:\w+:)?f\b[^>]*>[^<]*(?:"|&quot;|#|CHOOSE\(|SHEET\(|COUNT\()', re.I)
_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(/>|>(.*?)</\1c>)", re.S)
_R_ATTR = re.compile(rb'\sr="([A-Z]+)([0-9]+)"')
_T_ATTR = re.compile(rb'\st="[^"]*"')
_V_ELEM = re.compile(rb"<((?:\w+:)?)v\s*/>|<((?:\w+:)?)v(?:\s[^>]*)?>(.*?)</\2v>", re.S)
_ARRAY_F = re.compile(rb'<(?:\w+:)?f\b[^>]*\bt="array"[^>]*\bref="([A-Z]+)([0-9]+)(?::([A-Z]+)'
                      rb'([0-9]+))?"')
_F_TEXT = re.compile(rb"(<((?:\w+:)?)f\b[^>]*>)(.*?)(</\2f>)", re.S)
_SHARED_AREA = re.compile(rb'\bt="shared"[^>]*\bref="[A-Z]+[0-9]+:')
_STRINGS = re.compile(r'"(?:[^"]|"")*"')
_SHEET = r"(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)"
_THREE_D = re.compile(rf"(?<![\w.!'\]])({_SHEET}):({_SHEET})!(\$?[A-Z]{{1,3}}\$?[0-9]+"
                      rf"(?::\$?[A-Z]{{1,3}}\$?[0-9]+)?)")


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _areas(data: bytes) -> list[tuple[int, int, int, int]]:
    out = []
    for m in _ARRAY_F.finditer(data):
        c1, r1 = _col(m.group(1)), int(m.group(2))
        c2, r2 = (_col(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
        if (c1, r1) != (c2, r2):
            out.append((r1, c1, r2, c2))
    return out


def _unquote(name: str) -> str:
    return name[1:-1].replace("''", "'") if name.startswith("'") else name


def _quote(name: str) -> str:
    return "'" + name.replace("'", "''") + "'" if re.search(r"[^\w.]", name) else name


def expand_3d(formula: str, sheets: list[str]) -> str:
    """``formula`` with each 3-D reference written as one reference per sheet it spans.

    >>> expand_3d("SUM(Jan:Mar!B2)+1", ["Jan", "Feb", "Mar", "Total"])
    'SUM(Jan!B2,Feb!B2,Mar!B2)+1'
    """
    if ":" not in formula or "!" not in formula:
        return formula
    upper = [s.upper() for s in sheets]

    def one(m: re.Match) -> str:
        first, last = _unquote(m.group(1)).upper(), _unquote(m.group(2)).upper()
        if first not in upper or last not in upper:
            return m.group(0)
        i, j = sorted((upper.index(first), upper.index(last)))
        return ",".join(f"{_quote(s)}!{m.group(3)}" for s in sheets[i:j + 1])

    parts, last = [], 0
    for s in _STRINGS.finditer(formula):
        parts.append(_THREE_D.sub(one, formula[last:s.start()]))
        parts.append(s.group(0))
        last = s.end()
    parts.append(_THREE_D.sub(one, formula[last:]))
    return "".join(parts)


#: Functions all of whose arguments are single values: Excel intersects a range passed to them
#: in a legacy (non-array) formula.
SCALAR_ARGS = frozenset("""ABS ACOS ASIN ATAN CEILING CHAR CLEAN CODE CONCATENATE COS DATE
DATEVALUE DAY DAYS DOLLARDE DOLLARFR EDATE EOMONTH EXACT EXP FACT FIND FLOOR HOUR INT ISOWEEKNUM
LEFT LEN LN LOG LOG10 LOWER MID MINUTE MOD MONTH PROPER QUOTIENT REPLACE REPT RIGHT ROUND
ROUNDDOWN ROUNDUP SEARCH SECOND SIGN SIN SQRT SUBSTITUTE TAN TIME TIMEVALUE TRIM TRUNC UPPER
VALUE WEEKDAY WEEKNUM YEAR""".split())
#: Functions whose parameters take arrays: Excel evaluates everything nested in them as arrays,
#: so nothing inside them is intersected, even in a legacy formula.
ARRAY_ARGS = frozenset("""SUMPRODUCT MMULT MDETERM MINVERSE TRANSPOSE FREQUENCY LOOKUP INDEX MATCH
XMATCH XLOOKUP AGGREGATE SUMX2MY2 SUMX2PY2 SUMXMY2 CORREL PEARSON RSQ SLOPE INTERCEPT STEYX COVAR
COVARIANCE.P COVARIANCE.S FORECAST FORECAST.LINEAR TREND GROWTH LINEST LOGEST PERCENTRANK
PROB TTEST T.TEST FTEST F.TEST CHITEST CHISQ.TEST""".split())
_RANGE_ARG = re.compile(rf"(?:{_SHEET}!)?\$?[A-Z]{{1,3}}\$?[0-9]+:\$?[A-Z]{{1,3}}\$?[0-9]+")
_LAST_NAME = re.compile(r"([A-Za-z_][\w.]*)$")
_WHOLE_ARG = re.compile(rf"(?<=[(,])\s*({_RANGE_ARG.pattern})(?=\s*[,)])")


def intersect_legacy(formula: str) -> str:
    """``formula`` with ``@`` before each range that is a whole argument of a
    :data:`SCALAR_ARGS` function.

    >>> intersect_legacy("ROUND(J2:J7, 2)+SUM(ROUND(A1:A3,0))")
    'ROUND(@J2:J7, 2)+SUM(ROUND(@A1:A3,0))'
    >>> intersect_legacy('CONCATENATE("a:b", Sheet2!A1:A3)+SUM(A1:A3)+LEN(MID(B1:B2,1,1))')
    'CONCATENATE("a:b", @Sheet2!A1:A3)+SUM(A1:A3)+LEN(MID(@B1:B2,1,1))'
    >>> intersect_legacy('SUMPRODUCT(ISNUMBER(SEARCH("a",D1:D3))*1)+ROUND(D1:D3,0)')
    'SUMPRODUCT(ISNUMBER(SEARCH("a",D1:D3))*1)+ROUND(@D1:D3,0)'
    """
    if ":" not in formula or "(" not in formula:
        return formula
    masked = _STRINGS.sub(lambda m: '"' + "x" * (len(m.group(0)) - 2) + '"', formula)
    inserts = []
    for m in _WHOLE_ARG.finditer(masked):
        start = m.start(1)
        depth, i = 0, start - 1
        while i >= 0:  # back to the "(" of the call this argument belongs to
            ch = masked[i]
            if ch == ")":
                depth += 1
            elif ch == "(":
                if depth == 0:
                    break
                depth -= 1
            i -= 1
        name = _LAST_NAME.search(masked, 0, i) if i > 0 else None
        if name and _bare(name.group(1)) in SCALAR_ARGS and not _in_array_call(masked, i):
            inserts.append(start)
    for at in reversed(inserts):
        formula = formula[:at] + "@" + formula[at:]
    return formula


def _bare(name: str) -> str:
    return name.upper().replace("_XLFN.", "").replace("_XLWS.", "")


def _in_array_call(masked: str, at: int) -> bool:
    """Whether the call whose ``(`` is at ``at`` sits inside an :data:`ARRAY_ARGS` call."""
    return nested_in(masked, at, ARRAY_ARGS)


def nested_in(masked: str, at: int, names) -> bool:
    """Whether the call whose ``(`` is at ``at`` sits inside a call of one of ``names``
    (bare upper-case names; ``masked``: the formula with its strings blanked out)."""
    depth, i = 0, at - 1
    while i >= 0:
        ch = masked[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                name = _LAST_NAME.search(masked, 0, i)
                if name and _bare(name.group(1)) in names:
                    return True
            else:
                depth -= 1
        i -= 1
    return False


def _unescape(raw: bytes) -> str:
    return (raw.decode("utf-8").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _escape(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


_CM = re.compile(rb'\scm="')


def _legacy_area(attrs: bytes, f_tag: bytes) -> tuple[int, int] | None:
    """(rows, columns) of a legacy (Ctrl+Shift+Enter) array formula's area: ``t="array"``
    with no ``cm`` (a dynamic array's cell metadata) on its cell."""
    m = _ARRAY_F.search(f_tag)
    if not m or _CM.search(attrs) or not m.group(3):
        return None
    return (abs(int(m.group(4)) - int(m.group(2))) + 1,
            abs(_col(m.group(3)) - _col(m.group(1))) + 1)


#: A formula element with text (not a shared formula's ``<f t="shared" si="0"/>``).
_F_WITH_TEXT = re.compile(rb"(<((?:\w+:)?)f\b[^>]*(?<!/)>)([^<]*)(</\2f>)")
#: The start tag of the cell a formula element opens (an ``<f>`` is a cell's first child).
_CELL_START = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(?<!/)>")


def _formulas_only(data: bytes, formula) -> bytes | None:
    """``data`` (a ``<sheetData>``) with ``formula(cell attributes, match)`` applied to each
    formula text, found directly rather than cell by cell (a sheet of values and shared
    formula followers has few); ``data`` itself when nothing changes, None when a formula is
    not where a cell's first child is (the caller then goes cell by cell)."""
    pieces, pos = [], 0
    for f in _F_WITH_TEXT.finditer(data):
        tag = data.rfind(b"<", 0, f.start())
        cm = _CELL_START.fullmatch(data, tag, f.start()) if tag >= 0 else None
        if cm is None:
            return None
        new = formula(cm.group(2), f)
        if new is not None:
            pieces += (data[pos:f.start(3)], new)
            pos = f.end(3)
    if not pieces:
        return data
    pieces.append(data[pos:])
    return b"".join(pieces)


def prepare_sheet(xml: bytes, sheets: list[str], sheet: str = "", facts=None,
                  names: frozenset | None = None) -> bytes:
    """One worksheet part as formualizer should read it (the same bytes when nothing applies).

    ``facts`` (``{sheet: SheetFacts}``) enables the ``SUBTOTAL`` rewrite of :mod:`.subtotal`
    for the cells of ``sheet``; ``names`` (the workbook's defined and table names, upper case)
    lets :func:`.literal_args.rewrite_literals` tell an undefined name."""
    m = _SHEET_DATA.search(xml)
    if not m:
        return xml
    data = m.group(0)
    areas = _areas(data) if b'"array"' in data else []
    three_d = b":" in data and b"!" in data and len(sheets) > 1
    legacy = b":" in data
    subtotals = facts is not None and b"SUBTOTAL(" in data.upper()
    forms = legacy or b'"array"' in data or b"_xlfn.LAMBDA(" in data or b"_xlfn.SINGLE(" in data
    literals = _LITERAL_F.search(data) is not None
    if not areas and not legacy and not subtotals and not forms and not literals:
        return xml

    def formula(attrs: bytes, f: re.Match) -> bytes | None:
        """The new text of the formula ``f`` (``_F_TEXT``) of a cell with ``attrs``, escaped;
        None when it stays."""
        old = _unescape(f.group(3))
        new = expand_3d(old, sheets) if three_d else old
        if literals:  # on the formula as Excel wrote it, before the array forms
            new = rewrite_literals(new, names)
        if forms:
            new = rewrite_array_forms(new, b'"array"' in f.group(1),
                                      _legacy_area(attrs, f.group(1)))
        if subtotals and not _SHARED_AREA.search(f.group(1)):
            from .subtotal import rewrite_subtotals  # few sheets have SUBTOTAL

            new = rewrite_subtotals(new, sheet, facts)
        if legacy and b'"array"' not in f.group(1):
            new = intersect_legacy(new)
        return None if new == old else _escape(new)

    if not areas:  # only formulas change: visit those, not every cell
        new = _formulas_only(data, formula)
        if new is not None:
            return xml if new is data else xml[:m.start()] + new + xml[m.end():]

    def cell(cm: re.Match) -> bytes:
        body = cm.group(4)
        if body is None:
            return cm.group(0)
        if b"<f" in body or b":f" in body:
            if not three_d and not subtotals and not legacy and not forms and not literals:
                return cm.group(0)
            f = _F_TEXT.search(body)
            if not f:
                return cm.group(0)
            new = formula(cm.group(2), f)
            if new is None:
                return cm.group(0)
            start = cm.start(4) - cm.start() + f.start(3)
            end = cm.start(4) - cm.start() + f.end(3)
            return cm.group(0)[:start] + new + cm.group(0)[end:]
        r = _R_ATTR.search(cm.group(2))
        if not r or not areas:
            return cm.group(0)
        col, row = _col(r.group(1)), int(r.group(2))
        if not any(r1 <= row <= r2 and c1 <= col <= c2 for r1, c1, r2, c2 in areas):
            return cm.group(0)
        attrs = _T_ATTR.sub(b"", cm.group(2))
        return b"<" + cm.group(1) + b"c" + attrs + b"/>"

    new = _CELL.sub(cell, data)
    return xml if new == data else xml[:m.start()] + new + xml[m.end():]
