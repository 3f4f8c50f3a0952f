"""The only way the EBR renderer reaches a resource: packaged assets and ``data:`` images.

WeasyPrint 70 asks its ``url_fetcher`` for every stylesheet, font, image and SVG reference.
:class:`PackageFetcher` (a :class:`weasyprint.urls.URLFetcher` subclass, as WeasyPrint 70
requires) answers ``file:`` URLs that resolve, symlinks followed, to a file with an asset
extension inside the templates package, and ``data:`` URLs whose media type is an image.
Everything else (``http:``, ``https:``, ``ftp:``, other files, ``data:text/html`` …) is refused
with :class:`BlockedURL` and never opened; WeasyPrint then logs that the resource was skipped.
No network access is ever attempted: no opener handler is even consulted.
"""

from __future__ import annotations

import base64
import binascii
import threading
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import assets

__all__ = ["IMAGE_TYPES", "BlockedURL", "PackageFetcher"]

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"})
_ASSET_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf",
                ".woff": "font/woff", ".woff2": "font/woff2", ".svg": "image/svg+xml",
                ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class BlockedURL(ValueError):
    """A URL the EBR renderer refuses to fetch."""


class PackageFetcher(URLFetcher):
    """Serve packaged template assets and ``data:`` images; refuse everything else.

    Parameters
    ----------
    root : path, optional
        The folder whose files may be served (default: the installed templates package).

    Attributes
    ----------
    attempts : list of str
        Every URL asked for, in order (tests use it to prove nothing else was fetched).
    refused : list of str
        The URLs that were refused.
    """

    def __init__(self, root=None):
        super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = Path(root or assets.TEMPLATES_DIR).resolve()
        self.attempts: list[str] = []
        self.refused: list[str] = []
        self._lock = threading.Lock()
        self._cache: dict[Path, bytes] = {}

    def fetch(self, url, headers=None):
        with self._lock:
            self.attempts.append(url)
        try:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return self._data(url)
            if scheme == "file":
                return self._file(url)
            raise BlockedURL(f"refused {scheme or 'relative'} URL (only packaged assets are served)")
        except BlockedURL:
            with self._lock:
                self.refused.append(url)
            raise

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise BlockedURL("refused file URL on another host")
        path = Path(url2pathname(unquote(parts.path)))
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise BlockedURL("refused file URL: no such packaged asset") from None
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            raise BlockedURL("refused file URL outside the templates package")
        mime = _ASSET_TYPES.get(resolved.suffix.lower())
        if mime is None:
            raise BlockedURL(f"refused file URL: {resolved.suffix or 'no'} extension is not an asset")
        body = self._cache.get(resolved)
        if body is None:
            body = resolved.read_bytes()
            self._cache[resolved] = body
        return URLFetcherResponse(resolved.as_uri(), body, {"Content-Type": mime})

    def _data(self, url: str) -> URLFetcherResponse:
        header, sep, payload = url[5:].partition(",")
        if not sep:
            raise BlockedURL("refused malformed data: URL")
        params = [p.strip() for p in header.split(";")]
        mime = params[0].lower() if params[0] else "text/plain"
        if mime not in IMAGE_TYPES:
            raise BlockedURL(f"refused data: URL of type {mime} (images only)")
        if "base64" in (p.lower() for p in params[1:]):
            try:
                body = base64.b64decode(unquote(payload), validate=False)
            except (binascii.Error, ValueError):
                raise BlockedURL("refused data: URL with invalid base64") from None
        else:
            body = unquote_to_bytes(payload)
        return URLFetcherResponse("data:", body, {"Content-Type": mime})
