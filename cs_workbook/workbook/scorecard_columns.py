"""The Scorecard's columns: one formula per column, the engine's composition written in Excel.

Each column is what :func:`cs_workbook.portfolio.score_accounts` computes for an account, as a
CSM could write it: ``CS_*`` functions for every rule, Excel built-ins only to pick each
account's inputs (its ``Accounts`` row, latest usage and support month, timeline meetings) and
to apply staleness, onboarding grace and segment applicability [methodology §1.1, §1.5].

Conventions of the formulas:

* NA is ``#N/A``. The aggregating functions (``CS_PRODUCT_SCORE``, ``CS_HEALTH_SCORE``,
  ``CS_WEIGHTED_SCORE``, …) leave an ``#N/A`` measure out with its weight, as the engine does.
* Helper dates that come from ``MINIFS``/``MAXIFS`` (first and last meeting, first value from
  usage) are ``0`` when there is none, shown blank by their number format and read as an empty
  date by every ``CS_*`` function.
* The Scorecard follows the workbook's ``Config`` table (Key, Value) and nothing is written from
  a configuration at write time: every ``CS_*`` call whose answer depends on a setting passes
  :data:`CONFIG` (``Config[[Key]:[Value]]``) as its last argument, so editing the Config sheet
  recalculates the Scorecard in Excel and headless calc alike. The settings the built-ins use
  (staleness, grace, thresholds, weights, the primary use case) are named cells above the table
  (:data:`SETTINGS`) holding ``CS_CONFIG_VALUE(key, Config[[Key]:[Value]])``, the value in
  force (a weight left to its profile is the profile's); the configurable segment and deployment
  lists are tested with ``CS_IN_CONFIG_LIST``. Only the meeting types are written into the
  formulas: they come from the schema, not the configuration.
* Text criteria compare like the reader matches categories (case-insensitively); IDs are
  matched by ``SUMIFS``/``COUNTIFS`` criteria, so an ID must not start with ``<``, ``>`` or
  ``=`` nor hold ``*``/``?``.
"""

from __future__ import annotations

from ..config import GROUPS
from ..portfolio.snapshots import _MEETING_TYPES as MEETING_TYPES  # the engine's own list
from ..schema import TIMELINE_TYPES
from .layout import BOOL_FORMAT

__all__ = ["columns", "CONFIG", "SETTINGS", "SCORECARD_COLUMNS", "COLOUR_COLUMNS",
           "MEETING_TYPES", "setting_formula"]

#: The workbook's Config table as every configuration-dependent CS_* call receives it.
CONFIG = "Config[[Key]:[Value]]"

#: Named cells above the table: (label, name, Config keys, number format). Each key is one cell
#: holding :func:`setting_formula`; several keys fill adjacent cells and name the whole range.
SETTINGS = (
    ("Usage stale after (days)", "Usage_NA_Days", ("usage_na_days",), "0"),
    ("Onboarding grace (days)", "Onboarding_Grace_Days", ("onboarding_grace_days",), "0"),
    ("Support stale after (days)", "Support_NA_Days", ("support_na_days",), "0"),
    ("First value at utilization", "First_Value_Threshold", ("first_value_threshold",), "0%"),
    ("Adoption complete at utilization", "Adoption_Threshold", ("adoption_threshold",), "0%"),
    ("Health weights P, R, O, V, E", "Health_Weights", tuple(f"weight_{g}" for g in GROUPS),
     "0"),
    ("Engagement weights: cadence, persona", "Engagement_Weights",
     ("weight_meeting_cadence", "weight_persona"), "0"),
    ("Primary use case", "Primary_Use_Case", ("primary_use_case",), "General"),
)


def setting_formula(key: str) -> str:
    """The formula of a settings cell: the value in force of ``key`` under the Config table."""
    return f'=CS_CONFIG_VALUE("{key}",{CONFIG})'

_T = "Scorecard[[#This Row],[{}]]".format
_ID = _T("Account ID")
_GRACE = _T("In Onboarding Grace")
_NO_DATE = "yyyy-mm-dd;;"  # a 0 date (none) shows blank
_BOOL = BOOL_FORMAT
_USE_CASE_COLUMNS = {"scm": "SCM Health", "ci": "CI Health", "cd": "CD Health",
                     "security": "Security Health"}


