"""WeasyPrint's HTML user-agent stylesheet without the rules no EBR element can match.

cssselect2 files a selector under its element's id, class or tag when it has one; the others
(``[hidden]``, ``[dir=rtl i] :is(ol, ul)``, ``:link``, ``::footnote-call`` …) are tried on every
element of every document, and each universal pseudo-element rule adds a computed style per
element. In WeasyPrint 70's ``html5_ua.css`` there are 24 such selectors; tried on the ~600
elements of an EBR they were about 60 % of its CSS cascade (measured with
``bench/ebr.py``). The EBR template has no ``hidden`` attribute, links, nested lists,
``dir=ltr``/``rtl`` lists, table ``frame``/``rules``, form controls or footnotes, so
:func:`trimmed` keeps only the two that can apply: ``::marker`` (list bullets and numbers) and
``[dir=ltr i]``/``[dir=rtl i]`` (``direction``). Every rule filed under a tag stays.
``tests/reports/test_ua_sheet.py`` renders EBRs with both sheets and compares the PDF bytes.
Imports WeasyPrint: only :mod:`.render` uses it.
"""

from __future__ import annotations

import copy

__all__ = ["trimmed"]


def _can_apply(selector) -> bool:
    """Whether a UA selector filed under no tag can match an element of an EBR."""
    _test, _specificity, _order, pseudo_type, (declarations, _layer) = selector
    return pseudo_type == "marker" or any(name == "direction" for name, *_ in declarations)


def trimmed():
    """A copy of ``weasyprint.UA_STYLESHEET`` whose untagged selectors are only those that
    can apply to the EBR template (see the module docstring); the original is untouched."""
    import weasyprint

    sheet = copy.copy(weasyprint.UA_STYLESHEET)
    sheet.matcher = copy.copy(sheet.matcher)
    sheet.matcher.other_selectors = [s for s in sheet.matcher.other_selectors if _can_apply(s)]
    return sheet
