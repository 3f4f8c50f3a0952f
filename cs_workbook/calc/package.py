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

__all__ = ["sheet_parts", "patch_sheet", "copy_package"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_SHEET_DATA = re.compile(
    rb"<(?:\w+:)?sheetData\b.*?</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\b[^>]*/>", re.S)
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


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """``{sheet name: zip part name}`` for the worksheets of the workbook in ``zf``."""
    rels = _read_xml(zf, "_rels/.rels")
    book = next(r.get("Target") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")
                if r.get("Type", "").endswith("/officeDocument"))
    book = book.lstrip("/")
    wb = _read_xml(zf, book)
    targets = {}
    rels_name = _rels_path(book)
    if rels_name in zf.namelist():
        for r in _read_xml(zf, rels_name).iter(f"{{{_PKG_REL}}}Relationship"):
            target = r.get("Target", "")
            if r.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(book), target))
            targets[r.get("Id")] = path
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
    parts named in ``replace`` get the new bytes."""
    for info in src.infolist():
        data = replace[info.filename] if info.filename in replace else src.read(info)
        new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
        new.compress_type = info.compress_type
        new.external_attr = info.external_attr
        new.create_system = info.create_system
        new.comment = info.comment
        new.extra = info.extra
        dst.writestr(new, data)
