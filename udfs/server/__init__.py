"""Office.js custom functions: our ``CS_*`` functions served by xlwings Server under ``CS``.

xlwings Server (PyPI ``xlwings-server``, the ``server`` extra) is a complete add-in host —
manifest, task pane, the custom-functions JavaScript, ``/xlwings/custom-functions-meta`` and
``/xlwings/custom-functions-call`` — configured by ``XLWINGS_*`` environment variables and a
project directory whose ``custom_functions`` module it imports. :func:`create_app` plugs ours
in without a project on disk: it registers :func:`officejs_module` as ``custom_functions``,
sets the manifest namespace to ``CS`` (so Excel shows ``=CS.HEALTH_SCORE(…)``) and wraps the
app in a small ASGI layer (:class:`.gate.Gate`): the token on every route but the public GETs
the add-in loads first, a request-size limit (413), every function call parsed and checked
before xlwings Server sees it (400 with a message the add-in shows, instead of a 500 it
retries), and the caller's date order. Calls of our functions are answered by
:class:`.fast.FastCalls` — the same bytes as xlwings Server's route without FastAPI's
per-request machinery — single cells inline, ranges in a worker thread, so single cells are
answered while a whole column computes.

The modules, in the order a request meets them: :mod:`.gate` (the ASGI layer), :mod:`.calls`
(the shape of a call), :mod:`.fast` (the direct answer), :mod:`.threads` (where a function
runs), :mod:`.host` (xlwings Server with our functions).

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

import ipaddress
import os
import sys

from .._xl import NAMESPACE
from .calls import BadCall, check_call
from .calls import signatures as _signatures
from .fast import FastCalls
from .gate import CALL_PATH, DEFAULT_MAX_REQUEST_MB, PUBLIC_PATHS, PUBLIC_PREFIXES, Gate
from .host import ServerUnavailable, load_xlwings_server, officejs_module, require_extra
from .threads import IN_THREAD as _IN_THREAD
from .threads import INLINE_CELLS as _INLINE_CELLS
from .threads import OWN_LOOP_CELLS as _OWN_LOOP_CELLS
from .threads import off_the_loop as _off_the_loop

__all__ = ["NAMESPACE", "ServerUnavailable", "officejs_module", "create_app", "serve",
           "is_loopback", "PUBLIC_PATHS", "PUBLIC_PREFIXES", "DEFAULT_MAX_REQUEST_MB",
           "check_call", "BadCall", "CALL_PATH", "UVICORN_OPTIONS"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, ``127.0.0.1``, ``::1``)."""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_APP = None


def create_app(token: str | None = None, project_dir: str | os.PathLike | None = None,
               max_request_mb: float = DEFAULT_MAX_REQUEST_MB, fast_calls: bool = True):
    """The ASGI app: xlwings Server with our functions, behind our layer (:class:`.gate.Gate`).

    Parameters
    ----------
    token : str, optional
        When set, every route but the public GETs needs ``Authorization: Bearer <token>``.
    project_dir : path, optional
        xlwings Server's project directory (a temporary one by default).
    max_request_mb : float
        Request-size limit; larger bodies are answered 413.
    fast_calls : bool
        Answer calls of our functions with :class:`.fast.FastCalls` (the same bytes as
        xlwings Server's route, less CPU); False sends every call through the route.

    Notes
    -----
    xlwings Server reads its settings once per process, so the first call decides them.
    """
    global _APP
    require_extra()
    if not max_request_mb > 0:
        raise ServerUnavailable(f"--max-request-mb must be positive, not {max_request_mb}")
    if _APP is None:
        _APP = load_xlwings_server(project_dir)
    module = sys.modules["custom_functions"]
    fast = FastCalls.for_app(_APP, module) if fast_calls else None
    return Gate(_APP, token, max_request_mb, _signatures(module), fast)


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          ssl_certfile: str | None = None, ssl_keyfile: str | None = None,
          max_request_mb: float = DEFAULT_MAX_REQUEST_MB, access_log: bool = False) -> None:
    """Run the Office.js server (blocking). A token is required unless bound to loopback;
    ``access_log`` logs every request (uvicorn's access log, off by default)."""
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
                log_level="info", **{**UVICORN_OPTIONS, "access_log": access_log})


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
#: * ``access_log``: off (``serve --access-log`` turns it on). uvicorn's access log writes a
#:   line per request: 0.44 → 0.52–0.58 ms of server CPU per 1×1 call, written to a file
#:   (20 clients, 4,000 calls, twice each); errors are still logged.
#: * ``http``, ``loop``: uvicorn's "auto" picks httptools and uvloop, which xlwings Server
#:   installs (uvicorn[standard]); bench/server_load.py prints which ones ran.
#: * no ``limit_concurrency``: above it uvicorn answers 503, which the add-in retries up to
#:   three times — more load, not less; requests queue instead and the client's timeout
#:   (300 s) bounds the wait.
UVICORN_OPTIONS = {"backlog": 2048, "timeout_keep_alive": 75, "access_log": False}
