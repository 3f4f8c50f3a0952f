"""Which library reads a folder of tables fastest: pyarrow vs pandas vs Polars vs DuckDB.

Run from the repository root::

    python bench/tables.py            # 100,000 accounts × 24 months (2.4 M Usage rows)
    python bench/tables.py --accounts 10000

The Usage table of a synthetic portfolio (``bench/_synthetic.py``) is written once as Parquet
(pyarrow, snappy) and as CSV (ISO dates) to a temporary folder; each contender then reads it
into what the validating reader needs, one numpy array per column (numbers as float64 with NaN
for nulls, dates as datetime64, text as object). Best of 3, single process; libraries that are
not installed are skipped. cs-workbook itself uses pyarrow (``cs_workbook/workbook/tables.py``):
it is the fastest or within noise of it here, pandas already knows it, and it adds one
dependency instead of a second DataFrame engine.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import AS_OF, synthetic_frames  # noqa: E402


def best_of(fn, repeats: int = 3) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(repeats):
        result = None
        gc.collect()
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def _columns_pyarrow(table) -> dict:
    return {name: col.to_numpy(zero_copy_only=False) for name, col in
            zip(table.column_names, table.columns)}


def contenders(path_parquet: Path, path_csv: Path) -> list[tuple[str, str, object]]:
    """``[(format, library, reader)]`` of what is installed."""
    out = []
    try:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        out.append(("parquet", "pyarrow read_table → numpy",
                    lambda: _columns_pyarrow(pq.read_table(path_parquet))))
        out.append(("csv", "pyarrow.csv read_csv → numpy",
                    lambda: _columns_pyarrow(pacsv.read_csv(path_csv))))
        out.append(("parquet", "pandas read_parquet (pyarrow) → numpy",
                    lambda: {c: s.to_numpy() for c, s in pd.read_parquet(path_parquet).items()}))
        out.append(("csv", "pandas read_csv engine=pyarrow → numpy",
                    lambda: {c: s.to_numpy() for c, s in
                             pd.read_csv(path_csv, engine="pyarrow").items()}))
    except ImportError:
        pass
    out.append(("csv", "pandas read_csv engine=c → numpy",
                lambda: {c: s.to_numpy() for c, s in pd.read_csv(path_csv).items()}))
    try:
        import polars as pl

        out.append(("parquet", "polars read_parquet → numpy",
                    lambda: {c: s.to_numpy() for c, s in
                             zip(*(lambda d: (d.columns, d.get_columns()))(
                                 pl.read_parquet(path_parquet)))}))
        out.append(("csv", "polars read_csv → numpy",
                    lambda: {c: s.to_numpy() for c, s in
                             zip(*(lambda d: (d.columns, d.get_columns()))(
                                 pl.read_csv(path_csv, try_parse_dates=True)))}))
    except ImportError:
        pass
    try:
        import duckdb

        def duck(sql):
            con = duckdb.connect()
            try:
                return con.execute(sql).fetchnumpy()
            finally:
                con.close()

        out.append(("parquet", "duckdb read_parquet → fetchnumpy",
                    lambda: duck(f"select * from read_parquet('{path_parquet}')")))
        out.append(("csv", "duckdb read_csv → fetchnumpy",
                    lambda: duck(f"select * from read_csv('{path_csv}')")))
    except ImportError:
        pass
    return out


def versions() -> str:
    parts = [f"pandas {pd.__version__}"]
    for name in ("pyarrow", "polars", "duckdb"):
        try:
            parts.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            parts.append(f"{name} not installed")
    return ", ".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=24)
    args = ap.parse_args(argv)
    import pyarrow as pa
    import pyarrow.parquet as pq

    usage = synthetic_frames(args.accounts, AS_OF, 7, months=args.months)["Usage"]
    usage = usage.assign(Month=pd.to_datetime(usage["Month"]).dt.strftime("%Y-%m-%d"))
    print(f"reading a {len(usage):,}-row × {usage.shape[1]}-column Usage table; {versions()}; "
          f"{os.cpu_count()} CPU(s)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cs-tables-") as tmp:
        p_parquet, p_csv = Path(tmp) / "Usage.parquet", Path(tmp) / "Usage.csv"
        typed = usage.assign(Month=pd.to_datetime(usage["Month"]).dt.date)
        pq.write_table(pa.Table.from_pandas(typed, preserve_index=False), p_parquet)
        usage.to_csv(p_csv, index=False)
        sizes = {"parquet": os.path.getsize(p_parquet), "csv": os.path.getsize(p_csv)}
        for fmt, label, fn in contenders(p_parquet, p_csv):
            secs, cols = best_of(fn)
            assert len(cols) == usage.shape[1] and len(next(iter(cols.values()))) == len(usage)
            rows.append((fmt, label, secs, sizes[fmt]))
            print(f"  {fmt:8} {label:42} best of 3 = {secs * 1000:8.1f} ms", flush=True)
    print()
    print(f"  {'format':8} {'reader':42} {'seconds':>9} {'rows/s':>12} {'file MB':>8}")
    for fmt, label, secs, size in sorted(rows, key=lambda r: (r[0], r[2]), reverse=False):
        print(f"  {fmt:8} {label:42} {secs:9.3f} {len(usage) / secs:12,.0f} {size / 1e6:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
