"""EBR rendering benchmark: cold CLI time, warm per-document time, pool speed-up, memory.

    python bench/ebr.py [--docs 200] [--batch 40]

Prints a table with PASS/MISS against the targets of issue #4: cold CLI for one EBR
≤ 2.5 s, warm ≤ 0.7 s per document, speed-up ≥ 1.8× on 2 workers, memory flat over
``--docs`` documents (RSS growth after warm-up ≤ 10 % and ≤ 40 MB). Timings are wall-clock
on this machine, best of a few runs; other load on the machine shows up in them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 23)


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def write_sample(path: Path, n_accounts: int) -> Path:
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook.writer import write_workbook

    write_workbook(sample_portfolio(AS_OF, n_accounts=n_accounts), path)
    return path


def cold_cli(workbook: Path, out: Path, runs: int = 3) -> float:
    """Best wall time of ``cs-workbook ebr`` (or the module entry point) for one account."""
    exe = shutil.which("cs-workbook")
    wired = exe and "ebr" in subprocess.run([exe, "--help"], capture_output=True, text=True,
                                            check=False).stdout
    cmd = ([exe, "ebr"] if wired else [sys.executable, "-m", "cs_workbook.cli.ebr"])
    cmd += [str(workbook), "--account", "ACC-001", "-o", str(out), "--as-of", AS_OF.isoformat()]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200, help="documents for the memory run")
    ap.add_argument("--batch", type=int, default=40, help="documents for the speed-up run")
    ap.add_argument("--warm", type=int, default=10, help="documents for the warm timing")
    args = ap.parse_args(argv)

    from cs_workbook.reports.render import Renderer, render_batch
    from cs_workbook.reports.viewmodel import build_view, previous_as_of

    from cs_workbook.portfolio import score_accounts
    from cs_workbook.sample import sample_portfolio

    tmp = Path(tempfile.mkdtemp(prefix="ebr-bench-"))
    rows = []
    try:
        workbook = write_sample(tmp / "portfolio.xlsx", 40)
        cold = cold_cli(workbook, tmp / "one.pdf")
        rows.append(("cold CLI, one EBR", f"{cold:.2f} s", "≤ 2.5 s", cold <= 2.5))

        data = sample_portfolio(AS_OF, n_accounts=max(args.batch, 40))
        ids = list(data.accounts["Account ID"])
        scores = score_accounts(data, AS_OF)
        previous = score_accounts(data, previous_as_of(AS_OF))
        renderer = Renderer()
        renderer.pdf(build_view(data, ids[0], AS_OF, scores=scores, previous=previous))
        times = []
        for a in ids[1:args.warm + 1]:
            start = time.perf_counter()
            renderer.pdf(build_view(data, a, AS_OF, scores=scores, previous=previous))
            times.append(time.perf_counter() - start)
        warm = sorted(times)[len(times) // 2]
        rows.append(("warm, per document (median)", f"{warm:.2f} s", "≤ 0.7 s", warm <= 0.7))

        batch_ids = ids[:args.batch]
        start = time.perf_counter()
        render_batch(data, batch_ids, AS_OF, tmp / "b1", jobs=1)
        one = time.perf_counter() - start
        start = time.perf_counter()
        results = render_batch(data, batch_ids, AS_OF, tmp / "b2", jobs=2)
        two = time.perf_counter() - start
        assert all(r.ok for r in results), [r.error for r in results if not r.ok]
        speedup = one / two
        rows.append((f"{len(batch_ids)} EBRs, 1 worker", f"{one:.1f} s", "", None))
        rows.append((f"{len(batch_ids)} EBRs, 2 workers", f"{two:.1f} s", "", None))
        rows.append(("pool speed-up, 2 workers", f"{speedup:.2f}×", "≥ 1.8×", speedup >= 1.8))

        marks, base = [], None
        for i in range(args.docs):
            a = ids[i % len(ids)]
            renderer.pdf(build_view(data, a, AS_OF, scores=scores, previous=previous))
            if i + 1 in (25, args.docs // 2, args.docs):
                marks.append((i + 1, rss_mb()))
        base, peak = marks[0][1], max(m for _, m in marks)
        growth = peak - base
        flat = growth <= max(0.10 * base, 0) and growth <= 40
        trail = ", ".join(f"{n}: {m:.0f} MB" for n, m in marks)
        rows.append((f"RSS over {args.docs} documents", f"{peak:.0f} MB peak ({trail})",
                     "flat", flat))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    width = max(len(r[0]) for r in rows)
    print(f"EBR benchmark ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f})")
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        print(f"  {name.ljust(width)}  {value:<40} {target:<8} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
