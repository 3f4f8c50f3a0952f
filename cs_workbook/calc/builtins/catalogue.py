"""Every built-in we supply: ``{NAME: (callable, min arguments, max arguments)}``."""

from __future__ import annotations

BUILTINS: dict = {}
