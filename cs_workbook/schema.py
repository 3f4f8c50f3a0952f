"""The CS workbook schema (docs/workbook.md): sheets, columns, their kinds and allowed values.

Pure data shared by the reader, the template writer, the sample generator and the scorer.
Header names are what users see; readers match them case- and space-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Column",
    "Sheet",
    "SHEETS",
    "SEGMENTS",
    "TIERS",
    "DEPLOYMENTS",
    "COLOURS",
    "PLAN_STATUSES",
    "OBJECTIVE_STATUSES",
    "TIMELINE_TYPES",
    "MRR_REASONS",
    "CSM_PRIORITIES",
    "normalise_header",
    "sheet",
]

SEGMENTS = ("Strategic", "Growth", "Scale", "Tech Touch")
TIERS = ("Free", "Premium", "Ultimate")
DEPLOYMENTS = ("SaaS", "Self-Managed", "Dedicated")
COLOURS = ("Green", "Yellow", "Red")
PLAN_STATUSES = ("Active", "Draft", "None")
OBJECTIVE_STATUSES = ("Not Started", "In Progress", "Achieved", "At Risk", "Cancelled")
TIMELINE_TYPES = ("Call", "Meeting", "Email", "EBR")
MRR_REASONS = (
    "Cancellation",
    "Downgrade",
    "Seat Expansion",
    "Product Change",
    "Product Change/Seat Change Mix",
    "Discount/Price Change",
    "Trueup",
)
CSM_PRIORITIES = (1, 2, 3)


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    kind is one of: ``id`` (non-empty text key), ``text``, ``category`` (one of ``choices``),
    ``date``, ``month`` (a date; the day is ignored), ``int`` (whole number ≥ 0),
    ``number`` (any real), ``money`` (real ≥ 0), ``bool`` (TRUE/FALSE, Yes/No).
    """

    name: str
    kind: str
    required: bool = False
    choices: tuple = ()
    width: float = 14


@dataclass(frozen=True)
class Sheet:
    """One sheet: a table keyed by ``Account ID`` (``key`` is True when unique per row)."""

    name: str
    table: str
    columns: tuple[Column, ...]
    unique_key: bool = False

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name, kind, required=False, choices=(), width=14):
    return Column(name, kind, required, tuple(choices), width)


ACCOUNTS = Sheet(
    "Accounts",
    "Accounts",
    (
        _c("Account ID", "id", True, width=12),
        _c("Account", "text", True, width=28),
        _c("Segment", "category", True, SEGMENTS, 12),
        _c("CSM", "text", width=18),
        _c("CSM Priority", "int", choices=CSM_PRIORITIES, width=10),
        _c("Tier", "category", True, TIERS, 10),
        _c("Deployment", "category", True, DEPLOYMENTS, 13),
        _c("Contract Date", "date", True),
        _c("Subscription Start", "date"),
        _c("Renewal Date", "date"),
        _c("Licensed Users", "int", True),
        _c("ARR", "money", width=13),
        _c("Onboarding Start", "date"),
        _c("First Meeting", "date"),
        _c("Onboarding Closed", "date"),
        _c("Infrastructure Ready", "date"),
        _c("First Value Date", "date"),
        _c("Outcome Achieved", "date"),
        _c("CSM Sentiment", "category", choices=COLOURS, width=11),
        _c("Sentiment Updated", "date"),
        _c("Success Plan Status", "category", choices=PLAN_STATUSES, width=11),
        _c("Success Plan Objectives", "int", width=11),
        _c("Success Plan Strategy", "bool", width=11),
        _c("Dev Lead Engaged", "bool", width=10),
        _c("Security Lead Engaged", "bool", width=10),
        _c("Last Meeting", "date"),
    ),
    unique_key=True,
)

USAGE = Sheet(
    "Usage",
    "Usage",
    (
        _c("Account ID", "id", True, width=12),
        _c("Month", "month", True, width=11),
        _c("Billable Users", "int", True),
        _c("Active Users", "int"),
        _c("Git Operation Users", "int"),
        _c("CI Builds", "int"),
        _c("Deployment Users", "int"),
        _c("Deployments", "int"),
        _c("Successful Deployments", "int"),
        _c("Failed Deployments", "int"),
        _c("Scanner Users", "int"),
        _c("Scans", "int"),
        _c("CI Pipelines", "int"),
        _c("Scanner Types", "int"),
    ),
)

SUPPORT = Sheet(
    "Support",
    "Support",
    (
        _c("Account ID", "id", True, width=12),
        _c("Month", "month", True, width=11),
        _c("Tickets", "int", True),
        _c("Emergency Open", "int"),
        _c("Emergency Closed Last 7 Days", "int"),
    ),
)

TIMELINE = Sheet(
    "Timeline",
    "Timeline",
    (
        _c("Account ID", "id", True, width=12),
        _c("Date", "date", True),
        _c("Type", "category", True, TIMELINE_TYPES, 10),
        _c("Attendees", "text", width=36),
        _c("Notes", "text", width=48),
    ),
)

SUCCESS_PLAN = Sheet(
    "Success Plan",
    "SuccessPlan",
    (
        _c("Account ID", "id", True, width=12),
        _c("Objective", "text", True, width=44),
        _c("Status", "category", True, OBJECTIVE_STATUSES, 12),
        _c("Target Date", "date"),
        _c("Achieved Date", "date"),
    ),
)

REVENUE = Sheet(
    "Revenue",
    "Revenue",
    (
        _c("Account ID", "id", True, width=12),
        _c("Month", "month", True, width=11),
        _c("MRR", "money", True),
    ),
)

MRR_CHANGES = Sheet(
    "MRR Changes",
    "MRRChanges",
    (
        _c("Account ID", "id", True, width=12),
        _c("Month", "month", True, width=11),
        _c("Change", "number", True),
        _c("Reason", "category", True, MRR_REASONS, 28),
    ),
)

CONFIG = Sheet(
    "Config",
    "Config",
    (
        _c("Key", "text", True, width=32),
        _c("Value", "text", width=20),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    ACCOUNTS,
    USAGE,
    SUPPORT,
    TIMELINE,
    SUCCESS_PLAN,
    REVENUE,
    MRR_CHANGES,
    CONFIG,
)

#: Sheets a workbook must have; the others may be absent (their sections become NA).
REQUIRED_SHEETS = ("Accounts",)


def normalise_header(text) -> str:
    """Header matching key: case- and whitespace-insensitive."""
    return "".join(str(text).split()).casefold()


def sheet(name: str) -> Sheet:
    """The schema of the sheet called ``name`` (matched like headers)."""
    key = normalise_header(name)
    for s in SHEETS:
        if normalise_header(s.name) == key:
            return s
    raise KeyError(name)
