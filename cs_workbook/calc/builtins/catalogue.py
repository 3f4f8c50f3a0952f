"""Every built-in we supply: ``{NAME: (callable, min arguments, max arguments)}``."""

from __future__ import annotations

from .depreciation import DB, DDB, VDB
from .text_format import TEXT

BUILTINS: dict = {
    "TEXT": (TEXT, 2, 2),
    "VDB": (VDB, 5, 7),
    "DDB": (DDB, 4, 5),
    "DB": (DB, 4, 5),
}
