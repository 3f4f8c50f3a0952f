"""EBR PDFs through WeasyPrint: pages and section anchors, text equal to `score` numbers,
embedded fonts, metadata, determinism, no renderer warnings, nothing fetched from outside."""

from __future__ import annotations

import datetime as dt
import io

import pytest

pypdf = pytest.importorskip("pypdf")

from pdf_checks import text_of, weasyprint_logs

from cs_workbook.reports import assets
from cs_workbook.reports.render import PDF_OPTIONS, Renderer
from cs_workbook.reports.viewmodel import build_view

from cs_workbook.portfolio import score_accounts
from cs_workbook.rounding import excel_round
from cs_workbook.sample import sample_portfolio

AS_OF = dt.date(2026, 11, 23)
ACCOUNTS = ("ACC-001", "ACC-004")  # a Green strategic account and a Red churning one
SECTIONS = ("cover", "summary", "scorecard", "adoption", "time-to-value", "success-plan",
            "support", "commercials", "appendix")


@pytest.fixture(scope="module")
def portfolio():
    data = sample_portfolio(AS_OF)
    return data, score_accounts(data, AS_OF)


@pytest.fixture(scope="module")
def rendered(portfolio):
    """{account: (document, pdf bytes, page texts)}, the log records and the fetcher."""
    data, scores = portfolio
    with weasyprint_logs() as records:
        renderer = Renderer()
        out = {}
        for account in ACCOUNTS:
            doc = renderer.document(build_view(data, account, AS_OF, scores=scores))
            pdf = doc.write_pdf(**PDF_OPTIONS)
            out[account] = (doc, pdf, text_of(pdf))
    return out, list(records), renderer.fetcher


def score_row(portfolio, account):
    scores = portfolio[1]
    return scores[scores["Account ID"] == account].iloc[0]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_pages_and_anchors(rendered, account):
    doc = rendered[0][account][0]
    assert 4 <= len(doc.pages) <= 8
    where = {name: i for i, page in enumerate(doc.pages) for name in page.anchors}
    assert set(SECTIONS) <= set(where)
    pages = [where[s] for s in SECTIONS]
    assert pages == sorted(pages), where
    assert (where["cover"], where["summary"], where["scorecard"], where["adoption"]) == (0, 1, 2, 3)
    assert where["appendix"] == len(doc.pages) - 1


def test_section_pages_of_the_sample_ebr(rendered):
    doc = rendered[0]["ACC-001"][0]
    where = {name: i for i, page in enumerate(doc.pages) for name in page.anchors}
    assert [where[s] for s in SECTIONS] == [0, 1, 2, 3, 4, 4, 5, 6, 7]


def _pct(v):
    return f"{excel_round(v * 100, 0):.0f} %"


@pytest.mark.parametrize("account", ACCOUNTS)
def test_numbers_equal_score_output(rendered, portfolio, account):
    row = score_row(portfolio, account)
    pages = rendered[0][account][2]
    summary, scorecard, commercials = pages[1], pages[2], pages[6]
    assert row["Account"] in pages[0] and row["Account"] in summary
    assert f"OVERALL HEALTH {excel_round(row['Health Score'], 0):.0f}" in summary
    assert row["Health Colour"] in summary
    assert f"LICENSE UTILIZATION {_pct(row['License Utilization'])}" in summary
    assert f"License utilization {_pct(row['License Utilization'])}" in scorecard
    assert f"User engagement {_pct(row['User Engagement'])}" in scorecard
    assert f"SCM adoption {_pct(row['Git Operation Utilization'])}" in scorecard
    assert f"CI adoption {excel_round(row['CI Builds per User'], 1):.1f}" in scorecard
    assert f"Health score {row['Health Colour']} {excel_round(row['Health Score'], 0):.0f}" \
        in scorecard
    if row["ARR"] > 0:
        assert f"${excel_round(row['ARR'], 0):,.0f}" in commercials


def test_fonts_are_embedded(rendered):
    pdf = rendered[0]["ACC-001"][1]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                          if "/DescendantFonts" in font else font["/FontDescriptor"])
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
            names.add(str(font["/BaseFont"]).split("+")[-1])
    # the bundled @font-face families, never a system font picked up by name
    assert {"EbrSans", "EbrSans-Bold"} <= names, names
    assert all(n.startswith(("EbrSans", "EbrFallback")) for n in names), names


def test_metadata(rendered):
    meta = pypdf.PdfReader(io.BytesIO(rendered[0]["ACC-001"][1])).metadata
    assert meta.title == "Executive business review: Northwind Logistics"
    assert meta.author == "Daniel Brandt, Customer Success"
    assert meta.subject == "Executive business review of Northwind Logistics for Dec 2025 – Nov 2026"
    assert "ACC-001" in meta["/Keywords"]
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20261123000000Z"


def test_byte_identical(rendered, portfolio):
    data, scores = portfolio
    again = Renderer().pdf(build_view(data, "ACC-001", AS_OF, scores=scores))
    assert again == rendered[0]["ACC-001"][1]


def test_no_weasyprint_warnings(rendered):
    records = rendered[1]
    assert [f"{r.levelname}: {r.getMessage()}" for r in records] == []


def test_only_packaged_assets_fetched(rendered):
    fetcher = rendered[2]
    assert fetcher.refused == []
    for url in fetcher.attempts:
        assert url.startswith((assets.TEMPLATES_URL, "data:image/")), url
