"""Section 4 of ``bench/engine.py``: a folder of Parquet tables, read + score + write, end to end.

For each size, a synthetic portfolio with 24 monthly Usage rows per account is written once as a
folder of Parquet files (not timed). Then:

* **end to end**: ``python -m cs_workbook.cli score FOLDER --as-of … -o scores.parquet`` in a
  child process, timed from spawn to exit (interpreter start and imports included); its CPU
  time (user + system) and peak resident memory come from ``os.wait4`` in a small launcher
  process (see ``_LAUNCHER``: a child forked from this big process would be charged its
  RSS). Best of 2, after one untimed run that fills a temporary bytecode cache
  (``bench/_bytecode.py``: as an installed package, not compiling every module each run).
* **in process**, the same steps one by one: ``read_tables`` (pyarrow + the reader's checks),
  ``score_accounts`` + ``portfolio_summary``, ``data_coverage`` + ``lines`` (the notes ``score`` prints),
  ``write_scores`` to ``.parquet`` and to ``.csv``; wall and CPU seconds each.

CPU time is reported next to wall time because this machine is shared: when other jobs load
both cores, wall time grows while CPU time stays close to what an idle machine would show.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bytecode import bytecode_env
from _synthetic import synthetic_frames

from cs_workbook.data import CSData
from cs_workbook.portfolio import portfolio_summary, score_accounts

__all__ = ["bench_scale", "MONTHS"]

MONTHS = 24


def write_folder(n: int, as_of: dt.date, seed: int, folder: Path) -> dict[str, int]:
    """The synthetic portfolio as one Parquet file per sheet; ``{sheet: rows}``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = CSData.from_frames(synthetic_frames(n, as_of, seed, months=MONTHS))
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in data.sheets().items():
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), folder / f"{name}.parquet")
    return {name: len(df) for name, df in data.sheets().items()}


#: Runs argv[1:] as a child and prints its wall s, CPU s and peak RSS (KB) as JSON. Linux
#: charges a child the peak RSS of the process it was forked from (exec keeps the old hiwater
#: mark), so the benchmark, holding whole portfolios, starts this small launcher, and the
#: launcher, a few MB, starts ``cs-workbook``.
_LAUNCHER = """
import json, os, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = proc.stderr.read().decode()
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps({"wall": time.perf_counter() - t, "cpu": usage.ru_utime + usage.ru_stime,
                  "maxrss": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status),
                  "err": err}))
"""


def run_cli(folder: Path, out: Path, as_of: dt.date, env: dict | None = None) -> dict:
    """One ``cs-workbook score`` child process: wall s, CPU s, peak RSS MB."""
    import json

    cmd = [sys.executable, "-m", "cs_workbook.cli", "score", str(folder), "--as-of",
           as_of.isoformat(), "-o", str(out)]
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *cmd], capture_output=True,
                          text=True, check=True, env=env)
    got = json.loads(done.stdout)
    if got["code"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {got['code']}: {got['err']}")
    rss_mb = got["maxrss"] / 1024 if sys.platform != "darwin" else got["maxrss"] / 2**20
    return {"wall": got["wall"], "cpu": got["cpu"], "rss_mb": rss_mb}


def _timed(fn):
    t, c = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - t, time.process_time() - c, result


def in_process(folder: Path, out_dir: Path, as_of: dt.date) -> dict:
    from cs_workbook.portfolio.coverage import data_coverage
    from cs_workbook.workbook.export import write_scores
    from cs_workbook.workbook.tables import read_tables

    steps = {}
    steps["read"] = _timed(lambda: read_tables(folder))
    data = steps["read"][2]
    steps["score"] = _timed(lambda: (lambda s: (s, portfolio_summary(data, s, as_of)))(
        score_accounts(data, as_of)))
    scores, summary = steps["score"][2]
    steps["coverage"] = _timed(lambda: data_coverage(data, scores, as_of).lines())
    steps["parquet"] = _timed(lambda: write_scores(scores, out_dir / "s.parquet", summary))
    steps["csv"] = _timed(lambda: write_scores(scores, out_dir / "s.csv", summary))
    return {k: (wall, cpu) for k, (wall, cpu, _) in steps.items()}


def bench_scale(sizes, as_of: dt.date, seed: int) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="cs-scale-pycache-") as pycache:
        return _bench_scale(sizes, as_of, seed, bytecode_env(Path(pycache)))


def _bench_scale(sizes, as_of: dt.date, seed: int, env: dict) -> list[dict]:
    results = []
    warm = False
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="cs-scale-") as tmp:
            folder = Path(tmp) / "portfolio"
            t = time.perf_counter()
            rows = write_folder(n, as_of, seed, folder)
            mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
            print(f"  {n:>7,} accounts, {rows['Usage']:>9,} Usage rows: Parquet folder "
                  f"{mb:.1f} MB written in {time.perf_counter() - t:.1f} s (not timed)", flush=True)
            if not warm:  # fills the bytecode cache; not timed
                run_cli(folder, Path(tmp) / "scores.parquet", as_of, env)
                warm = True
            runs = [run_cli(folder, Path(tmp) / "scores.parquet", as_of, env) for _ in range(2)]
            best = min(runs, key=lambda r: r["wall"])
            steps = in_process(folder, Path(tmp), as_of)
            print(f"    end to end (cs-workbook score → .parquet): wall {best['wall']:.2f} s, "
                  f"CPU {best['cpu']:.2f} s, peak RSS {best['rss_mb']:,.0f} MB; in process: "
                  + ", ".join(f"{k} {w:.2f} s (CPU {c:.2f})" for k, (w, c) in steps.items()),
                  flush=True)
            results.append({"n": n, "usage_rows": rows["Usage"], "mb": mb, **best,
                            "steps": steps})
    return results
