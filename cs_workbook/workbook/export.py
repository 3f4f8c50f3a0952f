"""Write scoring results as xlsx, csv or json (atomically; text never becomes a formula).

Text comes from the workbook (account names, CSMs, churn reasons …), so exports treat it as
untrusted: in ``.xlsx`` it is stored as text (:func:`~cs_workbook.workbook.cells.put`), and in
``.csv`` and ``.json`` every text value goes through :func:`neutralise` (OWASP's CSV-injection
guidance) before it is written.
"""

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
from .layout import BOOL_FORMAT, LINE_HEIGHT, header_lines, header_width, pages_across, print_setup, value_width
from .xlsx_limits import check_fits

__all__ = ["write_scores", "neutralise", "FORMATS", "FORMULA_TRIGGERS"]

FORMATS = (".xlsx", ".csv", ".json", ".parquet")
_PCT = {"License Utilization", "User Engagement", "Git Operation Utilization", "GRR", "NRR"}
_ONE_DP = {"Health Score", "Previous Health Score", "Product Score", "Engagement Score",
           "CD Score", "Security Score", "CI Builds per User"}
_MONEY = {"ARR", "MRR Year Ago", "MRR Now"}
_FILLS = {"Green": "C6EFCE", "Yellow": "FFEB9C", "Red": "FFC7CE"}

#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP, CSV Injection)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A value safe to put in a CSV or JSON cell that a spreadsheet may open.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
    a single quote ``'``, as OWASP's CSV-injection guidance recommends, so Excel, LibreOffice
    and Google Sheets show it as text instead of running it as a formula (``=HYPERLINK(…)``,
    ``+cmd|' /C calc'!A0``, ``@SUM(1)``). Everything else is returned unchanged: numbers stay
    numbers (``-2.5`` is a number, not text starting with ``-``), and so do dates, booleans and
    blanks. Dictionaries, lists and tuples are neutralised item by item (keys too).

    >>> neutralise("=HYPERLINK(1)"), neutralise("-2+3"), neutralise(-2.5)
    ("'=HYPERLINK(1)", "'-2+3", -2.5)
    >>> neutralise("ACME Corp"), neutralise({"@SUM(1)": ["\\t=1", 3]})
    ('ACME Corp', {"'@SUM(1)": ["'\\t=1", 3]})
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if isinstance(value, dict):
        return {neutralise(k): neutralise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [neutralise(v) for v in value]
    return value


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


def write_scores(scores: pd.DataFrame, path, summary: dict | None = None,
                 notes: list[dict] | None = None) -> Path:
    """Write per-account ``scores`` (and the portfolio ``summary``) to ``path``.

    The format follows the suffix: ``.xlsx`` (sheets Scores and Portfolio, formatted, and
    Notes when ``notes`` is given), ``.csv`` (scores only: the caller prints the notes),
    ``.json`` (``{"summary": …, "accounts": […], "notes": […]}``), ``.parquet`` (scores only,
    typed columns; needs pyarrow, the ``tables`` extra). ``notes`` are the
    :meth:`~cs_workbook.portfolio.coverage.Coverage.records` of what the scores rest on. A
    portfolio larger than an Excel sheet holds is an error for ``.xlsx`` that says to write
    ``.parquet`` or ``.csv``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise CSError(f"{path}: output must end in .xlsx, .csv, .json or .parquet")
    if suffix == ".csv":
        return _atomic(path, lambda tmp: _csv(tmp, scores))
    if suffix == ".parquet":
        return _atomic(path, lambda tmp: _parquet(tmp, scores))
    if suffix == ".json":
        doc = {"summary": _jsonable(summary or {}), "accounts": _records(scores)}
        if notes is not None:
            doc["notes"] = [_jsonable(n) for n in notes]
        doc = neutralise(doc)

        def dump(tmp):
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, default=_json_default, indent=1, allow_nan=False)
        return _atomic(path, dump)
    check_fits(len(scores) + 1, len(scores.columns), file=path, sheet="Scores")
    return _atomic(path, lambda tmp: _xlsx(tmp, scores, summary, notes))


def _parquet(tmp, scores: pd.DataFrame) -> None:
    """Scores as Parquet: the DataFrame's own types (text, float64, dates), no index. Text is
    not neutralised: Parquet is data for programs, and no spreadsheet runs it as a formula."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(scores, preserve_index=False), tmp)


def _csv(tmp, scores: pd.DataFrame) -> None:
    """Scores as CSV: a header row, then one row per account. Text is neutralised and in double
    quotes (OWASP: quote every text field, double embedded quotes); numbers and booleans are
    bare, dates ``YYYY-MM-DD``, blanks empty."""
    columns = [_csv_column(scores[c]) for c in scores.columns] if len(scores.columns) else []
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(_csv_cell(c) for c in scores.columns) + "\n")
        fh.writelines(",".join(row) + "\n" for row in zip(*columns))


