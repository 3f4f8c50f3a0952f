"""How a generated sheet looks on screen and on paper: column widths, wrapped headers, print setup.

Widths are in Excel's unit, the width of one ``0`` of the default font (Calibri 11). A header
never gets cut: it wraps onto at most :data:`HEADER_LINES` lines and its column is made wide
enough for its longest word (bold text is ~10 % wider than the digits the unit is made of).
Every sheet prints with its header row(s) repeated on each page, the sheet name in the page
header and "Page n of N" in the footer; wide sheets print landscape, scaled to a whole number
of pages across (:func:`pages_across`), as many pages down as they need.
"""

from __future__ import annotations

import math

__all__ = ["BOOL_FORMAT", "header_lines", "header_width", "value_width", "pages_across", "print_setup",
           "HEADER_LINES", "LINE_HEIGHT", "FORMAT_WIDTHS", "UNITS_PER_PAGE"]

#: TRUE/FALSE cells: Excel shows them as such whatever the format, LibreOffice shows 1/0 unless
#: the format says otherwise (a 1/0 typed in, which the reader takes as yes/no, shows alike)
BOOL_FORMAT = '"TRUE";"TRUE";"FALSE"'
#: at most this many lines in a wrapped header
HEADER_LINES = 2
#: height (points) of one line of Calibri 11: Excel's default row height
LINE_HEIGHT = 15.0
#: bold Calibri is wider than the digit "0" that defines the unit
_BOLD = 1.1
#: room for the cell's padding and, on a table header, its filter button
_PAD = 2.5
#: width needed by the widest typical value of a number format (a date is always 10 wide)
FORMAT_WIDTHS = {"yyyy-mm-dd": 11, "mmm yyyy": 10, "yyyy-mm": 9, "#,##0": 9,
                 "$#,##0.00": 14, '"$"#,##0.00': 13, "$#,##0": 12, '"$"#,##0': 12,
                 "$#,##0.00;[Red]-$#,##0.00": 15, "yyyy-mm-dd;;": 11, "0.0%": 8, "0%": 7}
#: width units that print legibly across one landscape page (≥ ~70 % scale on A4 or Letter)
UNITS_PER_PAGE = 200


def header_lines(text: str, width: float) -> list[str]:
    """``text`` wrapped greedily at spaces into lines that fit a column ``width`` wide.

    A word longer than the column stays whole on its own line (the caller widens the column).

    >>> header_lines("Days Since Last Meeting", 16)
    ['Days Since', 'Last Meeting']
    """
    room = max(1.0, (width - _PAD) / _BOLD)
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def header_width(text: str, width: float, lines: int = HEADER_LINES) -> float:
    """The narrowest width ≥ ``width`` at which ``text`` wraps onto at most ``lines`` lines,
    each line fitting.

    >>> header_width("Account", 8), header_width("Security Lead Engaged", 10)
    (11.0, 16.0)
    """
    longest = max((len(w) for w in text.split()), default=0)
    w = float(max(width, math.ceil(longest * _BOLD + _PAD)))
    while len(header_lines(text, w)) > lines:
        w += 1
    return w


def value_width(values, number_format: str = "General", limit: float = 50) -> float:
    """The width that shows the typical values of a column: its number format's width, or
    the 90th percentile of the text lengths of (a sample of) ``values``, at most ``limit``."""
    if number_format in FORMAT_WIDTHS:
        return float(FORMAT_WIDTHS[number_format])
    # Excel shows a General number in at most 11 characters
    lengths = sorted(len(v) if isinstance(v, str) else min(11, len(str(v)))
                     for v in values if v is not None and v == v)
    if not lengths:
        return 0.0
    typical = lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))]
    return float(min(limit, typical + 2))


def pages_across(total_width: float) -> int:
    """Pages across for a sheet whose columns are ``total_width`` units wide in all."""
    return max(1, math.ceil(total_width / UNITS_PER_PAGE))


def print_setup(ws, *, title_rows: str, across: int = 1, landscape: bool = True,
                title_cols: str = "A:A") -> None:
    """Print ``ws`` ``across`` pages wide (as many down as needed), repeating ``title_rows``
    (e.g. ``"1:1"``) on every page and, when more than one page wide, ``title_cols`` (the
    columns that say whose row it is) on every page across; the sheet name above, "Page n of
    N" below.

    Works on normal and write-only openpyxl worksheets (call it before rows are written)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = across
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    if across > 1:
        ws.print_title_cols = title_cols
    ws.print_options.gridLines = False
    margins = ws.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.3
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.right.text = "&F"
