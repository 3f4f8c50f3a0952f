"""How long ``cs-workbook import --from gitlab-dbt`` takes as the portfolio grows.

Run from the repository root::

    python bench/importers.py                       # 1,000 / 10,000 / 30,000 accounts
    python bench/importers.py --accounts 1000 100000

A synthetic ``mart_arr`` (one row per account in the last month) and
``mart_product_usage_health_score`` (one row per account per month, 24 months, every measure
as CSV text) are built in memory; the table shows reading them as CSV from a temporary folder,
applying the shipped mapping (conversion + month bucketing) and writing the folder of CSV
tables, each best of 3, and the time per Usage row.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cs_workbook.importers import apply_mapping, shipped_mapping
from cs_workbook.importers.output import write_folder
from cs_workbook.importers.sources import read_source

MEASURES = ["billable_user_count", "last_activity_28_days_user",
            "action_monthly_active_users_project_repo_28_days_user_clean",
            "ci_builds_28_days_event", "deployments_28_days_user", "deployments_28_days_event",
            "successful_deployments_28_days_event", "failed_deployments_28_days_event",
            "user_unique_users_all_secure_scanners_28_days_user", "sum_of_all_scans_l28d",
            "ci_internal_pipelines_28_days_event", "number_of_scanner_types"]


def exports(n_accounts: int, folder: Path) -> list[Path]:
    rng = np.random.default_rng(0)
    months = [p.to_timestamp().date().isoformat()
              for p in pd.period_range("2024-07", "2026-06", freq="M")]
    ids = [f"{i:06d}" for i in range(n_accounts)]
    usage = pd.DataFrame({"snapshot_month": np.repeat(months, n_accounts),
                          "dim_crm_account_id": np.tile(ids, len(months))})
    for c in MEASURES:
        usage[c] = rng.integers(0, 100, len(usage))
    arr = pd.DataFrame({"arr_month": months[-1], "dim_crm_account_id": ids,
                        "crm_account_name": [f"Account {i}" for i in ids],
                        "parent_crm_account_sales_segment": "SMB",
                        "product_tier_name": "SaaS - Premium", "product_delivery_type": "SaaS",
                        "subscription_start_month": "2024-01-01",
                        "subscription_end_month": "2027-01-01", "quantity": 100, "mrr": 10,
                        "arr": 120})
    paths = [folder / "mart_arr.csv", folder / "mart_product_usage_health_score.csv"]
    arr.to_csv(paths[0], index=False)
    usage.to_csv(paths[1], index=False)
    return paths


def best(f, repeat=3):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--accounts", type=int, nargs="+", default=[1_000, 10_000, 30_000])
    args = p.parse_args(argv)
    mapping = shipped_mapping("gitlab-dbt")
    print(f"{'accounts':>9} {'usage rows':>11} {'read s':>7} {'apply s':>8} {'write s':>8} "
          f"{'µs/row':>7}")
    for n in args.accounts:
        with tempfile.TemporaryDirectory() as tmp:
            paths = exports(n, Path(tmp))
            t_read, tables = best(lambda paths=paths: {p.name: read_source(p) for p in paths})
            t_apply, data = best(lambda tables=tables: apply_mapping(mapping, tables))
            t_write, _ = best(lambda data=data, tmp=tmp: write_folder(data, Path(tmp) / "out"))
        rows = n * 24
        total = t_read + t_apply + t_write
        print(f"{n:>9,} {rows:>11,} {t_read:>7.2f} {t_apply:>8.2f} {t_write:>8.2f} "
              f"{total / rows * 1e6:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
