"""The ASGI layer in front of xlwings Server: the token, the request-size limit, every call
checked (400) and answered by the fastest path that gives the same answer."""

from __future__ import annotations

import asyncio
import functools
import json
import secrets

from ..coerce import date_order, date_order_from_format
from .calls import BadCall, parse_call
from .fast import FastCalls
from .threads import IN_THREAD, INLINE_CELLS, OWN_LOOP_CELLS

__all__ = ["Gate", "CALL_PATH", "PUBLIC_PATHS", "PUBLIC_PREFIXES", "DEFAULT_MAX_REQUEST_MB"]

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


#: The date order of a short-date pattern ("M/d/yyyy", "TT.MM.JJJJ"): a client sends the same
#: one with every call.
_date_order_of = functools.lru_cache(maxsize=256)(date_order_from_format)


class Gate:
    """ASGI layer in front of xlwings Server.

    * the token (when set) on every route but the public GETs the add-in loads first;
    * a request-size limit: 413 from the Content-Length, or while a chunked body streams in;
    * function calls parsed and checked once here: a malformed call is answered 400 with a
      message the add-in shows in the cell (xlwings' client retries 5xx, not 4xx) before
      xlwings Server sees it;
    * a call of ours answered by :class:`~.fast.FastCalls` (``fast``; same bytes as xlwings
      Server's route): inline on the event loop up to :data:`~.threads.INLINE_CELLS` cells,
      whole in a worker thread above; any other call goes through xlwings Server, the
      function in a worker thread, above :data:`~.threads.OWN_LOOP_CELLS` cells the whole
      request on a loop of its own in a worker thread;
    * the caller's date order for date text (from the call's ``date_format``).
    """

    def __init__(self, app, token, max_request_mb: float, signatures: dict,
                 fast: FastCalls | None = None):
        self.app, self.token, self.signatures, self.fast = app, token, signatures, fast
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
                        parse_call, body, self.signatures)
                else:
                    data, cells = parse_call(body, self.signatures)
            except BadCall as exc:
                return await _reply(send, 400, str(exc))
            fmt = data.get("date_format")
            order = _date_order_of(fmt) if isinstance(fmt, str) else None
            if self.fast is not None and await self._answer_fast(
                    data, cells, order, scope, receive, send):
                return
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        if cells > OWN_LOOP_CELLS:
            return await self._on_own_loop(scope, body, order, send)
        token = IN_THREAD.set(cells > INLINE_CELLS)
        try:
            with date_order(order):
                return await self.app(scope, replay, send)
        finally:
            IN_THREAD.reset(token)

    async def _answer_fast(self, data, cells, order, scope, receive, send) -> bool:
        if cells <= INLINE_CELLS:
            token = IN_THREAD.set(False)
            try:
                with date_order(order):
                    return await self.fast.answer(data, scope, receive, send)
            finally:
                IN_THREAD.reset(token)
        import anyio.to_thread

        answer = await anyio.to_thread.run_sync(self._fast_result, data, order)
        if answer is None:
            return False
        await self.fast.send(scope, receive, send, *answer)
        return True

    def _fast_result(self, data, order):
        """:meth:`FastCalls.result` on a loop of its own (in a worker thread), or None."""
        async def result():
            token = IN_THREAD.set(False)  # already off the server's loop
            try:
                with date_order(order):
                    return await self.fast.result(data)
            finally:
                IN_THREAD.reset(token)

        return asyncio.run(result())

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
                token = IN_THREAD.set(False)  # already off the server's loop
                try:
                    with date_order(order):
                        await self.app(scope, receive, collect)
                finally:
                    IN_THREAD.reset(token)

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
