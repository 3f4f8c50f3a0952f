"""The mapping model: a TOML file that says how export columns become CS workbook columns.

One table per target sheet (``[Accounts]``, ``[Usage]``, ``["MRR Changes"]`` …), plus an
optional ``[mapping]`` table (``name``, ``about``)::

    [Accounts]
    source = "*accounts*.csv"          # glob matched against the SOURCE files' names
    optional = false                   # true: skip the sheet when no SOURCE matches
    group_by = ["Account ID"]          # target columns: one row per group …
    month = "Month"                    # … and/or bucket this date column to its month
    order_by = "arr_month"             # source column ordering rows for first/last
    [Accounts.columns]                 # target column = source column
    "Account ID" = "Id"
    [Accounts.values.Segment]          # source value = target value (case-insensitive)
    "Enterprise" = "Strategic"
    [Accounts.dates]                   # target column = strptime format
    "Contract Date" = "%m/%d/%Y"
    [Accounts.units]                   # target column = cents | dollars | thousands | millions
    ARR = "cents"
    [Accounts.defaults]                # target column = value for blanks and unmapped columns
    Deployment = "SaaS"
    [Accounts.aggregate]               # target column = last | first | sum | max | min | mean
    "Licensed Users" = "latest_sum"    # | latest_sum: the sum over the latest order_by value
    [Accounts.keep]                    # source column = values a row must have to be kept
    "Lifecycle Stage" = ["Customer"]

Every problem is a one-line :class:`~cs_workbook.errors.CSError` naming the mapping file and key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import CSError
from ..schema import SHEETS, sheet

__all__ = [
    "AGGREGATIONS",
    "SHIPPED",
    "UNITS",
    "Mapping",
    "SheetMap",
    "load_mapping",
    "parse_mapping",
    "shipped_mapping",
    "shipped_mapping_text",
    "toml_key",
]

#: ``--from NAME`` → the shipped mapping file in ``cs_workbook/importers/mappings/``
SHIPPED = {"gitlab-dbt": "gitlab-dbt.toml", "salesforce": "salesforce.toml",
           "gainsight": "gainsight.toml", "hubspot": "hubspot.toml"}
#: currency units → the factor that turns them into dollars
UNITS = {"dollars": 1.0, "cents": 0.01, "thousands": 1_000.0, "millions": 1_000_000.0}
AGGREGATIONS = ("last", "first", "sum", "max", "min", "mean", "latest_sum")
_SHEET_KEYS = {"source", "optional", "group_by", "month", "order_by", "columns", "values",
               "dates", "units", "defaults", "aggregate", "keep"}


@dataclass(frozen=True)
class SheetMap:
    """How one target sheet is built (see the module doc for each field)."""

    sheet: str
    source: str
    optional: bool = False
    columns: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    dates: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    aggregate: dict = field(default_factory=dict)
    keep: dict = field(default_factory=dict)
    group_by: tuple = ()
    month: str | None = None
    order_by: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file: ``file`` is its name for messages, ``sheets`` in schema order."""

    file: str
    name: str
    sheets: tuple[SheetMap, ...]
    about: str = ""

    def error(self, message: str, sheet: str | None = None) -> CSError:
        """A one-line error naming this mapping (and ``sheet``)."""
        where = f"mapping {self.file}" + (f", sheet {sheet}" if sheet else "")
        return CSError(f"{where}: {message}")


def _table(value, key: str, fail) -> dict:
    if not isinstance(value, dict):
        raise fail(f"key {key!r} must be a table, not {type(value).__name__}")
    return value


def _strings(value: dict, key: str, fail) -> dict:
    for k, v in value.items():
        if not isinstance(v, str):
            raise fail(f"key {key}.{k!r} must be text, not {v!r}")
    return dict(value)