def _acc(column: str) -> str:
    return f"INDEX(Accounts[{column}],{_T('Accounts Row')})"


def _usage(column: str) -> str:
    return (f"SUMIFS(Usage[{column}],Usage[Account ID],{_ID},"
            f"Usage[Month],{_T('Usage Month')})")


def _latest_month(table: str) -> str:
    """The account's latest month in ``table`` on or before AsOf; #N/A if none."""
    where = f'{table}[Account ID],{_ID},{table}[Month],"<="&AsOf'
    return f"=IF(COUNTIFS({where})=0,NA(),_xlfn.MAXIFS({table}[Month],{where}))"


def _current(month: str, na_days: str) -> str:
    """The month is recent enough (its end at most ``na_days`` before AsOf), out of grace."""
    m = _T(month)
    return f"=IF(ISNUMBER({m}),AND(AsOf-EOMONTH({m},0)<={na_days},NOT({_GRACE})),FALSE)"


def _dated(column: str) -> str:
    """An Accounts date if it is on or before AsOf, else 0 (no date yet)."""
    x = _acc(column)
    return f'IF(AND({x}<>"",{x}<=AsOf),{x},0)'


def _reached(column: str) -> str:
    x = _acc(column)
    return f'AND({x}<>"",{x}<=AsOf)'


def _listed(value: str, key: str) -> str:
    """TRUE when ``value`` is one of the items of the list setting ``key`` (segments,
    deployments), compared as the engine compares them (trimmed, any case)."""
    return f'CS_IN_CONFIG_LIST({value},"{key}",{CONFIG})'


def _cs(call: str) -> str:
    """``CS_X(args)`` with the Config table as its last argument."""
    assert call.endswith(")"), call
    return f"{call[:-1]},{CONFIG})"


def _primary() -> str:
    """The colour of the configured primary use case (named cell ``Primary_Use_Case``)."""
    out = _T(_USE_CASE_COLUMNS["scm"])
    for key in ("security", "cd", "ci"):
        out = f'IF(Primary_Use_Case="{key}",{_T(_USE_CASE_COLUMNS[key])},{out})'
    return out


def _na_unless(condition: str, call: str) -> str:
    return f"=IF({condition},{call},NA())"


def _meetings(extra: str = "") -> str:
    """COUNTIFS/MINIFS/MAXIFS criteria: the account's calls, meetings and EBRs up to AsOf.

    Every Timeline type is one of the schema's (the reader rejects others), so "not an
    e-mail" is the same set as "a call, meeting or EBR", and works as plain criteria."""
    others = "".join(f',Timeline[Type],"<>{t}"' for t in TIMELINE_TYPES
                     if t not in MEETING_TYPES)
    return f'Timeline[Account ID],{_ID}{others},Timeline[Date],"<="&AsOf{extra}'


#: ... and after the same day 3 months before AsOf (persona engagement's window).
_LAST_3_MONTHS = ',Timeline[Date],">"&EDATE(AsOf,-3)'


def _lead_engaged(column: str, who: str) -> str:
    """The Accounts flag, else whether ``who`` attended one of the account's meetings in the
    last 3 months (blank when there was none).

    ``SEARCH`` finds ``who`` anywhere in the attendees, in any case, as the engine does
    (``COUNTIFS`` with ``"*dev lead*"`` would too in Excel, but the headless formula engine
    matches wildcards case-sensitively)."""
    flag = _acc(column)
    others = "".join(f'*(Timeline[Type]<>"{t}")' for t in TIMELINE_TYPES
                     if t not in MEETING_TYPES)
    attended = (f"SUMPRODUCT((Timeline[Account ID]={_ID}){others}"
                f"*(Timeline[Date]>EDATE(AsOf,-3))*(Timeline[Date]<=AsOf)"
                f'*ISNUMBER(SEARCH("{who}",Timeline[Attendees])))>0')
    return f'=IF({flag}<>"",{flag},IF({_T("Meetings (3 Months)")}=0,"",{attended}))'


