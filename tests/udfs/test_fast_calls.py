"""``serve``'s fast path (udfs/server/fast.py) answers exactly as xlwings Server's route does.

Every call is sent twice, in-process over raw ASGI, to the same xlwings Server: once through
:class:`~cs_workbook.udfs.server.fast.FastCalls` and once through xlwings Server's own
``/xlwings/custom-functions-call`` route (FastAPI, its middleware, xlwings'
``custom_functions_call``): status, every header in order and the body bytes must be equal.
The calls: every function's help example as Office.js sends it, then argument shapes
(scalar, column, row, matrix, omitted optional arguments), error cells, empty cells, dates as
serials and as day-first text, user errors (400), CORS origins and both runtimes (1.3: errors
and dates as text; 1.4: error entities), then hypothesis-drawn calls of every function.
Licence: xlwings PRO code under the ``noncommercial`` key, set here.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cs_workbook.udfs import server

if importlib.util.find_spec("xlwings_server") is None:
    pytest.skip("needs the 'server' extra", allow_module_level=True)

CALL = "/xlwings/custom-functions-call"
RUNTIMES = ("1.3", "1.4")
ERROR_CELLS = [{"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"},
               {"type": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"},
               {"type": "Error", "basicValue": "#REF!", "errorType": "Ref"}]


def _load_examples():
    """tests/udfs/examples.py (tests run in importlib mode: no sys.path entry for tests/)."""
    name = "cs_workbook_tests_help_examples"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("examples.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ex = _load_examples()


@pytest.fixture(scope="module")
def apps():
    saved = dict(os.environ)
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    fast, route = server.create_app(), server.create_app(fast_calls=False)
    assert fast.fast is not None and route.fast is None
    answered = fast.fast.answered = []
    real_send = fast.fast.send

    async def send(*args):  # records which calls the fast path answered itself
        answered.append(args[4:])
        return await real_send(*args)

    fast.fast.send = send
    yield fast, route
    os.environ.clear()
    os.environ.update(saved)


def payload(func, args, runtime="1.4", date_format="M/d/yyyy", culture="en-US"):
    return {"client": "Office.js", "func_name": func, "args": args,
            "caller_address": "[Portfolio.xlsx]Scorecard!C2", "session_id": "s-1",
            "culture_info_name": culture, "date_format": date_format,
            "version": "0.37.8", "runtime": runtime}


def asgi_post(app, body: bytes, headers=()) -> tuple[int, list, bytes]:
    """(status, headers, body) of one POST to the call route, as an ASGI server sees them."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": CALL, "raw_path": CALL.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8000),
             "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode()), *headers]}
    messages, sent = [], False

    async def receive():
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        messages.append(message)

    async def run():
        try:
            await app(scope, receive, send)
        except Exception:  # Starlette re-raises after sending its 500 (pytest: bugs re-raise)
            pass

    asyncio.run(run())
    start = next(m for m in messages if m["type"] == "http.response.start")
    data = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], list(start["headers"]), data


def same_answer(apps, call: dict, headers=(), by_fast_path=True) -> tuple[int, bytes]:
    """Post ``call`` through both paths; the answers must be equal, and the fast path must
    have answered it itself (``by_fast_path``) — else the test would compare the route
    with itself."""
    fast, route = apps
    body = json.dumps(call).encode()
    expected = asgi_post(route, body, headers)
    fast.fast.answered.clear()
    got = asgi_post(fast, body, headers)
    assert got == expected, call
    assert bool(fast.fast.answered) == by_fast_path, call
    return got[0], got[2]


def cell(value):
    return [[value]]


def office_args(args) -> list:
    """An example's arguments as Office.js posts them: every argument a 2-D matrix."""
    return [None if a is None else a if isinstance(a, list) else cell(a)
            for a in ex.serial_args(args)]


