"""Branding of the EBR: company name, brand colour and logo, validated before use.

The colour is checked against ``#rgb``/``#rrggbb`` so it can be written into a style
attribute; a custom logo is read here and embedded as a ``data:`` image (PNG, JPEG or SVG,
sniffed from its bytes), so the renderer never fetches a user-supplied path or URL.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

from cs_workbook.errors import InvalidInput

__all__ = ["DEFAULT_BRAND", "DEFAULT_LOGO", "Brand", "logo_data_uri"]

DEFAULT_LOGO = "img/logo.svg"
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_MAX_LOGO_BYTES = 2_000_000


@dataclass(frozen=True)
class Brand:
    """Who sends the EBR and how it looks.

    ``colour`` is the accent colour (``#rrggbb``); ``logo`` is ``None`` for the packaged
    logo, or the bytes / path of a PNG, JPEG or SVG file; ``currency`` prefixes money.
    """

    name: str = "Customer Success"
    colour: str = "#1d3f6e"
    logo: bytes | str | Path | None = None
    currency: str = "$"

    def __post_init__(self):
        if not isinstance(self.colour, str) or not _HEX.fullmatch(self.colour.strip()):
            raise InvalidInput(f"brand colour: {self.colour!r} is not a #rrggbb colour")
        object.__setattr__(self, "colour", _expand(self.colour.strip().lower()))
        if not isinstance(self.currency, str) or len(self.currency) > 4:
            raise InvalidInput(f"currency: {self.currency!r} must be a short symbol like $")

    def logo_src(self) -> str:
        """The ``src`` of the logo: the packaged file or a ``data:`` URI."""
        return DEFAULT_LOGO if self.logo is None else logo_data_uri(self.logo)

    def tint(self, amount: float = 0.9) -> str:
        """The brand colour mixed with white (``amount`` 0 → colour, 1 → white)."""
        rgb = [int(self.colour[i:i + 2], 16) for i in (1, 3, 5)]
        mixed = [round(c + (255 - c) * amount) for c in rgb]
        return "#" + "".join(f"{c:02x}" for c in mixed)


def _expand(colour: str) -> str:
    return colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])


def logo_data_uri(logo) -> str:
    """A ``data:`` URI of a PNG/JPEG/SVG logo given as bytes or a file path."""
    if isinstance(logo, (str, Path)):
        try:
            raw = Path(logo).read_bytes()
        except OSError as exc:
            raise InvalidInput(f"logo: {logo}: cannot read ({exc.strerror})") from None
        where = str(logo)
    else:
        raw, where = bytes(logo), "logo"
    if len(raw) > _MAX_LOGO_BYTES:
        raise InvalidInput(f"logo: {where} is larger than 2 MB")
    head = raw[:512].lstrip()
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    elif raw.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    elif head.startswith((b"<svg", b"<?xml")) and b"<svg" in raw[:4096]:
        mime = "image/svg+xml"
    else:
        raise InvalidInput(f"logo: {where} is not a PNG, JPEG or SVG image")
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


DEFAULT_BRAND = Brand()
