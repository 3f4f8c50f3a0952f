"""Office.js path: registration through xlwings' ``custom_functions_meta`` and calls through
HTTP (in-process TestClient on xlwings Server with our functions) with the JSON payloads the
xlwings custom-functions runtime sends from Excel: 2-D matrices, serial dates, empty cells as
null/""/0, error cells as ``{"type": "Error", …}``, runtime 1.3 and 1.4, the user's culture
and short-date pattern, and a 10,000-row range.

Licence: these tests run xlwings PRO code under the ``noncommercial`` key, set here.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import time

import pytest
from cs_workbook.udfs import server
from cs_workbook.udfs._xl import namespaced_formula
from cs_workbook.cli.excel import register

from cs_workbook import udfs

if importlib.util.find_spec("xlwings_server") is None:  # not importorskip: see server.py
    pytest.skip("needs the 'server' extra", allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

SERIAL = lambda d: float((d - dt.date(1899, 12, 30)).days)
NA_CELL = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
REF_CELL = {"type": "Error", "basicValue": "#REF!", "errorType": "Ref"}


@pytest.fixture(scope="module")
def licence():
    # xlwings Server also sets XLWINGS_ON_SERVER=true and its settings in os.environ, which
    # would change how later subprocesses import xlwings: restore the environment afterwards.
    saved = dict(os.environ)
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def client(licence):
    from fastapi.testclient import TestClient

    with TestClient(server.create_app()) as c:
        yield c


def payload(func, args, runtime="1.4", date_format="M/d/yyyy", culture="en-US"):
    """The body xlwings' custom-functions-code.js posts for one cell."""
    return {"client": "Office.js", "func_name": func, "args": args,
            "caller_address": "[Portfolio.xlsx]Scorecard!C2", "session_id": "4f1c-test",
            "culture_info_name": culture, "date_format": date_format,
            "version": "0.37.8", "runtime": runtime}


def call(client, func, args, **kw):
    r = client.post("/xlwings/custom-functions-call", json=payload(func, args, **kw))
    return r.status_code, (r.json()["result"] if r.status_code == 200 else r.text)


# -- registration -----------------------------------------------------------------------------

def test_custom_functions_meta(licence):
    import xlwings.server

    meta = xlwings.server.custom_functions_meta(server.officejs_module())
    funcs = {f["id"]: f for f in meta["functions"]}
    assert set(funcs) == set(udfs.CATALOGUE)
    assert meta["allowErrorForDataTypeAny"] is True
    for name, fn in udfs.CATALOGUE.items():
        f = funcs[name]
        assert f["name"] == name.removeprefix("CS_")  # Excel shows CS.<name>: manifest namespace
        assert f["description"] == namespaced_formula(fn.__xlfunc__["ret"]["doc"])
        params = [(p["name"], p["description"], p.get("optional", False)) for p in f["parameters"]]
        assert params == [(a["name"], a["doc"], "optional" in a) for a in fn.__xlfunc__["args"]]
        assert all(p["dimensionality"] == "matrix" for p in f["parameters"])


def test_served_meta_manifest_and_code(client):
    import xlwings.server

    assert client.get("/xlwings/custom-functions-meta").json() == \
        xlwings.server.custom_functions_meta(server.officejs_module())
    manifest = client.get("/manifest").text
    assert 'id="Functions.Namespace" DefaultValue="CS"' in manifest
    code = client.get("/xlwings/custom-functions-code").text
    assert 'CustomFunctions.associate("CS_HEALTH_SCORE"' in code


# -- calls --------------------------------------------------------------------------------------

def test_single_cells_are_1x1_matrices_and_dates_serials(client):
    d1, d2 = SERIAL(dt.date(2020, 1, 1)), SERIAL(dt.date(2020, 1, 12))
    assert call(client, "CS_DAYS", [[[d1]], [[d2]]]) == (200, [[11]])
    assert call(client, "CS_HEALTH_SCORE",
                [[[70]], [["Green"]], [["Yellow"]], [["Green"]], [[75]], None]) == (200, [[75.0]])
    assert call(client, "CS_DROP_ALERT", [[["Green"]], [["Yellow"]]]) == (200, [[True]])


@pytest.mark.parametrize("empty", [None, "", 0])
def test_empty_cells(client, empty):
    start = SERIAL(dt.date(2020, 1, 10))
    assert call(client, "CS_TIME_TO_ENGAGE", [[[start]], [[empty]]], runtime="1.3") == \
        (200, [["#N/A"]])
    assert call(client, "CS_TIME_TO_ENGAGE", [[[start]], [[empty]]]) == \
        (200, [[{"type": "Error", "errorType": "NotAvailable"}]])


def test_error_cells_and_bad_rows_in_a_range(client):
    args = [[[80], ["abc"], [NA_CELL], [5], [REF_CELL]], [[100], [100], [100], [0], [100]]]
    assert call(client, "CS_LICENSE_UTILIZATION", args, runtime="1.3") == \
        (200, [[0.8], ["#VALUE!"], ["#N/A"], ["#N/A"], ["#REF!"]])
    status, result = call(client, "CS_LICENSE_UTILIZATION", args)
    assert status == 200
    assert [r[0] if not isinstance(r[0], dict) else r[0]["errorType"] for r in result] == \
        [0.8, "Value", "NotAvailable", "NotAvailable", "Ref"]


