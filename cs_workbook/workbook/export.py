"""Write scoring results as xlsx, csv or json (atomically; text never becomes a formula)."""

from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CSError
from ..files import atomic_path
from .cells import put

__all__ = ["write_scores", "FORMATS"]

FORMATS = (".xlsx", ".csv", ".json")
_PCT = {"License Utilization", "User Engagement", "Git Operation Utilization", "GRR", "NRR"}
_ONE_DP = {"Health Score", "Previous Health Score", "Product Score", "Engagement Score",
           "CD Score", "Security Score", "CI Builds per User"}
_MONEY = {"ARR", "MRR Year Ago", "MRR Now"}


def _plain(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(v)
        return None if pd.isna(ts) else ts.date()
    return v


def _records(df: pd.DataFrame) -> list[dict]:
    cols = list(df.columns)
    return [{c: _plain(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False)]


def _json_default(v):
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if isinstance(v, pd.DataFrame):
        return _records(v)
    raise TypeError(type(v).__name__)


def _atomic(path: Path, write) -> Path:
    with atomic_path(path) as tmp:
        write(tmp)
    return path


def write_scores(scores: pd.DataFrame, path, summary: dict | None = None) -> Path:
    """Write per-account ``scores`` (and the portfolio ``summary``) to ``path``.

    The format follows the suffix: ``.xlsx`` (sheets Scores and Portfolio, formatted),
    ``.csv`` (scores only), ``.json`` (``{"summary": …, "accounts": […]}``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise CSError(f"{path}: output must end in .xlsx, .csv or .json")
    if suffix == ".csv":
        return _atomic(path, lambda tmp: scores.to_csv(tmp, index=False, date_format="%Y-%m-%d"))
    if suffix == ".json":
        doc = {"summary": summary or {}, "accounts": _records(scores)}

        def dump(tmp):
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, default=_json_default, indent=1, allow_nan=False)
        return _atomic(path, dump)
    return _atomic(path, lambda tmp: _xlsx(tmp, scores, summary))


def _xlsx(tmp, scores: pd.DataFrame, summary: dict | None):
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = Workbook()
    ws = wb.active
    ws.title = "Scores"
    cols = list(scores.columns)
    for j, c in enumerate(cols, 1):
        put(ws, 1, j, c)
    for i, rec in enumerate(_records(scores), 2):
        for j, c in enumerate(cols, 1):
            cell = put(ws, i, j, rec[c])
            if c in _PCT:
                cell.number_format = "0.0%"
            elif c in _ONE_DP:
                cell.number_format = "0.0"
            elif c in _MONEY:
                cell.number_format = "$#,##0"
            elif isinstance(rec[c], _dt.date):
                cell.number_format = "yyyy-mm-dd"
    last = get_column_letter(len(cols))
    n = max(len(scores), 1)
    ref = f"A1:{last}{n + 1}"
    table = Table(displayName="Scores", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "C2"
    for j, c in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(28, len(c) + 2))
    fills = {"Green": "C6EFCE", "Yellow": "FFEB9C", "Red": "FFC7CE"}
    for word, colour in fills.items():
        ws.conditional_formatting.add(
            ref, CellIsRule(operator="equal", formula=[f'"{word}"'],
                            fill=PatternFill("solid", start_color=colour, end_color=colour)))
    if summary:
        ps = wb.create_sheet("Portfolio")
        row = 1
        put(ps, row, 1, "Portfolio summary").font = Font(bold=True, size=14)
        for key in ("as_of", "accounts", "arr", "grr", "nrr", "grr_target", "nrr_target",
                    "mean_health_score"):
            row += 1
            put(ps, row, 1, key.replace("_", " ").upper() if len(key) <= 3 else
                key.replace("_", " ").capitalize())
            cell = put(ps, row, 2, summary.get(key))
            if key in ("grr", "nrr", "grr_target", "nrr_target"):
                cell.number_format = "0.0%"
        for title, mapping in (("Health mix", summary.get("health_mix", {})),
                               ("Lifecycle stages", summary.get("stages", {})),
                               ("ARR by use cases adopted", summary.get("arr_by_adoption", {}))):
            row += 2
            put(ps, row, 1, title).font = Font(bold=True)
            for k, v in mapping.items():
                row += 1
                put(ps, row, 1, k)
                cell = put(ps, row, 2, v)
                if title.startswith("ARR"):
                    cell.number_format = "0.0%"
        shares = summary.get("reason_shares")
        if shares is not None and len(shares):
            row += 2
            put(ps, row, 1, "Churn and expansion reasons (12 months, true-ups excluded)").font = \
                Font(bold=True)
            row += 1
            for j, h in enumerate(("Category", "Reason", "MRR change", "Share"), 1):
                put(ps, row, j, h).font = Font(bold=True)
            for rec in _records(shares):
                row += 1
                put(ps, row, 1, rec["category"])
                put(ps, row, 2, rec["reason"])
                put(ps, row, 3, rec["mrr_change"]).number_format = "$#,##0;[Red]-$#,##0"
                put(ps, row, 4, rec["share"]).number_format = "0.0%"
        ps.column_dimensions["A"].width = 34
        ps.column_dimensions["B"].width = 30
        ps.column_dimensions["C"].width = 14
    wb.save(tmp)
