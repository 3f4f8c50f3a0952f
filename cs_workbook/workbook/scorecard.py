"""The ``Scorecard`` sheet of the CS workbook: one row per account, CS_* formulas over the tables.

Formulas read like a CSM would write them: a hidden-in-plain-sight ``Accounts Row`` column
holds ``MATCH`` of the account in ``Accounts``, other columns ``INDEX`` into it; the latest usage
snapshot on or before the as-of date comes from ``MAXIFS`` over ``Usage[Month]`` and its values
from ``SUMIFS``. The headline comes first (lifecycle stage, PROVE health score and colour, the
five group scores), then the measures and helper columns they are built from (see
:mod:`.scorecard_columns`). The as-of date, staleness settings, thresholds and weights are named
cells above the table (``AsOf``, ``Usage_NA_Days``, ``Health_Weights``, …), so results are
reproducible rather than moving with ``TODAY()``. The settings cells and every
configuration-dependent ``CS_*`` call read the workbook's ``Config`` table
(``Config[[Key]:[Value]]``), so the Scorecard follows the Config sheet when it is edited.

UDF calls are written as the classic add-in stores them (``CS_LICENSE_HEALTH(...)``); structured
references in the stored form Excel writes (``Scorecard[[#This Row],[Account ID]]``).
Works with both normal and write-only openpyxl workbooks (rows are appended in order).
"""

from __future__ import annotations

import datetime as _dt
import warnings

from .layout import FORMAT_WIDTHS, LINE_HEIGHT, header_lines, header_width, print_setup
from .scorecard_columns import COLOUR_COLUMNS, SCORECARD_COLUMNS, SETTINGS, setting_formula

__all__ = ["add_scorecard", "SCORECARD_COLUMNS", "COLOUR_COLUMNS"]

_FILLS = (("Green", "C6EFCE", "006100"), ("Yellow", "FFEB9C", "9C5700"),
          ("Red", "FFC7CE", "9C0006"))
_HEADER_ROW = 3
#: row 2: what the sheet is and exactly how a new account gets its row
NOTE = ("Colours, scores, days and statuses are CS_* functions (cs-workbook add-in) that follow "
        "the Config sheet; change the as-of date or the Config sheet to re-score. New account: "
        "add it to the Accounts sheet, then type its Account ID in column A of the first empty "
        "row under this table: Excel extends the table and fills in every formula.")


def _cell(ws, value, number_format="General", bold=False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text that starts with "=" stays text
    cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def _text(ws, value, bold=False):
    return _cell(ws, value, bold=bold)


def _formula(ws, formula, number_format):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=formula)
    cell.number_format = number_format
    return cell


def _settings(ws, as_of):
    """Row 1: label and value cells of AsOf and every setting; ``{name: absolute range}``."""
    from openpyxl.utils import get_column_letter

    cells = [_text(ws, "As of", bold=True), _cell(ws, as_of, "yyyy-mm-dd")]
    names = {"AsOf": "$B$1"}
    for label, name, keys, fmt in SETTINGS:
        cells.append(_text(ws, label, bold=True))
        first = len(cells) + 1
        cells += [_formula(ws, setting_formula(key), fmt) for key in keys]
        a, b = f"${get_column_letter(first)}$1", f"${get_column_letter(len(cells))}$1"
        names[name] = a if a == b else f"{a}:{b}"
    return cells, names


def _widths(settings_row) -> list[float]:
    """Column widths: each header on at most 3 lines, its values, and the dates above it."""
    widths = []
    for j, (name, _, fmt, width) in enumerate(SCORECARD_COLUMNS):
        need = max(width, FORMAT_WIDTHS.get(fmt, 0))
        if j < len(settings_row) and settings_row[j].number_format in FORMAT_WIDTHS:
            need = max(need, FORMAT_WIDTHS[settings_row[j].number_format])
        widths.append(header_width(name, need, lines=3))
    return widths


def _wrapped(cells, widths) -> float:
    """Wrap the text ``cells`` of a row; the row height that shows all of their lines."""
    from openpyxl.styles import Alignment

    lines = 1
    for cell, width in zip(cells, widths):
        if isinstance(cell.value, str) and not cell.value.startswith("="):
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
            lines = max(lines, len(header_lines(cell.value, width)))
    return LINE_HEIGHT * lines


def add_scorecard(wb, data, as_of=None):
    """Add the ``Scorecard`` sheet (table ``Scorecard``) to ``wb`` for the accounts of ``data``.

    Parameters
    ----------
    wb : openpyxl.Workbook
        Normal or write-only; must already hold (or get) the ``Accounts``, ``Usage`` and other
        data tables and the ``Config`` table (columns Key, Value), whose settings the formulas
        read.
    data : CSData
        Its account IDs become the Scorecard rows, in workbook order.
    as_of : date, optional
        Written to the named cell ``AsOf`` (default today); every time-relative formula uses it.

    Returns the worksheet.
    """
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    as_of = as_of or _dt.date.today()
    if isinstance(as_of, _dt.datetime):
        as_of = as_of.date()
    cols = SCORECARD_COLUMNS
    ws = wb.create_sheet("Scorecard")
    ws.freeze_panes = f"C{_HEADER_ROW + 1}"
    settings_row, names = _settings(ws, as_of)
    widths = _widths(settings_row)
    for j, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = width
    print_setup(ws, title_rows=f"{_HEADER_ROW}:{_HEADER_ROW}", across=1)
    headers = [_text(ws, name, bold=True) for name, *_ in cols]
    ws.row_dimensions[1].height = _wrapped(settings_row, widths)
    ws.row_dimensions[_HEADER_ROW].height = _wrapped(headers, widths)
    ws.append(settings_row)
    ws.append([_text(ws, NOTE)])
    ws.append(headers)
    ids = [str(v) for v in data.accounts["Account ID"].tolist()] or [None]
    for account_id in ids:
        row = []
        for name, formula, fmt, _ in cols:
            row.append(_text(ws, account_id) if formula is None else _formula(ws, formula, fmt))
        ws.append(row)
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=f"Scorecard!{ref}")
    last_row = _HEADER_ROW + len(ids)
    last_col = get_column_letter(len(cols))
    ref = f"A{_HEADER_ROW}:{last_col}{last_row}"
    table = Table(displayName="Scorecard", ref=ref,
                  tableColumns=[_table_column(j, h, formula)
                                for j, (h, formula, *_) in enumerate(cols, 1)],
                  tableStyleInfo=TableStyleInfo(name="TableStyleMedium2", showRowStripes=True))
    with warnings.catch_warnings():  # openpyxl warns in write-only mode; columns are set
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(table)
    headers = [h for h, *_ in cols]
    for name in COLOUR_COLUMNS:
        letter = get_column_letter(headers.index(name) + 1)
        cells = f"{letter}{_HEADER_ROW + 1}:{letter}{last_row}"
        for word, fill, font in _FILLS:
            ws.conditional_formatting.add(cells, CellIsRule(
                operator="equal", formula=[f'"{word}"'], font=Font(color=font),
                fill=PatternFill(start_color=fill, end_color=fill, fill_type="solid")))
    return ws


def _table_column(j: int, header: str, formula: str | None):
    """A Scorecard table column; a formula column is a calculated column, so Excel fills its
    formula into a row typed below the table (that is how an account is added)."""
    from openpyxl.worksheet.table import TableColumn, TableFormula

    column = TableColumn(id=j, name=header)
    if formula is not None:
        column.calculatedColumnFormula = TableFormula(attr_text=formula[1:])
    return column
