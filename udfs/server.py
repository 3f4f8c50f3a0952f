"""Office.js custom functions: our ``CS_*`` functions served by xlwings Server under ``CS``.

xlwings Server (PyPI ``xlwings-server``, the ``server`` extra) is a complete add-in host —
manifest, task pane, the custom-functions JavaScript, ``/xlwings/custom-functions-meta`` and
``/xlwings/custom-functions-call`` — configured by ``XLWINGS_*`` environment variables and a
project directory whose ``custom_functions`` module it imports. :func:`create_app` plugs ours
in without a project on disk: it registers :func:`officejs_module` as ``custom_functions``,
sets the manifest namespace to ``CS`` (so Excel shows ``=CS.HEALTH_SCORE(…)``) and wraps the
app in a small ASGI layer for the token and the caller's date order.

The Office.js variants differ from the classic functions only in metadata: the Excel name
without the ``CS_`` prefix, and ``convert="raw"`` arguments. Raw arguments skip xlwings'
per-cell cleaning, which in xlwings 0.36.7–0.37.8 attempts ``from pyodide.ffi import JsNull``
once per cell (~40 µs of failed import each, ~45× slower range calls); our coercion layer
cleans the Office.js payload itself. The remaining once-per-argument attempt is made cheap by
marking ``pyodide`` as absent in ``sys.modules`` (it never exists on a server).

Licence: the Office.js path runs xlwings PRO code (``xlwings.server``) and xlwings Server,
both dual-licensed (PolyForm Noncommercial / xlwings PRO). Set ``XLWINGS_LICENSE_KEY`` to a
PRO key for commercial use, or to ``noncommercial`` for noncommercial use.
"""

from __future__ import annotations

import atexit
import importlib.util
import ipaddress
import json
import os
import secrets
import shutil
import sys
import tempfile
import types
from pathlib import Path

from ._xl import namespaced
from .coerce import date_order, date_order_from_format

__all__ = ["NAMESPACE", "ServerUnavailable", "officejs_module", "create_app", "serve",
           "is_loopback"]

#: Office.js namespace of our functions: =CS.HEALTH_SCORE(…)
NAMESPACE = "CS"
CALL_PATH = "/xlwings/custom-functions-call"
_MODULE_NAME = "cs_workbook_officejs_functions"

_AUTH_JS = """\
// cs-workbook: send the server token stored once per machine with
// localStorage.setItem("cs-workbook-token", "<token>") (see docs/excel-setup.md).
globalThis.getAuth = async function () {
  return { token: localStorage.getItem("cs-workbook-token") || "", provider: "" };
};
"""


class ServerUnavailable(RuntimeError):
    """The Office.js server cannot start; the message says what to install or set."""


