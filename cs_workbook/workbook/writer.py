"""Write a :class:`~cs_workbook.data.CSData` as a real Excel CS workbook (docs/workbook.md, §5.3).

Each schema sheet becomes an Excel table (ListObject) with number formats, column widths, a frozen
header, drop-downs on categorical columns and Red/Yellow/Green colours on CSM Sentiment. Text is
always stored as text: a value such as ``=HYPERLINK(...)`` never becomes a formula. Files are
written to a temporary file in the target directory and renamed into place.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import pathlib
import warnings

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from ..data import CSData
from ..files import atomic_path
from ..schema import SHEETS, Sheet
from .layout import BOOL_FORMAT, LINE_HEIGHT, header_lines, header_width, pages_across, print_setup, value_width

__all__ = ["write_workbook", "NUMBER_FORMATS", "SPARE_ROWS", "TABLE_STYLE"]

#: number format by column kind; kinds not listed stay "General"
NUMBER_FORMATS = {
    "date": "yyyy-mm-dd",
    "month": "mmm yyyy",
    "int": "#,##0",
    "money": "$#,##0.00",
    "bool": BOOL_FORMAT,
}
#: formats for particular (sheet, column) pairs, overriding the kind's format
COLUMN_FORMATS = {("MRR Changes", "Change"): "$#,##0.00;[Red]-$#,##0.00"}
TABLE_STYLE = "TableStyleMedium2"
#: drop-downs and sentiment colours also cover this many rows below the table, for new rows
SPARE_ROWS = 500
#: (fill, font) colours: Excel's built-in "light red / yellow / green fill with dark text"
SENTIMENT_COLOURS = (("Red", "FFC7CE", "9C0006"), ("Yellow", "FFEB9C", "9C5700"),
                     ("Green", "C6EFCE", "006100"))
#: how many rows of a column are looked at to size its width
_WIDTH_SAMPLE = 1000
# Spreadsheets treat text starting with these as a formula (CSV/DDE injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@")
# Config values keep their type (numbers stay numbers) instead of being written as text.
_CONFIG = next(s for s in SHEETS if s.name == "Config")
_CONFIG = dataclasses.replace(_CONFIG, columns=tuple(
    dataclasses.replace(c, kind="any") if c.name == "Value" else c for c in _CONFIG.columns))


def write_workbook(data: CSData, path, *, config_rows: dict | None = None, as_of=None,
                   scorecard: bool = True) -> pathlib.Path:
    """Write ``data`` as a CS workbook at ``path`` (atomically) and return the path.

    Parameters
    ----------
    data : CSData
        The workbook data; it is not modified.
    path : str or os.PathLike
        Target ``.xlsx`` file; replaced if it exists.
    config_rows : dict, optional
        ``{key: value}`` rows of the ``Config`` sheet; defaults to ``data.config``.
    as_of : date, optional
        The Scorecard's ``AsOf`` date (default today).
    scorecard : bool
        Add the ``Scorecard`` sheet of ``CS_*`` formulas (default True).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    WorkbookError
        The file cannot be written. Missing parent directories are created.
    """
    config = data.config if config_rows is None else config_rows
    frames = dict(data.sheets())
    frames["Config"] = pd.DataFrame({"Key": list(config.keys()), "Value": list(config.values())},
                                    dtype=object)
    specs = [(_CONFIG if s.name == "Config" else s, frames[s.name]) for s in SHEETS]
    if not scorecard:
        return _save(path, specs)
    from .scorecard import add_scorecard

    return _save(path, specs, finish=lambda wb: add_scorecard(wb, data, as_of=as_of))


def _save(path, specs: list[tuple[Sheet, pd.DataFrame]], finish=None) -> pathlib.Path:
    path = pathlib.Path(path)
    with atomic_path(path) as tmp:
        wb = Workbook(write_only=True)
        wb.properties.creator = "cs-workbook"
        for sheet, df in specs:
            _write_sheet(wb, sheet, df)
        if finish is not None:
            finish(wb)
        wb.save(tmp)
    return path


def _write_sheet(wb: Workbook, sheet: Sheet, df: pd.DataFrame) -> None:
    ws = wb.create_sheet(sheet.name)
    n_rows, n_cols = len(df), len(sheet.columns)
    formats = [COLUMN_FORMATS.get((sheet.name, c.name), NUMBER_FORMATS.get(c.kind, "General"))
               for c in sheet.columns]
    columns = [_column_values(df[c.name] if c.name in df.columns else None, c.kind, n_rows)
               for c in sheet.columns]
    widths = [header_width(c.name, max(c.width, value_width(v[:_WIDTH_SAMPLE], fmt)))
              for c, v, fmt in zip(sheet.columns, columns, formats)]
    for j, (width, fmt) in enumerate(zip(widths, formats), 1):
        dim = ws.column_dimensions[get_column_letter(j)]
        dim.width = width
        if fmt != "General":  # applies to rows typed below the table too
            dim.number_format = fmt
    ws.freeze_panes = "C2" if sheet.name == "Accounts" else "A2"
    print_setup(ws, title_rows="1:1", across=pages_across(sum(widths)),
                landscape=sum(widths) > 100, title_cols="A:B" if n_cols > 2 else "A:A")
    lines = max(len(header_lines(h, w)) for h, w in zip(sheet.headers, widths))
    ws.row_dimensions[1].height = LINE_HEIGHT * lines
    ws.append([_header_cell(ws, h) for h in sheet.headers])
    plain = [_styled_cell(ws, fmt) for fmt in formats]
    quoted = [_styled_cell(ws, fmt, quote=True) for fmt in formats]
    # one reusable cell per column: append() writes the row before the next one is built
    for values in zip(*columns):
        ws.append([_fill(plain[j], quoted[j], v) for j, v in enumerate(values)])
    if n_rows == 0:  # a table needs at least one data row: write empty, formatted cells
        ws.append(plain)
    last_row = max(n_rows, 1) + 1
    ref = f"A1:{get_column_letter(n_cols)}{last_row}"
    table = Table(
        displayName=sheet.table, ref=ref, autoFilter=AutoFilter(ref=ref),
        tableColumns=[TableColumn(id=j, name=h) for j, h in enumerate(sheet.headers, 1)],
        tableStyleInfo=TableStyleInfo(name=TABLE_STYLE, showRowStripes=True,
                                      showColumnStripes=False, showFirstColumn=False,
                                      showLastColumn=False),
    )
    with warnings.catch_warnings():  # openpyxl always warns in write-only mode; columns are set
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(table)
    _add_validations(ws, sheet, last_row + SPARE_ROWS)


def _add_validations(ws, sheet: Sheet, end_row: int) -> None:
    """Drop-downs for categorical and boolean columns; colours for CSM Sentiment."""
    for j, col in enumerate(sheet.columns, 1):
        letter = get_column_letter(j)
        cells = f"{letter}2:{letter}{end_row}"
        choices = ("TRUE", "FALSE") if col.kind == "bool" else col.choices
        if choices:
            listed = ",".join(map(str, choices))
            dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True,
                                showErrorMessage=True, errorStyle="stop", errorTitle=col.name,
                                error=f"Choose one of: {listed.replace(',', ', ')}")
            dv.add(cells)
            ws.data_validations.append(dv)
        if col.name == "CSM Sentiment":
            for value, fill, font in SENTIMENT_COLOURS:
                ws.conditional_formatting.add(cells, CellIsRule(
                    operator="equal", formula=[f'"{value}"'], font=Font(color=font),
                    fill=PatternFill(start_color=fill, end_color=fill, fill_type="solid")))


def _styled_cell(ws, number_format: str, quote: bool = False):
    cell = WriteOnlyCell(ws)
    cell.number_format = number_format
    if quote:  # Excel's "text typed with a leading apostrophe": stays text when edited
        cell.quotePrefix = True
    return cell


def _header_cell(ws, text: str):
    """A header cell that wraps (its column is sized so that no word is cut)."""
    cell = _styled_cell(ws, "General", quote=text.startswith(_FORMULA_PREFIXES))
    cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    return _fill(cell, cell, text)


def _fill(plain, quoted, value):
    """Put ``value`` in the right reusable cell; strings are always stored as strings."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = quoted if value.startswith(_FORMULA_PREFIXES) else plain
        cell.value = value
        # openpyxl turns "=…" into a formula and "#N/A" into an error value
        cell.data_type = "s"
        return cell
    plain.value = value
    return plain


def _column_values(series: pd.Series | None, kind: str, n: int) -> list:
    """Python values for one column, blanks as None."""
    if series is None:
        return [None] * n
    if kind in ("date", "month"):
        s = pd.to_datetime(series, errors="coerce")
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        return [None if pd.isna(v) else v.to_pydatetime() for v in s]
    return [_python_value(v, kind) for v in series.tolist()]


def _python_value(v, kind: str):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float | np.floating) and math.isnan(v):
        return None
    if kind in ("id", "text", "category"):
        return v if isinstance(v, str) else str(v)
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return int(v) if kind == "int" and float(v).is_integer() else float(v)
    if isinstance(v, pd.Timestamp):
        return v.tz_localize(None).to_pydatetime() if v.tzinfo else v.to_pydatetime()
    if isinstance(v, int | datetime.date | datetime.datetime):
        return v
    return str(v)
