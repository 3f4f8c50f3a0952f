"""Excel functions through the Office.js contract: one 10,000-row range call vs 10,000
single-cell calls, and the xlwings 0.36.7–0.37.8 range slowdown (a failed ``pyodide`` import
per cell) with and without our work-around.

    XLWINGS_LICENSE_KEY=noncommercial python bench/udfs.py [--rows 10000] [--repeat 5]
        [--other-python /path/to/venv-with-xlwings-0.36.6/bin/python]

"Server-side" is ``xlwings.server.custom_functions_call`` on the request body (what xlwings
Server runs per request: argument conversion, our function, result conversion); "HTTP" adds
JSON and the ASGI stack through an in-process client. Needs the ``server`` extra.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

TARGET_MS = 100.0


def body(func, args, runtime="1.4"):
    return {"client": "Office.js", "func_name": func, "args": args,
            "caller_address": "[Bench.xlsx]Sheet1!A1", "session_id": "bench",
            "culture_info_name": "en-US", "date_format": "M/d/yyyy", "version": "0.37.8",
            "runtime": runtime}


def ranges(n):
    col = lambda f: [[f(i)] for i in range(n)]
    colours = ("Green", "Yellow", "Red", "")
    return {
        "CS_LICENSE_UTILIZATION": [col(lambda i: float(i % 120)), col(lambda i: 100.0)],
        "CS_DAYS": [col(lambda i: 45000.0 + i % 365), col(lambda i: 45400.0)],
        "CS_HEALTH_SCORE": [col(lambda i: float(i % 100)), col(lambda i: colours[i % 4]),
                            col(lambda i: colours[(i + 1) % 4]), col(lambda i: 87.5),
                            col(lambda i: colours[(i + 2) % 4]), None],
        "CS_HEALTH_COLOUR": [col(lambda i: float(i % 100)), col(lambda i: colours[i % 4]),
                             col(lambda i: colours[(i + 1) % 4]), col(lambda i: 87.5),
                             col(lambda i: colours[(i + 2) % 4]), None],
    }


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(argv=None):
    logging.disable(logging.INFO)  # xlwings Server logs every call
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--other-python", help="interpreter of a venv with another xlwings version")
    a = p.parse_args(argv)
    n = a.rows

    from cs_workbook.udfs import server
    from fastapi.testclient import TestClient

    from cs_workbook import udfs

    app = server.create_app()
    import xlwings
    import xlwings.server as xs

    officejs = sys.modules["custom_functions"]
    loop = asyncio.new_event_loop()
    call = lambda d, m=officejs: loop.run_until_complete(xs.custom_functions_call(d, m))
    client = TestClient(app)
    rows = []

    print(f"xlwings {xlwings.__version__}, {n:,} rows, median of {a.repeat}\n")
    for func, args in ranges(n).items():
        d = body(func, args)
        call(d)
        ms = timed(lambda d=d: call(d), a.repeat)
        raw = json.dumps(d)
        http = timed(lambda raw=raw: client.post("/xlwings/custom-functions-call", content=raw,
                                                  headers={"content-type": "application/json"}),
                     a.repeat)
        rows.append((f"{func}: one range call, server-side", ms, TARGET_MS))
        rows.append((f"{func}: one range call, HTTP in-process", http, None))

    # 10,000 single-cell calls (a formula filled down instead of spilled).
    singles = [body("CS_LICENSE_UTILIZATION", [[[float(i % 120)]], [[100.0]]]) for i in range(n)]
    t = time.perf_counter()
    for d in singles:
        call(d)
    single_ms = (time.perf_counter() - t) * 1000
    rows.append((f"CS_LICENSE_UTILIZATION: {n:,} single-cell calls, server-side", single_ms,
                 None))

    # The 0.36.7–0.37.8 slowdown: xlwings' default argument conversion (per-cell cleaning
    # with a failed `from pyodide.ffi import JsNull` each) vs our raw arguments.
    classic_module = type(sys)("classic_variant")
    for name, fn in udfs.CATALOGUE.items():
        setattr(classic_module, name, fn)
    d = body("CS_LICENSE_UTILIZATION", ranges(n)["CS_LICENSE_UTILIZATION"])
    stub = sys.modules.pop("pyodide", "absent")
    default_no_stub = timed(lambda: call(d, classic_module), a.repeat)
    raw_no_stub = timed(lambda: call(d), a.repeat)
    sys.modules["pyodide"] = None
    default_stub = timed(lambda: call(d, classic_module), a.repeat)
    raw_stub = timed(lambda: call(d), a.repeat)
    if stub == "absent":
        sys.modules.pop("pyodide", None)
    else:
        sys.modules["pyodide"] = stub
    rows += [
        ("slowdown: default xlwings conversion, no work-around", default_no_stub, None),
        ("slowdown: default conversion + pyodide marked absent", default_stub, None),
        ("slowdown: raw arguments (ours), no pyodide mark", raw_no_stub, None),
        ("slowdown: raw arguments + pyodide mark (what serve runs)", raw_stub, TARGET_MS),
    ]
    per_import = _failed_import_us()
    rows.append(("one failed `from pyodide.ffi import JsNull` (µs)", per_import, None))
    if a.other_python:
        rows += _other_xlwings(a.other_python, n)

    width = max(len(r[0]) for r in rows)
    print(f"{'measurement'.ljust(width)}  {'ms':>9}  result")
    for label, ms, target in rows:
        verdict = "" if target is None else ("PASS" if ms <= target else "MISS")
        print(f"{label.ljust(width)}  {ms:9.1f}  {verdict}")
    print(f"\nrange call vs single-cell calls: {single_ms / rows[0][1]:.0f}× faster in one call")
    print(f"default conversion / ours: {default_no_stub / raw_stub:.1f}×")
    print("\nheadless calculation (cs-workbook calc) of the sample portfolio and SOW calculator:")
    sys.path.insert(0, str(Path(__file__).parent))
    import calc as calc_bench

    calc_bench.main((40,))


def _failed_import_us():
    code = ("import timeit\n"
            "def f():\n"
            "    try:\n        from pyodide.ffi import JsNull\n"
            "    except ImportError:\n        pass\n"
            "print(timeit.timeit(f, number=20000) / 20000 * 1e6)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


_OTHER = r"""
import sys, time, statistics, xlwings
from xlwings import conversion
n = int(sys.argv[1])
col = [[float(i % 120)] for i in range(n)]
opts = {"ndim": 2, "err_to_str": True}
def read():
    # what custom_functions_call does per argument in the Office.js engine
    conversion.read(None, col, opts, engine_name="officejs")
ts = []
for _ in range(5):
    t = time.perf_counter(); read(); read(); ts.append((time.perf_counter() - t) * 1000)
print(xlwings.__version__, statistics.median(ts))
"""


def _other_xlwings(python, n):
    rows = []
    for exe, label in ((python, "other"), (sys.executable, "this")):
        env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
        out = subprocess.run([exe, "-c", _OTHER, str(n)], capture_output=True, text=True,
                             env=env, check=False)
        if out.returncode != 0:
            rows.append((f"xlwings ({label}): failed: {out.stderr.strip()[-80:]}", float("nan"),
                         None))
            continue
        version, ms = out.stdout.split()
        rows.append((f"xlwings {version}: argument conversion of 2 × {n:,} cells", float(ms),
                     None))
    return rows


if __name__ == "__main__":
    main()
