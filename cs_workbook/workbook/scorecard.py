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

from .scorecard_columns import COLOUR_COLUMNS, SCORECARD_COLUMNS, SETTINGS, setting_formula

__all__ = ["add_scorecard", "SCORECARD_COLUMNS", "COLOUR_COLUMNS"]

_FILLS = (("Green", "C6EFCE", "006100"), ("Yellow", "FFEB9C", "9C5700"),
          ("Red", "FFC7CE", "9C0006"))
_HEADER_ROW = 3


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
    for j, (name, _, fmt, width) in enumerate(cols, 1):
        dim = ws.column_dimensions[get_column_letter(j)]
        dim.width = width
    settings_row, names = _settings(ws, as_of)
    ws.append(settings_row)
    ws.append([_text(ws, "Colours, scores, days and statuses are CS_* functions (cs-workbook "
                         "add-in) that follow the Config sheet; change the as-of date or the "
                         "Config sheet to re-score.")])
    ws.append([_text(ws, name) for name, *_ in cols])
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
                  tableColumns=[TableColumn(id=j, name=h)
                                for j, (h, *_) in enumerate(cols, 1)],
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
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws
