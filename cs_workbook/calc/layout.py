"""Fast paths over a worksheet part's bytes: where ``<sheetData>`` lies, and formula cells laid
out simply (``<c r="A1" s="1" t="str"><f>…</f><v>…</v></c>``, as openpyxl writes them) read and
patched by one regular expression instead of several searches per cell. Each fast path answers
exactly what :mod:`.package`'s general code answers (``tests/calc``), or None to defer to it."""

from __future__ import annotations

import re

__all__ = ["SHEET_DATA", "simple_formula_cells", "patch_simple"]

_SHEET_DATA_OPEN = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")


class _SheetData:
    """Where a worksheet part's ``<sheetData>`` element lies, found with ``bytes.find``: a
    lazy regular expression over a 15 MB part costs ~0.3 s per search."""

    @staticmethod
    def search(xml: bytes):
        m = _SHEET_DATA_OPEN.search(xml)
        if m is None:
            return None
        if m.group(2):  # <sheetData/>
            return _Span(xml, m.start(), m.end())
        close = b"</" + m.group(1) + b"sheetData>"
        end = xml.find(close, m.end())
        return None if end < 0 else _Span(xml, m.start(), end + len(close))


class _Span:
    """What :mod:`.package` uses of a match: ``start()``, ``end()``, ``group(0)``."""

    def __init__(self, xml: bytes, start: int, end: int):
        self._xml, self._start, self._end = xml, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, _=0) -> bytes:
        return self._xml[self._start:self._end]


SHEET_DATA = _SheetData()


#: A formula cell as openpyxl and most writers lay it out: ``r`` first, only ``s``/``t``
#: attributes, a bare ``<f>`` and at most a ``<v>``.
_SIMPLE_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: [st]="[^"]*")*)><f>([^<]*)</f>'
                          rb'(<v */>|<v>([^<]*)</v>)?</c>')


def simple_formula_cells(data: bytes, strings):
    """:func:`.package.formula_cells` of a ``<sheetData>`` whose every formula cell is laid out as
    :data:`_SIMPLE_CELL` (one regular expression over the part); None for any other layout."""
    from .package import _F_START, _cached, _unescape

    found = _SIMPLE_CELL.findall(data)
    if len(found) != len(_F_START.findall(data)):
        return None
    out, texts = {}, {}  # a column holds one text: unescaped once
    for ref, attrs, text, v_elem, v_text in found:
        formula = texts.get(text)
        if formula is None:
            formula = texts[text] = _unescape(text) if text.strip() else ""
        at = attrs.find(b't="')
        t = attrs[at + 3:attrs.index(b'"', at + 3)] if at >= 0 else None
        v = None if not v_elem else v_text if v_text or not v_elem.endswith(b"/>") else b""
        out[ref.decode()] = (formula or None, _cached(t, v, strings), False)
    return out


def patch_simple(data: bytes, values: dict):
    """:func:`.package.patch_sheet` of a ``<sheetData>`` whose every formula cell is laid out as
    :data:`_SIMPLE_CELL` (the same bytes, one regular expression); None for other layouts."""
    from .package import _F_START, encode

    changed = 0

    def cell(cm: re.Match) -> bytes:
        nonlocal changed
        ref = cm.group(1).decode()
        if ref not in values:
            return cm.group(0)
        t_new, v_new = encode(values[ref])
        attrs = cm.group(2)
        at = attrs.find(b't="')
        old_t = attrs[at + 3:attrs.index(b'"', at + 3)] if at >= 0 else None
        old_v = (cm.group(5) or b"") if cm.group(4) else None
        same_t = (old_t or b"n") == (t_new or b"n")
        if same_t and old_v == v_new:
            return cm.group(0)
        if same_t:
            new_attrs = attrs
        elif at >= 0:
            end = attrs.index(b'"', at + 3) + 1
            new_attrs = (attrs[:at - 1] + (b' t="' + t_new + b'"' if t_new else b"")
                         + attrs[end:])
        else:
            new_attrs = attrs + b' t="' + t_new + b'"'
        changed += 1
        return (b'<c r="' + cm.group(1) + b'"' + new_attrs + b"><f>" + cm.group(3) + b"</f><v>"
                + v_new + b"</v></c>")

    new, n = _SIMPLE_CELL.subn(cell, data)
    if n != len(_F_START.findall(data)):
        return None
    return new, changed
