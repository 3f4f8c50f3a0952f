"""Every one-page section of the EBR stays on one page: the sample accounts with the most text
keep the intended 8 pages (counted by pypdf in the written PDF), and :mod:`.fit` finds a
section that spilled from the layout's anchors."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest

pypdf = pytest.importorskip("pypdf")

from cs_workbook.reports.fit import section_pages, spilled
from cs_workbook.reports.render import Renderer
from cs_workbook.reports.viewmodel import build_view
from cs_workbook.sample import sample_portfolio

#: (sample and review date, account): ACC-013 on 2026-11-23 has a three-line use-case card,
#: four two-line risks and four two-line next steps, which pushed the summary's component
#: chart onto a ninth page; ACC-028 on 2026-02-15 has the longest risks of the sample
CROWDED = ((dt.date(2026, 11, 23), "ACC-013"), (dt.date(2026, 2, 15), "ACC-028"))
INTENDED = [0, 1, 2, 3, 4, 4, 5, 6, 7]  # cover … appendix; success plan shares page 5


def _pages(*anchors_per_page):
    return SimpleNamespace(pages=[SimpleNamespace(anchors=dict.fromkeys(a, (0, 0)))
                                  for a in anchors_per_page])


def test_spilled_finds_a_section_that_runs_onto_a_second_page():
    fits = _pages(["cover"], ["summary"], ["scorecard"], ["adoption"],
                  ["time-to-value", "success-plan"], ["support"], ["commercials"], ["appendix"])
    assert spilled(fits) == frozenset()
    # an anchor is on every page its box reaches: the section starts on the first of them
    over = _pages(["cover"], ["summary"], ["summary"], ["scorecard"], ["adoption"],
                  ["time-to-value", "success-plan"], ["support"], ["commercials"],
                  ["appendix"], ["appendix"])
    assert section_pages(over)["summary"] == 1
    assert spilled(over) == {"summary", "appendix"}
    # the success plan is a flow after time to value: its running on is not a spill
    flow = _pages(["cover"], ["summary"], ["scorecard"], ["adoption"],
                  ["time-to-value", "success-plan"], ["success-plan"], ["support"],
                  ["commercials"], ["appendix"])
    assert spilled(flow) == frozenset()


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.mark.parametrize(("as_of", "account"), CROWDED)
def test_crowded_sample_accounts_keep_eight_pages(renderer, as_of, account):
    data = sample_portfolio(as_of, n_accounts=40)
    view = build_view(data, account, as_of)
    doc = renderer.document(view)
    where = section_pages(doc)
    order = ("cover", "summary", "scorecard", "adoption", "time-to-value", "success-plan",
             "support", "commercials", "appendix")
    assert [where[s] for s in order] == INTENDED, where
    pdf = doc.write_pdf()
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 8
