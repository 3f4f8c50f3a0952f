"""Loading a workbook into formualizer: structured references rewritten as A1 and eligible
per-row ``*IFS`` calls as index look-ups (:mod:`.ifs`) in the loaded copy only, and the values
of the ranges those look-ups read."""

from __future__ import annotations

import functools
import io
import re
import zipfile

from ..native import held_stderr

_CELL_REF = re.compile(r"^([A-Z]+)([0-9]+)$")


def _rewrite_package(zf: zipfile.ZipFile, parts: dict, tables: dict, index=None,
                     is_constant=None, originals=None, cells=None,
                     hoist=None, counts=None, waits=None, names=None) -> bytes | None:
    """The package with structured references rewritten as A1 and, given an ``index``, each
    eligible per-row ``*IFS`` call as an index look-up (:mod:`.ifs`; the A1 text before that
    goes into ``originals``). Given ``cells`` too (:func:`.evaluate._scan`), a column's run of
    one formula text is rewritten once and loaded as a shared formula (:mod:`.shapes`), and
    given a ``hoist`` (:class:`.hoist.Hoist`), constant range arguments of our functions become
    its tokens, and given ``waits`` (:class:`.waits.Waits`), our calls get their wake-up cells;
    given ``names`` (:class:`.name_cells.NameCells`), defined names calling ours refer to cells
    of a sheet added for them. None when nothing changed."""
    from .ifs import rewrite as rewrite_ifs
    from .package import book_part, rewrite_formulas
    from .refs import Rewriter, rewrite_structured
    from .shapes import SheetRewriter, template

    replace = {}
    rewriter = Rewriter(tables)
    finished: dict = {}  # the *IFS rewrite depends on the text and the column only (ROW())

    def finish(text, sheet, col):
        if index is None:
            return text
        key = (text, sheet, col)
        new = finished.get(key)
        if new is None:
            quoted = "'" + sheet.replace("'", "''") + "'"
            new = text
            if "IF" in text.upper():
                new = rewrite_ifs(text, quoted, col, index, is_constant)
            if hoist is not None and "CS" in text.upper():
                new = hoist.rewrite(new, quoted)
                if waits is not None:
                    new = waits.tag(new)
            finished[key] = new
        return new

    def shape(text, sheet, r0, r1, col):
        return template(rewrite_structured, tables, text, sheet, r0, r1, col)

    by_sheet: dict = {}
    for (sheet, ref), cell in (cells or {}).items():
        by_sheet.setdefault(sheet, {})[ref] = cell
    for sheet, part in parts.items():
        if cells is not None and sheet not in by_sheet:
            continue  # no formula: nothing to rewrite
        def rewrite(text, ref, plain=False, sheet=sheet):
            col, row = _CELL_REF.match(ref).groups()
            if tables and "[" in text:
                text = rewriter("=" + text, sheet, int(row), _col_index(col))[1:]
            if index is not None and plain:
                new = finish("=" + text, sheet, col)[1:]
                if new != text:
                    originals[(sheet, ref)] = text
                    text = new
            return text
        xml = zf.read(part)
        if cells is not None:
            sheets = SheetRewriter(sheet, shape, lambda a1, col, sheet=sheet:
                                   finish(a1, sheet, col), originals)
            new, n = sheets.sheet_xml(xml, by_sheet[sheet], rewrite)
            if counts is not None:
                counts["shared_cells"] = counts.get("shared_cells", 0) + sheets.shared
        else:
            new, n = rewrite_formulas(xml, rewrite, every=index is not None)
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
        from .name_cells import DEFINED

        new = DEFINED.sub(name, xml)
        if new != xml:
            replace[book] = xml = new
    if names is not None and b"definedName" in xml:
        new = names.rewrite_book(xml)
        if names.moved:
            new = names.add_parts(replace, book, new, lambda part: replace.get(part)
                                  or zf.read(part))
            if new is None:
                names.moved.clear()
            else:
                replace[book] = new
    if not replace:
        return None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for info in zf.infolist():
            out.writestr(info.filename, replace.pop(info.filename, None) or zf.read(info))
        for part, data in replace.items():  # parts of ours (:mod:`.name_cells`)
            out.writestr(part, data)
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


def _load(src, zf, parts, index=None, cells=None, originals=None, ours=None, counts=None):
    """formualizer's workbook of the package, loaded from the rewritten copy; with ``ours``
    (``{spelling, upper case: catalogue name}`` of our functions) constant range arguments of
    theirs are hoisted, their calls get wake-up cells and defined names calling them get cells:
    returns ``(workbook, Hoist or None, Waits or None, NameCells or None)`` then. ``counts``
    receives ``shared_cells``."""
    import formualizer as fz

    from .package import read_tables

    tables = read_tables(zf, parts)
    from . import builtins

    data, hoist, waits, names = None, None, None, None
    if tables or index is not None:
        is_constant = _constant_ranges(cells) if index is not None else None
        if index is not None and ours:
            from .hoist import Hoist
            from .name_cells import NameCells
            from .waits import Waits

            hoist = Hoist(ours, is_constant, parts)
            waits = Waits(ours, parts)
            names = NameCells(waits.calls, list(parts) + [waits.sheet])
        data = _rewrite_package(zf, parts, tables, index, is_constant, originals,
                                cells if index is not None else None, hoist, counts, waits,
                                names)
    data = builtins.prepare(zf, parts, data)
    cfg = fz.EvaluationConfig()
    cfg.date_system = "1904" if builtins.date1904(zf) else "1900"
    cfg.enable_parallel = False  # one core: the Python functions hold the GIL anyway
    config = fz.WorkbookConfig(eval_config=cfg)
    with held_stderr():  # a Rust panic's own text is not for the user
        if data is None:
            wb = fz.Workbook.from_path(str(src), config=config)
        else:
            wb = fz.Workbook.from_bytes(data, config=config)
    if waits is not None:
        waits.install(wb)
    return wb if ours is None else (wb, hoist, waits, names)


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
