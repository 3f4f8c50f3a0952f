"""Headless calculation timings: the SOW calculator and the sample portfolio's Scorecard.

Run: ``python bench/calc.py [N_ACCOUNTS …]`` — prints one row per workbook: formula cells,
seconds, formula cells per second.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from cs_workbook.calc import calculate
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.sow import write_sow_calculator
from cs_workbook.workbook.writer import write_workbook

AS_OF = dt.date(2026, 11, 23)


def _portfolio(path: Path, n: int) -> Path:
    data = sample_portfolio(AS_OF, n_accounts=n)
    return write_workbook(data, path, as_of=AS_OF)  # with its Scorecard of CS_* formulas


def main(sizes=(40,)) -> None:
    rows = [("workbook", "formulas", "seconds", "cells/s")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases = [("SOW calculator (sample)", write_sow_calculator(tmp / "sow.xlsx", sample=True))]
        cases += [(f"portfolio, {n} accounts", _portfolio(tmp / f"p{n}.xlsx", n)) for n in sizes]
        for name, path in cases:
            start = time.perf_counter()
            report = calculate(path, tmp / f"out-{path.name}")
            took = time.perf_counter() - start
            rows.append((name, str(report.formulas), f"{took:.2f}",
                         f"{report.formulas / took:,.0f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(v.ljust(w) if i == 0 else v.rjust(w)
                        for i, (v, w) in enumerate(zip(r, widths))))


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (40,))
