"""The ``Scorecard`` sheet of the CS workbook: one row per account, CS_* formulas over the tables.

Formulas read like a CSM would write them: a hidden-in-plain-sight ``Accounts Row`` column
holds ``MATCH`` of the account in ``Accounts``, other columns ``INDEX`` into it; the latest usage
snapshot on or before the as-of date comes from ``MAXIFS`` over ``Usage[Month]`` and its values
from ``SUMIFS``. The as-of date and the staleness settings are named cells above the table
(``AsOf``, ``Usage_NA_Days``, ``Onboarding_Grace_Days``), so results are reproducible rather
than moving with ``TODAY()``.

UDF calls are written as the classic add-in stores them (``CS_LICENSE_HEALTH(...)``); structured
references in the stored form Excel writes (``Scorecard[[#This Row],[Account ID]]``).
Works with both normal and write-only openpyxl workbooks (rows are appended in order).
"""

from __future__ import annotations

import datetime as _dt
import warnings

from ..config import DEFAULT, Config
from ..errors import ConfigError

__all__ = ["add_scorecard", "SCORECARD_COLUMNS", "COLOUR_COLUMNS"]

_T = "Scorecard[[#This Row],[{}]]".format


def _acc(column: str) -> str:
    return f"INDEX(Accounts[{column}],{_T('Accounts Row')})"


def _usage(column: str) -> str:
    return (f"SUMIFS(Usage[{column}],Usage[Account ID],{_T('Account ID')},"
            f"Usage[Month],{_T('Usage Month')})")


def _gated(call: str) -> str:
    """Product-usage measures are NA when the snapshot is stale or onboarding is in grace."""
    return f"=IF({_T('Usage Current')},{call},NA())"


_ID = _T("Account ID")
_START = _acc("Onboarding Start")

#: (header, formula or None for the value column, number format, width)
SCORECARD_COLUMNS = (
    ("Account ID", None, "General", 12),
    ("Accounts Row", f"=MATCH({_ID},Accounts[Account ID],0)", "0", 9),
    ("Account", f"={_acc('Account')}", "General", 28),
    ("Segment", f"={_acc('Segment')}", "General", 12),
    ("CSM", f"={_acc('CSM')}", "General", 18),
    ("Usage Month",
     f'=IF(COUNTIFS(Usage[Account ID],{_ID},Usage[Month],"<="&AsOf)=0,NA(),'
     f'_xlfn.MAXIFS(Usage[Month],Usage[Account ID],{_ID},Usage[Month],"<="&AsOf))',
     "yyyy-mm", 11),
    ("Usage Current",
     f"=IF(ISNUMBER({_T('Usage Month')}),AND(AsOf-EOMONTH({_T('Usage Month')},0)<=Usage_NA_Days,"
     f'AsOf-IF({_START}="",{_acc("Contract Date")},{_START})>=Onboarding_Grace_Days),FALSE)',
     "General", 10),
    ("Licensed Users", f"={_acc('Licensed Users')}", "#,##0", 11),
    ("Billable Users",
     f"=IF(ISNUMBER({_T('Usage Month')}),{_usage('Billable Users')},NA())", "#,##0", 11),
    ("License Utilization",
     f"=CS_LICENSE_UTILIZATION({_T('Billable Users')},{_T('Licensed Users')})", "0.0%", 12),
    ("Account Age (Months)",
     f"=CS_MONTHS_BETWEEN({_acc('Contract Date')},{_T('Usage Month')})", "0", 11),
    ("License Health", _gated(f"CS_LICENSE_HEALTH({_T('License Utilization')},"
                              f"{_T('Account Age (Months)')})"), "General", 12),
    # DOMAIN §1.1: user engagement exists only for self-managed instances (NA on SaaS)
    ("User Engagement Health",
     f'=IF(AND({_T("Usage Current")},{_acc("Deployment")}<>"SaaS"),'
     f"CS_USER_ENGAGEMENT_HEALTH({_usage('Active Users')},{_T('Billable Users')}),NA())",
     "General", 13),
    ("SCM Health", _gated(f"CS_SCM_HEALTH({_usage('Git Operation Users')},"
                          f"{_T('Billable Users')})"), "General", 11),
    ("CI Health", _gated(f"CS_CI_HEALTH({_usage('CI Builds')},{_T('Billable Users')})"),
     "General", 11),
    ("CD Health", _gated(
        f"CS_CD_HEALTH({_usage('Deployment Users')},{_usage('Deployments')},"
        f"{_usage('Successful Deployments')},{_usage('Failed Deployments')},"
        f"{_T('Billable Users')})"), "General", 11),
    ("Security Health", _gated(
        f"CS_SECURITY_HEALTH({_usage('Scanner Users')},{_T('Billable Users')},"
        f"{_usage('Scans')},{_usage('CI Pipelines')},{_usage('Scanner Types')},"
        f"{_acc('Tier')})"), "General", 11),
    # an NA use case (#N/A) is passed as a blank, which the function counts as NA
    ("Platform Adoption",
     "=CS_PLATFORM_ADOPTION(" + ",".join(f'_xlfn.IFNA({_T(c)},"")' for c in (
         "SCM Health", "CI Health", "CD Health", "Security Health")) + ")", "0", 10),
    ("Time to Engage",
     f"=CS_TIME_TO_ENGAGE({_START},{_acc('First Meeting')})", "0", 10),
    ("Engage Status",
     f'=CS_TTV_STATUS("engage",{_START},{_acc("First Meeting")},AsOf)', "General", 10),
    ("Time to Onboard",
     f"=CS_TIME_TO_ONBOARD({_START},{_acc('Onboarding Closed')})", "0", 10),
    ("Onboard Status",
     f'=CS_TTV_STATUS("onboard",{_START},{_acc("Onboarding Closed")},AsOf)', "General", 10),
    ("Days to Renewal", f"=CS_DAYS(AsOf,{_acc('Renewal Date')})", "0", 10),
)
COLOUR_COLUMNS = ("License Health", "User Engagement Health", "SCM Health", "CI Health",
                  "CD Health", "Security Health")
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