def officejs_module() -> types.ModuleType:
    """A module of Office.js variants of every catalogue function (see the module docs)."""
    from . import CATALOGUE

    module = types.ModuleType(_MODULE_NAME, "cs-workbook Excel functions for Office.js")
    for name, fn in CATALOGUE.items():
        variant = namespaced(fn, arg_options={"convert": "raw"})
        variant.__module__ = _MODULE_NAME
        setattr(module, name, variant)
    return module


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _require_extra():
    missing = [m for m in ("xlwings_server", "fastapi", "uvicorn")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise ServerUnavailable(
            "the Office.js server needs the 'server' extra: pip install 'cs-workbook[server]'")
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        raise ServerUnavailable(
            "set XLWINGS_LICENSE_KEY: an xlwings PRO key for commercial use, or "
            "'noncommercial' for noncommercial use")


_APP = None


def create_app(token: str | None = None, project_dir: str | os.PathLike | None = None):
    """The ASGI app: xlwings Server with our functions, behind the token/date-order layer.

    xlwings Server reads its settings once per process, so the first call decides them.
    """
    global _APP
    _require_extra()
    if _APP is None:
        _APP = _load_xlwings_server(project_dir)
    return _Gate(_APP, token)


def _load_xlwings_server(project_dir):
    if project_dir is None:
        project_dir = tempfile.mkdtemp(prefix="cs-workbook-server-")
        atexit.register(shutil.rmtree, project_dir, ignore_errors=True)
    project = Path(project_dir)
    (project / "static" / "js").mkdir(parents=True, exist_ok=True)
    (project / "static" / "js" / "auth.js").write_text(_AUTH_JS, encoding="utf-8")
    os.environ["XLWINGS_PROJECT_DIR"] = str(project)
    os.environ["XLWINGS_FUNCTIONS_NAMESPACE"] = NAMESPACE
    os.environ.setdefault("XLWINGS_PROJECT_NAME", "cs-workbook")
    os.environ.setdefault("XLWINGS_ENVIRONMENT", "prod")
    os.environ.setdefault("XLWINGS_ENABLE_EXAMPLES", "false")
    os.environ.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")  # no streaming functions
    os.environ.setdefault("XLWINGS_ENABLE_HOTRELOAD", "false")
    existing = sys.modules.get("custom_functions")
    if existing is not None and getattr(existing, "__name__", "") != _MODULE_NAME:
        raise ServerUnavailable("another 'custom_functions' module is already loaded")
    sys.modules["custom_functions"] = existing or officejs_module()
    sys.modules.setdefault("custom_scripts", types.ModuleType("custom_scripts"))
    _register_officejs_engine()
    if importlib.util.find_spec("pyodide") is None:
        # xlwings 0.36.7–0.37.8 tries `from pyodide.ffi import JsNull` per argument; a None
        # entry makes that failed import cost ~5 µs instead of a ~40 µs sys.path scan.
        sys.modules.setdefault("pyodide", None)
    # xlwings Server reads its settings when its package is first imported; if something
    # imported it before the variables above were set, load it again with them.
    for name in [m for m in sys.modules if m == "xlwings_server" or m.startswith("xlwings_server.")]:
        del sys.modules[name]
    from xlwings_server import main

    return main.main_app


def _register_officejs_engine():
    """xlwings registers its Office.js engine at import time, and only if a licence key was
    set by then; the key may have been set later (e.g. by `serve`), so register it now."""
    import xlwings
    from xlwings.main import Engine
    from xlwings.pro import _xlofficejs  # validates the licence key

    if "officejs" not in [e.name for e in xlwings.engines]:
        xlwings.engines.add(Engine(impl=_xlofficejs.engine))


class _Gate:
    """ASGI layer: token check on function calls; the caller's date order for date text."""

    def __init__(self, app, token):
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].endswith(CALL_PATH):
            return await self.app(scope, receive, send)
        if self.token and not self._authorised(scope):
            return await _plain(send, 401, "cs-workbook: missing or wrong token")
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            fmt = json.loads(body).get("date_format")
        except (ValueError, AttributeError):
            fmt = None
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        with date_order(date_order_from_format(fmt) if isinstance(fmt, str) else None):
            return await self.app(scope, replay, send)

    def _authorised(self, scope) -> bool:
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"authorization", b"").decode("latin-1").strip()
        if given.lower().startswith("bearer "):
            given = given[7:].strip()
        return secrets.compare_digest(given.encode(), self.token.encode())


async def _plain(send, status, text):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": text.encode()})


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          ssl_certfile: str | None = None, ssl_keyfile: str | None = None) -> None:
    """Run the Office.js server (blocking). A token is required unless bound to loopback."""
    if not is_loopback(host) and not token:
        raise ServerUnavailable(f"--token is required when binding to {host} (not 127.0.0.1)")
    app = create_app(token)
    import uvicorn

    scheme = "https" if ssl_certfile and ssl_keyfile else "http"
    print(f"cs-workbook: Excel functions =CS.…( ) on {scheme}://{host}:{port}"
          f" — manifest: {scheme}://{host}:{port}/manifest")
    if scheme == "http":
        print("cs-workbook: no certificate given; Office.js add-ins need HTTPS "
              "(see docs/excel-setup.md: --ssl-certfile/--ssl-keyfile)")
    uvicorn.run(app, host=host, port=port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
                log_level="info")
