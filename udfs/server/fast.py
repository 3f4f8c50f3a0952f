"""Custom-functions calls of our functions answered without FastAPI: the answer xlwings
Server's route gives — status, headers, body, byte for byte — at a fraction of the CPU.

Measured on a 1×1 call (bench/server_load.py, cProfile): FastAPI's routing, dependency
injection (two generator dependencies, each a hop to the thread pool and back), xlwings
Server's security-headers middleware (Starlette's ``BaseHTTPMiddleware``, which streams the
answer through a memory channel) and xlwings' generic call machinery (``inspect.signature``
and ``get_type_hints`` per call) were ~90 % of the server's CPU per call; our function ~5 %.
:class:`FastCalls` keeps the parts that decide the answer and calls them directly: xlwings'
own argument reader (``xlwings.conversion.read``) and result writer (the Office.js
``convert``), the same JSON encoding as FastAPI's (``jsonable_encoder`` + Starlette's
``JSONResponse.render``), xlwings Server's security and custom headers, and its own CORS
middleware instance (copied, so its settings are the ones xlwings Server uses).

It answers only what it can answer exactly as the route would (:meth:`FastCalls.answer`
returns False otherwise and the call goes the usual way): no xlwings Server authentication
providers, a plain function of ours (no required roles, varargs, injected arguments,
streaming or object handles), an Office.js client, and a result or a user error
(``XlwingsError``: 400 with its text) — any other exception is left to the route, which
runs the (pure) function again and gives its own 500. tests/udfs/test_fast_calls.py proves
the equality over every function, argument shapes, errors, dates and both runtimes. One
deliberate difference, outside the answer: the route's per-call "Function … called" line is
logged at DEBUG, not INFO (a console write per call cost more than the rest of the call).
"""

from __future__ import annotations

import copy
import inspect
import json
import logging
import math
import typing

__all__ = ["FastCalls"]

_ROUTE_LOG = logging.getLogger("xlwings_server.routers.xlwings")
_ERROR_LOG = logging.getLogger("xlwings_server.main")
#: Stands for the body's length in the header templates (replaced per answer).
_LENGTH = b"<content-length>"
#: Key of the ready answer in the ASGI scope handed to the CORS middleware.
_ANSWER = "cs_workbook.answer"


class _NotHere(Exception):
    """The call must go through xlwings Server's route."""


def _scalar(arg):
    """A 1×1 argument as its cell, a one-row argument as that row (as xlwings reads them)."""
    if isinstance(arg, (list, tuple)) and len(arg) == 1:
        first = arg[0]
        if isinstance(first, (list, tuple)) and len(first) == 1:
            return first[0]
        return first
    return arg


def _plain_cell(value) -> bool:
    """A value xlwings writes to a cell as it is: a finite float, an int or bool, text that
    is not an error value (``#…``). Anything else goes through xlwings' writer."""
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    if kind is str:
        return not value.startswith("#")
    return kind is int or kind is bool


