"""Every built-in we supply: ``{NAME: (callable, min arguments, max arguments)}``."""

from __future__ import annotations

from .text_format import TEXT

BUILTINS: dict = {
    "TEXT": (TEXT, 2, 2),
}
