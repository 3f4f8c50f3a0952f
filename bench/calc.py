"""Headless calculation: the evaluation cores compared on the SOW calculator and the sample
portfolio's Scorecard.

Run: ``python bench/calc.py [N_ACCOUNTS …] [--formulas-up-to N]`` — prints one row per engine and
workbook: formula cells, seconds, formula cells per second, and agreement: the share of formula
cells whose value equals the ``formulas`` package's (the former core, the reference; it is slow,
so it runs only on portfolios of at most ``--formulas-up-to`` accounts, default 40), and, for a
portfolio, whether the Scorecard equals ``score_accounts`` column by column.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from cs_workbook.calc import calculate
from cs_workbook.calc.evaluate import _same, _scan
from cs_workbook.calc.package import sheet_parts
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.sow import write_sow_calculator
from cs_workbook.workbook.writer import write_workbook

AS_OF = dt.date(2026, 11, 23)


def _portfolio(path: Path, n: int):
    data = sample_portfolio(AS_OF, n_accounts=n)
    return data, write_workbook(data, path, as_of=AS_OF)  # with its Scorecard of CS_* formulas


def _values(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return {k: cell[1] for k, cell in _scan(zf, sheet_parts(zf)).items()}


def _scorecard_matches(data, out: Path) -> str:
    """How many of the compared Scorecard columns equal score_accounts (tests' criterion)."""
    import openpyxl
    import pandas as pd

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from workbook.test_scorecard import COMPARED, _same as same  # noqa: E402

    from cs_workbook.portfolio import score_accounts

    ws = openpyxl.load_workbook(out, data_only=True)["Scorecard"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    got = pd.DataFrame(rows[1:], columns=rows[0])
    want = score_accounts(data, AS_OF)
    ok = sum(all(same(g, w) for g, w in zip(got[c], want[c])) for c in COMPARED)
    return f"{ok}/{len(COMPARED)} columns = score"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[40, 200])
    ap.add_argument("--formulas-up-to", type=int, default=40)
    args = ap.parse_args(argv)
    rows = [("engine", "workbook", "formulas", "seconds", "cells/s", "agreement")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases = [("SOW calculator (sample)", None,
                  write_sow_calculator(tmp / "sow.xlsx", sample=True), True)]
        for n in args.sizes:
            data, path = _portfolio(tmp / f"p{n}.xlsx", n)
            cases.append((f"portfolio, {n} accounts", data, path, n <= args.formulas_up_to))
        for name, data, path, with_reference in cases:
            results = {}
            for engine in ("formulas", "formualizer"):
                if engine == "formulas" and not with_reference:
                    continue
                out = tmp / f"{engine}-{path.name}"
                start = time.perf_counter()
                report = calculate(path, out, engine=engine)
                took = time.perf_counter() - start
                results[engine] = _values(out)
                if engine == "formulas":
                    agreement = "reference"
                else:
                    ref = results.get("formulas")
                    agreement = "" if ref is None else (
                        f"{sum(_same(ref[k], v) or ref[k] == v for k, v in results[engine].items()) / max(len(ref), 1):.1%} of cells")
                if data is not None:
                    agreement = ", ".join(a for a in (agreement, _scorecard_matches(data, out)) if a)
                kept = f", {report.kept_cached} kept" if report.kept_cached else ""
                rows.append((engine, name, f"{report.formulas}{kept}", f"{took:.2f}",
                             f"{report.formulas / took:,.0f}" if took else "-", agreement))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(v.ljust(w) if i in (0, 1, 5) else v.rjust(w)
                        for i, (v, w) in enumerate(zip(r, widths))).rstrip())


if __name__ == "__main__":
    main()