class FastCalls:
    """Answers custom-functions calls directly (see the module docs); build with :meth:`for_app`."""

    def __init__(self, main_app, module, settings):
        from fastapi.encoders import jsonable_encoder
        from starlette.datastructures import MutableHeaders
        from xlwings import WithScript, XlwingsError, __version__, conversion
        from xlwings.server import Caller
        from xlwings_server.models import CurrentUser
        from xlwings.pro.udfs_officejs import convert
        from xlwings_server.object_handles import CONVERTER_KEYS, XlwingsOperationalError
        from xlwings_server.security_headers import resolve_security_headers

        self.module, self.version = module, __version__
        self._read, self._convert, self._encode = conversion.read, convert, jsonable_encoder
        self._user_error = XlwingsError
        self._not_user_errors = (XlwingsOperationalError,
                                 getattr(__import__("xlwings"), "ObjectCacheMissError", ()))
        self._handle_keys = frozenset(CONVERTER_KEYS)
        self._plain: dict = {}
        self._injected, self._with_script = {CurrentUser, Caller}, WithScript
        # xlwings Server's security-headers middleware, once: its values depend on settings
        extra = {}
        if not settings.add_security_headers and settings.environment == "dev":
            extra["Cache-Control"] = "no-store, max-age=0"
        if settings.add_security_headers:
            extra.update(resolve_security_headers(excel_online=settings.enable_excel_online,
                                                  cdn_officejs=settings.cdn_officejs))
        extra.update(settings.custom_headers)
        self._headers = {}  # content type → the answer's headers (as the middleware sets them)
        for media in (b"application/json", b"text/plain; charset=utf-8"):
            headers = MutableHeaders(raw=[(b"content-length", _LENGTH), (b"content-type", media)])
            for name, value in extra.items():
                headers[name] = value
            self._headers[media] = list(headers.raw)
        self._cors = copy.copy(main_app)
        self._cors.app = self._send_answer

    @classmethod
    def for_app(cls, main_app, module):
        """A :class:`FastCalls` for xlwings Server's ``main_app``, or None when its set-up
        (authentication providers, Socket.IO, no CORS middleware outermost) rules it out."""
        from starlette.middleware.cors import CORSMiddleware
        from xlwings_server import main
        from xlwings_server.config import settings

        if settings.auth_providers or not isinstance(main_app, CORSMiddleware) \
                or main_app.app is not main.app:
            return None
        return cls(main_app, module, settings)

    def _is_plain(self, fn) -> bool:
        """Whether the route would call ``fn`` with just the call's arguments."""
        known = self._plain.get(fn)
        if known is None:
            xlf = fn.__xlfunc__
            known = self._plain[fn] = (
                not xlf.get("required_roles") and not self._injects(fn)
                and not any(a.get("vararg") for a in xlf["args"])
                and xlf["ret"]["options"].get("convert") not in self._handle_keys
                and not inspect.isasyncgenfunction(fn))
        return known

    def _injects(self, fn) -> bool:
        """Whether an argument of ``fn`` is one the route fills in (the user, the caller)."""
        try:
            hints = typing.get_type_hints(fn)
        except Exception:
            return True
        hints.pop("return", None)
        return any(h in self._injected or set(typing.get_args(h)) & self._injected
                   for h in hints.values())

    async def answer(self, data: dict, scope, receive, send) -> bool:
        """Answer the (checked) call ``data``; False, having sent nothing, if the route must."""
        answer = await self.result(data)
        if answer is None:
            return False
        await self.send(scope, receive, send, *answer)
        return True

    async def result(self, data: dict) -> tuple[int, bytes, bytes] | None:
        """(status, content type, body) of the route's answer to ``data``, or None when only
        the route can tell."""
        try:
            return await self._result(data)
        except _NotHere:
            return None

    async def _result(self, data: dict) -> tuple[int, bytes, bytes]:
        fn = getattr(self.module, data["func_name"], None)
        if fn is None or not self._is_plain(fn) or (
                data["client"] != "Office.js" and data["version"] != self.version):
            raise _NotHere
        xlf = fn.__xlfunc__
        # The route logs this line at INFO: one write to the console per call, more CPU than
        # the rest of a 1×1 call; here it is DEBUG (XLWINGS_LOG_LEVEL=DEBUG shows it).
        _ROUTE_LOG.debug('Function "%s" called by Anonymous', data["func_name"])
        try:
            args = []
            for info, arg in zip(xlf["args"], data["args"]):
                value = _scalar(arg)
                args.append(info.get("optional") if value is None else
                            self._read(None, value, info["options"], engine_name="officejs"))
            ret = fn(*args)
            if inspect.isawaitable(ret):
                ret = await ret
            if isinstance(ret, self._with_script):
                raise _NotHere
            if _plain_cell(ret) and not xlf["ret"]["options"]:
                # what xlwings' Office.js writer and FastAPI's encoder make of such a value
                content = {"result": [[ret]]}
            else:
                content = self._encode({"result": await self._convert(ret, xlf["ret"], data)})
            return 200, b"application/json", json.dumps(
                content, ensure_ascii=False, allow_nan=False, indent=None,
                separators=(",", ":")).encode("utf-8")
        except _NotHere:
            raise
        except Exception as exc:
            if not isinstance(exc, self._user_error) or isinstance(exc, self._not_user_errors):
                raise _NotHere from exc
            _ERROR_LOG.error(exc)  # as xlwings Server's XlwingsError handler: 400, the text
            return 400, b"text/plain; charset=utf-8", str(exc).encode("utf-8")

    async def send(self, scope, receive, send, status: int, media: bytes, body: bytes):
        """Send an answer with the headers the route's middleware would add."""
        length = str(len(body)).encode("latin-1")
        headers = [(k, length if v is _LENGTH else v) for k, v in self._headers[media]]
        scope = dict(scope)
        scope[_ANSWER] = (status, headers, body)
        await self._cors(scope, receive, send)

    @staticmethod
    async def _send_answer(scope, receive, send):
        status, headers, body = scope[_ANSWER]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
