"""``cs-workbook serve`` hardening (issue #10, server part): malformed calls answered 400 with
a message (never 500, which the add-in retries), a request-size limit (413), functions run off
the event loop, and the token on every route but the public GETs the add-in loads first.

In-process (Starlette's TestClient and raw ASGI calls); no timing assertions — speed is
measured by ``bench/server_load.py``. Licence: xlwings PRO code under the ``noncommercial``
key, set here.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import inspect
import json
import os
import sys

import pytest
from cs_workbook.udfs import server

if importlib.util.find_spec("xlwings_server") is None:
    pytest.skip("needs the 'server' extra", allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

CALL = "/xlwings/custom-functions-call"
TOKEN = "s3cret"


@pytest.fixture(scope="module")
def licence():
    saved = dict(os.environ)
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def client(licence):
    from fastapi.testclient import TestClient

    with TestClient(server.create_app(), raise_server_exceptions=False) as c:
        yield c


def payload(func="CS_TTV_GOAL", args=None, **extra):
    body = {"client": "Office.js", "func_name": func,
            "args": [[["engage"]]] if args is None else args,
            "caller_address": "[Book1]Sheet1!A1", "session_id": "s", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy", "version": "0.37.8", "runtime": "1.4"}
    body.update(extra)
    return body


def detail(r) -> str:
    return r.json()["detail"]


# -- 1. malformed calls: 400 with a message ---------------------------------------------------

def test_a_good_call_still_works(client):
    r = client.post(CALL, json=payload())
    assert r.status_code == 200 and r.json() == {"result": [[14]]}


def _without(key):
    body = payload()
    del body[key]
    return json.dumps(body)


def _nested(levels):
    return json.dumps(payload(args="@")).replace('"@"', "[" * levels + "1" + "]" * levels)


BAD = {
    "empty body": ("", "empty request body"),
    "blank body": ("  \n", "empty request body"),
    "invalid JSON": ('{"func_name": "CS_DAYS", ', "invalid JSON"),
    "not UTF-8": (b"\xff\xfe{", "invalid JSON"),
    "not an object": ("[1, 2]", "must be a JSON object"),
    "null": ("null", "must be a JSON object"),
    "missing func_name": (_without("func_name"), "missing 'func_name'"),
    "missing args": (_without("args"), "missing 'args'"),
    "missing version": (_without("version"), "missing 'version'"),
    "missing runtime": (_without("runtime"), "missing 'runtime'"),
    "missing client": (_without("client"), "missing 'client'"),
    "unknown function": (json.dumps(payload("CS_NOPE")), "unknown function 'CS_NOPE'"),
    "dunder class": (json.dumps(payload("__class__")), "unknown function '__class__'"),
    "dunder import": (json.dumps(payload("__import__")), "unknown function '__import__'"),
    "dunder dict": (json.dumps(payload("__dict__")), "unknown function"),
    "module attribute": (json.dumps(payload("__name__")), "unknown function"),
    "func_name not text": (json.dumps(payload(["CS_DAYS"])), "unknown function"),
    "args not a list": (json.dumps(payload(args={"a": 1})), "'args' must be a list"),
    "args a string": (json.dumps(payload(args="engage")), "'args' must be a list"),
    "too many args": (json.dumps(payload(args=[[[1]], [[2]], [[3]]])), "CS_TTV_GOAL takes 1 to 2 "
                      "arguments ("),
    "too few args": (json.dumps(payload("CS_DAYS", [[[1]]])),
                     "CS_DAYS takes 2 arguments (start_date, end_date), got 1"),
    "scalar arg": (json.dumps(payload(args=["engage"])), "not a 2-D array"),
    "1-D arg": (json.dumps(payload(args=[["engage"]])), "not a 2-D array"),
    "empty matrix": (json.dumps(payload(args=[[]])), "not a 2-D array"),
    "empty row": (json.dumps(payload(args=[[[]]])), "empty row"),
    "ragged matrix": (json.dumps(payload("CS_DAYS", [[[1], [2, 3]], [[1], [2]]])),
                      "not rectangular: rows of 1 and 2 cells"),
    "3-D arg": (json.dumps(payload(args=[[[["engage"]]]])), "nested deeper than 2-D"),
    "nested 100 levels": (_nested(100), "nested deeper than 2-D"),
    "nested 1000 levels": (_nested(1000), "nested too deeply"),
    "nested 100000 levels": (_nested(100_000), "nested too deeply"),
    "deep entity cell": (json.dumps(payload(args=[[[{"type": "Entity", "p": "@"}]]])).replace(
        '"@"', '{"a": ' * 40 + "1" + "}" * 40), "nested more than"),
    "runtime not a number": (json.dumps(payload(runtime="latest")), "'runtime' must be"),
    "runtime a number": (json.dumps(payload(runtime=1.4)), "'runtime' must be"),
    "runtime NaN": (json.dumps(payload(runtime="nan")), "'runtime' must be"),
    "version not text": (json.dumps(payload(version=37)), "'version' must be text"),
    "date_format not text": (json.dumps(payload(date_format=5)), "'date_format' must be text"),
    "caller_address not text": (json.dumps(payload(caller_address=[1])), "'caller_address'"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_malformed_call_is_400_with_a_message(client, case):
    body, message = BAD[case]
    r = client.post(CALL, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, (case, r.status_code, r.text[:200])
    assert r.headers["content-type"] == "application/json"
    assert message in detail(r), (case, detail(r))
    assert len(detail(r)) < 300


def test_check_call_accepts_what_the_client_sends(licence):
    sigs = server._signatures(sys.modules["custom_functions"])
    server.check_call(payload(), sigs)
    # optional trailing argument as null, entity/error cells, a wide range
    na = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    server.check_call(payload("CS_HEALTH_SCORE", [[[70]], [["Green"]], [[na]], [[None]], [[""]],
                                                  None]), sigs)
    server.check_call(payload("CS_HEALTH_SCORE", [[[70]], [["Green"]], [[na]], [[None]], [[""]]]),
                      sigs)
    server.check_call(payload("CS_DAYS", [[[1, 2, 3]] * 4, [[1, 2, 3]] * 4],
                              caller_address=None, date_format=None), sigs)


def test_client_shows_detail_and_does_not_retry_4xx(licence):
    # What the add-in does with our answers, read from xlwings Server's own files: the
    # custom-functions client shows `detail` of a JSON error body in the cell, and retries
    # only the configured codes (5xx).
    from xlwings_server.config import PACKAGE_DIR, settings

    js = (PACKAGE_DIR / "static" / "js" / "custom-functions" /
          "custom-functions-code.js").read_text()
    assert "(data && data.detail)" in js
    assert "RETRY_CODES.includes(error.response.status)" in js
    assert not {400, 401, 413} & set(settings.custom_functions_retry_codes)


# -- 2. request-size limit --------------------------------------------------------------------

def _asgi(app, scope_extra, chunks):
    """Run ``app`` on one raw ASGI request; return (status, body, chunks the app read)."""
    sent, read = [], []
    queue = list(chunks)

    async def receive():
        if not queue:
            return {"type": "http.disconnect"}
        chunk = queue.pop(0)
        read.append(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(queue)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": CALL, "raw_path": CALL.encode(),
             "query_string": b"", "headers": [(b"content-type", b"application/json")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8000), "root_path": ""}
    scope.update(scope_extra)
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, read


def test_default_limit_admits_a_100000_row_5_column_call(client):
    n = 100_000
    args = [[[float(i % 97)] for i in range(n)], [["Green"]] * n, [["Yellow"]] * n,
            [["Red"]] * n, [[75.5]] * n, None]
    raw = json.dumps(payload("CS_HEALTH_SCORE", args), separators=(",", ":")).encode()
    assert len(raw) < server.DEFAULT_MAX_REQUEST_MB * 2**20 / 4  # a margin of 4× at least
    r = client.post(CALL, content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 200 and len(r.json()["result"]) == n


def test_content_length_over_the_limit_is_413_before_reading(licence):
    app = server.create_app(max_request_mb=0.001)  # 1,048 bytes
    status, body, read = _asgi(app, {"headers": [(b"content-length", b"5000000")]},
                               [b"x" * 1000] * 5000)
    assert status == 413 and "limit of 0.001 MB" in json.loads(body)["detail"]
    assert read == []  # nothing of the body was read


def test_chunked_body_over_the_limit_is_413_while_streaming(licence):
    app = server.create_app(max_request_mb=0.01)  # 10,485 bytes
    status, body, read = _asgi(app, {}, [b"x" * 1000] * 1000)
    assert status == 413 and "--max-request-mb" in json.loads(body)["detail"]
    assert len(read) == 11  # stopped at the first chunk past the limit


def test_chunked_body_under_the_limit_is_served(licence):
    app = server.create_app(max_request_mb=1)
    raw = json.dumps(payload()).encode()
    status, body, read = _asgi(app, {}, [raw[i:i + 7] for i in range(0, len(raw), 7)])
    assert status == 200 and json.loads(body) == {"result": [[14]]}


def test_limit_applies_to_every_post(licence):
    from fastapi.testclient import TestClient

    with TestClient(server.create_app(max_request_mb=0.001)) as c:
        for path in (CALL, "/xlwings/custom-scripts-call/x"):
            r = c.post(path, content=b"{" + b" " * 2000 + b"}")
            assert r.status_code == 413, path


def test_limit_option_and_parameter(licence):
    import argparse

    from cs_workbook.cli.excel import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    assert parser.parse_args(["serve"]).max_request_mb == server.DEFAULT_MAX_REQUEST_MB
    assert parser.parse_args(["serve", "--max-request-mb", "2.5"]).max_request_mb == 2.5
    assert server.create_app(max_request_mb=2.5).max_bytes == int(2.5 * 2**20)
    with pytest.raises(server.ServerUnavailable, match="positive"):
        server.create_app(max_request_mb=0)
    assert inspect.signature(server.serve).parameters["max_request_mb"].default == \
        server.DEFAULT_MAX_REQUEST_MB


# -- 3. functions off the event loop ----------------------------------------------------------

def test_served_functions_are_coroutines_that_run_in_a_thread(client):

    served = sys.modules["custom_functions"]
    plain = server.officejs_module()  # still plain functions (tests/udfs/test_shapes.py)
    assert set(server._signatures(served)) == set(server._signatures(plain))
    for name in server._signatures(served):
        fn = getattr(served, name)
        assert inspect.iscoroutinefunction(fn), name
        assert not inspect.iscoroutinefunction(getattr(plain, name))
        assert fn.__xlfunc__ == getattr(plain, name).__xlfunc__
        assert inspect.signature(fn) == inspect.signature(getattr(plain, name))



def test_big_calls_run_in_a_worker_thread_small_ones_inline(client, monkeypatch):
    import threading

    served = sys.modules["custom_functions"]
    real = server.officejs_module().CS_TTV_GOAL
    seen = []

    @functools.wraps(real)
    def spy(*args):
        seen.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(served, "CS_TTV_GOAL", server._off_the_loop(spy))
    r = client.post(CALL, json=payload())
    assert r.status_code == 200 and r.json()["result"] == [[14]]
    n = server._INLINE_CELLS + 1
    r = client.post(CALL, json=payload(args=[[["engage"]] * n]))
    assert r.status_code == 200 and r.json()["result"] == [[14]] * n
    assert seen[0] != "AnyIO worker thread"  # 1×1: inline on the event loop
    assert seen[1] == "AnyIO worker thread"
    # outside the server layer (e.g. bench/udfs.py), always in a thread
    asyncio.run(server._off_the_loop(spy)("engage"))
    assert seen[2] == "AnyIO worker thread"


def test_very_big_calls_are_handled_on_a_loop_of_their_own(client, monkeypatch):
    import threading

    served = sys.modules["custom_functions"]
    real = server.officejs_module().CS_DAYS
    seen = []

    @functools.wraps(real)
    def spy(*args):
        seen.append((threading.current_thread().name, server._IN_THREAD.get()))
        return real(*args)

    monkeypatch.setattr(served, "CS_DAYS", server._off_the_loop(spy))
    n = server._OWN_LOOP_CELLS // 2 + 1  # two columns: just over the threshold
    kw = {"date_format": "TT.MM.JJJJ", "culture_info_name": "de-DE"}
    r = client.post(CALL, json=payload("CS_DAYS", [[["03.04.2026"]] * n, [["10.04.2026"]] * n],
                                       **kw))
    assert r.status_code == 200 and r.json()["result"] == [[7]] * n
    assert r.headers["content-type"] == "application/json"
    # the function ran inline on the worker thread's own loop, with the caller's date order
    assert seen == [("AnyIO worker thread", False)]
    r = client.post(CALL, json=payload("CS_DAYS", [[["x"]] * n, [["10.04.2026"]] * n]))
    assert r.status_code == 200 and r.json()["result"][0][0]["errorType"] == "Value"


def test_an_unexpected_error_on_the_own_loop_is_still_answered(client, monkeypatch):
    served = sys.modules["custom_functions"]
    real = server.officejs_module().CS_DAYS

    @functools.wraps(real)
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(served, "CS_DAYS", server._off_the_loop(broken))
    n = server._OWN_LOOP_CELLS // 2 + 1
    r = client.post(CALL, json=payload("CS_DAYS", [[[1]] * n, [[2]] * n]))
    assert r.status_code == 500 and "boom" not in r.text  # prod mode: no internals


def test_date_order_follows_into_the_thread(client):
    # de-DE: day-first date text, read in the worker thread with the caller's date order
    kw = {"date_format": "TT.MM.JJJJ", "culture_info_name": "de-DE"}
    r = client.post(CALL, json=payload("CS_DAYS", [[["03.04.2026"]], [["10.04.2026"]]], **kw))
    assert r.status_code == 200 and r.json()["result"] == [[7]]
    r = client.post(CALL, json=payload("CS_DAYS", [[["03/04/2026"]], [["04/03/2026"]]], **kw))
    assert r.json()["result"] == [[-30]]
    r = client.post(CALL, json=payload("CS_DAYS", [[["03/04/2026"]], [["04/03/2026"]]]))
    assert r.json()["result"] == [[30]]


def test_function_error_is_still_400(client):
    r = client.post(CALL, json=payload("CS_LICENSE_UTILIZATION", [[["abc"]], [[100]]]))
    assert r.status_code == 400 and r.text == "billable_users: 'abc' is not a number"


# -- 4. the token on every route --------------------------------------------------------------

def _routes():
    """(method, path) of every route xlwings Server has, read from the app."""
    from fastapi.routing import APIRoute
    from starlette.routing import Mount
    from xlwings_server import main

    found = []

    def walk(routes):
        for r in routes:
            original = getattr(r, "original_router", None)
            if original is not None:
                walk(original.routes)
            elif isinstance(r, APIRoute) or hasattr(r, "methods"):
                found.extend((m, r.path) for m in sorted(r.methods or ()) if m != "HEAD")
            elif isinstance(r, Mount):
                found.append(("GET", r.path + "/js/auth.js"))

    walk(main.app.routes)
    return found


@pytest.fixture(scope="module")
def guarded(licence):
    from fastapi.testclient import TestClient

    with TestClient(server.create_app(token=TOKEN), raise_server_exceptions=False) as c:
        yield c


def test_every_route_is_known(guarded):
    routes = _routes()
    assert ("POST", CALL) in routes and ("POST", "/xlwings/custom-scripts-call/{script_name}") \
        in routes
    for method, path in routes:
        if method == "GET":
            assert path in server.PUBLIC_PATHS or path.startswith(server.PUBLIC_PREFIXES), path
        else:  # every POST (and any other method) needs the token
            assert method == "POST", (method, path)


def test_each_route_with_and_without_the_token(guarded):
    good = {"Authorization": f"Bearer {TOKEN}"}
    for method, path in _routes():
        url = path.replace("{script_name}", "nothing")
        if method == "GET":
            if path == "/xlwings/alert":
                url += "?prompt=p&title=t&buttons=ok&mode=info&callback=c"
            r = guarded.get(url)
            assert r.status_code == 200, (path, r.status_code)
            assert guarded.head(url).status_code != 401, path
        else:
            body = payload() if path == CALL else {"args": []}
            assert guarded.request(method, url, json=body).status_code == 401, path
            bad = guarded.request(method, url, json=body, headers={"Authorization": "nope"})
            assert bad.status_code == 401, path
            r = guarded.request(method, url, json=body, headers=good)
            assert r.status_code != 401, path
            if path == CALL:
                assert r.status_code == 200 and r.json()["result"] == [[14]]


def test_custom_scripts_call_needs_the_token(guarded):
    r = guarded.post("/xlwings/custom-scripts-call/anything", json={})
    assert r.status_code == 401 and "token" in detail(r)


@pytest.mark.parametrize("method, path", [
    ("GET", "/docs"), ("GET", "/openapi.json"), ("GET", "/xlwings/not-a-route"),
    ("GET", "/staticx/js/auth.js"), ("DELETE", "/manifest"), ("PUT", "/static/js/auth.js"),
    ("PATCH", CALL), ("POST", "/manifest"), ("POST", "/static/js/auth.js"), ("POST", "/"),
])
def test_anything_else_needs_the_token(guarded, method, path):
    assert guarded.request(method, path).status_code == 401


def test_token_is_checked_before_the_body(guarded):
    # a caller without the token learns nothing about the limit or the call's shape
    r = guarded.post(CALL, content=b"not json")
    assert r.status_code == 401
    r = guarded.post(CALL, content=b"not json", headers={"Authorization": TOKEN})
    assert r.status_code == 400


def test_no_token_configured_leaves_routes_open(client):
    assert client.post("/xlwings/custom-scripts-call/x", json={}).status_code != 401
    assert client.get("/manifest").status_code == 200