def add_scorecard(wb, data, as_of=None, config: Config | None = None):
    """Add the ``Scorecard`` sheet (table ``Scorecard``) to ``wb`` for the accounts of ``data``.

    Parameters
    ----------
    wb : openpyxl.Workbook
        Normal or write-only; must already hold (or get) the ``Accounts`` and ``Usage`` tables.
    data : CSData
        Its account IDs become the Scorecard rows, in workbook order.
    as_of : date, optional
        Written to the named cell ``AsOf`` (default today); every time-relative formula uses it.
    config : Config, optional
        Staleness settings written to ``Usage_NA_Days``/``Onboarding_Grace_Days`` (default:
        the workbook's Config sheet values, else the defaults).

    Returns the worksheet.
    """
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    if config is None:
        try:  # a template may carry keys this version does not know; scoring reports them
            config = Config.from_mapping(data.config) if data.config else DEFAULT
        except ConfigError:
            config = DEFAULT
    as_of = as_of or _dt.date.today()
    if isinstance(as_of, _dt.datetime):
        as_of = as_of.date()
    ws = wb.create_sheet("Scorecard")
    ws.freeze_panes = f"C{_HEADER_ROW + 1}"
    for j, (name, _, fmt, width) in enumerate(SCORECARD_COLUMNS, 1):
        dim = ws.column_dimensions[get_column_letter(j)]
        dim.width = width
    ws.append([_text(ws, "As of", bold=True), _cell(ws, as_of, "yyyy-mm-dd"),
               _text(ws, "Usage stale after (days)", bold=True),
               _cell(ws, config.usage_na_days, "0"),
               _text(ws, "Onboarding grace (days)", bold=True),
               _cell(ws, config.onboarding_grace_days, "0")])
    ws.append([_text(ws, "Colours, days and statuses are CS_* functions (cs-workbook add-in); "
                         "change the as-of date above to re-score.")])
    ws.append([_text(ws, name) for name, *_ in SCORECARD_COLUMNS])
    ids = [str(v) for v in data.accounts["Account ID"].tolist()] or [None]
    for account_id in ids:
        row = []
        for name, formula, fmt, _ in SCORECARD_COLUMNS:
            row.append(_text(ws, account_id) if formula is None else _formula(ws, formula, fmt))
        ws.append(row)
    for name, ref in (("AsOf", "$B$1"), ("Usage_NA_Days", "$D$1"),
                      ("Onboarding_Grace_Days", "$F$1")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"Scorecard!{ref}")
    last_row = _HEADER_ROW + len(ids)
    last_col = get_column_letter(len(SCORECARD_COLUMNS))
    ref = f"A{_HEADER_ROW}:{last_col}{last_row}"
    table = Table(displayName="Scorecard", ref=ref,
                  tableColumns=[TableColumn(id=j, name=h)
                                for j, (h, *_) in enumerate(SCORECARD_COLUMNS, 1)],
                  tableStyleInfo=TableStyleInfo(name="TableStyleMedium2", showRowStripes=True))
    with warnings.catch_warnings():  # openpyxl warns in write-only mode; columns are set
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(table)
    headers = [h for h, *_ in SCORECARD_COLUMNS]
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
