"""Which one-page sections of a laid-out EBR spilled onto a second page.

Every ``<section class="page">`` of the EBR is meant to fill one page (time to value and the
success plan share one, as a flow). How tall a section's text runs depends on the account: a
long use-case card, four two-line risks and four two-line next steps can push the summary's
last chart onto a page of its own. :func:`spilled` finds such sections in WeasyPrint's layout
(the page of each section's anchor); the renderer then lays the document out once more with
those sections in their compact style (``class="page dense"``, see ``templates/ebr.css``).
The check is a function of the layout alone, so the output stays reproducible.
"""

from __future__ import annotations

__all__ = ["ONE_PAGE", "section_pages", "spilled"]

#: sections, in document order, each of which must end on the page it starts on; the flow
#: sections (success plan) follow time to value on its page and are not checked
ONE_PAGE = ("cover", "summary", "scorecard", "adoption", "support", "commercials", "appendix")
ORDER = ("cover", "summary", "scorecard", "adoption", "time-to-value", "success-plan",
         "support", "commercials", "appendix")


def section_pages(document) -> dict[str, int]:
    """``{section id: index of the page it starts on}`` of a laid-out WeasyPrint document."""
    where: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:  # a section's anchor is on every page its box reaches
            if name in ORDER:
                where.setdefault(name, i)
    return where


def spilled(document) -> frozenset[str]:
    """The one-page sections of ``document`` that run onto a further page."""
    where = section_pages(document)
    starts = [(where[name], name) for name in ORDER if name in where]
    out = set()
    for k, (page, name) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(document.pages)
        if name in ONE_PAGE and end - page > 1:
            out.add(name)
    return frozenset(out)
