"""Each shipped mapping imports a small synthetic export of its shape, to xlsx and to a folder,
and ``score`` on the result gives the values the export implies (issue #12, item 2).

The expected values are worked out here from the synthetic rows, not taken from our own code:
utilization = billable ÷ licensed users, a tier or segment named by the export's own vocabulary,
daily usage bucketed to the month's last value, MRR summed over a month's subscriptions.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cs_workbook import cli
from cs_workbook.workbook.tables import read_data

AS_OF = "2026-06-30"


def _csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _import(tmp_path, sources, out: str, *extra) -> Path:
    code = cli.main(["import", *map(str, sources), *extra, "-o", str(tmp_path / out)])
    assert code == 0
    return tmp_path / out


def _score(tmp_path, book: Path, name: str) -> dict:
    out = tmp_path / f"{name}.json"
    assert cli.main(["score", str(book), "--as-of", AS_OF, "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    return {a["Account ID"]: a for a in doc["accounts"]}


def _both(tmp_path, sources, *extra):
    """Import to xlsx and to a folder; both read back equal; return (data, scores by id)."""
    book = _import(tmp_path, sources, "book.xlsx", *extra)
    folder = _import(tmp_path, sources, "book/", *extra)
    assert min(p.name for p in folder.iterdir()) == "Accounts.csv"
    a, b = read_data(book), read_data(folder)
    for name, df in a.sheets().items():
        pd.testing.assert_frame_equal(df, b.sheets()[name], check_dtype=False, obj=name)
    s_book, s_folder = _score(tmp_path, book, "xlsx"), _score(tmp_path, folder, "folder")
    assert s_book == s_folder
    return a, s_book


# --- GitLab dbt marts ----------------------------------------------------------------------------

ARR_HEADER = ["arr_month", "dim_crm_account_id", "crm_account_name",
              "parent_crm_account_sales_segment", "product_tier_name", "product_delivery_type",
              "subscription_start_month", "subscription_end_month", "quantity", "mrr", "arr"]
USAGE_HEADER = ["snapshot_month", "dim_crm_account_id", "instance_identifier",
                "billable_user_count", "license_user_count", "license_utilization",
                "last_activity_28_days_user",
                "action_monthly_active_users_project_repo_28_days_user_clean",
                "ci_builds_28_days_event", "deployments_28_days_user",
                "deployments_28_days_event", "successful_deployments_28_days_event",
                "failed_deployments_28_days_event",
                "user_unique_users_all_secure_scanners_28_days_user", "sum_of_all_scans_l28d",
                "ci_internal_pipelines_28_days_event", "number_of_scanner_types"]


def _gitlab_exports(tmp_path) -> list[Path]:
    arr = []
    for month in pd.period_range("2025-07", "2026-06", freq="M"):
        m = month.to_timestamp().date().isoformat()
        # 0011: Large / SaaS - Ultimate, one subscription of 200 seats ($20/seat/month)
        arr.append([m, "0011", "Acme Corp", "Large", "SaaS - Ultimate", "SaaS", "2024-01-01",
                    "2027-01-01", 200, 4000, 48000])
        # 0012: SMB / Self-Managed - Premium, two subscriptions in each month (MRR adds up)
        arr.append([m, "0012", "Beta LLC", "SMB", "Self-Managed - Premium", "Self-Managed",
                    "2025-03-01", "2026-09-01", 50, 950, 11400])
        arr.append([m, "0012", "Beta LLC", "SMB", "Self-Managed - Premium", "Self-Managed",
                    "2025-03-01", "2026-09-01", 50, 50, 600])
    usage = []
    for i, month in enumerate(pd.period_range("2026-01", "2026-06", freq="M")):
        m = month.to_timestamp().date().isoformat()
        usage.append([m, "0011", "inst-a", 150 + i, 200, (150 + i) / 200, 120, 110, 900, 12,
                      80, 70, 10, 30, 400, 300, 3])
        # account 0012 has two instances; their users add up
        usage.append([m, "0012", "inst-b", 20, 50, 0.4, 15, 15, 100, 2, 5, 4, 1, 3, 20, 40, 2])
        usage.append([m, "0012", "inst-c", 10, 50, 0.2, 5, 5, 50, 1, 2, 2, 0, 1, 5, 10, 1])
    return [_csv(tmp_path / "mart_arr.csv", ARR_HEADER, arr),
            _csv(tmp_path / "mart_product_usage_health_score.csv", USAGE_HEADER, usage)]


def test_gitlab_dbt(tmp_path):
    data, scores = _both(tmp_path, _gitlab_exports(tmp_path), "--from", "gitlab-dbt")
    acc = data.accounts.set_index("Account ID")
    assert acc.loc["0011", ["Segment", "Tier", "Deployment"]].tolist() == \
        ["Strategic", "Ultimate", "SaaS"]
    assert acc.loc["0012", ["Segment", "Tier", "Deployment"]].tolist() == \
        ["Scale", "Premium", "Self-Managed"]
    assert acc.loc["0011", "Contract Date"] == pd.Timestamp("2024-01-01")
    assert acc.loc["0011", "Licensed Users"] == 200
    assert acc.loc["0012", ["Licensed Users", "ARR"]].tolist() == [100, 12000]  # 2 subscriptions
    rev = data.revenue.set_index(["Account ID", "Month"])["MRR"]
    assert rev[("0012", pd.Timestamp("2026-06-01"))] == 1000  # 950 + 50
    assert len(data.revenue) == 24
    usage = data.usage.set_index(["Account ID", "Month"])
    june = usage.loc[("0012", pd.Timestamp("2026-06-01"))]
    assert june["Billable Users"] == 30  # 20 + 10
    assert june["Scanner Types"] == 2  # the most of one instance, not 2 + 1
    assert scores["0011"]["License Utilization"] == pytest.approx(155 / 200)
    assert scores["0012"]["License Utilization"] == pytest.approx(30 / 100)


# --- Salesforce / Gainsight / HubSpot account exports --------------------------------------------

def test_salesforce(tmp_path):
    src = _csv(tmp_path / "report1718000000000.csv",
               ["Account ID", "Account Name", "Type", "Industry", "Annual Revenue", "Owner Name",
                "Customer Segment", "Product Tier", "Deployment Type", "Contract Start Date",
                "Licensed Seats", "ARR", "Renewal Date"],
               [["0015g00000AbCdEAAV", "Acme Corp", "Customer - Direct", "Technology",
                 "12,000,000", "Dana Scully", "Enterprise", "Ultimate", "Cloud", "01/15/2025",
                 "250", "$60,000", "01/14/2027"],
                ["0015g00000AbCdFAAV", "Beta LLC", "Customer - Channel", "Retail", "", "Fox Mulder",
                 "SMB", "Premium", "On-Premise", "11/03/2025", "40", "9,600", ""]])
    data, scores = _both(tmp_path, [src], "--from", "salesforce")
    acc = data.accounts.set_index("Account ID")
    assert acc.loc["0015g00000AbCdEAAV", "Segment"] == "Strategic"
    assert acc.loc["0015g00000AbCdFAAV", "Deployment"] == "Self-Managed"
    assert acc.loc["0015g00000AbCdEAAV", "Contract Date"] == pd.Timestamp("2025-01-15")
    assert acc.loc["0015g00000AbCdEAAV", "ARR"] == 60000
    assert acc.loc["0015g00000AbCdFAAV", "CSM"] == "Fox Mulder"
    assert set(scores) == {"0015g00000AbCdEAAV", "0015g00000AbCdFAAV"}
    # the same report exported as xlsx (Details Only) imports the same
    xlsx = tmp_path / "report.xlsx"
    pd.read_csv(src, dtype=str, keep_default_na=False).to_excel(xlsx, index=False)
    again = read_data(_import(tmp_path, [xlsx], "from-xlsx/", "--from", "salesforce"))
    pd.testing.assert_frame_equal(data.accounts, again.accounts)


def test_gainsight(tmp_path):
    src = _csv(tmp_path / "Company.csv",
               ["Company ID", "Name", "CSM", "ARR", "Stage", "Status", "Segment", "Tier",
                "Deployment Type", "Original Contract Date", "Renewal Date", "Users"],
               [["1P02ABC", "Acme Corp", "Dana Scully", "60000", "Adopting", "Active",
                 "Mid Market", "Gold", "Cloud", "02/01/2025", "01/31/2027", "120"],
                ["1P02ABD", "Beta LLC", "Fox Mulder", "5000", "Launched", "Active", "Low Touch",
                 "Silver", "On-Premise", "06/15/2026", "", "25"]])
    data, scores = _both(tmp_path, [src], "--from", "gainsight")
    acc = data.accounts.set_index("Account ID")
    assert acc.loc["1P02ABC", ["Segment", "Tier", "Deployment"]].tolist() == \
        ["Growth", "Ultimate", "SaaS"]
    assert acc.loc["1P02ABD", ["Segment", "Tier"]].tolist() == ["Tech Touch", "Premium"]
    assert acc.loc["1P02ABD", "Licensed Users"] == 25
    assert len(scores) == 2


def test_hubspot_keeps_customers_only(tmp_path):
    src = _csv(tmp_path / "hubspot-crm-exports-all-companies-2026-06-30.csv",
               ["Record ID", "Company name", "Company owner", "Annual Revenue", "Lifecycle Stage",
                "Customer Segment", "Product Tier", "Deployment", "Contract Start Date",
                "Licensed Seats", "ARR", "Renewal Date"],
               [["9001", "Acme Corp", "Dana Scully", "1000000", "Customer", "Enterprise",
                 "Ultimate", "SaaS", "2025-02-01", "300", "72000", "2027-02-01"],
                ["9002", "Prospect Inc", "Fox Mulder", "", "Lead", "", "", "", "", "", "", ""],
                ["9003", "Beta LLC", "Fox Mulder", "", "customer", "Self-Serve", "Free",
                 "Cloud", "2026-01-10", "5", "0", ""]])
    data, scores = _both(tmp_path, [src], "--from", "hubspot")
    assert data.accounts["Account ID"].tolist() == ["9001", "9003"]
    assert data.accounts.set_index("Account ID").loc["9003", "Segment"] == "Tech Touch"
    assert set(scores) == {"9001", "9003"}


def test_xlsx_output_is_a_real_workbook(tmp_path):
    book = _import(tmp_path, _gitlab_exports(tmp_path), "b.xlsx", "--from", "gitlab-dbt")
    wb = openpyxl.load_workbook(book)
    assert {"Accounts", "Usage", "Revenue", "Scorecard"} <= set(wb.sheetnames)


def test_gitlab_dbt_from_parquet_and_xlsx_equals_csv(tmp_path):
    """The marts exported as typed Parquet (dates, integers, floats) or as xlsx import to the
    same data as their CSV export."""
    csvs = _gitlab_exports(tmp_path)
    base = read_data(_import(tmp_path, csvs, "from-csv/", "--from", "gitlab-dbt"))
    typed = tmp_path / "typed"
    typed.mkdir()
    xlsx = tmp_path / "xlsx"
    xlsx.mkdir()
    for src in csvs:
        df = pd.read_csv(src)
        for c in ("arr_month", "snapshot_month", "subscription_start_month",
                  "subscription_end_month"):
            if c in df:
                df[c] = pd.to_datetime(df[c]).dt.date
        df["dim_crm_account_id"] = df["dim_crm_account_id"].map(lambda v: f"{v:04d}")
        df.to_parquet(typed / f"{src.stem}.parquet", index=False)
        df.to_excel(xlsx / f"{src.stem}.xlsx", index=False)
    for folder in (typed, xlsx):
        got = read_data(_import(tmp_path, [folder], f"from-{folder.name}/", "--from",
                                "gitlab-dbt"))
        for name, df in base.sheets().items():
            pd.testing.assert_frame_equal(df, got.sheets()[name], obj=f"{folder.name} {name}")


def test_print_mapping_round_trips(tmp_path, capsys):
    """``--print-mapping`` gives the shipped TOML; used as ``--mapping`` it imports the same."""
    assert cli.main(["import", "--from", "salesforce", "--print-mapping"]) == 0
    text = capsys.readouterr().out
    assert '"Account ID" = "Account ID"' in text
    (tmp_path / "mine.toml").write_text(text)
    sources = _gitlab_exports(tmp_path)
    assert cli.main(["import", "--from", "gitlab-dbt", "--print-mapping"]) == 0
    (tmp_path / "dbt.toml").write_text(capsys.readouterr().out)
    a = read_data(_import(tmp_path, sources, "a/", "--from", "gitlab-dbt"))
    b = read_data(_import(tmp_path, sources, "b/", "--mapping", str(tmp_path / "dbt.toml")))
    for name, df in a.sheets().items():
        pd.testing.assert_frame_equal(df, b.sheets()[name], obj=name)
