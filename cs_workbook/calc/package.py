"""The xlsx/xlsm package at byte level: find the sheet parts and rewrite cached values only.

Every zip part is copied unchanged except the worksheet parts whose formula cells got new
values; in those, only the ``<v>`` element and the ``t`` attribute of formula cells (``<c>``
elements holding an ``<f>``) change. Everything else in the part — formulas, styles,
extension lists, namespaces, whitespace — stays byte for byte, so charts, pivots, images,
VBA projects, defined names and styles survive exactly.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from xml.etree import ElementTree

from ..excel.errors import ExcelError
from .layout import SHEET_DATA as _SHEET_DATA

__all__ = ["sheet_parts", "patch_sheet", "copy_package", "formula_cells", "read_tables",
           "rewrite_formulas", "shared_strings", "book_part"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(/>|>(.*?)</\1c>)", re.S)
_R_ATTR = re.compile(rb'\sr="([A-Z]+[0-9]+)"')
_T_ATTR = re.compile(rb'\st="([^"]*)"')
_V_ELEM = re.compile(rb"<((?:\w+:)?)v\s*/>|<((?:\w+:)?)v(?:\s[^>]*)?>(.*?)</\2v>", re.S)
_F_ELEM = re.compile(rb"<((?:\w+:)?)f\b[^>]*?(?:/>|>.*?</\1f>)", re.S)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _read_xml(zf: zipfile.ZipFile, name: str):
    return ElementTree.fromstring(zf.read(name))


def _rels_path(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def book_part(zf: zipfile.ZipFile) -> str:
    """The zip part name of the workbook (``xl/workbook.xml`` as Excel writes it)."""
    rels = _read_xml(zf, "_rels/.rels")
    book = next(r.get("Target") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")
                if r.get("Type", "").endswith("/officeDocument"))
    return book.lstrip("/")


def _targets(zf: zipfile.ZipFile, part: str, kind: str = "") -> dict[str, str]:
    """``{relationship id: part name}`` of the internal relationships of ``part``
    (only those whose type ends with ``kind``, when given)."""
    targets = {}
    rels_name = _rels_path(part)
    if rels_name in zf.namelist():
        for r in _read_xml(zf, rels_name).iter(f"{{{_PKG_REL}}}Relationship"):
            target = r.get("Target", "")
            if r.get("TargetMode") == "External" or not r.get("Type", "").endswith(kind):
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(part), target))
            targets[r.get("Id")] = path
    return targets


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """``{sheet name: zip part name}`` for the worksheets of the workbook in ``zf``."""
    book = book_part(zf)
    wb = _read_xml(zf, book)
    targets = _targets(zf, book)
    out = {}
    for s in wb.iter(f"{{{_MAIN}}}sheet"):
        part = targets.get(s.get(f"{{{_REL}}}id"))
        if part and part in zf.namelist():
            out[s.get("name")] = part
    return out


def _escape(text: str) -> bytes:
    text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.encode("utf-8")


def _number(v: float) -> bytes:
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v)).encode()
    return repr(float(v)).encode()


def encode(value) -> tuple[bytes | None, bytes]:
    """(``t`` attribute or None, ``<v>`` text) of a cached formula result, as Excel writes it."""
    if isinstance(value, bool):
        return b"b", b"1" if value else b"0"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return b"e", b"#NUM!"
        return None, _number(value)
    if isinstance(value, ExcelError):
        return b"e", value.code.encode()
    return b"str", _escape(str(value))


def patch_sheet(xml: bytes, values: dict[str, object]) -> tuple[bytes, int]:
    """``xml`` with the cached values of formula cells in ``values`` (``{"A1": value}``).

    Returns the new bytes and how many cells changed. Cells without an ``<f>`` are never
    touched; a value equal to the cached one leaves the cell's bytes as they were.
    """
    m = _SHEET_DATA.search(xml)
    if not m or not values:
        return xml, 0
    from .layout import patch_simple

    fast = patch_simple(m.group(0), values)
    if fast is not None:
        return xml[:m.start()] + fast[0] + xml[m.end():], fast[1]
    changed = 0

    def cell(cm: re.Match) -> bytes:
        nonlocal changed
        prefix, attrs, body = cm.group(1), cm.group(2), cm.group(4)
        if body is None or b"<" not in body:
            return cm.group(0)
        f = _F_ELEM.search(body)
        if not f:
            return cm.group(0)
        r = _R_ATTR.search(attrs)
        if not r:
            return cm.group(0)
        ref = r.group(1).decode()
        if ref not in values:
            return cm.group(0)
        t_new, v_new = encode(values[ref])
        t_old = _T_ATTR.search(attrs)
        v_old = _V_ELEM.search(body)
        old_t = t_old.group(1) if t_old else None
        old_v = (v_old.group(3) or b"") if v_old else None
        same_t = (old_t or b"n") == (t_new or b"n")
        if same_t and old_v == v_new:
            return cm.group(0)
        if same_t:
            new_attrs = attrs
        elif t_old:
            new_attrs = (attrs[:t_old.start()] + (b' t="' + t_new + b'"' if t_new else b"")
                         + attrs[t_old.end():])
        else:
            new_attrs = attrs + b' t="' + t_new + b'"'
        vp = prefix
        v_elem = b"<" + vp + b"v>" + v_new + b"</" + vp + b"v>"
        if v_old:
            new_body = body[:v_old.start()] + v_elem + body[v_old.end():]
        else:
            new_body = body[:f.end()] + v_elem + body[f.end():]
        if old_t == b"inlineStr":  # an inline string cannot sit beside a formula result
            new_body = re.sub(rb"<(?:\w+:)?is\b.*?</(?:\w+:)?is>", b"", new_body, flags=re.S)
        changed += 1
        return (b"<" + prefix + b"c" + new_attrs + b">" + new_body + b"</" + prefix + b"c>")

    data = _CELL.sub(cell, m.group(0))
    return xml[:m.start()] + data + xml[m.end():], changed


def copy_package(src: zipfile.ZipFile, dst: zipfile.ZipFile, replace: dict[str, bytes]):
    """Copy every part of ``src`` into ``dst`` in order, with the same zip metadata;
    parts named in ``replace`` get the new bytes, the others their compressed bytes as they
    are (:func:`.zipcopy.copy_raw`)."""
    from .zipcopy import copy_raw

    for info in src.infolist():
        new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
        new.compress_type = info.compress_type
        new.external_attr = info.external_attr
        new.create_system = info.create_system
        new.comment = info.comment
        new.extra = info.extra
        if info.filename not in replace and copy_raw(src, dst, info, new):
            continue
        dst.writestr(new, replace[info.filename] if info.filename in replace
                     else src.read(info))


# -- reading formula cells, tables and shared strings without a spreadsheet library -----------

_F_START = re.compile(rb"<((?:\w+:)?)f\b")
_F_PARTS = re.compile(rb"<((?:\w+:)?)f\b([^>]*?)(?:/>|>(.*?)</\1f>)", re.S)
_PHONETIC = re.compile(rb"<((?:\w+:)?)rPh\b.*?</\1rPh>", re.S)
_IS_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8")
    if "&" not in text:
        return text
    text = (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'"))
    if "&#" in text:
        text = re.sub(r"&#(x[0-9A-Fa-f]+|[0-9]+);",
                      lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[0] == "x"
                                    else int(m.group(1))), text)
    return text.replace("&amp;", "&")


def _cached(t: bytes | None, v: bytes | None, strings):
    """The cached value of a cell from its ``t`` attribute and ``<v>`` text (None: none)."""
    if v is None:
        return None
    text = _unescape(v)
    if t in (None, b"n"):
        try:
            return float(text) if text.strip() else None
        except ValueError:
            return None
    if t == b"b":
        return text.strip() in ("1", "true")
    if t == b"e":
        return ExcelError(text.strip())
    if t == b"s":
        try:
            return strings()[int(text)]
        except (ValueError, IndexError):
            return None
    return text


def formula_cells(xml: bytes, strings=lambda: []) -> dict[str, tuple[str | None, object, bool]]:
    """``{"A1": (formula text or None for a shared formula's follower, cached value, array)}``
    for the formula cells of a worksheet part; the cached value is None when there is none;
    ``array`` is True for an array or dynamic-array formula (it may spill).

    ``strings`` returns the shared strings (read only if a formula cell caches one).
    Costs what the part's bytes cost: a sheet whose used range is huge but sparse is cheap.
    """
    out = {}
    if b"</f>" not in xml and b":f>" not in xml:  # no formula at all (a data sheet)
        return out
    m = _SHEET_DATA.search(xml)
    if not m:
        return out
    data = m.group(0)
    from .layout import simple_formula_cells

    fast = simple_formula_cells(data, strings)
    if fast is not None:
        return fast
    for fm in _F_START.finditer(data):  # only the cells holding a formula: O(formula cells)
        start = data.rfind(b"<" + fm.group(1) + b"c ", 0, fm.start())
        cm = _CELL.match(data, start) if start >= 0 else None
        if cm is None or cm.end() < fm.end():
            continue
        body = cm.group(4)
        if not body or b"<" not in body:
            continue
        f = _F_PARTS.search(body)
        if not f:
            continue
        r = _R_ATTR.search(cm.group(2))
        if not r:
            continue
        t = _T_ATTR.search(cm.group(2))
        v = _V_ELEM.search(body)
        text = f.group(3)
        dynamic = b' t="array"' in f.group(2) or b" cm=" in cm.group(2)
        out[r.group(1).decode()] = (
            _unescape(text) if text is not None and text.strip() else None,
            _cached(t.group(1) if t else None, (v.group(3) or b"") if v else None, strings),
            dynamic)
    return out


def rewrite_formulas(xml: bytes, rewrite, every: bool = False) -> tuple[bytes, int]:
    """``xml`` with the text of every ``<f>`` holding a ``[`` replaced by
    ``rewrite(text, "A1")`` (unchanged when it returns the same text); and how many changed.

    With ``every``, all formulas are offered, as ``rewrite(text, "A1", plain)`` where
    ``plain`` is False for shared and array formulas (their text stands for other cells too)."""
    m = _SHEET_DATA.search(xml)
    if not m or b"[" not in m.group(0) and (not every or b"</f>" not in m.group(0)
                                             and b":f>" not in m.group(0)):
        return xml, 0
    changed = 0

    def cell(cm: re.Match) -> bytes:
        nonlocal changed
        body = cm.group(4)
        if not body or (b"[" not in body if not every else b"f" not in body):
            return cm.group(0)
        f = _F_PARTS.search(body)
        r = _R_ATTR.search(cm.group(2))
        if not f or not r or f.group(3) is None or (not every and b"[" not in f.group(3)):
            return cm.group(0)
        old = _unescape(f.group(3))
        if every:
            plain = b" t=" not in f.group(2) and b" cm=" not in cm.group(2)
            new = rewrite(old, r.group(1).decode(), plain)
        else:
            new = rewrite(old, r.group(1).decode())
        if new == old:
            return cm.group(0)
        changed += 1
        start, end = cm.start(4) + f.start(3), cm.start(4) + f.end(3)
        return (cm.group(0)[:start - cm.start()] + _escape(new)
                + cm.group(0)[end - cm.start():])

    data = _CELL.sub(cell, m.group(0))
    return xml[:m.start()] + data + xml[m.end():], changed


def shared_strings(zf: zipfile.ZipFile) -> list[str]:
    """The workbook's shared strings table (rich text runs joined)."""
    book = book_part(zf)
    part = next(iter(_targets(zf, book, "/sharedStrings").values()), None)
    if not part or part not in zf.namelist():
        return []
    xml = zf.read(part)
    out = []
    for si in re.finditer(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", xml, re.S):
        body = _PHONETIC.sub(b"", si.group(1) or b"")
        out.append("".join(_unescape(t.group(1) or b"") for t in _IS_TEXT.finditer(body)))
    return out


def read_tables(zf: zipfile.ZipFile, parts: dict[str, str]):
    """``{TABLE NAME (upper-case): TableInfo}`` from the table parts of each worksheet."""
    from openpyxl.utils import range_boundaries

    from .refs import TableInfo

    out = {}
    for sheet, part in parts.items():
        for target in _targets(zf, part, "/table").values():
            if target not in zf.namelist():
                continue
            root = _read_xml(zf, target)
            ref = root.get("ref")
            if not ref:
                continue
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            cols = tuple(c.get("name", "") for c in root.iter(f"{{{_MAIN}}}tableColumn"))
            header = root.get("headerRowCount")
            info = TableInfo(root.get("displayName") or root.get("name"), sheet, min_col,
                             min_row, max_col, max_row, 1 if header is None else int(header),
                             int(root.get("totalsRowCount") or 0), cols)
            out[info.name.upper()] = info
    return out