def test_single_bad_input_is_http_400_with_the_message(client):
    status, text = call(client, "CS_LICENSE_UTILIZATION", [[["abc"]], [[100]]])
    assert status == 400  # not 500: the add-in does not retry and shows the message
    assert text == "billable_users: 'abc' is not a number"
    status, text = call(client, "CS_DAYS", [[[60]], [[61]]])
    assert status == 400 and "1900-02-29" in text


@pytest.mark.parametrize("runtime", ["1.3", "1.4"])
def test_date_results(client, runtime):
    months = [[SERIAL(dt.date(2024, m, 1))] for m in range(1, 6)]
    status, result = call(client, "CS_FIRST_VALUE_DATE",
                          [months, [[5], [15], [19], [20], [60]], [[200]], None], runtime=runtime)
    serial = SERIAL(dt.date(2024, 4, 1))
    assert status == 200
    if runtime == "1.3":
        assert result == [[serial]]
    else:
        assert result == [[{"type": "FormattedNumber", "basicValue": serial,
                            "numberFormat": "M/d/yyyy"}]]


def test_locale_date_format(client):
    # de-DE: Excel reports the short-date pattern localised (TT.MM.JJJJ); date text in cells
    # is read day-first, and date results carry the pattern Excel accepts back.
    kw = {"date_format": "TT.MM.JJJJ", "culture": "de-DE"}
    assert call(client, "CS_DAYS", [[["03.04.2026"]], [["10.04.2026"]]], **kw) == (200, [[7]])
    assert call(client, "CS_DAYS", [[["03/04/2026"]], [["2026-04-10"]]]) == (200, [[37]])
    months = [[SERIAL(dt.date(2024, m, 1))] for m in (1, 2)]
    status, result = call(client, "CS_FIRST_VALUE_DATE", [months, [[1], [50]], [[100]], None],
                          **kw)
    assert status == 200
    assert result[0][0]["numberFormat"] == "dd.mm.yyyy"


def test_ten_thousand_rows(client):
    n = 10_000
    args = [[[float(i % 120)] for i in range(n)], [[100.0] for _ in range(n)]]
    started = time.perf_counter()
    status, result = call(client, "CS_LICENSE_UTILIZATION", args)
    elapsed = time.perf_counter() - started
    assert status == 200 and len(result) == n and all(len(r) == 1 for r in result)
    assert result[50] == [0.5] and result[119] == [1.19]
    assert elapsed < 5  # generous for a busy CI machine; bench/udfs.py measures properly


def test_tables_spill(client):
    status, result = call(client, "CS_REASON_SHARES",
                          [[["Cancellation"], ["Downgrade"], ["Trueup"]], [[-300], [-100], [50]]])
    assert status == 200 and result[0] == ["Category", "Reason", "MRR change", "Share"]
    assert [r[3] for r in result[1:]] == [0.75, 0.25]


# -- token, loopback, missing extra, CLI --------------------------------------------------------

def test_token_is_required_when_configured(licence):
    from fastapi.testclient import TestClient

    with TestClient(server.create_app(token="s3cret")) as c:
        body = payload("CS_TTV_GOAL", [[["engage"]]])
        assert c.post("/xlwings/custom-functions-call", json=body).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert c.post("/xlwings/custom-functions-call", json=body, headers=wrong).status_code \
            == 401
        for header in ("Bearer s3cret", "s3cret"):
            r = c.post("/xlwings/custom-functions-call", json=body,
                       headers={"Authorization": header})
            assert r.status_code == 200 and r.json()["result"] == [[14]]
        assert c.get("/xlwings/custom-functions-meta").status_code == 200


def test_serve_refuses_other_interfaces_without_token():
    with pytest.raises(server.ServerUnavailable, match="--token is required"):
        server.serve(host="0.0.0.0", token=None)
    assert server.is_loopback("127.0.0.1") and server.is_loopback("::1")
    assert not server.is_loopback("0.0.0.0") and not server.is_loopback("10.1.2.3")


def test_missing_extra_is_one_friendly_line(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "xlwings_server" else real(name, *a))
    with pytest.raises(server.ServerUnavailable, match=r"pip install 'cs-workbook\[server\]'"):
        server.create_app()


def test_missing_licence_key_is_explained(monkeypatch):
    monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    with pytest.raises(server.ServerUnavailable, match="noncommercial"):
        server.create_app()


def test_cli_commands(capsys):
    import argparse

    from cs_workbook.udfs.catalogue import markdown

    from cs_workbook.errors import CSError

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["functions", "--markdown"])
    assert args.func(args) == 0 and capsys.readouterr().out == markdown()
    args = parser.parse_args(["functions"])
    args.func(args)
    shown = "CS_HEALTH_SCORE(product, risk, outcomes, voice, engagement, [weights], [config])"
    assert shown in capsys.readouterr().out
    args = parser.parse_args(["serve", "--host", "0.0.0.0", "--token", ""])
    with pytest.raises(CSError, match="--token is required"):
        args.func(args)
    assert parser.parse_args(["serve"]).host == "127.0.0.1"
    # a random token can start with "-" (1 in 64 of secrets.token_urlsafe's): the "=" form
    # that docs/excel-setup.md shows passes it as the token
    assert parser.parse_args(["serve", "--token=-x1_y"]).token == "-x1_y"
