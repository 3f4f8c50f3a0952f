"""Loopback load test of ``cs-workbook serve``: 1×1 calls from 1, 50 and 200 concurrent
clients, and 1×1 calls while one big range call runs.

    XLWINGS_LICENSE_KEY=noncommercial python bench/server_load.py [--requests 2000]
        [--max-seconds 20] [--clients 1 10 50 200] [--big 100000x5 1048576x2]
        [--python OTHER/.venv/bin/python]

Starts ``cs-workbook serve`` on 127.0.0.1 on a free port as a subprocess (no other address is
ever contacted), runs each scenario for a fixed number of requests or ``--max-seconds``,
whichever comes first, stops the server and prints one table: clients, requests, p50 and p99
latency of the 1×1 calls, errors (non-200 answers) and dropped connections (connect, read or
protocol failures, timeouts). Target: p99 ≤ 250 ms at 50 clients, no dropped connections.

Latency on a shared machine says as much about the neighbours as about the server, so the
table also gives what does not depend on them: the server process's CPU time per 1×1 call
(user + system, from /proc), the capacity it implies (calls a second per core), and the
queue it implies at that number of clients (clients × CPU per call: the wait of the last of
that many calls arriving at once at a server with one core to itself — the p99 to expect on
an idle machine), beside the clients' own CPU per call (they run on the same cores) and the
machine's load. ``--python`` serves with another checkout's interpreter (e.g. /work/main's
virtualenv) to compare versions. Needs the ``server`` extra (the clients are plain asyncio streams).
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


def start_server(port: int, python: str) -> subprocess.Popen:
    cmd = [python, "-c", "from cs_workbook.cli import main; main()", "serve",
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


class Dropped(Exception):
    """The connection failed: refused, reset, closed mid-answer, or no answer in time."""


class Connection:
    """One keep-alive HTTP/1.1 connection posting JSON, as the add-in's runtime keeps one.

    Hand-written on asyncio streams: httpx took 4–20 ms of CPU per call here, more than the
    server it measured, on the same two cores; this takes a few hundred microseconds.
    """

    def __init__(self, port: int):
        self.port, self.reader, self.writer = port, None, None

    async def post(self, body: bytes, timeout: float) -> int:
        try:
            return await asyncio.wait_for(self._post(body), timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                asyncio.TimeoutError, ValueError) as exc:
            await self.close()
            raise Dropped(type(exc).__name__) from None

    async def _post(self, body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        self.writer.write(b"POST " + CALL.encode() + b" HTTP/1.1\r\nhost: " + HOST.encode()
                          + b"\r\ncontent-type: application/json\r\ncontent-length: "
                          + str(len(body)).encode() + b"\r\n\r\n" + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        if headers.get("connection") == "close":
            await self.close()
        return status

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def client_loop(port, count, stop_at, tally, stop_event=None):
    conn = Connection(port)
    try:
        for _ in range(count):
            if time.monotonic() > stop_at or (stop_event is not None and stop_event.is_set()):
                return
            t = time.perf_counter()
            try:
                status = await conn.post(SMALL, timeout=30)
            except Dropped as exc:
                tally.dropped += 1
                tally.kinds.add(str(exc))
                continue
            tally.ms.append((time.perf_counter() - t) * 1000)
            if status != 200:
                tally.errors += 1
    finally:
        await conn.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server process (Linux /proc), or NaN elsewhere."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def implementations(python: str) -> str:
    """The HTTP parser and event loop uvicorn's "auto" picks in the server's interpreter."""
    code = ("import importlib.util as u; print(('httptools' if u.find_spec('httptools') else "
            "'h11') + ' + ' + ('uvloop' if u.find_spec('uvloop') else 'asyncio'))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return "uvicorn: " + (out.stdout.strip() or "?")


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


async def scenario(port, clients, total, max_seconds):
    tally = Tally()
    stop_at = time.monotonic() + max_seconds
    per = max(1, total // clients)
    await asyncio.gather(*(client_loop(port, per, stop_at, tally) for _ in range(clients)))
    return tally


async def during_big_call(port, big, clients, max_seconds):
    """1×1 calls from ``clients`` clients for as long as one big call runs."""
    tally, done = Tally(), asyncio.Event()
    big_result = {}

    async def run_big():
        t = time.perf_counter()
        conn = Connection(port)
        try:
            big_result["status"] = await conn.post(big, timeout=180)
        except Dropped as exc:
            big_result["status"] = f"dropped ({exc})"
        finally:
            await conn.close()
        big_result["s"] = time.perf_counter() - t
        done.set()

    stop_at = time.monotonic() + 180
    big_task = asyncio.create_task(run_big())
    await asyncio.sleep(0.2)  # let the big body go out first
    await asyncio.gather(*(client_loop(port, 10**9, stop_at, tally, done)
                           for _ in range(clients)))
    await big_task
    return tally, big_result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=2000, help="1×1 calls per scenario")
    p.add_argument("--max-seconds", type=float, default=20.0, help="time cap per scenario")
    p.add_argument("--clients", type=int, nargs="*", default=[1, 10, 50, 200],
                   help="concurrent clients of the 1×1 scenarios")
    p.add_argument("--python", default=sys.executable,
                   help="the server's interpreter: another checkout's virtualenv to compare")
    p.add_argument("--big", nargs="*", default=["100000x5", "1048576x2"],
                   help="big calls of the last scenarios, ROWSxCOLUMNS (COLUMNS 5 or 2)")
    a = p.parse_args(argv)

    port = free_port()
    proc = start_server(port, a.python)
    rows, cpu_rows = [], []
    try:
        asyncio.run(scenario(port, 5, 50, 10))  # warm-up
        for clients in a.clients:
            total = min(a.requests, 500) if clients == 1 else a.requests
            cpu, own = cpu_seconds(proc.pid), time.process_time()
            t = asyncio.run(scenario(port, clients, total, a.max_seconds))
            calls = max(1, len(t.ms))
            cpu_ms = (cpu_seconds(proc.pid) - cpu) * 1000 / calls
            cpu_rows.append((clients, cpu_ms, (time.process_time() - own) * 1000 / calls))
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
    print(f"\nServer CPU per 1×1 call and what it implies ({implementations(a.python)}; "
          f"the clients' CPU is the load generator's own, on the same cores):\n")
    print("| clients | server CPU ms/call | capacity, calls/s per core | implied queue "
          "(clients × CPU) ms | clients' CPU ms/call |")
    print("|---|---|---|---|---|")
    for clients, cpu_ms, own_ms in cpu_rows:
        print(f"| {clients} | {cpu_ms:.2f} | {1000 / cpu_ms:,.0f} | {clients * cpu_ms:.0f} "
              f"| {own_ms:.2f} |")
    ok = all(r[5] == 0 and r[6] == 0 for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