def parse_mapping(text: str, file: str = "mapping.toml") -> Mapping:
    """Parse and check a mapping's TOML text.

    Parameters
    ----------
    text : str
        The TOML document.
    file : str
        The file's name, for error messages.

    Returns
    -------
    Mapping

    Raises
    ------
    CSError
        Bad TOML (with its line), an unknown sheet, key, column, unit or aggregation, or a
        required column of a target sheet that is neither mapped nor defaulted; the message
        says which key to add.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CSError(f"mapping {file}: not valid TOML ({exc})") from None
    meta = doc.pop("mapping", {})
    base = Mapping(file, file, ())
    meta = _table(meta, "mapping", base.error)
    unknown = set(meta) - {"name", "about"}
    if unknown:
        raise base.error(f"unknown key mapping.{min(unknown)!r} (known: name, about)")
    sheets = {}
    for name, body in doc.items():
        try:
            target = sheet(name)
        except KeyError:
            known = ", ".join(s.name for s in SHEETS if s.name != "Config")
            raise base.error(f"unknown sheet [{name}] (known: {known})") from None
        if target.name == "Config":
            raise base.error("sheet [Config] cannot be imported; use --config at score time")
        sheets[target.name] = _sheet_map(target, _table(body, name, base.error), base)
    if "Accounts" not in sheets:
        raise base.error("no [Accounts] table: every workbook needs its Accounts sheet")
    ordered = tuple(sheets[s.name] for s in SHEETS if s.name in sheets)
    return Mapping(file, str(meta.get("name", Path(file).stem)), ordered,
                   str(meta.get("about", "")))


def _sheet_map(target, body: dict, base: Mapping) -> SheetMap:
    name = target.name

    def fail(message):
        return base.error(message, name)

    unknown = set(body) - _SHEET_KEYS
    if unknown:
        raise fail(f"unknown key {min(unknown)!r} (known: {', '.join(sorted(_SHEET_KEYS))})")
    source = body.get("source")
    if not isinstance(source, str) or not source:
        raise fail(f"key 'source' is missing: add "
                   f'`[{toml_key(name)}] source = "<file name or glob>"`')
    columns = _strings(_table(body.get("columns", {}), "columns", fail), "columns", fail)
    headers = {c.name: c for c in target.columns}

    def check_targets(table: dict, key: str):
        for col in table:
            if col not in headers:
                raise fail(f"key {key}.{col!r}: sheet {name} has no column {col!r} "
                           f"(columns: {', '.join(headers)})")

    check_targets(columns, "columns")
    values = _table(body.get("values", {}), "values", fail)
    check_targets(values, "values")
    values = {col: {str(k).strip().casefold(): v for k, v in
                    _table(m, f"values.{col}", fail).items()} for col, m in values.items()}
    dates = _strings(_table(body.get("dates", {}), "dates", fail), "dates", fail)
    check_targets(dates, "dates")
    units = _strings(_table(body.get("units", {}), "units", fail), "units", fail)
    check_targets(units, "units")
    for col, unit in units.items():
        if unit not in UNITS:
            raise fail(f"key units.{col!r}: unknown unit {unit!r} (known: {', '.join(UNITS)})")
    defaults = dict(_table(body.get("defaults", {}), "defaults", fail))
    check_targets(defaults, "defaults")
    aggregate = _strings(_table(body.get("aggregate", {}), "aggregate", fail), "aggregate", fail)
    check_targets(aggregate, "aggregate")
    for col, how in aggregate.items():
        if how not in AGGREGATIONS:
            raise fail(f"key aggregate.{col!r}: unknown aggregation {how!r} "
                       f"(known: {', '.join(AGGREGATIONS)})")
    keep = _table(body.get("keep", {}), "keep", fail)
    keep = {col: [str(v) for v in (vals if isinstance(vals, list) else [vals])]
            for col, vals in keep.items()}
    group_by = body.get("group_by", [])
    if isinstance(group_by, str):
        group_by = [group_by]
    check_targets({g: 1 for g in group_by}, "group_by")
    month = body.get("month")
    if month is not None:
        check_targets({month: 1}, "month")
        if headers[month].kind not in ("month", "date"):
            raise fail(f"key month = {month!r}: not a month column")
    order_by = body.get("order_by")
    if order_by is not None and not isinstance(order_by, str):
        raise fail(f"key order_by must be a source column name, not {order_by!r}")
    for col in target.columns:
        if col.required and col.name not in columns and col.name not in defaults:
            raise fail(f"required column {col.name!r} is not mapped; add "
                       f'`[{toml_key(name)}.columns] {toml_key(col.name)} = "<source column>"`')
    return SheetMap(name, source, bool(body.get("optional", False)), columns, values, dates,
                    units, defaults, aggregate, keep, tuple(group_by), month, order_by)


def toml_key(key: str) -> str:
    """A TOML key as it would be typed: bare when it can be, else quoted.

    >>> toml_key("Segment"), toml_key("MRR Changes")
    ('Segment', '"MRR Changes"')
    """
    return key if key.replace("_", "").replace("-", "").isalnum() else f'"{key}"'


def load_mapping(path) -> Mapping:
    """Read and parse the mapping file at ``path`` (see :func:`parse_mapping`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CSError(f"mapping {path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CSError(f"mapping {path}: cannot read ({exc})") from None
    return parse_mapping(text, path.name)


def shipped_mapping_text(name: str) -> str:
    """The TOML text of the shipped mapping ``name`` (a key of :data:`SHIPPED`)."""
    if name not in SHIPPED:
        raise CSError(f"--from {name!r}: no such shipped mapping (known: {', '.join(SHIPPED)})")
    return resources.files(__package__).joinpath("mappings", SHIPPED[name]).read_text("utf-8")


def shipped_mapping(name: str) -> Mapping:
    """The shipped mapping ``name`` (a key of :data:`SHIPPED`), parsed."""
    return parse_mapping(shipped_mapping_text(name), SHIPPED[name])
