"""Executive business review PDFs: workbook data → view model → jinja2 HTML → WeasyPrint PDF.

Installed as ``cs_workbook.reports`` (never a top-level ``reports``, which is an unrelated PyPI
distribution). Importing this package is cheap: WeasyPrint loads only when a PDF is rendered.

Pipeline, one module per stage: :mod:`.viewmodel` / :mod:`.scorecard` / :mod:`.sections` /
:mod:`.commercials` (engine numbers → formatted view model), :mod:`.rules` (executive-summary wins, risks, next steps),
:mod:`.reasons` (why a measure reads "no data"), :mod:`.charts` (SVG), :mod:`.render` (HTML
and PDF, batches), :mod:`.fit` (which one-page sections spilled over and need their compact style), :mod:`.svg_text` (chart labels laid out as one run each, not letter by
letter), :mod:`.fetcher` (the only way to load a resource). The ``ebr`` command is :mod:`cs_workbook.cli.ebr`.

May import the engine, :mod:`cs_workbook.files`, jinja2 and WeasyPrint; it takes
:class:`~cs_workbook.data.CSData`, so it never imports the workbook reader, headless calc, the
Excel functions or the CLI.
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

_RENDER = {"render_ebr", "render_batch", "render_document", "render_html", "DocResult"}


def __getattr__(name):
    if name in _RENDER:
        from . import render

        return getattr(render, name)
    if name == "build_view":
        from .viewmodel import build_view

        return build_view
    if name == "Brand":
        from .brand import Brand

        return Brand
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
