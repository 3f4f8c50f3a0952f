"""The environment of a benchmark's timed child processes: compiled modules cached under a
temporary folder (``PYTHONPYCACHEPREFIX``), as an installed package has them, even where the
shell sets ``PYTHONDONTWRITEBYTECODE`` (else every run pays for compiling the modules it
imports, ~0.3 s). The caller makes one untimed run first to fill the cache."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["bytecode_env"]


def bytecode_env(pycache: Path) -> dict:
    """``os.environ`` with bytecode written to and read from ``pycache``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env