EXAMPLES = [ex.parse_example(e["example"]) for e in __import__(
    "cs_workbook.udfs.catalogue", fromlist=["describe"]).describe()]


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("name, args", EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_every_help_example(apps, name, args, runtime):
    status, body = same_answer(apps, payload(name, office_args(args), runtime))
    assert status == 200, body


def _column(name, args, rows):
    """The example with each 1×1 argument repeated down ``rows`` rows."""
    return [a if a is None or len(a) > 1 or len(a[0]) > 1 else a * rows
            for a in office_args(args)]


@pytest.mark.parametrize("name, args", EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_every_function_as_a_column_with_bad_rows(apps, name, args):
    column = _column(name, args, 4)
    same_answer(apps, payload(name, column))
    for i, a in enumerate(column):  # one bad row per argument: an error cell, text, empty
        if a is not None and len(a) == 4:
            broken = [list(r) for r in a]
            broken[1] = [ERROR_CELLS[0]] * len(broken[1])
            broken[2] = ["not a value"] * len(broken[2])
            broken[3] = [""] * len(broken[3])
            for runtime in RUNTIMES:
                same_answer(apps, payload(name, column[:i] + [broken] + column[i + 1:],
                                          runtime))


SHAPES = {
    "scalar": ("CS_LICENSE_UTILIZATION", [cell(80), cell(100)]),
    "column": ("CS_LICENSE_UTILIZATION", [[[80], [120], [0]], [[100], [100], [100]]]),
    "one row of two": ("CS_LICENSE_UTILIZATION", [[[80, 90]], [[100, 100]]]),
    "matrix": ("CS_LICENSE_UTILIZATION", [[[80, 90], [10, 20]], [[100, 100], [50, 40]]]),
    "omitted optional": ("CS_HEALTH_SCORE", [cell(80), cell("Green"), cell("Yellow"),
                                             cell("Red"), cell(70), None]),
    "fewer arguments than parameters": ("CS_HEALTH_SCORE", [cell(80), cell("Green"),
                                                             cell("Yellow"), cell("Red"),
                                                             cell(70)]),
    "error cell": ("CS_LICENSE_UTILIZATION", [cell(ERROR_CELLS[1]), cell(100)]),
    "error cells in a column": ("CS_LICENSE_UTILIZATION",
                                [[[80], [ERROR_CELLS[2]], [5]], [[100], [100], [0]]]),
    "empty cells": ("CS_LICENSE_UTILIZATION", [[[None], [""], [0]], [[100], [None], [100]]]),
    "bad single cell: 400": ("CS_LICENSE_UTILIZATION", [cell("abc"), cell(100)]),
    "zero denominator": ("CS_LICENSE_UTILIZATION", [cell(5), cell(0)]),
    "serial dates": ("CS_DAYS", [cell(46115.0), cell(46122.0)]),
    "date text": ("CS_DAYS", [cell("4/3/2026"), cell("4/10/2026")]),
    "booleans": ("CS_LICENSE_UTILIZATION", [cell(True), cell(100)]),
    "huge numbers": ("CS_LICENSE_UTILIZATION", [cell(1e308), cell(1e-308)]),
    "text numbers": ("CS_LICENSE_UTILIZATION", [cell("80"), cell("1e400")]),
    "non-ASCII text in and out": ("CS_CONFIG_VALUE", [
        cell("risk_na_segments"), [["Key", "Value"], ["risk_na_segments", "Öffentlich, 価格"]]]),
}


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("shape", SHAPES)
def test_argument_shapes_errors_and_dates(apps, shape, runtime):
    same_answer(apps, payload(*SHAPES[shape], runtime))


def test_a_user_error_is_400_with_its_text(apps):
    status, body = same_answer(apps, payload(*SHAPES["bad single cell: 400"]))
    assert status == 400 and body == b"billable_users: 'abc' is not a number"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_day_first_dates_of_a_german_excel(apps, runtime):
    kw = {"date_format": "TT.MM.JJJJ", "culture": "de-DE", "runtime": runtime}
    status, body = same_answer(apps, payload("CS_DAYS", [cell("03.04.2026"), cell("10.04.2026")],
                                             **kw))
    assert json.loads(body) == {"result": [[7]]}
    same_answer(apps, payload("CS_DAYS", [cell("03/04/2026"), cell("04/03/2026")], **kw))


@pytest.mark.parametrize("origin", [b"https://excel.officeapps.live.com", b"https://evil.example",
                                    b"null"])
def test_cors_headers_as_xlwings_server_sets_them(apps, origin):
    same_answer(apps, payload(*SHAPES["scalar"]), headers=[(b"origin", origin)])
    same_answer(apps, payload(*SHAPES["bad single cell: 400"]), headers=[(b"origin", origin)])


def test_a_range_above_the_inline_limit_is_answered_from_a_worker_thread(apps):
    n = server._INLINE_CELLS + 1
    status, body = same_answer(apps, payload("CS_TTV_GOAL", [[["engage"]] * n]))
    assert status == 200 and json.loads(body) == {"result": [[14]] * n}


def test_a_call_the_fast_path_cannot_answer_goes_through_the_route(apps, monkeypatch):
    fast, _ = apps
    data = payload("CS_TTV_GOAL", [[["engage"]]])
    assert asyncio.run(fast.fast.result(data)) is not None
    # a client other than Office.js, at another xlwings version: the route's version error
    other = dict(data, client="Excel", version="0.0.1")
    assert asyncio.run(fast.fast.result(other)) is None
    status, body = same_answer(apps, other, by_fast_path=False)
    assert status == 400 and b"version mismatch" in body
    # an unexpected error: the route's own 500
    served = sys.modules["custom_functions"]

    @server._off_the_loop
    def broken(*args):
        raise RuntimeError("boom")

    broken.__xlfunc__ = served.CS_TTV_GOAL.__xlfunc__
    monkeypatch.setattr(served, "CS_TTV_GOAL", broken)
    assert asyncio.run(fast.fast.result(data)) is None
    status, body = same_answer(apps, data, by_fast_path=False)
    assert status == 500 and b"boom" not in body


# -- drawn calls ------------------------------------------------------------------------------

SIGNATURES = server._signatures(server.officejs_module())
WORDS = ["Green", "Yellow", "Red", "Met", "engage", "onboard", "Active", "churned", "n/a",
         "2026-04-03", "4/3/2026", "03.04.2026", "12%", "=1+1", " ", "TRUE"]
CELLS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.integers(-10**6, 10**6), st.floats(0, 60000), st.sampled_from(WORDS),
    st.sampled_from(ERROR_CELLS), st.none(), st.just(""), st.booleans())


@st.composite
def calls(draw):
    name = draw(st.sampled_from(sorted(SIGNATURES)))
    required, names = SIGNATURES[name]
    count = draw(st.integers(required, len(names)))
    rows, cols = draw(st.sampled_from([(1, 1), (1, 1), (3, 1), (1, 2), (2, 2)]))
    args = []
    for _ in range(count):
        if draw(st.integers(0, 9)) == 0:
            args.append(None)
            continue
        r, c = (1, 1) if draw(st.booleans()) else (rows, cols)
        args.append([[draw(CELLS) for _ in range(c)] for _ in range(r)])
    return payload(name, args, draw(st.sampled_from(RUNTIMES)),
                   *draw(st.sampled_from([("M/d/yyyy", "en-US"), ("TT.MM.JJJJ", "de-DE"),
                                          ("dd/MM/yyyy", "en-GB")])))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=calls())
def test_drawn_calls_of_every_function(apps, call):
    same_answer(apps, call)
