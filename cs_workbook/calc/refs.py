"""Structured references (``Table[Column]``) rewritten as A1 ranges, for the formula engine.

The ``formulas`` package cannot parse structured references, so before evaluation every
formula is rewritten against the workbook's table definitions. Only the in-memory copy used
for evaluation is rewritten; the package written back keeps the user's formulas untouched.

Excel stores ``[@Col]`` as ``Table[[#This Row],[Col]]``; both spellings (and ``Table[@Col]``,
``Table[@[Col name]]``, unqualified ``[@Col]`` inside a table) are understood. Column names
escape ``[ ] # '`` with a leading ``'``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter, range_boundaries

__all__ = ["TableInfo", "tables_of", "rewrite_structured", "Rewriter"]

_SPECIALS = {"#all", "#data", "#headers", "#totals", "#this row"}
_IDENT_START = re.compile(r"[A-Za-z_\\]")
_IDENT = re.compile(r"[A-Za-z_\\][\w.\\]*")


@dataclass(frozen=True)
class TableInfo:
    """Where a table lives: sheet, bounds, header/totals rows and column names (in order)."""

    name: str
    sheet: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int
    header_rows: int
    totals_rows: int
    columns: tuple[str, ...]

    def column_index(self, name: str) -> int | None:
        key = name.strip().casefold()
        for i, c in enumerate(self.columns):
            if c.strip().casefold() == key:
                return self.min_col + i
        return None

    def contains(self, sheet: str, row: int, col: int) -> bool:
        return (sheet.casefold() == self.sheet.casefold()
                and self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col)


def tables_of(workbook) -> dict[str, TableInfo]:
    """``{TABLE NAME (upper-case): TableInfo}`` for every table of an openpyxl workbook."""
    out = {}
    for ws in workbook.worksheets:
        for table in ws.tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            cols = tuple(str(c.name) for c in table.tableColumns)
            header = 1 if table.headerRowCount is None else int(table.headerRowCount)
            totals = int(table.totalsRowCount or 0)
            info = TableInfo(table.displayName or table.name, ws.title, min_col, min_row,
                             max_col, max_row, header, totals, cols)
            out[info.name.upper()] = info
    return out


def _quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _bracket(text: str, i: int) -> int:
    """Index just past the ``]`` matching the ``[`` at ``text[i]`` (``'`` escapes a char)."""
    depth = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced [ in structured reference")


def _unescape(name: str) -> str:
    out, i = [], 0
    while i < len(name):
        if name[i] == "'" and i + 1 < len(name):
            i += 1
        out.append(name[i])
        i += 1
    return "".join(out)


def _items(spec: str) -> list[str]:
    """Top-level items of a bracket body.

    ``[#This Row],[A]:[B]`` → ``['#This Row', 'A', ':', 'B']``.
    """
    items, i = [], 0
    while i < len(spec):
        ch = spec[i]
        if ch == "[":
            j = _bracket(spec, i)
            items.append(_unescape(spec[i + 1:j - 1]))
            i = j
        elif ch == ":":
            items.append(":")
            i += 1
        else:  # ',' or blanks between items
            i += 1
    return items


@functools.lru_cache(maxsize=4096)
def _parse(spec: str) -> tuple[set[str], list[str]]:
    """(special items, column names with ':' kept) of a structured reference body."""
    spec = spec.strip()
    if not spec:
        return set(), []
    if spec.startswith("@"):
        rest = spec[1:].strip()
        specials, cols = {"#this row"}, []
        if rest.startswith("["):
            cols = [c for c in _items(rest)]
        elif rest:
            cols = [_unescape(rest)]
        return specials, cols
    if spec.startswith("["):
        specials, cols = set(), []
        for item in _items(spec):
            if item.strip().casefold() in _SPECIALS:
                specials.add(item.strip().casefold())
            elif item.strip().startswith("@"):
                sp, cs = _parse(item)
                specials |= sp
                cols.extend(cs)
            else:
                cols.append(item)
        return specials, cols
    if spec.casefold() in _SPECIALS:
        return {spec.casefold()}, []
    return set(), [_unescape(spec)]


def _resolve(table: TableInfo, spec: str, row: int) -> str:
    specials, cols = _parse(spec)
    first_data = table.min_row + table.header_rows
    last_data = table.max_row - table.totals_rows
    if "#this row" in specials:
        if row is None:  # a template (:func:`rewrite_template`): the row comes later
            r1 = r2 = f"\x00{table.name.upper()}\x00"
        elif not first_data <= row <= last_data:
            return "#VALUE!"
        else:
            r1 = r2 = row
    elif "#all" in specials:
        r1, r2 = table.min_row, table.max_row
    else:
        wanted = specials or {"#data"}
        rows = []
        if "#headers" in wanted and table.header_rows:
            rows.append(table.min_row)
        if "#data" in wanted:
            rows.extend([first_data, last_data])
        if "#totals" in wanted and table.totals_rows:
            rows.append(table.max_row)
        if not rows:
            return "#REF!"
        r1, r2 = min(rows), max(rows)
    names = [c for c in cols if c != ":"]
    if not names:
        c1, c2 = table.min_col, table.max_col
    else:
        idx = [table.column_index(c) for c in names]
        if any(i is None for i in idx):
            return "#REF!"
        c1, c2 = min(idx), max(idx)
    sheet = _quote_sheet(table.sheet)
    a = f"${get_column_letter(c1)}${r1}"
    b = f"${get_column_letter(c2)}${r2}"
    return f"{sheet}!{a}" if a == b else f"{sheet}!{a}:{b}"


def rewrite_structured(formula: str, tables: dict[str, TableInfo], sheet: str, row: int | None,
                       col: int, inside: str | None = None) -> str:
    """``formula`` with every structured reference replaced by an A1 reference.

    ``sheet``/``row``/``col`` locate the formula cell (for ``#This Row`` and unqualified
    references). Unknown tables are left alone; unknown columns become ``#REF!``.
    """
    if "[" not in formula:
        return formula
    out, i, n = [], 0, len(formula)
    while i < n:
        ch = formula[i]
        if ch in "\"'":  # string literal or quoted sheet name: copy verbatim
            j = i + 1
            while j < n:
                if formula[j] == ch:
                    if j + 1 < n and formula[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(formula[i:j + 1])
            i = j + 1
            continue
        prev = formula[i - 1] if i else ""
        if _IDENT_START.match(ch) and not (prev.isalnum() or prev in "_.\\!$"):
            m = _IDENT.match(formula, i)
            name = m.group(0)
            end = m.end()
            if end < n and formula[end] == "[" and name.upper() in tables:
                close = _bracket(formula, end)
                out.append(_resolve(tables[name.upper()], formula[end + 1:close - 1], row))
                i = close
                continue
            out.append(name)
            i = end
            continue
        if ch == "[" and not (prev.isalnum() or prev in "_."):
            close = _bracket(formula, i)
            body = formula[i + 1:close - 1]
            if row is None:  # a template: the caller says which table holds the cell
                table = tables.get(inside.upper()) if inside else None
            else:
                table = next((t for t in tables.values() if t.contains(sheet, row, col)), None)
            if table is not None and not body.isdigit():
                out.append(_resolve(table, body, row))
                i = close
                continue
            out.append(formula[i:close])
            i = close
            continue
        out.append(ch)
        i += 1
    return "".join(out)


_MARK = re.compile("\x00([^\x00]*)\x00")


class Rewriter:
    """:func:`rewrite_structured` for many cells: a formula is rewritten once per sheet and
    enclosing table, ``[#This Row]`` filled in per cell, so a calculated column of thousands
    of rows costs about one rewrite."""

    def __init__(self, tables: dict[str, TableInfo]):
        self.tables = tables
        self._templates: dict = {}

    def __call__(self, formula: str, sheet: str, row: int, col: int) -> str:
        if "[" not in formula:
            return formula
        inside = next((t.name for t in self.tables.values() if t.contains(sheet, row, col)),
                      None)
        key = (formula, sheet, inside)
        template = self._templates.get(key)
        if template is None:
            template = rewrite_structured(formula, self.tables, sheet, None, col, inside)
            self._templates[key] = template
        if "\x00" not in template:
            return template
        for name in set(_MARK.findall(template)):
            t = self.tables[name]
            if not t.min_row + t.header_rows <= row <= t.max_row - t.totals_rows:
                return rewrite_structured(formula, self.tables, sheet, row, col)
        return _MARK.sub(str(row), template)
