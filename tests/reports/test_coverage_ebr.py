"""Issue #11 item 3 in the PDF text (pdftotext's view through pypdf): the summary page says
what the deck rests on, the appendix lists the data notes, and retention past the last Revenue
month reads "No data" with its reason, never 0 %."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

pytest.importorskip("weasyprint")

from pdf_checks import text_of, weasyprint_logs

from cs_workbook.data import empty_frame
from cs_workbook.reports.render import PDF_OPTIONS, Renderer
from cs_workbook.reports.viewmodel import build_view
from cs_workbook.sample import sample_portfolio
from cs_workbook.schema import sheet

DATA_END = dt.date(2026, 10, 1)  # the sample's last month of every sheet
LATE = dt.date(2027, 3, 1)


@pytest.fixture(scope="module")
def pages():
    data = sample_portfolio(DATA_END)
    no_usage = dataclasses.replace(data, usage=empty_frame(sheet("Usage")),
                                   absent={"Usage": None})
    with weasyprint_logs() as records:
        renderer = Renderer()
        out = {}
        for name, book, day in (("late", data, LATE), ("no usage", no_usage, DATA_END)):
            pdf = renderer.document(build_view(book, "ACC-001", day)).write_pdf(**PDF_OPTIONS)
            out[name] = text_of(pdf)
    assert not records, [r.getMessage() for r in records]
    return out


def page_with(texts, phrase) -> int:
    found = [i for i, t in enumerate(texts) if phrase in t]
    assert found, phrase
    return found[0]


def test_retention_past_the_last_revenue_month_is_no_data_with_reason(pages):
    texts = pages["late"]
    page = texts[page_with(texts, "NET REVENUE RETENTION")]  # card labels are upper case
    assert "0.0 %" not in page and "$0 vs" not in page and " 0 %" not in page
    assert "NET REVENUE RETENTION No datano MRR recorded for Mar 2027 yet" in page
    assert "GROSS REVENUE RETENTION No datano MRR recorded for Mar 2027 yet" in page


def test_the_summary_page_says_what_the_deck_rests_on(pages):
    texts = pages["late"]
    summary = page_with(texts, "1 Executive summary")
    line = texts[summary][texts[summary].index("What this deck rests on:"):]
    assert line.startswith("What this deck rests on: usage, support and revenue through Oct "
                           "2026 · timeline through Sep 2026 · CSM sentiment 172 days old (NA)")
    assert line.split(". ")[0].endswith("(notes in the appendix)")
    assert page_with(texts, "What this deck rests on:") == summary


def test_the_appendix_lists_the_notes(pages):
    texts = pages["late"]
    appendix = texts[-1]
    assert "Appendix" in appendix and "WHAT THIS DECK RESTS ON" in appendix.upper()
    assert "Revenue ends Oct 2026: no MRR for Mar 2027, so retention is NA, not 0 %: NA MRR " \
           "Now, GRR, NRR" in appendix
    assert "Usage ends Oct 2026, more than 60 days before 2027-03-01" in appendix


def test_no_usage_sheet_on_summary_and_appendix(pages):
    texts = pages["no usage"]
    summary = texts[page_with(texts, "1 Executive summary")]
    assert "What this deck rests on: support and revenue through Oct 2026 · timeline through " \
           "Sep 2026 · no usage data ·" in summary
    assert "no sheet Usage (product usage, license utilization and first value): NA License " \
           "Utilization, License Health" in texts[-1]
    assert len(texts) <= 8