def _groups(fn: str) -> str:
    args = ",".join(_T(c) for c in ("Product Score", "Risk (Sentiment)", "Success Plan Health",
                                    "Support Health", "Engagement Score"))
    return f"={fn}({args},Health_Weights,{CONFIG})"


_SEG = _T("Segment")
_START, _CONTRACT = _acc("Onboarding Start"), _acc("Contract Date")
_USAGE_CURRENT = _T("Usage Current")
_SENTIMENT = _acc("CSM Sentiment")
_STATUS = _T("Sentiment Status")
_UE_NA = _listed(_acc("Deployment"), "user_engagement_na_deployments")


def _gated(call: str) -> str:
    """Product usage is NA when stale or in onboarding grace."""
    return _na_unless(_USAGE_CURRENT, _cs(call))


def _segment_gated(key: str, call: str) -> str:
    """NA for the segments of the list setting ``key`` and during onboarding grace."""
    return f"=IF(OR({_listed(_SEG, key)},{_GRACE}),NA(),{call})"


def columns() -> tuple:
    """(header, formula or None for the Account ID values, number format, width) per column."""
    return (_identity() + _headline() + _usage_columns() + _voice_columns()
            + _engagement_columns() + _ttv_columns())


def _identity() -> tuple:
    """The account: its ID (a value), where it is in Accounts, name, segment, CSM."""
    return (
        ("Account ID", None, "General", 12),
        ("Accounts Row", f"=MATCH({_ID},Accounts[Account ID],0)", "0", 9),
        ("Account", f"={_acc('Account')}", "General", 28),
        ("Segment", f"={_acc('Segment')}", "General", 12),
        ("CSM", f"={_acc('CSM')}", "General", 18),
    )


def _headline() -> tuple:
    """The headline: stage, PROVE score and colour, the five groups."""
    return (
        ("Lifecycle Stage",
         (f"=CS_LIFECYCLE_STAGE({_reached('Onboarding Closed')},"
          f"{_reached('Infrastructure Ready')},_xlfn.IFNA({_T('Adoption Complete')},FALSE))"),
         "General", 15),
        ("Health Score", _groups("CS_HEALTH_SCORE"), "0", 9),
        ("Health Colour", _groups("CS_HEALTH_COLOUR"), "General", 10),
        ("Product Score",
         "=" + _cs("CS_PRODUCT_SCORE(" + ",".join(_T(c) for c in (
             "License Health", "User Engagement Health", "SCM Health", "CI Health", "CD Score",
             "Security Score")) + ")"), "0.0", 9),
        ("Product Health", "=" + _cs(f"CS_COLOUR({_T('Product Score')})"), "General", 10),
        # methodology §1.5: a stale sentiment still counts with its colour; NA after 120 days
        ("Risk (Sentiment)",
         (f"=IF({_listed(_SEG, 'risk_na_segments')},NA(),"
          f'IF({_STATUS}="Stale",PROPER(TRIM({_SENTIMENT})),{_STATUS}))'), "General", 11),
        ("Success Plan Health", _segment_gated(
            "outcomes_na_segments",
            f"CS_SUCCESS_PLAN_HEALTH({_acc('Success Plan Status')},{_T('Plan Objectives')},"
            f"{_acc('Success Plan Strategy')})"), "General", 11),
        ("Support Health", "=" + _cs(f"CS_SUPPORT_HEALTH({_T('Tickets (Month)')})"), "General",
         10),
        ("Engagement Score",
         ("=CS_WEIGHTED_SCORE(Scorecard[[#This Row],[Meeting Cadence Health]:[Persona Health]],"
          f"Engagement_Weights,{CONFIG})"), "0.0", 11),
    )


