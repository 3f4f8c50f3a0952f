"""Where a warm EBR's time goes, by WeasyPrint phase (used by ``bench/ebr.py``).

:func:`measure` wraps a few WeasyPrint 70 functions with timers (outermost call only, so
recursion is not counted twice), renders the given views and returns the mean CPU seconds
per document of each phase (CPU time: the machine may be shared). Sub-phases ("of which") are part of the phase above them. The wrappers
cost a few per cent; they are removed again before :func:`measure` returns.
"""

from __future__ import annotations

import functools
import time
from contextlib import ExitStack, contextmanager

#: (label, module, attribute, parent label or None); module attributes patched where they are used
PHASES = (
    ("HTML parse (tinyhtml5)", "weasyprint", "HTML.__init__", None),
    ("CSS cascade (cssselect2 + computed styles)", "weasyprint.document",
     "get_all_computed_styles", None),
    ("box building", "weasyprint.document", "build_formatting_structure", None),
    ("layout", "weasyprint.document", "layout_document", None),
    ("table layout", "weasyprint.layout.block", "table_layout", "layout"),
    ("text shaping (pango line breaks)", "weasyprint.layout.inline", "split_first_line",
     "layout"),
    ("margin boxes (running heads, page x of y)", "weasyprint.layout",
     "make_margin_boxes", "layout"),
    ("draw (pages → PDF operators)", "weasyprint.document", "draw_page", None),
    ("SVG charts", "weasyprint.svg", "SVG.draw", "draw (pages → PDF operators)"),
    ("fonts (subsetting, embedding)", "weasyprint.pdf", "build_fonts_dictionary", None),
)


class _Clock:
    def __init__(self):
        self.total = 0.0
        self.depth = 0

    def wrap(self, fn, generator=False):
        clock = self

        if generator:
            @functools.wraps(fn)
            def timed_gen(*args, **kw):
                it = fn(*args, **kw)
                while True:
                    start = time.process_time()
                    try:
                        item = next(it)
                    except StopIteration:
                        clock.total += time.process_time() - start
                        return
                    clock.total += time.process_time() - start
                    yield item
            return timed_gen

        @functools.wraps(fn)
        def timed(*args, **kw):
            if clock.depth:
                return fn(*args, **kw)
            clock.depth += 1
            start = time.process_time()
            try:
                return fn(*args, **kw)
            finally:
                clock.total += time.process_time() - start
                clock.depth -= 1
        return timed


@contextmanager
def _patched(module_name, attr, clock):
    import importlib
    import inspect

    owner = importlib.import_module(module_name)
    *path, name = attr.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
    setattr(owner, name, clock.wrap(original, inspect.isgeneratorfunction(original)))
    try:
        yield
    finally:
        setattr(owner, name, original)


def measure(renderer, views) -> list[tuple[str, float, bool]]:
    """Mean CPU seconds per document of each phase: ``(label, seconds, is_sub_phase)`` rows,
    then "PDF objects + compression (rest of write_pdf)" and the total wall time."""
    from cs_workbook.reports.render import fixed_clock

    clocks = {label: _Clock() for label, *_ in PHASES}
    total = write = 0.0
    with ExitStack() as stack:
        for label, module, attr, _parent in PHASES:
            stack.enter_context(_patched(module, attr, clocks[label]))
        for view in views:
            start = time.process_time()
            doc = renderer.document(view)
            mid = time.process_time()
            with fixed_clock(view["meta"]["epoch"]):
                doc.write_pdf(**_pdf_options())
            end = time.process_time()
            total += end - start
            write += end - mid
    n = max(1, len(views))
    rows = [(label, clocks[label].total / n, parent is not None)
            for label, _m, _a, parent in PHASES]
    rest_of_write = write - clocks["draw (pages → PDF operators)"].total \
        - clocks["fonts (subsetting, embedding)"].total
    rows.append(("PDF objects + compression (rest of write_pdf)", rest_of_write / n, False))
    accounted = sum(s for _l, s, sub in rows if not sub)
    rows.append(("jinja2 + other", total / n - accounted, False))
    rows.append(("total per document", total / n, False))
    return rows


def _pdf_options():
    from cs_workbook.reports.render import PDF_OPTIONS

    return PDF_OPTIONS
