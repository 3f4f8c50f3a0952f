"""Excel built-ins and formula forms that formualizer lacks or gets wrong, supplied from Python.

:func:`prepare` rewrites the copy of the package the engine loads (array areas, 3-D references,
:mod:`.sheet_rewrites`); :func:`register` registers our implementations of built-ins over the
engine's own; :func:`date1904` says which date system the workbook uses. Pure Python, standard
library only: the callables receive formualizer's argument values (numbers, strings, booleans,
``None`` for blank, ``{"type": "Error", "kind": …}`` dicts, lists of rows for ranges).
"""

from __future__ import annotations

import io
import re
import zipfile

from .sheet_rewrites import expand_3d, prepare_sheet

__all__ = ["prepare", "register", "date1904", "expand_3d"]

_SHEET_NAME = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')
_DEFINED = re.compile(rb'<(?:\w+:)?definedName\b([^>]*)>')
_NAME_ATTR = re.compile(rb'\bname="([^"]*)"')
_LOCAL_ATTR = re.compile(rb'\blocalSheetId="(\d+)"')
_TABLE_NAME = re.compile(rb'<(?:\w+:)?table\b[^>]*?\b(?:displayName|name)="([^"]*)"')
_DATE1904 = re.compile(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(1|true)"')


def _book(zf: zipfile.ZipFile) -> bytes:
    from ..package import book_part

    return zf.read(book_part(zf))


def date1904(zf: zipfile.ZipFile) -> bool:
    """True when the workbook counts dates from 1904 (``<workbookPr date1904="1">``)."""
    return bool(_DATE1904.search(_book(zf)))


def prepare(zf: zipfile.ZipFile, parts: dict, data: bytes | None) -> bytes | None:
    """The package bytes formualizer should load: ``data`` (or ``zf``'s own when None) with
    :func:`.prepare.prepare_sheet` applied to every sheet; ``data`` when nothing changes."""
    if data is None:
        return _prepared(zf, parts, data)
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return _prepared(src, parts, data)


def _prepared(src: zipfile.ZipFile, parts: dict, data: bytes | None) -> bytes | None:
    from ..package import _targets, _unescape
    from .rich_errors import error_names, restore

    sheets = [_unescape(n) for n in _SHEET_NAME.findall(_book(src))]
    names = set(src.namelist())
    facts = {}
    for sheet, part in parts.items():
        xml = src.read(part)
        if b"SUBTOTAL(" in xml.upper() or b' hidden="' in xml:
            from .subtotal import sheet_facts

            tables = [src.read(t) for t in _targets(src, part, "/table").values() if t in names]
            facts[sheet] = sheet_facts(xml, tables)
    replace = {}
    errors = error_names(src) if "xl/metadata.xml" in names else {}
    defined = _names(src, names)
    for sheet, part in parts.items():
        xml = src.read(part)
        known = defined(sheets.index(sheet) if sheet in sheets else -1)
        new = restore(prepare_sheet(xml, sheets, sheet, facts if facts else None, known),
                      errors)
        if new is not xml:
            replace[part] = new
    if not replace:
        return data
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for info in src.infolist():
            out.writestr(info.filename, replace.get(info.filename) or src.read(info))
    return buf.getvalue()


def _names(src: zipfile.ZipFile, parts: set):
    """A function of a sheet's index (in workbook order) giving the names a formula on that
    sheet may use, upper case: the workbook's tables and defined names, with the names
    scoped to that sheet (``localSheetId``)."""
    from ..package import _unescape

    found, local = set(), {}
    for attrs in _DEFINED.findall(_book(src)):
        name = _NAME_ATTR.search(attrs)
        if name is None:
            continue
        scope = _LOCAL_ATTR.search(attrs)
        (local.setdefault(int(scope.group(1)), set()) if scope else found).add(
            _unescape(name.group(1)).upper())
    for part in parts:
        if part.startswith("xl/tables/") and part.endswith(".xml"):
            head = src.read(part)[:4000]
            found.update(_unescape(n).upper() for n in _TABLE_NAME.findall(head))
    return lambda index: frozenset(found | local.get(index, set()))


def register(wb, zf: zipfile.ZipFile | None = None, *,
             in_1904: bool | None = None) -> set[str]:
    """Register our built-ins on the formualizer workbook ``wb``, over the engine's own;
    returns their names (upper case). In a 1904 workbook (``zf``, or ``in_1904``) the engine's
    own date functions stay and ``TEXT`` counts dates from 1904."""
    import functools

    from .catalogue import BUILTINS, DATES_1900
    from .text_format import TEXT

    if in_1904 is None:
        in_1904 = zf is not None and date1904(zf)
    table = dict(BUILTINS) if in_1904 else {**BUILTINS, **DATES_1900}
    if in_1904:
        table["TEXT"] = (functools.partial(TEXT, date1904=True), 2, 2)
    from .array_map import Mapper

    table["_CSCALC_MAP"] = (Mapper(date1904=in_1904), 2, 255)  # remembers: one per workbook
    for name, (func, least, most) in table.items():
        wb.register_function(name, func, min_args=least, max_args=most,
                             allow_override_builtin=True)
    return set(table)