def _usage_columns() -> tuple:
    """Product usage: latest snapshot, license, use cases."""
    return (
        ("In Onboarding Grace",
         f'=AsOf-IF({_START}="",{_CONTRACT},{_START})<Onboarding_Grace_Days', _BOOL, 10),
        ("Usage Month", _latest_month("Usage"), "yyyy-mm", 11),
        ("Usage Current", _current("Usage Month", "Usage_NA_Days"), _BOOL, 10),
        ("Licensed Users", f"={_acc('Licensed Users')}", "#,##0", 11),
        ("Billable Users",
         f"=IF(ISNUMBER({_T('Usage Month')}),{_usage('Billable Users')},NA())", "#,##0", 11),
        ("License Utilization",
         f"=CS_LICENSE_UTILIZATION({_T('Billable Users')},{_T('Licensed Users')})", "0.0%", 12),
        ("Account Age (Months)",
         f"=CS_MONTHS_BETWEEN({_CONTRACT},{_T('Usage Month')})", "0", 11),
        ("License Health", _gated(f"CS_LICENSE_HEALTH({_T('License Utilization')},"
                                  f"{_T('Account Age (Months)')})"), "General", 12),
        # methodology §1.1: user engagement exists only for self-managed instances (NA on SaaS)
        ("User Engagement Health", _na_unless(
            f"AND({_USAGE_CURRENT},NOT({_UE_NA}))",
            _cs(f"CS_USER_ENGAGEMENT_HEALTH({_usage('Active Users')},{_T('Billable Users')})")),
         "General", 13),
        ("SCM Health", _gated(f"CS_SCM_HEALTH({_usage('Git Operation Users')},"
                             f"{_T('Billable Users')})"), "General", 11),
        ("CI Health", _gated(f"CS_CI_HEALTH({_usage('CI Builds')},{_T('Billable Users')})"),
         "General", 11),
        ("CD Score", _gated(
            f"CS_CD_SCORE({_usage('Deployment Users')},{_usage('Deployments')},"
            f"{_usage('Successful Deployments')},{_usage('Failed Deployments')},"
            f"{_T('Billable Users')})"), "0.0", 9),
        ("CD Health", _gated(
            f"CS_CD_HEALTH({_usage('Deployment Users')},{_usage('Deployments')},"
            f"{_usage('Successful Deployments')},{_usage('Failed Deployments')},"
            f"{_T('Billable Users')})"), "General", 11),
        ("Security Score", _gated(
            f"CS_SECURITY_SCORE({_usage('Scanner Users')},{_T('Billable Users')},"
            f"{_usage('Scans')},{_usage('CI Pipelines')},{_usage('Scanner Types')},"
            f"{_acc('Tier')})"), "0.0", 9),
        ("Security Health", _gated(
            f"CS_SECURITY_HEALTH({_usage('Scanner Users')},{_T('Billable Users')},"
            f"{_usage('Scans')},{_usage('CI Pipelines')},{_usage('Scanner Types')},"
            f"{_acc('Tier')})"), "General", 11),
        ("Platform Adoption",
         "=" + _cs("CS_PLATFORM_ADOPTION(" + ",".join(_T(c) for c in (
             "SCM Health", "CI Health", "CD Health", "Security Health")) + ")"), "0", 10),
        # methodology §3.3: no primary use-case colour (stale usage) is not Green
        ("Adoption Complete",
         (f'=CS_ADOPTION_COMPLETE({_T("License Utilization")},_xlfn.IFNA({_primary()},""),'
          f"Adoption_Threshold,{CONFIG})"), _BOOL, 10),
    )


def _voice_columns() -> tuple:
    """Risk, outcomes, voice: sentiment, success plan objectives, support."""
    return (
        ("Sentiment Status",
         "=" + _cs(f"CS_SENTIMENT_STATUS({_SENTIMENT},{_acc('Sentiment Updated')},AsOf)"),
         "General", 10),
        ("Plan Objectives",
         (f'=IF({_acc("Success Plan Objectives")}="",COUNTIF(SuccessPlan[Account ID],{_ID}),'
          f"{_acc('Success Plan Objectives')})"), "0", 10),
        ("Support Month", _latest_month("Support"), "yyyy-mm", 11),
        ("Support Current", _current("Support Month", "Support_NA_Days"), _BOOL, 10),
        ("Tickets (Month)", _na_unless(
            _T("Support Current"),
            f"SUMIFS(Support[Tickets],Support[Account ID],{_ID},Support[Month],"
            f"{_T('Support Month')})"), "0", 9),
    )