def _csv_column(series: pd.Series) -> list[str]:
    """One column's CSV cells, as :func:`_csv_cell` writes each value, a column at a time (a
    100,000-account export is 8 M cells)."""
    kind = series.dtype.kind
    if isinstance(series.dtype, pd.StringDtype):  # pandas' str columns: vectorised text ops
        text = series.where(~series.str.startswith(FORMULA_TRIGGERS, na=False), "'" + series)
        quoted = '"' + text.str.replace('"', '""', regex=False) + '"'
        return quoted.fillna("").tolist()
    if isinstance(series.dtype, pd.BooleanDtype) or kind not in "fiubM":
        return [_csv_cell(_plain(v)) for v in series.tolist()]
    if kind == "M":
        return series.dt.strftime("%Y-%m-%d").where(series.notna(), "").tolist()
    if kind == "f":
        return ["" if v != v else str(v) for v in series.tolist()]
    return [str(v) for v in series.tolist()]


def _csv_cell(v) -> str:
    v = neutralise(v)
    if v is None:
        return ""
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, (bool, int, float)):
        return str(v)
    text = str(v)
    return '"' + text.replace('"', '""') + '"'


def _jsonable(v):
    """Summary values in plain Python (DataFrames as records), so :func:`neutralise` sees text."""
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, pd.DataFrame):
        return _records(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return _plain(v)


def _colour_columns(cols: list, records: list[dict]) -> list[int]:
    """1-based positions of the columns holding only Green/Yellow/Red (or blanks)."""
    found = []
    for j, c in enumerate(cols, 1):
        values = {rec[c] for rec in records} - {None}
        if values and all(isinstance(v, str) for v in values) and values <= set(_FILLS):
            found.append(j)
    return found


def _widths(cols: list, records: list[dict]) -> list[float]:
    """Each header on at most two lines, wide enough for its column's typical value."""
    out = []
    for c in cols:
        values = [rec[c] for rec in records[:1000]]
        fmt = ("0.0%" if c in _PCT else "$#,##0" if c in _MONEY else
               "yyyy-mm-dd" if any(isinstance(v, _dt.date) for v in values) else "General")
        out.append(header_width(c, max(8, value_width(values, fmt, limit=28))))
    return out


def _xlsx(tmp, scores: pd.DataFrame, summary: dict | None, notes: list[dict] | None = None):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = Workbook()
    ws = wb.active
    ws.title = "Scores"
    cols = list(scores.columns)
    records = _records(scores)
    widths = _widths(cols, records)
    wrap = Alignment(wrap_text=True, vertical="bottom")
    for j, c in enumerate(cols, 1):
        put(ws, 1, j, c).alignment = wrap
    ws.row_dimensions[1].height = LINE_HEIGHT * max(
        (len(header_lines(c, w)) for c, w in zip(cols, widths)), default=1)
    for i, rec in enumerate(records, 2):
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
            elif isinstance(rec[c], bool):
                cell.number_format = BOOL_FORMAT
    last = get_column_letter(len(cols))
    n = max(len(scores), 1)
    ref = f"A1:{last}{n + 1}"
    table = Table(displayName="Scores", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "C2"
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    print_setup(ws, title_rows="1:1", across=pages_across(sum(widths)), title_cols="A:B")
    # Colours only on the colour columns' data cells: the same rules over the whole table
    # (header, numbers, booleans) made LibreOffice 7.4 abort while exporting the sheet to PDF.
    colour_ranges = " ".join(f"{get_column_letter(j)}2:{get_column_letter(j)}{n + 1}"
                             for j in _colour_columns(cols, records))
    for word, colour in _FILLS.items() if colour_ranges else ():
        ws.conditional_formatting.add(
            colour_ranges, CellIsRule(operator="equal", formula=[f'"{word}"'],
                                      fill=PatternFill("solid", start_color=colour,
                                                       end_color=colour)))
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
        ps.column_dimensions["D"].width = 9
        print_setup(ps, title_rows="1:1", landscape=False)
    if notes is not None:
        _notes_sheet(wb, notes)
    wb.save(tmp)


#: the Notes sheet's columns: (header, record key, width)
_NOTE_COLUMNS = (("Account ID", "account", 12), ("Sheet", "sheet", 14), ("Column", "column", 22),
                 ("Kind", "kind", 16), ("Note", "note", 90), ("NA", "na", 60))


def _notes_sheet(wb, notes: list[dict]) -> None:
    """What the scores rest on, one note a row; a portfolio note has no Account ID."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet("Notes")
    for j, (head, _, width) in enumerate(_NOTE_COLUMNS, 1):
        put(ws, 1, j, head).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    if not notes:
        put(ws, 2, 5, "Every sheet and column is present and current.")
    print_setup(ws, title_rows="1:1", landscape=True)
    for i, rec in enumerate(notes, 2):
        for j, (_, key, _) in enumerate(_NOTE_COLUMNS, 1):
            value = rec.get(key)
            put(ws, i, j, (", ".join(value) or None) if isinstance(value, (list, tuple))
                else value)
    ws.freeze_panes = "A2"
