"""A table column's formula rewritten once and loaded as one shared formula.

A Scorecard column holds the same text in every row (``=CS_X([@ID],Config[[Key]:[Value]])``).
Rewriting it cell by cell — structured references to A1 (:mod:`.refs`), ``*IFS`` calls to
look-ups (:mod:`.ifs`), then the engine-form rewrites of :mod:`.builtins.prepare` — cost a
regular-expression pass per formula cell. Here a *run* (consecutive rows of one column holding
one text) is rewritten once: ``[#This Row]`` references become row-relative A1 references
(``'Scorecard'!$C5``), and the loaded copy of the sheet gets one shared formula
(``<f t="shared" ref="D2:D1001" si="0">…</f>``, the others ``<f t="shared" si="0"/>``), which the
engine shifts row by row as Excel does. That is exactly the cells' own formulas only when the
text holds no other row-relative reference (the same ``B5`` in every row must not shift): such
a run, a sheet that already has shared, array or attributed formulas, and a text using
``SUBTOTAL`` (its rewrite skips shared formulas) keep the cell-by-cell path.
"""

from __future__ import annotations

import re

from .layout import _SIMPLE_CELL
from .package import _CELL, _F_PARTS, _F_START, _R_ATTR, _SHEET_DATA, _escape, _unescape

__all__ = ["runs", "shiftable", "SheetRewriter"]

_REF = re.compile(r"^([A-Z]+)([0-9]+)$")
_MASK = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
#: A cell reference (``$A$1``, ``B5``); group 1 is the ``$`` before its row.
_CELL_REF = re.compile(r"(?<![\w.$\x00])\$?[A-Za-z]{1,3}(\$?)[0-9]+(?![\w(])")
#: A row number next to ``:`` (``5:7``, ``$A$1:7``) with no ``$``: a row-relative row range.
_ROW_RANGE = re.compile(r"(?<![\w.$])[0-9]+\s*:|:\s*[0-9]")
_MARK = re.compile("\\$?\x00([^\x00]*)\x00")
#: A formula element with attributes (shared, array, data table, ``ca``…): not ours to rewrite.
_ATTRIBUTED_F = re.compile(rb"<(?:\w+:)?f\s")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def runs(cells: dict, least: int = 2) -> list[tuple[str, int, int, str]]:
    """``[(column letters, first row, last row, text)]``: the runs of one sheet's formula
    cells (``{"A1": (text, cached, array)}`` as :func:`.evaluate._scan` gives them) that hold
    one text in at least ``least`` consecutive rows of a column (array formulas and shared
    followers excluded)."""
    by_col: dict = {}
    for ref, (text, _, array) in cells.items():
        if text is None or array:
            continue
        col, row = _REF.match(ref).groups()
        by_col.setdefault(col, []).append((int(row), text))
    out = []
    for col, rows in by_col.items():
        rows.sort()
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i][0] != rows[i - 1][0] + 1 or rows[i][1] != rows[start][1]:
                if i - start >= least:
                    out.append((col, rows[start][0], rows[i - 1][0], rows[start][1]))
                start = i
    return out


def shiftable(template: str) -> bool:
    """True when every row reference of ``template`` (``\\x00`` marking this row's number) is
    absolute, so the engine shifting the formula down a column changes only the marked rows.

    >>> shiftable("='S'!$C\\x00*2+SUM($A$1:$A$9)")
    True
    >>> shiftable("=$C\\x00+B5"), shiftable("=SUM(5:7)"), shiftable('="B5"&LOG10(2)')
    (False, False, True)
    """
    masked = _MASK.sub(lambda m: "''" if m.group(0)[0] == "'" else '""', template)
    if "[" in masked or "SUBTOTAL" in masked.upper():
        return False
    if _ROW_RANGE.search(masked):
        return False
    return all(m.group(1) for m in _CELL_REF.finditer(masked))


