"""Office.js custom functions: our ``CS_*`` functions served by xlwings Server under ``CS``.

xlwings Server (PyPI ``xlwings-server``, the ``server`` extra) is a complete add-in host —
manifest, task pane, the custom-functions JavaScript, ``/xlwings/custom-functions-meta`` and
``/xlwings/custom-functions-call`` — configured by ``XLWINGS_*`` environment variables and a
project directory whose ``custom_functions`` module it imports. :func:`create_app` plugs ours
in without a project on disk: it registers :func:`officejs_module` as ``custom_functions``,
sets the manifest namespace to ``CS`` (so Excel shows ``=CS.HEALTH_SCORE(…)``) and wraps the
app in a small ASGI layer (:class:`_Gate`): the token on every route but the public GETs the
add-in loads first, a request-size limit (413), every function call parsed and checked before
xlwings Server sees it (400 with a message the add-in shows, instead of a 500 it retries), and
the caller's date order. Range calls run off the server's event loop (in a worker thread, the
largest on a loop of their own), so single cells are answered while a whole column computes.

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

import asyncio
import atexit
import contextvars
import functools
import importlib.util
import ipaddress
import json
import math
import os
import secrets
import shutil
import sys
import tempfile
import types
from pathlib import Path

from ._xl import NAMESPACE, namespaced
from .coerce import date_order, date_order_from_format

__all__ = ["NAMESPACE", "ServerUnavailable", "officejs_module", "create_app", "serve",
           "is_loopback", "PUBLIC_PATHS", "DEFAULT_MAX_REQUEST_MB", "check_call"]

CALL_PATH = "/xlwings/custom-functions-call"
#: Default request-size limit. A 100,000-row × 5-column call of realistic values (numbers,
#: status words, account names, dates) is 4.5–6.3 MB of JSON; 32 MB leaves a 5× margin and
#: still admits a full-column (1,048,576-row) call of two numeric columns (~16 MB).
DEFAULT_MAX_REQUEST_MB = 32.0
#: GET/HEAD routes the Excel add-in loads before it can send the token (manifest, task pane,
#: the custom-functions metadata and JavaScript Excel fetches itself, xlwings' alert dialog,
#: static files). Everything else — every POST, every call route, any route added later —
#: needs the token when one is set.
PUBLIC_PATHS = frozenset({
    "/", "/favicon.ico", "/manifest", "/manifest.xml", "/manifest/download",
    "/taskpane", "/taskpane.html", "/xlwings/alert",
    "/xlwings/custom-functions-meta", "/xlwings/custom-functions-meta.json",
    "/xlwings/custom-functions-code", "/xlwings/custom-functions-code.js",
    "/xlwings/custom-scripts-meta", "/xlwings/custom-scripts-meta.json",
})
PUBLIC_PREFIXES = ("/static/",)
#: Bodies above this size are parsed and checked in a worker thread, off the event loop.
_PARSE_IN_THREAD = 256 * 1024
#: How deep an entity cell ({"type": …, "properties": {…}}) may nest.
_MAX_CELL_DEPTH = 16
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


#: Set by :class:`_Gate` for calls of more than :data:`_INLINE_CELLS` cells: the function then
#: runs in a worker thread. A 1×1 call runs inline: its function takes microseconds, less
#: than the hop to a thread and back (measured by bench/server_load.py).
_IN_THREAD = contextvars.ContextVar("cs_workbook_in_thread", default=True)
_INLINE_CELLS = 1000
#: Calls of more cells than this are handled whole — xlwings Server's JSON parsing, argument
#: and result conversion, our function, the JSON answer — on an event loop of their own in a
#: worker thread: for a 1,048,576-row call those steps around the function take seconds,
#: which would otherwise hold up every other request on the server's loop.
_OWN_LOOP_CELLS = 20_000


def _off_the_loop(fn):
    """``fn`` as a coroutine function that runs it in a worker thread (inline for small calls).

    xlwings' ``custom_functions_call`` awaits coroutine functions and calls plain ones
    inline, i.e. on the event loop, where a 1,048,576-row call held up every other request
    for seconds. Context variables (the caller's date order) follow into the thread.
    """
    import anyio.to_thread

    @functools.wraps(fn)
    async def call(*args):
        if not _IN_THREAD.get():
            return fn(*args)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args))

    return call


def _threaded_module(module: types.ModuleType) -> types.ModuleType:
    threaded = types.ModuleType(module.__name__, module.__doc__)
    for name, fn in vars(module).items():
        if hasattr(fn, "__xlfunc__"):
            setattr(threaded, name, _off_the_loop(fn))
    return threaded


def _signatures(module) -> dict:
    """func_name → (required argument count, argument names) of every served function."""
    sigs = {}
    for name, fn in vars(module).items():
        xlf = getattr(fn, "__xlfunc__", None)
        if xlf is not None and not name.startswith("_"):
            names = tuple(a["name"] for a in xlf["args"])
            sigs[name] = (sum("optional" not in a for a in xlf["args"]), names)
    return sigs


class BadCall(ValueError):
    """A malformed custom-functions call: answered 400 with the message."""


def _parse_call(body: bytes, signatures: dict) -> tuple[dict, int]:
    if not body.strip():
        raise BadCall("empty request body: expected a JSON custom-functions call")
    try:
        data = json.loads(body)
    except RecursionError:
        raise BadCall("invalid request: JSON nested too deeply") from None
    except ValueError as exc:
        raise BadCall(f"invalid JSON: {exc}") from None
    return data, check_call(data, signatures)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_call(data, signatures: dict) -> int:
    """Raise :class:`BadCall` unless ``data`` is a well-formed call of a served function;
    return its number of cells.

    The shape the xlwings custom-functions JavaScript sends: an object with ``client``,
    ``func_name``, ``args`` (one entry per parameter: ``null`` or a non-empty rectangular
    2-D array of cells), ``version`` and ``runtime`` (a number as text, e.g. "1.4").
    """
    if not isinstance(data, dict):
        raise BadCall("invalid request: the body must be a JSON object")
    for key in ("func_name", "args", "version", "runtime", "client"):
        if key not in data:
            raise BadCall(f"invalid request: missing '{key}'")
    name = data["func_name"]
    if not isinstance(name, str) or name not in signatures:
        raise BadCall(f"unknown function {_short(name)}")
    for key in ("version", "client"):
        if not isinstance(data[key], str):
            raise BadCall(f"invalid request: '{key}' must be text")
    runtime = data["runtime"]
    try:
        ok = isinstance(runtime, str) and math.isfinite(float(runtime))
    except ValueError:
        ok = False
    if not ok:
        raise BadCall(f"invalid request: 'runtime' must be a version number such as \"1.4\", "
                      f"not {_short(runtime)}")
    for key in ("caller_address", "date_format", "culture_info_name", "session_id"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise BadCall(f"invalid request: '{key}' must be text or null")
    args = data["args"]
    if not isinstance(args, list):
        raise BadCall("invalid request: 'args' must be a list (one entry per argument)")
    required, names = signatures[name]
    if not required <= len(args) <= len(names):
        count = str(required) if required == len(names) else f"{required} to {len(names)}"
        noun = "argument" if count == "1" else "arguments"
        raise BadCall(f"{name} takes {count} {noun} ({', '.join(names)}), got {len(args)}")
    cells = 0
    for param, arg in zip(names, args):
        if arg is not None:
            problem = _matrix_problem(arg)
            if problem:
                raise BadCall(f"{name}: argument '{param}' {problem}")
            cells += len(arg) * len(arg[0])
    return cells


def _matrix_problem(arg) -> str | None:
    if type(arg) is not list or not arg:
        return "is not a 2-D array of cells (a list of rows)"
    width = -1
    for row in arg:
        if type(row) is not list:
            return "is not a 2-D array of cells (a list of rows)"
        if len(row) != width:
            if width != -1:
                return (f"is not rectangular: rows of {width} and {len(row)} cells")
            width = len(row)
            if not width:
                return "has an empty row"
        types_ = set(map(type, row))
        if list in types_:
            return "has a cell that is itself an array (nested deeper than 2-D)"
        if dict in types_ and any(_too_deep(c) for c in row if type(c) is dict):
            return f"has a cell value nested more than {_MAX_CELL_DEPTH} levels deep"
    return None


def _too_deep(value, depth=0) -> bool:
    if depth > _MAX_CELL_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_too_deep(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_too_deep(v, depth + 1) for v in value)
    return False


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


def create_app(token: str | None = None, project_dir: str | os.PathLike | None = None,
               max_request_mb: float = DEFAULT_MAX_REQUEST_MB):
    """The ASGI app: xlwings Server with our functions, behind our layer (:class:`_Gate`):
    the token, a request-size limit of ``max_request_mb`` (413 above it), the shape of every
    function call (400 with the message), and the caller's date order.

    xlwings Server reads its settings once per process, so the first call decides them.
    """
    global _APP
    _require_extra()
    if not max_request_mb > 0:
        raise ServerUnavailable(f"--max-request-mb must be positive, not {max_request_mb}")
    if _APP is None:
        _APP = _load_xlwings_server(project_dir)
    return _Gate(_APP, token, max_request_mb, _signatures(sys.modules["custom_functions"]))


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
    sys.modules["custom_functions"] = existing or _threaded_module(officejs_module())
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
    """ASGI layer in front of xlwings Server.

    * the token (when set) on every route but the public GETs the add-in loads first;
    * a request-size limit: 413 from the Content-Length, or while a chunked body streams in;
    * function calls parsed and checked once here: a malformed call is answered 400 with a
      message the add-in shows in the cell (xlwings' client retries 5xx, not 4xx) before
      xlwings Server sees it;
    * the caller's date order for date text (from the call's ``date_format``).
    """

    def __init__(self, app, token, max_request_mb: float, signatures: dict):
        self.app, self.token, self.signatures = app, token, signatures
        self.max_mb, self.max_bytes = max_request_mb, int(max_request_mb * 2**20)

    async def __call__(self, scope, receive, send):
        kind = scope["type"]
        if kind == "websocket" and self.token and not self._authorised(scope):
            return await send({"type": "websocket.close", "code": 1008})
        if kind != "http":
            return await self.app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        public = method in ("GET", "HEAD") and (
            path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES))
        if self.token and not public and not self._authorised(scope):
            return await _reply(send, 401, "cs-workbook: missing or wrong token")
        if method in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)

        body = await self._read_body(scope, receive)
        if body is None:
            return await _reply(send, 413, f"cs-workbook: request larger than the server's "
                                           f"limit of {self.max_mb:g} MB "
                                           f"(cs-workbook serve --max-request-mb)")
        order, cells = None, 0
        if path == CALL_PATH:
            try:
                if len(body) > _PARSE_IN_THREAD:
                    import anyio.to_thread

                    data, cells = await anyio.to_thread.run_sync(
                        _parse_call, body, self.signatures)
                else:
                    data, cells = _parse_call(body, self.signatures)
            except BadCall as exc:
                return await _reply(send, 400, str(exc))
            fmt = data.get("date_format")
            order = date_order_from_format(fmt) if isinstance(fmt, str) else None
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        if cells > _OWN_LOOP_CELLS:
            return await self._on_own_loop(scope, body, order, send)
        token = _IN_THREAD.set(cells > _INLINE_CELLS)
        try:
            with date_order(order):
                return await self.app(scope, replay, send)
        finally:
            _IN_THREAD.reset(token)

    async def _on_own_loop(self, scope, body, order, send):
        """Run the app on one request in a worker thread with its own event loop; the
        response is collected there and sent from here."""
        import anyio.to_thread

        messages = []

        def run():
            async def receive():
                nonlocal body
                if body is None:  # asked again (disconnect watch): never, within this call
                    await asyncio.Event().wait()
                message = {"type": "http.request", "body": body, "more_body": False}
                body = None
                return message

            async def collect(message):
                messages.append(message)

            async def handle():
                token = _IN_THREAD.set(False)  # already off the server's loop
                try:
                    with date_order(order):
                        await self.app(scope, receive, collect)
                finally:
                    _IN_THREAD.reset(token)

            asyncio.run(handle())

        try:
            await anyio.to_thread.run_sync(run)
        finally:
            # an unhandled error: Starlette has collected its 500 answer, then re-raised
            for message in messages:
                await send(message)

    async def _read_body(self, scope, receive) -> bytes | None:
        """The request body, or None as soon as it is known to exceed the limit."""
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                try:
                    if int(value) > self.max_bytes:
                        return None
                except ValueError:
                    pass
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def _authorised(self, scope) -> bool:
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"authorization", b"").decode("latin-1").strip()
        if given.lower().startswith("bearer "):
            given = given[7:].strip()
        return secrets.compare_digest(given.encode(), self.token.encode())


async def _reply(send, status, text):
    """``{"detail": text}``: xlwings' custom-functions client shows ``detail`` in the cell."""
    headers = [(b"content-type", b"application/json")]
    if status == 413:  # the rest of the body is not read: do not reuse the connection
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps({"detail": text}).encode()})


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          ssl_certfile: str | None = None, ssl_keyfile: str | None = None,
          max_request_mb: float = DEFAULT_MAX_REQUEST_MB) -> None:
    """Run the Office.js server (blocking). A token is required unless bound to loopback."""
    if not is_loopback(host) and not token:
        raise ServerUnavailable(f"--token is required when binding to {host} (not 127.0.0.1)")
    app = create_app(token, max_request_mb=max_request_mb)
    import uvicorn

    scheme = "https" if ssl_certfile and ssl_keyfile else "http"
    print(f"cs-workbook: Excel functions =CS.…( ) on {scheme}://{host}:{port}"
          f" — manifest: {scheme}://{host}:{port}/manifest")
    if scheme == "http":
        print("cs-workbook: no certificate given; Office.js add-ins need HTTPS "
              "(see docs/excel-setup.md: --ssl-certfile/--ssl-keyfile)")
    uvicorn.run(app, host=host, port=port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
                log_level="info", **UVICORN_OPTIONS)


#: uvicorn settings of `serve` (bench/server_load.py measures them):
#: * ``backlog``: connections the kernel queues before uvicorn accepts them. xlwings' client
#:   queues up to 1,000 calls per workbook but the browser runtime opens only a handful of
#:   connections per server, so 2048 (uvicorn's default, stated so it does not depend on
#:   it) holds hundreds of Excel sessions connecting at once; 200 clients connected
#:   together in bench/server_load.py without a refused connection.
#: * ``timeout_keep_alive``: uvicorn closes an idle connection after 5 s by default. When the
#:   server is busy, that timer can fire after the client has sent its next request on the
#:   connection but before uvicorn read it, and the client sees the connection dropped
#:   (ReadError at 200 clients in bench/server_load.py). 75 s, longer than the client keeps
#:   an idle connection, avoids the race.
#: * no ``limit_concurrency``: above it uvicorn answers 503, which the add-in retries up to
#:   three times — more load, not less; requests queue instead and the client's timeout
#:   (300 s) bounds the wait.
UVICORN_OPTIONS = {"backlog": 2048, "timeout_keep_alive": 75}
