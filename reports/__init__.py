"""Executive business review PDFs: workbook data → view model → jinja2 HTML → WeasyPrint PDF.

Installed as ``cs_workbook.reports`` (never a top-level ``reports``, which is an unrelated PyPI
distribution). Importing this package is cheap: WeasyPrint loads only when a PDF is rendered.

Pipeline, one module per stage: :mod:`.viewmodel` / :mod:`.sections` (engine numbers →
formatted view model), :mod:`.rules` (executive-summary wins, risks, next steps),
:mod:`.charts` (SVG), :mod:`.render` (HTML and PDF, batches), :mod:`.fetcher` (the only way to
load a resource), :mod:`.commands` (the ``ebr`` CLI).
"""

__all__ = [
    "Brand",
    "DocResult",
    "build_view",
    "render_batch",
    "render_document",
    "render_ebr",
    "render_html",
]

_LAZY = {"render_ebr": "render", "render_batch": "render", "render_document": "render",
         "render_html": "render", "DocResult": "render", "build_view": "viewmodel",
         "Brand": "brand"}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
