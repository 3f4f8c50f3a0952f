"""Defined names the engine left out of its workbook, and the formulas that use them.

formualizer reads every defined name when it loads a package, before our functions are
registered, and leaves out a name it cannot evaluate (one calling ``CS_*`` or an add-in's
function, or a cycle), saying so in ``name_import_diagnostics``. A formula using such a name
then shows ``#NAME?``, where Excel computes a value; so such a formula keeps the value Excel
cached (:mod:`.fast`), and so does every cell depending on it. (A name calling ours that means
the same in every cell is evaluated through a cell of ours instead: :mod:`.name_cells`.)
"""

from __future__ import annotations

import re

__all__ = ["left_out"]

_STRINGS = re.compile(r'"(?:[^"]|"")*"')


def left_out(diagnostics) -> "callable | None":
    """``uses(formula)``: the first left-out name (from formualizer's name import
    ``diagnostics``) that ``formula`` uses, else None; None when no name was left out.

    >>> uses = left_out([{"name": "Plus3", "scope_sheet": None}])
    >>> uses("=Plus3*2"), uses("=SUM(plus3)"), uses('="Plus3"&Plus30'), uses("=Plus3(1)")
    ('Plus3', 'Plus3', None, None)
    >>> uses("='Q1 Plan'!Plus3+1"), uses("=Table[Plus3]")
    ('Plus3', None)
    """
    names = sorted({d.get("name") for d in diagnostics or () if d.get("name")},
                   key=len, reverse=True)
    if not names:
        return None
    spelled = {n.upper(): n for n in names}
    pattern = re.compile(r"(?<![\w.\\\[])(" + "|".join(map(re.escape, names))
                         + r")(?![\w.(\]])", re.IGNORECASE)

    def uses(formula: str):
        m = pattern.search(_STRINGS.sub('""', formula))
        return spelled[m.group(1).upper()] if m else None
    return uses
