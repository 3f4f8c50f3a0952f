"""What the PDF tests look at: a PDF's text per page, and every WeasyPrint log record (any
warning while rendering fails a test, as WeasyPrint's own ``@assert_no_logs`` does)."""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager

import pypdf

__all__ = ["text_of", "weasyprint_logs"]


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        if not record.name.startswith("weasyprint.progress"):
            self.records.append(record)


@contextmanager
def weasyprint_logs():
    """Every record the ``weasyprint`` logger emits (progress messages excluded)."""
    logger = logging.getLogger("weasyprint")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def text_of(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(p.extract_text().replace("\u00a0", " ").split()) for p in reader.pages]
