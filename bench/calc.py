"""Headless calculation: the evaluation cores compared on the SOW calculator and the sample
portfolio's Scorecard.

Run: ``python bench/calc.py [N_ACCOUNTS …] [--formulas-up-to N] [--plain-up-to N]`` (default
40 200 1000) — prints one row per engine and workbook: formula cells, wall seconds, CPU seconds
(less affected by other jobs on a shared machine), formula cells per CPU second, peak RSS of the
process that ran it (each run is its own subprocess), the ratio to the issue's targets, and
agreement: the share of formula cells equal to the reference (the ``formulas`` package, the
former core, where it runs; else formualizer as of main, ``formualizer-plain``) and, for a
portfolio, whether the Scorecard equals ``score_accounts`` column by column.

Engines: ``formulas`` (the former core; slow, so only up to ``--formulas-up-to`` accounts,
default 40), ``formualizer-plain`` (formualizer evaluating every formula as written, as on
main before the column-wise ``*IFS``; up to ``--plain-up-to``, default 200) and
``formualizer`` (the core with per-row ``*IFS`` answered from hash indexes).

Targets (issue #9): the 40-account sample in ≤ 0.65 s (20× the former 13 s); 1,000 accounts in
≤ 10 s on one core and ≤ 1 GB. The "vs target" column divides CPU seconds by the target (the
coordinator judges wall time on an idle machine, where the two agree); the load average before
and after the runs is printed with the table.

Each timed run is a fresh interpreter, as a user's ``cs-workbook calc`` is, with Python's
bytecode cache as an installed package has it: the runs write and reuse compiled modules under a
temporary ``PYTHONPYCACHEPREFIX`` (``bench/_bytecode.py``; a warm-up run fills it first), so a machine that sets
``PYTHONDONTWRITEBYTECODE`` does not charge every run for compiling ~40 modules (~0.3 s).
formualizer runs ``--repeat`` times (default 3) per workbook and the fastest run is shown, as
``timeit`` reports the best: on a shared machine the spread between identical runs is large
(0.40-0.68 s at 40 accounts), and the slow runs measure the other jobs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _bytecode import bytecode_env

AS_OF = dt.date(2026, 11, 23)
TARGETS = {40: (0.65, None), 1000: (10.0, 1024)}  # accounts: (seconds, MB)


def _values(path: Path) -> dict:
    from cs_workbook.calc.evaluate import _scan
    from cs_workbook.calc.package import sheet_parts

    with zipfile.ZipFile(path) as zf:
        return {k: cell[1] for k, cell in _scan(zf, sheet_parts(zf)).items()}


def _scorecard_matches(n: int, out: Path) -> str:
    """How many of the compared Scorecard columns equal score_accounts (tests' criterion)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from scorecard_checks import COMPARED, same, scorecard_frame  # noqa: E402

    from cs_workbook.portfolio import score_accounts
    from cs_workbook.sample import sample_portfolio

    got = scorecard_frame(out)
    want = score_accounts(sample_portfolio(AS_OF, n_accounts=n), AS_OF)
    ok = sum(all(same(g, w) for g, w in zip(got[c], want[c])) for c in COMPARED)
    return f"{ok}/{len(COMPARED)} columns = score"


def _one(engine: str, src: str, out: str) -> None:
    """Child process: calculate once, print JSON (wall, CPU, peak RSS, counts)."""
    from cs_workbook.calc import calculate

    wall, cpu = time.perf_counter(), time.process_time()
    report = calculate(src, out, engine=engine)
    print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                      "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "formulas": report.formulas, "kept": report.kept_cached,
                      "work": report.work}))


def _run(engine: str, src: Path, out: Path, env: dict | None = None) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", engine, str(src), str(out)],
                          capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _load_average() -> str:
    try:
        return "/".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def _target(n, got: dict) -> str:
    if n not in TARGETS:
        return ""
    seconds, mb = TARGETS[n]
    text = f"CPU {got['cpu'] / seconds:.1f}× of ≤ {seconds:g} s"
    if mb:
        text += f", RSS {got['rss'] / mb:.2f}× of ≤ 1 GB"
    return text


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[40, 200, 1000])
    ap.add_argument("--formulas-up-to", type=int, default=40)
    ap.add_argument("--plain-up-to", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh-process runs of formualizer per workbook; the fastest is shown "
                         "(default 3; the slow formulas engine runs once)")
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        return _one(*args.one)
    from cs_workbook.calc.evaluate import _same
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook.sow import write_sow_calculator
    from cs_workbook.workbook.writer import write_workbook

    rows = [("engine", "workbook", "formulas", "wall s", "CPU s", "cells/CPU s", "peak MB",
             "vs target", "agreement")]
    started = _load_average()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = bytecode_env(tmp / "pycache")
        cases = [("SOW calculator (sample)", None,
                  write_sow_calculator(tmp / "sow.xlsx", sample=True))]
        _run("formualizer", cases[0][2], tmp / "warm-up.xlsx", env)  # fills the bytecode cache
        for n in args.sizes:
            path = write_workbook(sample_portfolio(AS_OF, n_accounts=n), tmp / f"p{n}.xlsx",
                                  as_of=AS_OF)
            cases.append((f"portfolio, {n} accounts", n, path))
        for name, n, path in cases:
            results, reference = {}, None
            for engine in ("formulas", "formualizer-plain", "formualizer"):
                if n is not None and (engine == "formulas" and n > args.formulas_up_to
                                      or engine == "formualizer-plain"
                                      and n > args.plain_up_to):
                    continue
                out = tmp / f"{engine}-{path.name}"
                runs = 1 if engine == "formulas" else max(args.repeat, 1)
                got = min((_run(engine, path, out, env) for _ in range(runs)),
                          key=lambda r: r["wall"])
                results[engine] = _values(out)
                if reference is None:
                    reference, agreement = engine, "reference"
                else:
                    ref = results[reference]
                    same = sum(_same(ref[k], v) or ref[k] == v
                               for k, v in results[engine].items())
                    agreement = f"{same / max(len(ref), 1):.1%} of cells = {reference}"
                if n is not None:
                    agreement += ", " + _scorecard_matches(n, out)
                kept = f", {got['kept']} kept" if got["kept"] else ""
                rows.append((engine, name, f"{got['formulas']:,}{kept}", f"{got['wall']:.2f}",
                             f"{got['cpu']:.2f}", f"{got['formulas'] / got['cpu']:,.0f}",
                             f"{got['rss']:.0f}", _target(n, got), agreement))
                print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    print(f"load average (1/5/15 min) before: {started}, after: {_load_average()}; "
          f"targets: 40 accounts ≤ 0.65 s, 1,000 accounts ≤ 10 s and ≤ 1 GB")
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(v.ljust(w) if i in (0, 1, 7, 8) else v.rjust(w)
                        for i, (v, w) in enumerate(zip(r, widths))).rstrip())


if __name__ == "__main__":
    main()
