"""reports/svg_text.py: chart labels drawn as one run each land where WeasyPrint's own
letter-by-letter drawer puts them (positions read back from the PDF by poppler's pdftotext)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess

import pytest

weasyprint = pytest.importorskip("weasyprint")

from cs_workbook.reports import svg_text
from cs_workbook.reports.charts import FONT
from cs_workbook.reports.render import Renderer

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

LABELS = [("start", 20, 30, "Jan 26"), ("middle", 200, 60, "$3,799"), ("end", 380, 90, "62 %"),
          ("middle", 200, 120, "Average Wolfeschlegel")]


def _svg(extra: str = "") -> str:
    body = "".join(f'<text x="{x}" y="{y}" font-size="12" text-anchor="{anchor}" '
                   f'font-family="{FONT}" fill="#1f2933">{label}</text>'
                   for anchor, x, y, label in LABELS)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" '
           f'viewBox="0 0 400 160">{body}{extra}</svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _words(renderer, src, tmp_path, name) -> list[tuple[str, float, float, float]]:
    from cs_workbook.reports import assets

    html = f'<img src="{src}" style="display:block">'
    pdf = weasyprint.HTML(string=html, base_url=assets.TEMPLATES_URL,
                          url_fetcher=renderer.fetcher).write_pdf(
        font_config=renderer.font_config, stylesheets=[renderer.css])
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [(w, float(x0), float(x1), float(y1)) for x0, y1, x1, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        out)]


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


def _drawer(fn):
    import weasyprint.svg as wsvg

    for tag in ("a", "text", "textPath", "tspan"):
        wsvg.TAGS[tag] = fn
    wsvg.text = fn


def test_installed_on_the_pinned_weasyprint(renderer):
    assert weasyprint.__version__ == svg_text.SUPPORTED_VERSION
    assert svg_text.installed()


def test_labels_land_where_weasyprint_puts_them(renderer, tmp_path):
    src = _svg()
    ours = _words(renderer, src, tmp_path, "ours")
    _drawer(svg_text._ORIGINAL)
    try:
        theirs = _words(renderer, src, tmp_path, "theirs")
    finally:
        _drawer(svg_text.text)
    assert [w for w, *_ in ours] == [w for w, *_ in theirs] == \
        ["Jan", "26", "$3,799", "62", "%", "Average", "Wolfeschlegel"]
    for (word, a0, a1, ay), (_, b0, b1, by) in zip(ours, theirs):
        # kerning of the whole run may move a glyph by a fraction of a point, never more
        assert abs(a0 - b0) < 1.0 and abs(a1 - b1) < 1.0 and abs(ay - by) < 1.0, word


def test_per_letter_positions_still_go_to_weasyprint(renderer, tmp_path):
    """A text with an x list (one x per letter) is WeasyPrint's: the letters spread out."""
    src = _svg('<text x="10 60 110" y="150" font-size="12" font-family="EbrSans">ABC</text>')
    letters = [w for w in _words(renderer, src, tmp_path, "letters") if w[0] in "ABC"]
    assert [w for w, *_ in letters] == ["A", "B", "C"]
    assert letters[1][1] - letters[0][1] > 30  # 50 px apart (× 0.75 pt), not one run
