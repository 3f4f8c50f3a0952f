"""Issue #11 item 5, checked on pictures: every page of a deck rendered by poppler at 60 dpi has
a clean paper edge. Ink (a pixel clearly darker than the paper) within 5 mm of any edge means
text or a box ran off the page; the cover keeps its own 12 mm frame, content pages their
@page margins, so a correct deck never puts ink there. Complements test_layout.py, which looks
at WeasyPrint's layout tree: this one sees the pixels a reader sees."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest

pytest.importorskip("weasyprint")
Image = pytest.importorskip("PIL.Image")

from cs_workbook.reports.render import Renderer
from cs_workbook.reports.viewmodel import build_view
from cs_workbook.sample import sample_portfolio

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")

AS_OF = dt.date(2026, 10, 1)
DPI = 60
EDGE_MM = 5
INK = 235  # grey level (0–255) below which a pixel is ink, not paper or anti-aliasing haze
LONG_WORD = "Bartholomew-Maximilian-Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff"
CASES = {  # account → column overrides
    "ACC-001": {},
    "ACC-002": {"CSM": LONG_WORD * 2, "Account": "Supercalifragilisticexpialidocious" * 5},
    "ACC-003": {"CSM": "X" * 140, "Account": "W" * 220, "Segment": "S" * 70,
                "Deployment": "D" * 60},
}


def pages_png(pdf: bytes, tmp_path, name: str) -> list:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(DPI), str(path),
                    str(tmp_path / name)], check=True, capture_output=True)
    files = sorted(tmp_path.glob(f"{name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(io.BytesIO(f.read_bytes())).convert("L") for f in files]


def ink_at_edges(image, edge_mm: float = EDGE_MM) -> list[str]:
    """Which edges (top/right/bottom/left) carry ink within ``edge_mm`` of the paper's edge."""
    w, h = image.size
    e = max(1, round(edge_mm / 25.4 * DPI))
    strips = {"top": (0, 0, w, e), "bottom": (0, h - e, w, h),
              "left": (0, 0, e, h), "right": (w - e, 0, w, h)}
    return [side for side, box in strips.items() if image.crop(box).getextrema()[0] < INK]


@pytest.fixture(scope="module")
def decks():
    data = sample_portfolio(AS_OF, n_accounts=4)
    acc = data.accounts.copy()
    for account, values in CASES.items():
        for column, value in values.items():
            acc.loc[acc["Account ID"] == account, column] = value
    data = type(data)(accounts=acc, usage=data.usage, support=data.support,
                      timeline=data.timeline, success_plan=data.success_plan,
                      revenue=data.revenue, mrr_changes=data.mrr_changes, config=data.config,
                      source=data.source)
    renderer = Renderer()
    return {a: renderer.pdf(build_view(data, a, AS_OF)) for a in CASES}


@pytest.mark.parametrize("account", list(CASES))
def test_no_ink_at_the_paper_edge(decks, account, tmp_path):
    pages = pages_png(decks[account], tmp_path, account)
    assert len(pages) >= 8
    bad = {n: sides for n, page in enumerate(pages, 1) if (sides := ink_at_edges(page))}
    assert bad == {}


def test_pages_are_not_blank(decks, tmp_path):
    """The check looks at real pictures: every page has ink somewhere inside its margins."""
    for n, page in enumerate(pages_png(decks["ACC-001"], tmp_path, "inked"), 1):
        assert page.getextrema()[0] < 100, f"page {n} is blank"


def test_the_check_finds_text_off_the_page(tmp_path):
    from weasyprint import HTML

    pdf = HTML(string="<style>@page{size:100mm 60mm;margin:10mm}"
                      "p{overflow-wrap:normal;font-size:14pt}</style>"
                      f"<p>{'W' * 60}</p>").write_pdf()
    (page,) = pages_png(pdf, tmp_path, "off")
    assert ink_at_edges(page) == ["right"]
