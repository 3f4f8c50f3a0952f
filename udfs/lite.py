"""The functions for xlwings Lite (Pyodide inside Excel), named as Excel shows them: ``=CS.X(…)``.

xlwings Lite registers every object of its ``main.py`` that carries xlwings metadata
(``__xlfunc__``) and calls it there by its Python name, so one line in ``main.py`` is enough::

    from cs_workbook.udfs.lite import *  # noqa: F403  (=CS.HEALTH_SCORE(…) and the rest)

Each name here is a catalogue function (:data:`cs_workbook.udfs.CATALOGUE`) with a copy of its
metadata whose Excel name drops the ``CS_`` prefix and whose namespace is ``CS``: the same
``=CS.X(…)`` spelling as ``cs-workbook serve``, in its help text too. The arguments keep the classic converter options
(rows × columns, error cells as their text), which xlwings' Office.js conversion also applies,
turning Pyodide's ``JsNull`` of an empty cell into None. The classic functions themselves are
untouched: *Import Functions* still writes ``=CS_X(…)``.

Imports only the catalogue and the standard library (see docs/excel-setup.md, "xlwings Lite").
"""

from __future__ import annotations

from . import CATALOGUE
from ._xl import NAMESPACE, namespaced

globals().update({name: namespaced(fn, namespace=NAMESPACE) for name, fn in CATALOGUE.items()})

__all__ = list(CATALOGUE)
