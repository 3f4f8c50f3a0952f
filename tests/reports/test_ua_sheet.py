"""The trimmed user-agent stylesheet (:mod:`cs_workbook.reports.ua_sheet`) changes nothing:
an EBR with lists, chips, tables, right-to-left user text and a compact summary page gives the
same PDF bytes with WeasyPrint's full ``html5_ua.css`` as with the trimmed copy."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

weasyprint = pytest.importorskip("weasyprint")

from cs_workbook.reports.render import Renderer
from cs_workbook.reports.ua_sheet import trimmed
from cs_workbook.reports.viewmodel import build_view
from cs_workbook.sample import sample_portfolio

AS_OF = dt.date(2026, 11, 23)


def test_trimmed_sheet_keeps_every_tag_rule_and_drops_untagged_ones():
    full, small = weasyprint.UA_STYLESHEET.matcher, trimmed().matcher
    assert small.lower_local_name_selectors is full.lower_local_name_selectors
    assert 0 < len(small.other_selectors) < len(full.other_selectors)
    assert {s[3] for s in small.other_selectors} >= {"marker"}
    assert len(weasyprint.UA_STYLESHEET.matcher.other_selectors) == len(full.other_selectors)


def test_same_pdf_bytes_with_the_full_user_agent_sheet():
    data = sample_portfolio(AS_OF, n_accounts=16)
    acc = data.accounts.copy()
    acc.loc[acc["Account ID"] == "ACC-013", "CSM"] = "مدير التطوير " * 3  # right to left
    data = dataclasses.replace(data, accounts=acc)
    view = build_view(data, "ACC-013", AS_OF)
    renderer = Renderer()
    fast = renderer.pdf(view)
    renderer.ua_sheets = [weasyprint.UA_STYLESHEET]
    assert renderer.pdf(view) == fast
