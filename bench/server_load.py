"""Loopback load test of ``cs-workbook serve``: 1×1 calls from 1, 50 and 200 concurrent
clients, and 1×1 calls while one big range call runs.

    XLWINGS_LICENSE_KEY=noncommercial python bench/server_load.py [--requests 2000]
        [--max-seconds 20] [--big-rows 100000]

Starts ``cs-workbook serve`` on 127.0.0.1 on a free port as a subprocess (no other address is
ever contacted), runs each scenario for a fixed number of requests or ``--max-seconds``,
whichever comes first, stops the server and prints one table: clients, requests, p50 and p99
latency of the 1×1 calls, the server process's CPU time per 1×1 call (independent of what
else runs on the machine), errors (non-200 answers) and dropped connections (connect, read or
protocol failures, timeouts). Target: p99 ≤ 250 ms at 50 clients, no dropped connections. The clients
run on the same 2 cores as the server, so the numbers include their own CPU use. Needs the
``server`` extra and httpx (installed with it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

HOST = "127.0.0.1"  # loopback only
CALL = "/xlwings/custom-functions-call"
TARGET_P99_MS = 250.0
START_TIMEOUT = 60


def body(func, args):
    return {"client": "Office.js", "func_name": func, "args": args,
            "caller_address": "[Bench.xlsx]Sheet1!A1", "session_id": "bench",
            "culture_info_name": "en-US", "date_format": "M/d/yyyy", "version": "0.37.8",
            "runtime": "1.4"}


SMALL = json.dumps(body("CS_LICENSE_UTILIZATION", [[[80.0]], [[100.0]]])).encode()


def big_body(rows: int, columns: int) -> bytes:
    """A range call as the add-in sends it: 5 columns (CS_HEALTH_SCORE: a score, three status
    words, an engagement score) or 2 columns (CS_LICENSE_UTILIZATION)."""
    colours = ("Green", "Yellow", "Red")
    if columns == 2:
        args = [[[float(i % 120)] for i in range(rows)], [[100.0]] * rows]
        func = "CS_LICENSE_UTILIZATION"
    else:
        args = [[[float(i % 97)] for i in range(rows)],
                [[colours[i % 3]] for i in range(rows)],
                [[colours[(i + 1) % 3]] for i in range(rows)],
                [[colours[(i + 2) % 3]] for i in range(rows)],
                [[float(i % 89)] for i in range(rows)], None]
        func = "CS_HEALTH_SCORE"
    return json.dumps(body(func, args), separators=(",", ":")).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int, module_file: str | None = None) -> subprocess.Popen:
    if module_file:  # another version of udfs/server.py, e.g. `git show REV:udfs/server.py`
        code = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location("
                f"'cs_workbook.udfs.server', {module_file!r}); m = importlib.util.module_from_spec"
                "(spec); sys.modules[spec.name] = m; spec.loader.exec_module(m); "
                f"m.serve('{HOST}', {port})")
        cmd = [sys.executable, "-c", code]
    else:
        cmd = [sys.executable, "-c", "from cs_workbook.cli import main; main()", "serve",
               "--host", HOST, "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"cs-workbook serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/manifest", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("cs-workbook serve did not start in time")


class Tally:
    def __init__(self):
        self.ms, self.errors, self.dropped, self.kinds = [], 0, 0, set()


async def client_loop(http, url, count, stop_at, tally, stop_event=None):
    import httpx

    for _ in range(count):
        if time.monotonic() > stop_at or (stop_event is not None and stop_event.is_set()):
            return
        t = time.perf_counter()
        try:
            r = await http.post(url, content=SMALL, headers={"content-type": "application/json"})
        except httpx.TransportError as exc:
            tally.dropped += 1
            tally.kinds.add(type(exc).__name__)
            continue
        tally.ms.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            tally.errors += 1


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server process (Linux /proc), or NaN elsewhere."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


async def scenario(port, clients, total, max_seconds):
    import httpx

    url = f"http://{HOST}:{port}{CALL}"
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        stop_at = time.monotonic() + max_seconds
        per = max(1, total // clients)
        await asyncio.gather(*(client_loop(http, url, per, stop_at, tally)
                               for _ in range(clients)))
    return tally


async def during_big_call(port, big, clients, max_seconds):
    """1×1 calls from ``clients`` clients for as long as one big call runs."""
    import httpx

    url = f"http://{HOST}:{port}{CALL}"
    tally, done = Tally(), asyncio.Event()
    big_result = {}

    async def run_big(http):
        t = time.perf_counter()
        try:
            r = await http.post(url, content=big, headers={"content-type": "application/json"},
                                timeout=180)
            big_result["status"] = r.status_code
        except httpx.TransportError as exc:
            big_result["status"] = repr(exc)
        big_result["s"] = time.perf_counter() - t
        done.set()

    limits = httpx.Limits(max_connections=clients + 1)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        stop_at = time.monotonic() + 180
        big_task = asyncio.create_task(run_big(http))
        await asyncio.sleep(0.2)  # let the big body go out first
        await asyncio.gather(*(client_loop(http, url, 10**9, stop_at, tally, done)
                               for _ in range(clients)))
        await big_task
    return tally, big_result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=2000, help="1×1 calls per scenario")
    p.add_argument("--max-seconds", type=float, default=20.0, help="time cap per scenario")
    p.add_argument("--clients", type=int, nargs="*", default=[1, 10, 50, 200],
                   help="concurrent clients of the 1×1 scenarios")
    p.add_argument("--server-module", metavar="FILE",
                   help="serve with this copy of udfs/server.py (to compare versions)")
    p.add_argument("--big", nargs="*", default=["100000x5", "1048576x2"],
                   help="big calls of the last scenarios, ROWSxCOLUMNS (COLUMNS 5 or 2)")
    a = p.parse_args(argv)

    port = free_port()
    proc = start_server(port, a.server_module)
    rows = []
    try:
        asyncio.run(scenario(port, 5, 50, 10))  # warm-up
        for clients in a.clients:
            total = min(a.requests, 500) if clients == 1 else a.requests
            cpu = cpu_seconds(proc.pid)
            t = asyncio.run(scenario(port, clients, total, a.max_seconds))
            cpu_ms = (cpu_seconds(proc.pid) - cpu) * 1000 / max(1, len(t.ms))
            rows.append((f"{clients}", len(t.ms), cpu_ms, pct(t.ms, 50), pct(t.ms, 99), t.errors,
                         t.dropped, TARGET_P99_MS if clients == 50 else None,
                         " ".join(sorted(t.kinds))))
        for spec in a.big:
            n, cols = (int(x) for x in spec.lower().split("x"))
            big = big_body(n, cols)
            t, res = asyncio.run(during_big_call(port, big, 10, a.max_seconds))
            note = (f"during one {n:,}-row × {cols}-column call ({len(big) / 1e6:.1f} MB): "
                    f"{res.get('status')} in {res.get('s', float('nan')):.1f} s")
            rows.append(("10 + 1 big", len(t.ms), float("nan"), pct(t.ms, 50), pct(t.ms, 99),
                         t.errors,
                         t.dropped, TARGET_P99_MS, note))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()

    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"(other processes share these cores)\n")
    print("| clients | 1×1 requests | server CPU ms/call | p50 ms | p99 ms | errors | dropped "
          "| p99 target | note |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c, n, cpu_ms, p50, p99, err, drop, target, note in rows:
        tgt = f"≤ {target:.0f} ms" if target else "—"
        cpu_text = "—" if cpu_ms != cpu_ms else f"{cpu_ms:.1f}"
        print(f"| {c} | {n} | {cpu_text} | {p50:.1f} | {p99:.1f} | {err} | {drop} | {tgt} "
              f"| {note} |")
    ok = all(r[5] == 0 and r[6] == 0 for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
