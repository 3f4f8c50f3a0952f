"""The worksheet cell counter (:mod:`cs_workbook.workbook.extent`) against an XML parser's count
of the same bytes, fed in arbitrary chunks, with and without the bounding box."""

from __future__ import annotations

from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from cs_workbook.workbook.extent import CellCounter, SheetExtent, column_name

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@st.composite
def sheets(draw):
    """Worksheet XML as Excel, other writers and prefixing writers spell it."""
    prefix = draw(st.sampled_from(["", "x:"]))
    quote = draw(st.sampled_from(['"', "'"]))
    space = draw(st.sampled_from([" ", "\n", "\t"]))
    rows, places = [], []
    for r in sorted(draw(st.sets(st.integers(1, 1_048_576), max_size=6))):
        cells = []
        for c in sorted(draw(st.sets(st.integers(1, 16_384), max_size=5))):
            ref = f"{column_name(c)}{r}"
            places.append((r, c))
            body = draw(st.sampled_from(["", "<{p}v>1</{p}v>", "<{p}f>A1+1</{p}f><{p}v>2</{p}v>"]))
            if body:
                cells.append(f"<{prefix}c{space}r={quote}{ref}{quote}>"
                             + body.format(p=prefix) + f"</{prefix}c>")
            else:
                cells.append(f"<{prefix}c{space}r={quote}{ref}{quote}/>")
        rows.append(f"<{prefix}row{space}r={quote}{r}{quote}>" + "".join(cells)
                    + f"</{prefix}row>")
    xmlns = f'xmlns:x="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    xml = (f"<{prefix}worksheet {xmlns}><{prefix}sheetData>" + "".join(rows)
           + f"</{prefix}sheetData></{prefix}worksheet>").encode()
    return xml, places


def _count(xml: bytes, cuts: list[int], bounds: bool) -> SheetExtent:
    ext = SheetExtent()
    counter = CellCounter(ext, bounds)
    start = 0
    for cut in sorted(c % (len(xml) + 1) for c in cuts) + [len(xml)]:
        counter.feed(xml[start:cut])
        start = max(start, cut)
    counter.close()
    return ext


@settings(max_examples=150, deadline=None)
@given(sheets(), st.lists(st.integers(0, 10_000), max_size=6))
def test_cells_and_rows_are_what_an_xml_parser_finds_in_any_chunking(sheet, cuts):
    xml, places = sheet
    root = ElementTree.fromstring(xml)
    want_cells = len(root.findall(f".//{{{MAIN}}}c"))
    want_rows = len(root.findall(f".//{{{MAIN}}}row"))
    counted = _count(xml, cuts, bounds=False)
    bounded = _count(xml, cuts, bounds=True)
    assert (counted.cells, counted.rows) == (want_cells, want_rows) == (
        bounded.cells, bounded.rows)
    # only the bounded count measures the box: the largest row and column any cell states
    assert (counted.max_row, counted.max_col) == (0, 0)
    # rows state their places too (an empty row far down counts)
    want_box = (max((int(row.get("r")) for row in root.iter(f"{{{MAIN}}}row")), default=0),
                max((c for _, c in places), default=0))
    assert (bounded.max_row, bounded.max_col) == want_box