class SheetRewriter:
    """The loaded copy of one sheet: its runs as shared formulas, other formulas through
    ``rewrite(text, "A1", plain)`` one by one.

    ``shape(text, sheet, first row, last row, column)`` gives a run's template (``=`` first,
    ``\\x00`` for the row) or None to keep the run cell by cell; ``finish(anchor text, column
    letters)`` gives the anchor's final text (the ``*IFS`` rewrite) and ``originals`` receives
    each cell's A1 text before that step when it changed the formula.
    """

    def __init__(self, sheet: str, shape, finish, originals: dict | None):
        self.sheet, self.shape, self.finish, self.originals = sheet, shape, finish, originals
        self.shared = 0  # cells loaded as part of a shared formula

    def plan(self, data: bytes, cells: dict) -> dict:
        """``{"A1": (anchor ref, shared index, range, anchor text)}`` for the run cells of
        the sheet whose ``<sheetData>`` is ``data``."""
        if _ATTRIBUTED_F.search(data):
            return {}
        plan, si = {}, 0
        for col, r0, r1, text in runs(cells):
            template = self.shape(text, self.sheet, r0, r1, _col_index(col))
            if template is None:
                continue
            a1 = template.replace("\x00", str(r0))
            final = self.finish(a1, col)
            if final != a1 and self.originals is not None:
                for r in range(r0, r1 + 1):
                    self.originals[(self.sheet, f"{col}{r}")] = template.replace(
                        "\x00", str(r))[1:]
            entry = (f"{col}{r0}", str(si).encode(), f"{col}{r0}:{col}{r1}".encode(),
                     _escape(final[1:]))
            for r in range(r0, r1 + 1):
                plan[f"{col}{r}"] = entry
            si += 1
        return plan

    def sheet_xml(self, xml: bytes, cells: dict, rewrite) -> tuple[bytes, int]:
        """``xml`` with the runs shared and every other formula rewritten; how many changed.
        ``cells``: the sheet's formula cells, ``{"A1": (text, cached, array)}``."""
        m = _SHEET_DATA.search(xml) if cells else None
        if not m:
            return xml, 0
        plan = self.plan(m.group(0), cells)
        self.shared += len(plan)
        changed = 0
        fast = _simple(m.group(0), plan, rewrite)
        if fast is not None:
            return xml[:m.start()] + fast[0] + xml[m.end():], fast[1]

        def cell(cm: re.Match) -> bytes:
            nonlocal changed
            body = cm.group(4)
            if not body or b"f" not in body:
                return cm.group(0)
            f = _F_PARTS.search(body)
            r = _R_ATTR.search(cm.group(2))
            if not f or not r:
                return cm.group(0)
            ref = r.group(1).decode()
            entry = plan.get(ref)
            p = f.group(1)
            if entry is not None:
                anchor, si, area, text = entry
                if ref == anchor:
                    new_f = (b"<" + p + b'f t="shared" ref="' + area + b'" si="' + si + b'">'
                             + text + b"</" + p + b"f>")
                else:
                    new_f = b"<" + p + b'f t="shared" si="' + si + b'"/>'
            else:
                if f.group(3) is None:
                    return cm.group(0)
                old = _unescape(f.group(3))
                plain = b" t=" not in f.group(2) and b" cm=" not in cm.group(2)
                new = rewrite(old, ref, plain)
                if new == old:
                    return cm.group(0)
                new_f = (b"<" + p + b"f" + f.group(2) + b">" + _escape(new) + b"</" + p
                         + b"f>")
            changed += 1
            start = cm.start(4) - cm.start()
            whole = cm.group(0)
            return whole[:start + f.start()] + new_f + whole[start + f.end():]

        data = _CELL.sub(cell, m.group(0))
        return xml[:m.start()] + data + xml[m.end():], changed


def _simple(data: bytes, plan: dict, rewrite):
    """:meth:`SheetRewriter.sheet_xml` of a ``<sheetData>`` whose every formula cell is laid
    out simply (:data:`.package._SIMPLE_CELL`: one regular expression); None otherwise."""
    changed = 0

    def cell(cm: re.Match) -> bytes:
        nonlocal changed
        ref = cm.group(1).decode()
        entry = plan.get(ref)
        if entry is not None:
            anchor, si, area, text = entry
            if ref == anchor:
                new_f = b'<f t="shared" ref="' + area + b'" si="' + si + b'">' + text + b"</f>"
            else:
                new_f = b'<f t="shared" si="' + si + b'"/>'
        else:
            old = _unescape(cm.group(3))
            new = rewrite(old, ref, True)  # no attribute on the formula, no cm= on the cell
            if new == old:
                return cm.group(0)
            new_f = b"<f>" + _escape(new) + b"</f>"
        changed += 1
        whole, base = cm.group(0), cm.start()
        return whole[:cm.start(3) - 3 - base] + new_f + whole[cm.end(3) + 4 - base:]

    new, n = _SIMPLE_CELL.subn(cell, data)
    if n != len(_F_START.findall(data)):
        return None
    return new, changed


def template(rewrite_structured, tables: dict, text: str, sheet: str, r0: int, r1: int,
             col: int):
    """A run's text with structured references as A1 (``[#This Row]`` as a row-relative
    reference to ``\\x00``) when every row of the run lies in the same table's data rows and
    nothing else in it would shift; else None."""
    formula = "=" + text
    if tables and "[" in text:
        inside = [next((t for t in tables.values() if t.contains(sheet, r, col)), None)
                  for r in (r0, r1)]
        if inside[0] is not inside[1]:
            return None
        name = inside[0].name if inside[0] is not None else None
        try:
            formula = rewrite_structured(formula, tables, sheet, None, col, name)
        except ValueError:
            return None
        for table in set(_MARK.findall(formula)):
            t = tables[table]
            if not t.min_row + t.header_rows <= r0 <= r1 <= t.max_row - t.totals_rows:
                return None
        formula = _MARK.sub("\x00", formula)
    return formula if shiftable(formula) else None
