"""Issue #11 item 5: long and hostile text never runs off the page; every text box of the laid
out document (WeasyPrint's layout tree) lies inside its page box."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("weasyprint")

from cs_workbook.reports.render import Renderer
from cs_workbook.reports.viewmodel import build_view
from cs_workbook.sample import sample_portfolio

AS_OF = dt.date(2026, 10, 1)
LONG_WORD = "Bartholomew-Maximilian-Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff"
CASES = {
    "ACC-001": {"CSM": LONG_WORD, "Account": "Supercalifragilisticexpialidocious" * 4},
    "ACC-002": {"CSM": "X" * 120, "Account": "A" * 200, "Segment": "S" * 60},
    "ACC-003": {"CSM": "مدير التطوير " * 8,
                "Account": "<script>alert(1)</script> " * 10},
}


@pytest.fixture(scope="module")
def documents():
    data = sample_portfolio(AS_OF, n_accounts=4)
    acc = data.accounts.copy()
    for account, values in CASES.items():
        for column, value in values.items():
            acc.loc[acc["Account ID"] == account, column] = value
    tl = data.timeline.copy()
    tl["Notes"] = "N" * 300
    tl["Attendees"] = LONG_WORD + "; " + "Y" * 90
    plan = data.success_plan.copy()
    plan["Objective"] = "O" * 170
    data = type(data)(accounts=acc, usage=data.usage, support=data.support, timeline=tl,
                      success_plan=plan, revenue=data.revenue, mrr_changes=data.mrr_changes,
                      config=data.config, source=data.source)
    renderer = Renderer()
    return {a: renderer.document(build_view(data, a, AS_OF)) for a in CASES}


def text_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from text_boxes(child)


def outside(doc, slack=0.5):
    bad = []
    for number, page in enumerate(doc.pages, 1):
        root = page._page_box
        width, height = root.margin_width(), root.margin_height()
        for box in text_boxes(root):
            x0, y0 = box.position_x, box.position_y
            x1, y1 = x0 + box.width, y0 + box.height
            if x0 < -slack or y0 < -slack or x1 > width + slack or y1 > height + slack:
                bad.append((number, box.text[:40], round(x0), round(x1), round(width)))
    return bad


@pytest.mark.parametrize("account", list(CASES))
def test_no_text_outside_the_page(documents, account):
    assert outside(documents[account]) == []


def test_the_check_finds_overflow():
    """The check itself: a long unbreakable word in a narrow box is reported."""
    from weasyprint import HTML

    doc = HTML(string="<style>@page{size:100mm 100mm;margin:5mm}p{overflow-wrap:normal}</style>"
                      f"<p>{'W' * 200}</p>").render()
    assert outside(doc)
