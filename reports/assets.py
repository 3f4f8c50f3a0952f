"""Where the packaged EBR templates live, and the jinja2 environment that renders them.

Import-light (no WeasyPrint): the CLI and the view model may import it freely.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "STYLESHEET",
    "TEMPLATE",
    "TEMPLATES_DIR",
    "TEMPLATES_URL",
    "environment",
    "stylesheet_text",
]

TEMPLATES_DIR = Path(str(resources.files("cs_workbook.templates"))).resolve()
#: base URL of every document and of the stylesheet: relative references resolve in here
TEMPLATES_URL = TEMPLATES_DIR.as_uri() + "/"
TEMPLATE = "ebr.html"
STYLESHEET = "ebr.css"


@lru_cache(maxsize=1)
def environment():
    """The jinja2 environment: autoescape on for every template, undefined names are errors."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def stylesheet_text() -> str:
    return (TEMPLATES_DIR / STYLESHEET).read_text(encoding="utf-8")
