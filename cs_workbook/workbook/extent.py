"""How much of a grid a worksheet's XML fills, counted by streaming it (:mod:`.limits`).

The cell elements, the rows and the bounding box from A1 of the places the cells state (their
``r`` attributes): what a dense grid of the sheet costs, whatever its ``<dimension>`` says.
Costs what the bytes cost, one chunk at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SheetExtent", "CellCounter", "column_name"]


@dataclass
class SheetExtent:
    """What a worksheet part holds: its cell elements and the bounding box of their places."""

    cells: int = 0
    rows: int = 0
    max_row: int = 0
    max_col: int = 0
    far_row: str = ""  # the reference of a cell on the last row, e.g. "A1048576"
    far_col: str = ""  # the reference of a cell in the last column, e.g. "XFD1"

    @property
    def area(self) -> int:
        """Rows × columns of the used range from A1, as a dense grid holds it."""
        return self.max_row * self.max_col



_PREFIXED_CELL = re.compile(rb"<\w+:c[\s/>]")
_PREFIXED_ROW = re.compile(rb"<\w+:row[\s/>]")
_ROW_DIGITS = re.compile(rb' r="[A-Za-z]{0,4}(\d{1,9})"')
_COL_LETTERS = re.compile(rb' r="([A-Za-z]{1,4})\d')
# what other writers may do: another space character before r=, single quotes
_ROW_DIGITS_ANY = re.compile(rb'\sr=["\'][A-Za-z]{0,4}(\d{1,9})["\']')
_COL_LETTERS_ANY = re.compile(rb'\sr=["\']([A-Za-z]{1,4})\d')
_TAIL = 64 * 1024  # a tag split between chunks is carried over (bounded)


class CellCounter:
    """Streams a worksheet's XML: cell elements, rows and the largest row and column used.

    Excel and the libraries we know write ``<c r="A1"`` and ``<row r="1"``, so literal
    searches (fast) find them; a chunk with another spacing or quoting is searched with the
    general pattern instead. With ``bounds=False`` only the cells and rows are counted (what
    a limit on cells needs; the bounding box costs three quarters of the time).
    """

    def __init__(self, ext: SheetExtent, bounds: bool = True):
        self.ext = ext
        self.bounds = bounds
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk
        cut = buf.rfind(b"<")
        if cut < 0 or len(buf) - cut > _TAIL:
            cut = len(buf)
        self.carry = buf[cut:]
        self._count(buf[:cut])

    def close(self) -> None:
        self._count(self.carry)
        self.carry = b""
        ext = self.ext
        if not self.bounds:
            return
        if not ext.max_col and ext.cells:
            # no cell states its place: they sit side by side from column A
            ext.max_col = -(-ext.cells // max(ext.rows, 1))
        if ext.cells and ext.rows > ext.max_row:
            ext.max_row, ext.far_row = ext.rows, f"row {ext.rows}"

    def _count(self, buf: bytes) -> None:
        if not buf:
            return
        ext = self.ext
        ext.cells += buf.count(b"<c ") + buf.count(b"<c>") + buf.count(b"<c/>")
        ext.rows += buf.count(b"<row ") + buf.count(b"<row>") + buf.count(b"<row/>")
        if b"\n" in buf or b"\t" in buf or b"\r" in buf:  # another space before attributes
            for space in (b"\n", b"\t", b"\r"):
                ext.cells += buf.count(b"<c" + space)
                ext.rows += buf.count(b"<row" + space)
        if b":c" in buf or b":row" in buf:
            ext.cells += len(_PREFIXED_CELL.findall(buf))
            ext.rows += len(_PREFIXED_ROW.findall(buf))
        if not self.bounds:
            return
        odd = any(s in buf for s in (b"\tr=", b"\nr=", b"\rr=", b"r='"))
        digits = (_ROW_DIGITS_ANY if odd else _ROW_DIGITS).findall(buf)
        if digits:
            top = max(map(int, digits))
            if top > ext.max_row:
                ext.max_row = top
                ext.far_row = _ref_ending(buf, b"%d" % top) or f"row {top}"
        letters = set((_COL_LETTERS_ANY if odd else _COL_LETTERS).findall(buf))
        if letters:
            widest = max((_col_number(c), c) for c in letters)
            if widest[0] > ext.max_col:
                ext.max_col = widest[0]
                ext.far_col = _ref_starting(buf, widest[1])


def _ref_ending(buf: bytes, digits: bytes) -> str:
    """A cell reference in ``buf`` whose row is ``digits`` (found by a literal search)."""
    for quote in b'"', b"'":
        pos = buf.rfind(digits + quote)
        m = pos >= 0 and re.search(rb"r=[\"']([A-Za-z]{1,4})$", buf[max(pos - 8, 0):pos])
        if m:
            return (m.group(1) + digits).decode().upper()
    return ""


def _ref_starting(buf: bytes, letters: bytes) -> str:
    """A cell reference in ``buf`` whose column is ``letters``."""
    for quote in b'"', b"'":
        pos = buf.find(b"r=" + quote + letters)
        m = pos >= 0 and re.match(rb"\d{1,9}", buf[pos + 3 + len(letters):pos + 16])
        if m:
            return (letters + m.group(0)).decode().upper()
    return letters.decode().upper()


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def column_name(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out or "A"
