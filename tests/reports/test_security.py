"""Hostile workbook text renders as text, the fetcher serves only packaged assets and
``data:`` images, and no user-controlled URL is ever opened."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

pypdf = pytest.importorskip("pypdf")

from cs_workbook.reports import assets
from cs_workbook.reports.brand import Brand
from cs_workbook.reports.fetcher import BlockedURL, PackageFetcher
from cs_workbook.reports.render import Renderer
from cs_workbook.reports.viewmodel import build_view

from cs_workbook.sample import sample_portfolio

from pdf_checks import text_of, weasyprint_logs

AS_OF = dt.date(2026, 11, 23)
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5f0000000049454e44ae426082")).decode()

HOSTILE = {
    "ACC-001": "<script>alert(1)</script>",
    "ACC-002": '<img src="http://example.com/x.png">',
    "ACC-003": "file:///etc/passwd",
    "ACC-004": "Acme " * 800,  # 4000 characters
    "ACC-005": "Rocket 🚀 Labs 👩‍💻",
    "ACC-006": "شركة النور للبرمجيات עברית בע״מ",
}


# -- the fetcher on its own ---------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://example.com/x.png",
    "https://example.com/x.css",
    "ftp://example.com/x",
    "file:///etc/passwd",
    assets.TEMPLATES_URL + "../../../etc/passwd",
    assets.TEMPLATES_URL + "ebr.html",  # inside the package but not an asset type
    assets.TEMPLATES_URL + "__init__.py",
    "file://otherhost" + assets.TEMPLATES_DIR.as_posix() + "/fonts/Lato-Regular.ttf",
    "data:text/html,<script>alert(1)</script>",
    "data:,plain",
    "data:image/png;base64",  # malformed
    "javascript:alert(1)",
])
def test_fetcher_refuses(url):
    fetcher = PackageFetcher()
    with pytest.raises(BlockedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.attempts == [url]


def test_fetcher_refuses_symlink_out_of_package(tmp_path):
    root = tmp_path / "pkg"
    root.mkdir()
    secret = tmp_path / "secret.css"
    secret.write_text("body{}")
    (root / "link.css").symlink_to(secret)
    with pytest.raises(BlockedURL):
        PackageFetcher(root).fetch((root / "link.css").as_uri())


def test_fetcher_serves_packaged_assets_and_data_images():
    fetcher = PackageFetcher()
    font = fetcher.fetch(assets.TEMPLATES_URL + "fonts/Lato-Regular.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    logo = fetcher.fetch(assets.TEMPLATES_URL + "img/logo.svg")
    assert logo.content_type == "image/svg+xml"
    image = fetcher.fetch(f"data:image/png;base64,{PNG}")
    assert image.read().startswith(b"\x89PNG")
    assert fetcher.refused == []


# -- hostile account text through the whole pipeline ---------------------------------------

@pytest.fixture(scope="module")
def hostile():
    data = sample_portfolio(AS_OF, n_accounts=6)
    acc = data.accounts.copy()
    acc["Account"] = acc["Account ID"].map(HOSTILE)
    tl = data.timeline.copy()
    tl["Notes"] = '<img src="http://example.com/t.png"> <a href="file:///etc/passwd">x</a>'
    tl["Attendees"] = "مدير التطوير; Dev Lead"
    plan = data.success_plan.copy()
    plan["Objective"] = "file:///etc/passwd <style>@import url(http://example.com/a.css)</style>"
    data = type(data)(accounts=acc, usage=data.usage, support=data.support, timeline=tl,
                      success_plan=plan, revenue=data.revenue, mrr_changes=data.mrr_changes,
                      config=data.config, source=data.source)
    out = {}
    with weasyprint_logs() as records:
        renderer = Renderer()
        for account in HOSTILE:
            view = build_view(data, account, AS_OF)
            html = renderer.html(view)
            doc = renderer.document(view)
            out[account] = (html, doc, text_of(doc.write_pdf()))
    return out, list(records), renderer.fetcher


def test_hostile_text_is_escaped_in_html(hostile):
    html = hostile[0]["ACC-001"][0]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html2 = hostile[0]["ACC-002"][0]
    assert '<img src="http://' not in html2 and "&lt;img src=" in html2
    assert "<style>@import" not in html2


@pytest.mark.parametrize("account", list(HOSTILE))
def test_hostile_renders_safely(hostile, account):
    _, doc, pages = hostile[0][account]
    assert 4 <= len(doc.pages) <= 8
    assert len(pages) == len(doc.pages)


def test_hostile_text_shows_as_text(hostile):
    assert "<script>alert(1)</script>" in hostile[0]["ACC-001"][2][0]
    assert '<img src="http://example.com/x.png">' in hostile[0]["ACC-002"][2][0]
    assert "file:///etc/passwd" in hostile[0]["ACC-003"][2][0]
    assert "Acme Acme" in hostile[0]["ACC-004"][2][0]


def test_no_fetch_outside_the_package(hostile):
    fetcher = hostile[2]
    assert fetcher.refused == []
    for url in fetcher.attempts:
        assert url.startswith((assets.TEMPLATES_URL, "data:image/")), url


def test_no_warnings_for_hostile_text(hostile):
    assert [r.getMessage() for r in hostile[1]] == []


def test_svg_logo_cannot_reach_the_network():
    evil = (b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
            b'<image xlink:href="http://example.com/track.png" width="10" height="10"/></svg>')
    data = sample_portfolio(AS_OF, n_accounts=1)
    renderer = Renderer()
    with weasyprint_logs():
        renderer.pdf(build_view(data, "ACC-001", AS_OF, brand=Brand(logo=evil)))
    assert "http://example.com/track.png" in renderer.fetcher.refused
    for url in renderer.fetcher.attempts:
        assert url.startswith((assets.TEMPLATES_URL, "data:image/")) or \
            url in renderer.fetcher.refused
