"""The score phase alone: ``score_accounts`` + ``portfolio_summary`` at 100,000 accounts.

Run from the repository root::

    python bench/score.py                     # 100k × 24 (Parquet folder) and 100k × 12
    python bench/score.py --folder /tmp/p100k --as-of 2025-06-15   # an existing folder
    python bench/score.py --profile           # also cProfile one 100k × 24 run

Two portfolios, as the end-to-end benchmark and ``bench/engine.py`` section 1 build them:

* **100k × 24**: a folder of Parquet tables (``bench/_scale.py``'s ``write_folder``, 24 Usage
  months per account, or ``--folder``), read once with ``read_tables`` (not timed); then
  ``score_accounts`` and ``portfolio_summary`` as ``cs-workbook score`` runs them. Target:
  ≤ 1.2 s CPU for both together (issue 12 item 3's share of the 5 s end to end).
* **100k × 12**: ``bench/_synthetic.py``'s portfolio (12 Usage months); ``score_accounts``
  alone. Target: ≤ 1 s (the README's engine target).

Each is timed best of ``--repeat`` (3) runs, CPU (``time.process_time``) beside wall time, with
the load average: on a shared machine CPU time is the figure to compare. Targets are meant for
an idle machine; the ratio column is CPU ÷ target.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import AS_OF, synthetic_portfolio

from cs_workbook.portfolio import portfolio_summary, score_accounts

TARGET_24 = 1.2  # s CPU, score_accounts + portfolio_summary, 100k × 24
TARGET_12 = 1.0  # s, score_accounts, 100k × 12


def best(fn, repeat: int) -> tuple[float, float]:
    """(best CPU s, best wall s) of ``repeat`` calls."""
    cpus, walls = [], []
    for _ in range(repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return min(cpus), min(walls)


def _read(folder: Path):
    from cs_workbook.workbook.tables import read_tables

    return read_tables(folder)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folder", type=Path, help="a folder of CSV/Parquet tables to score")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory(prefix="cs-score-") as tmp:
        folder = args.folder
        if folder is None:
            from _scale import write_folder

            folder = Path(tmp) / "portfolio"
            write_folder(args.accounts, args.as_of, args.seed, folder)
        data = _read(folder)
    n24 = len(data.accounts)

    def run24():
        portfolio_summary(data, score_accounts(data, args.as_of), args.as_of)

    cpu, wall = best(run24, args.repeat)
    rows.append((f"{n24:,} × 24 (Parquet): score_accounts + portfolio_summary", cpu, wall,
                 TARGET_24))
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        run24()
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats("cs_workbook", 30)
    data = None  # free the 100k × 24 portfolio before building the next one

    syn = synthetic_portfolio(args.accounts, AS_OF, args.seed)
    cpu, wall = best(lambda: score_accounts(syn, AS_OF), args.repeat)
    rows.append((f"{args.accounts:,} × 12 (synthetic): score_accounts", cpu, wall, TARGET_12))

    load = os.getloadavg()
    print(f"best of {args.repeat}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPU(s)")
    width = max(len(r[0]) for r in rows)
    print(f"  {'what':<{width}}  {'CPU s':>6}  {'wall s':>6}  {'target':>6}  {'CPU/target':>10}")
    for what, cpu, wall, target in rows:
        mark = "met" if cpu <= target else "not met"
        print(f"  {what:<{width}}  {cpu:6.2f}  {wall:6.2f}  {target:6.2f}  "
              f"{cpu / target:9.2f}×  {mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