def _engagement_columns() -> tuple:
    """Engagement: meetings, leads, meeting cadence and persona."""
    return (
        ("Last Meeting",
         f"=MAX({_dated('Last Meeting')},_xlfn.MAXIFS(Timeline[Date],{_meetings()}))",
         _NO_DATE, 11),
        ("Days Since Last Meeting", f"=CS_DAYS({_T('Last Meeting')},AsOf)", "0", 10),
        ("Meetings (3 Months)",
         f"=COUNTIFS({_meetings(_LAST_3_MONTHS)})", "0", 10),
        ("Dev Lead Engaged", _lead_engaged("Dev Lead Engaged", "dev lead"), _BOOL, 10),
        ("Security Lead Engaged", _lead_engaged("Security Lead Engaged", "security lead"),
         _BOOL, 10),
        # these two stay side by side: Engagement Score weighs them as one range
        ("Meeting Cadence Health", _segment_gated(
            "cadence_na_segments",
            _cs(f"CS_MEETING_CADENCE_HEALTH({_T('Days Since Last Meeting')},"
                f"{_acc('CSM Priority')})")), "General", 11),
        ("Persona Health", _segment_gated(
            "persona_na_segments",
            f"CS_PERSONA_HEALTH({_T('Dev Lead Engaged')},{_T('Security Lead Engaged')})"),
         "General", 10),
    )


def _ttv_columns() -> tuple:
    """Time to value and renewal."""
    return (
        ("First Meeting",
         (f"=IF({_reached('First Meeting')},{_acc('First Meeting')},"
          f"_xlfn.MINIFS(Timeline[Date],{_meetings()}))"), _NO_DATE, 11),
        ("Time to Engage", f"=CS_TIME_TO_ENGAGE({_START},{_T('First Meeting')})", "0", 10),
        ("Engage Status",
         "=" + _cs(f'CS_TTV_STATUS("engage",{_START},{_T("First Meeting")},AsOf)'), "General",
         10),
        ("Time to Onboard",
         f"=CS_TIME_TO_ONBOARD({_START},{_dated('Onboarding Closed')})", "0", 10),
        ("Onboard Status",
         "=" + _cs(f'CS_TTV_STATUS("onboard",{_START},{_dated("Onboarding Closed")},AsOf)'),
         "General", 10),
        # methodology §3.3: first snapshot with utilization ≥ the threshold, else the manual
        # date.
        # billable ≥ threshold × licensed is billable ÷ licensed ≥ threshold for whole user
        # counts (the reader accepts no others): criteria numbers go through 15-digit text.
        ("Usage First Value",
         (f"=IF({_T('Licensed Users')}>0,_xlfn.MINIFS(Usage[Month],Usage[Account ID],{_ID},"
          f'Usage[Month],"<="&AsOf,Usage[Billable Users],'
          f'">="&(First_Value_Threshold*{_T("Licensed Users")})),0)'), _NO_DATE, 11),
        ("First Value Date",
         (f"=IF({_T('Usage First Value')}>0,{_T('Usage First Value')},"
          f"IF({_reached('First Value Date')},{_acc('First Value Date')},NA()))"),
         "yyyy-mm-dd", 11),
        ("Time to First Value",
         f"=CS_TIME_TO_FIRST_VALUE({_CONTRACT},{_T('First Value Date')})", "0", 10),
        # no first value yet is an open KPI: its end date is blank
        ("First Value Status",
         (f'=CS_TTV_STATUS("first_value",{_CONTRACT},_xlfn.IFNA({_T("First Value Date")},""),'
          f"AsOf,{CONFIG})"), "General", 10),
        ("Days to Renewal", f"=CS_DAYS(AsOf,{_acc('Renewal Date')})", "0", 10),
    )


#: The columns (the same for every configuration: the formulas read the Config table).
SCORECARD_COLUMNS = columns()
#: Columns holding Green/Yellow/Red (conditional formatting).
COLOUR_COLUMNS = ("Health Colour", "Product Health", "Risk (Sentiment)", "Success Plan Health",
                  "Support Health", "License Health", "User Engagement Health", "SCM Health",
                  "CI Health", "CD Health", "Security Health", "Sentiment Status",
                  "Meeting Cadence Health", "Persona Health")
