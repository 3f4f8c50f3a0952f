"""Defined names that call our functions, evaluated through a cell of ours in the loaded copy.

formualizer reads defined names when it loads a package, before our functions are registered,
and leaves out a name whose formula calls one (:mod:`.defined`). So in the loaded copy only,
such a name's formula moves into a cell of a worksheet part of ours, and the name refers to
that cell: ``Rate = CS_CONFIG_VALUE("x", Config!$A$2:$B$9)`` becomes ``Rate =
'_cs_names'!$A$1`` with that formula in A1, which the engine evaluates like any cell (our
functions are registered by then), and every formula using ``Rate`` reads it.

Only a formula that means the same in any cell moves: every reference in it names its sheet
and is absolute (``Config!$A$2``); a name with a relative or unqualified reference, or that
calls no function of ours, stays as it is. A moved name whose value turns out to be an array
(the cell spills) is not what the name means (an array), so :meth:`NameCells.arrays` reports
it, and the formulas using it keep their cached values as for a left-out name.
"""

from __future__ import annotations

import re

from .defined import _STRINGS

__all__ = ["NameCells"]

#: A defined name's element: (start tag, formula text, end tag).
DEFINED = re.compile(rb"(<(?:\w+:)?definedName\b[^>]*>)(.*?)(</(?:\w+:)?definedName>)", re.S)
_NAME_ATTR = re.compile(rb'\sname="([^"]*)"')
#: A cell or range reference with its sheet, if any: (sheet, $col, $row).
_REF = re.compile(r"(?:('(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(\$?)[A-Za-z]{1,3}(\$?)\d+(?![\w(])")
_SHEET_TYPE = ("application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_REL_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _same_anywhere(text: str) -> bool:
    """Every reference of ``text`` names its sheet and is absolute (``Config!$A$2:$B$9``).

    >>> _same_anywhere("CS_X('Q1 Plan'!$A$2:$B$9,Rate2020)"), _same_anywhere("CS_X(Config!A2)")
    (True, False)
    >>> _same_anywhere("CS_X($A$2)"), _same_anywhere('CS_X("A2")')
    (False, True)
    """
    masked = _STRINGS.sub('""', text)
    for m in _REF.finditer(masked):
        before = masked[m.start() - 1] if m.start() else ""
        if before.isalnum() or before in "_.":
            continue  # inside a longer name (Rate2020), not a reference
        if not (m.group(2) and m.group(3)):
            return False  # relative: means another cell in each cell using the name
        if m.group(1) is None and before != ":":
            return False  # no sheet: the sheet of the cell using the name
    return True


class NameCells:
    """The defined names of one package moved into cells of a sheet of ours.

    ``calls(text)`` says whether a formula text calls one of our functions; ``taken`` are the
    sheet names in use (the new sheet gets another).
    """

    def __init__(self, calls, taken):
        from .waits import free_name

        self.sheet = free_name("_cs_names", taken)
        self.calls = calls
        self.moved: list[tuple[str, str]] = []  # (name, formula), row = index + 1

    def rewrite_book(self, xml: bytes) -> bytes:
        """The workbook part with each name that calls ours referring to its cell."""
        from .package import _escape, _unescape

        def name(m):
            text = _unescape(m.group(2))
            named = _NAME_ATTR.search(m.group(1))
            if not named or not self.calls(text) or not _same_anywhere(text):
                return m.group(0)
            self.moved.append((_unescape(named.group(1)), text))
            ref = f"'{self.sheet}'!$A${len(self.moved)}"
            return m.group(1) + _escape(ref) + m.group(3)
        return DEFINED.sub(name, xml)

    def add_parts(self, files: dict, book: str, book_xml: bytes, read) -> bytes | None:
        """Add the sheet of ours to ``files`` (``{part: bytes}`` to write; ``read(part)`` reads
        the package): its part, its relationship, its content type and its entry in the
        workbook part ``book_xml``, which is returned (None when the package's parts are not
        as expected: the names then stay as they were)."""
        from .package import _escape, _rels_path

        prefix = re.search(rb'xmlns:(\w+)="' + re.escape(_REL_NS) + rb'"', book_xml)
        sheets_end = book_xml.find(b"</sheets>")
        if prefix is None or sheets_end < 0:
            return None
        folder = book.rpartition("/")[0]
        part = f"{folder}/worksheets/{self.sheet}.xml".lstrip("/")
        rels_name = _rels_path(book)
        try:
            rels = read(rels_name)
            types = read("[Content_Types].xml")
        except KeyError:
            return None
        rid = "rIdCsNames"
        while rid.encode() in rels:
            rid += "x"
        ids = [int(v) for v in re.findall(rb'sheetId="(\d+)"', book_xml)]
        cells = "".join(f'<row r="{i}"><c r="A{i}"><f>{_escape(text).decode()}</f></c></row>'
                        for i, (_, text) in enumerate(self.moved, 1))
        files[part] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                       f'2006/main"><sheetData>{cells}</sheetData></worksheet>').encode()
        files[rels_name] = rels.replace(
            b"</Relationships>",
            f'<Relationship Id="{rid}" Type="{_WORKSHEET_REL}" '
            f'Target="worksheets/{self.sheet}.xml"/></Relationships>'.encode())
        files["[Content_Types].xml"] = types.replace(
            b"</Types>", f'<Override PartName="/{part}" ContentType="{_SHEET_TYPE}"/>'
            "</Types>".encode())
        entry = (f'<sheet name="{self.sheet}" sheetId="{max(ids, default=0) + 1}" '
                 f'state="hidden" ').encode() + prefix.group(1) + f':id="{rid}"/>'.encode()
        return book_xml[:sheets_end] + entry + book_xml[sheets_end:]

    def arrays(self, wb) -> list[str]:
        """The moved names whose cell holds an array (it spilled): not what the name means."""
        out = []
        for row, (name, _) in enumerate(self.moved, 1):
            value = wb.get_value(self.sheet, row, 1)
            if isinstance(value, list) or (isinstance(value, dict)
                                           and value.get("kind") == "Spill"):
                out.append(name)
        return out
