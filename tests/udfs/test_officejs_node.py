"""Office.js end to end: a live ``cs-workbook serve`` and the JavaScript Excel loads from it,
run in Node by ``node/officejs_harness.mjs``.

The harness reads the server's manifest, opens the shared-runtime page it names and runs the
page's scripts the custom functions need (xlwings' config.js, custom-scripts/index.js with
every module it imports, our auth.js, and custom-functions-code.js with its
``CustomFunctions.associate`` calls), all fetched from the server. Only the Office.js host
(``Office``, ``Excel``, ``CustomFunctions``) and browser objects Node lacks are stubbed, so
every request is built and sent by xlwings' own code. Results are checked against the engine
(``cs_workbook.metrics``) or the catalogue functions evaluated here on the same data.

Needs Node (``scripts/setup.sh --test`` installs Debian's ``nodejs``): skipped without it,
except in CI (``CI=true``), where a missing Node fails. Licence: the server runs xlwings PRO
code under the ``noncommercial`` key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from cs_workbook import metrics as m
from cs_workbook.config import DEFAULT
from cs_workbook.udfs import CATALOGUE, use_config

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
HARNESS = Path(__file__).resolve().parent / "node" / "officejs_harness.mjs"
START_TIMEOUT = 30  # s: server import and start-up on a busy CI machine
HARNESS_TIMEOUT = 60  # s: one Node run (it gives up itself after 45 s)

EPOCH = dt.date(1899, 12, 30)
NA_CELL = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}  # runtime 1.4


def serial(d: dt.date) -> float:
    return float((d - EPOCH).days)


def excel_name(key: str) -> str:
    """``CS_DAYS`` → ``CS.DAYS``, the name Excel shows (manifest namespace CS)."""
    assert key in CATALOGUE, key
    return "CS." + key.removeprefix("CS_")


def col(values) -> list:
    """A column range as Office.js passes it: one row per value."""
    return [[v] for v in values]


def cell(value) -> list:
    return [[value]]


def is_error(value, error_type) -> bool:
    return isinstance(value, dict) and value.get("type") == "Error" and \
        value.get("errorType") == error_type


# -- Node and a live server ------------------------------------------------------------------

@pytest.fixture(scope="module")
def node():
    exe = shutil.which("node")
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("node is missing in CI: scripts/setup.sh --test installs Debian's nodejs")
        pytest.skip("needs node (scripts/setup.sh --test installs it)")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
    major, minor = (int(x) for x in re.match(r"v(\d+)\.(\d+)", version).groups())
    assert (major, minor) >= (18, 19), f"the harness needs Node ≥ 18.19 (module.register): {version}"
    return exe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 2) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """``cs-workbook serve`` on 127.0.0.1 with a token; yields (base URL, token, log path)."""
    workdir = tmp_path_factory.mktemp("officejs-node")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("XLWINGS_") and k != "CS_WORKBOOK_CONFIG"}
    env.update(XLWINGS_LICENSE_KEY="noncommercial", PYTHONUNBUFFERED="1")
    token = secrets.token_urlsafe(16)
    for attempt in range(3):  # the free port can be taken before the server binds it
        port = _free_port()
        log = workdir / f"server-{attempt}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "cs_workbook.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(port), f"--token={token}", "--access-log"],
                cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if _get(base + "/manifest") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        if proc.poll() is None and time.monotonic() < deadline:
            break
        _stop(proc)
        if "address already in use" not in log.read_text(errors="replace").lower():
            pytest.fail(f"cs-workbook serve did not start in {START_TIMEOUT} s:\n"
                        + log.read_text(errors="replace")[-3000:])
    else:
        pytest.fail("cs-workbook serve: no free port after 3 attempts")
    try:
        yield base, token, log
    finally:
        _stop(proc)


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def run_harness(node, live_server, calls, tmp_path, *, token=True, **options):
    """Run the served JavaScript in Node and make ``calls`` through it; the harness output."""
    base, secret, _ = live_server
    spec = {"calls": calls, **options}
    if token:  # as the user does once per machine (docs/excel-setup.md)
        spec["localStorage"] = {"cs-workbook-token": secret}
    name = f"harness-{len(list(tmp_path.glob('harness-*.in.json')))}"
    inp, outp = tmp_path / f"{name}.in.json", tmp_path / f"{name}.out.json"
    inp.write_text(json.dumps(spec), encoding="utf-8")
    proc = subprocess.run([node, str(HARNESS), base + "/manifest", str(inp), str(outp)],
                          cwd=HARNESS.parent, capture_output=True, text=True,
                          timeout=HARNESS_TIMEOUT)
    out = json.loads(outp.read_text(encoding="utf-8")) if outp.exists() else {}
    assert proc.returncode == 0 and not out.get("pageErrors"), \
        f"harness exit {proc.returncode}: {out.get('pageErrors')}\n{proc.stderr[-3000:]}"
    assert len(out["results"]) == len(calls)
    return out


# -- the calls --------------------------------------------------------------------------------

D = dt.date
DAYS_STARTS = [D(2020, 1, 1), D(2023, 12, 31), D(2024, 2, 28)]
DAYS_ENDS = [D(2020, 1, 12), D(2024, 3, 1), D(2024, 2, 28)]
SNAPSHOTS = [D(2024, m_, 1) for m_ in range(1, 6)]
BILLABLE, LICENSED = [5, 15, 19, 20, 60], 200
SCALAR = (70, "Green", "Yellow", "Green", 75)
MATRIX = [[10, 50], [50.5, 75], [75.5, 100]]
UTIL_BILLABLE, UTIL_LICENSED = [80, 45, 30, 0], [100, 60, 30, 10]
N = 10_000


def big_columns():
    """Five PROVE group columns of N rows: scores, colours and blanks; every 97th row blank."""
    rng = np.random.default_rng(20240501)
    colours = np.array(["Green", "Yellow", "Red", None], dtype=object)
    product = [float(x) for x in rng.integers(0, 101, N)]
    risk = list(colours[rng.integers(0, 3, N)])
    outcomes = list(colours[rng.integers(0, 4, N)])
    voice = [float(x) if x <= 100 else None for x in rng.integers(0, 130, N)]
    engagement = list(colours[rng.integers(0, 4, N)])
    cols = [product, risk, outcomes, voice, engagement]
    for i in range(0, N, 97):
        for c in cols:
            c[i] = None
    return cols


CALLS = {
    "scalar": ("CS_HEALTH_SCORE", [cell(v) for v in SCALAR]),
    "matrix": ("CS_COLOUR", [MATRIX]),
    "columns": ("CS_LICENSE_UTILIZATION", [col(UTIL_BILLABLE), col(UTIL_LICENSED)]),
    "dates": ("CS_DAYS", [col(map(serial, DAYS_STARTS)), col(map(serial, DAYS_ENDS))]),
    "date_result": ("CS_FIRST_VALUE_DATE",
                    [col(map(serial, SNAPSHOTS)), col(BILLABLE), cell(LICENSED)]),
    "error_cell": ("CS_LICENSE_UTILIZATION",
                   [col([80, NA_CELL, 30]), col([100, 100, 60])]),
    "bad_row": ("CS_LICENSE_UTILIZATION",
                [col([80, "abc", 30, 45]), col([100, 100, 60, "many"])]),
    "bad_single": ("CS_LICENSE_UTILIZATION", [cell("abc"), cell(100)]),
    "spill": ("CS_HEALTH_DRIVERS", [cell(v) for v in SCALAR]),
    "ten_thousand": ("CS_HEALTH_SCORE", [col(c) for c in big_columns()]),
}


def as_calls(names):
    return [{"function": excel_name(CALLS[n][0]), "args": CALLS[n][1],
             "address": f"Sheet1!C{i + 2}"} for i, n in enumerate(names)]


@pytest.fixture(scope="module")
def harness(node, live_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("harness")
    started = time.perf_counter()
    out = run_harness(node, live_server, as_calls(CALLS), tmp, runtime="1.4")
    out["wall_s"] = time.perf_counter() - started
    out["by_name"] = dict(zip(CALLS, out["results"]))
    print(f"officejs-node ({out['node']}): {len(out['associated'])} functions associated; "
          f"Node run {out['wall_s']:.2f} s; calls: "
          + ", ".join(f"{n} {r['ms']:.0f} ms" for n, r in out["by_name"].items()))
    return out


def value(harness, name):
    r = harness["by_name"][name]
    assert "value" in r, r
    return r["value"]


# -- loading ------------------------------------------------------------------------------------

def test_loads_what_excel_loads_and_associates_every_function(harness, live_server):
    assert harness["namespace"] == "CS"
    assert harness["runtimePage"].endswith("/taskpane.html")
    assert harness["functionsScript"].endswith("/xlwings/custom-functions-code.js")
    ran = [s.split()[-1] for s in harness["scripts"]]
    assert any(u.endswith("/static/js/config.js") for u in ran)
    assert any(u.endswith("/static/js/custom-scripts/index.js") for u in ran)
    assert any(u.endswith("/static/js/auth.js") for u in ran)
    assert ran[-1] == harness["functionsScript"]  # deferred: after the modules, as in a browser
    assert any(u.endswith("/static/js/utils.js") for u in harness["modules"])  # xwRequest
    assert sorted(harness["associated"]) == sorted(CATALOGUE)
    log = live_server[2].read_text(errors="replace")
    assert "GET /xlwings/custom-functions-code.js" in log
    assert log.count("POST /xlwings/custom-functions-call") >= len(CALLS)


# -- values -------------------------------------------------------------------------------------

def test_scalar(harness):
    assert value(harness, "scalar") == [[m.health_score(*SCALAR)]]


def test_matrix_keeps_its_shape(harness):
    assert value(harness, "matrix") == [[m.colour(s) for s in row] for row in MATRIX]


def test_columns(harness):
    assert value(harness, "columns") == \
        [[m.license_utilization(b, lic)] for b, lic in zip(UTIL_BILLABLE, UTIL_LICENSED)]


def test_serial_dates(harness):
    assert value(harness, "dates") == \
        [[m.days_between(s, e)] for s, e in zip(DAYS_STARTS, DAYS_ENDS)]
    [[result]] = value(harness, "date_result")
    expected = m.first_value_date(SNAPSHOTS, BILLABLE, [LICENSED] * len(BILLABLE))
    # runtime 1.4: a date comes back as a number formatted with Excel's short-date pattern,
    # which reached the server through xlwings' getDateFormat()
    assert result == {"type": "FormattedNumber", "basicValue": serial(expected),
                      "numberFormat": "M/d/yyyy"}


def test_error_cell_gives_that_row_na(harness):
    [[first], [second], [third]] = value(harness, "error_cell")
    assert first == m.license_utilization(80, 100) and third == m.license_utilization(30, 60)
    assert is_error(second, "NotAvailable")


def test_bad_rows_are_value_errors_and_the_others_compute(harness):
    rows = [r[0] for r in value(harness, "bad_row")]
    assert rows[0] == m.license_utilization(80, 100)
    assert is_error(rows[1], "Value")
    assert rows[2] == m.license_utilization(30, 60)
    assert is_error(rows[3], "Value")


def test_a_bad_single_cell_is_value_with_the_message(harness):
    r = harness["by_name"]["bad_single"]
    # HTTP 400: xlwings' showError() throws a CustomFunctions.Error, Excel shows #VALUE! with
    # the server's message on the cell
    assert r["error"]["name"] == "CustomFunctions.Error"
    assert r["error"]["code"] == "#VALUE!"
    assert "'abc' is not a number" in r["error"]["message"]


def test_spilled_table(harness):
    table = value(harness, "spill")
    with use_config(DEFAULT):
        assert table == CATALOGUE["CS_HEALTH_DRIVERS"](*SCALAR)
    drivers = m.health_drivers(*SCALAR)
    assert [r[0] for r in table[1:]] == list(drivers["component"])
    assert sum(r[-1] for r in table[1:]) == pytest.approx(m.health_score(*SCALAR))


def test_ten_thousand_rows(harness):
    result = value(harness, "ten_thousand")
    expected = m.health_score(*[np.array(c, dtype=object) for c in big_columns()])
    assert len(result) == N and all(len(r) == 1 for r in result)
    got = [r[0] for r in result]
    na = [i for i, e in enumerate(expected) if e != e]
    assert na and all(is_error(got[i], "NotAvailable") for i in na)
    assert [g for i, g in enumerate(got) if i not in set(na)] == \
        [float(e) for i, e in enumerate(expected) if i not in set(na)]


# -- other hosts: runtime 1.3, another locale, no token -----------------------------------------

def test_runtime_13_and_a_german_excel(node, live_server, tmp_path):
    start, end = D(2026, 4, 3), D(2026, 4, 10)
    calls = [
        {"function": excel_name("CS_DAYS"),
         "args": [cell(start.strftime("%d.%m.%Y")), cell(end.strftime("%d.%m.%Y"))]},
        {"function": excel_name("CS_LICENSE_UTILIZATION"),
         "args": [col([80, NA_CELL, "abc"]), col([100, 100, 100])]},
        {"function": excel_name("CS_FIRST_VALUE_DATE"),
         "args": [col(map(serial, SNAPSHOTS)), col(BILLABLE), cell(LICENSED)]},
    ]
    out = run_harness(node, live_server, calls, tmp_path, runtime="1.3", culture="de-DE",
                      shortDatePattern="TT.MM.JJJJ")
    days, util, first = (r["value"] for r in out["results"])
    assert days == [[m.days_between(start, end)]]  # date text read day-first
    assert util == [[m.license_utilization(80, 100)], ["#N/A"], ["#VALUE!"]]
    expected = m.first_value_date(SNAPSHOTS, BILLABLE, [LICENSED] * len(BILLABLE))
    assert first == [[serial(expected)]]  # runtime 1.3: a plain serial number


def test_without_the_token_calls_fail_with_the_servers_message(node, live_server, tmp_path):
    out = run_harness(node, live_server, as_calls(["scalar"]), tmp_path, token=False)
    [r] = out["results"]
    assert r["error"]["code"] == "#VALUE!"
    assert "missing or wrong token" in r["error"]["message"]
