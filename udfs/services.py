"""Professional-services Excel functions [methodology §6]: standard hourly cost, the effective rate
from a quarterly rate table, SOW cost, price and margin."""

from __future__ import annotations

from .. import metrics as m
from ..metrics.services import RATE_COLUMNS
from . import coerce as co
from ._xl import arg, func
from .config_arg import CONFIG_DOC, configured
from . import errors as _errors
from .errors import boundary
from .rows import check_whole, elementwise, single, whole

__all__ = ["CS_PS_STANDARD_RATE", "CS_PS_RATE", "CS_SOW_COST", "CS_SOW_PRICE", "CS_SOW_MARGIN"]


@func
@arg("avg_annual_ote", doc="Average annual on-target earnings of the role")
@arg("benefits", doc="Annual benefits cost of the role")
@arg("billable_hours", doc="Billable hours a year; default 1,880")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_PS_STANDARD_RATE(avg_annual_ote, benefits, billable_hours=None, config=None):
    """Standard hourly cost of a role: (average annual OTE + benefits) ÷ billable hours (1,880).
    Example: =CS_PS_STANDARD_RATE(180000, 36000) returns 114.89."""
    cfg = configured(config)
    cols = [co.numbers(avg_annual_ote, "avg_annual_ote", 0), co.numbers(benefits, "benefits", 0),
            co.numbers(billable_hours, "billable_hours", 0)]
    return elementwise(lambda o, b, h: m.ps_standard_rate(o, b, h, config=cfg), cols)


_TEXT_COLUMNS = ("quarter", "role")


def _rate_rows(rate_table) -> list:
    """The rate-table range as rows with clean cells: Effective From as dates, numbers from
    numeric text, blanks as None (Office.js sends dates as serials and blanks as "")."""
    shape, cells = co.cells(rate_table, "rate_table")
    if shape is None or shape[0] == "1d":
        raise _errors.UserError(
            "rate_table: select the whole rate table (Role, Effective From, rates)")
    rows, cols = shape
    grid = [cells[r * cols:(r + 1) * cols] for r in range(rows)]
    header = [str(c).strip().lower() if isinstance(c, str) else "" for c in grid[0]]
    has_header = "role" in header
    names = header if has_header else [c.lower() for c in RATE_COLUMNS][:cols]
    out = [list(grid[0])] if has_header else []
    for row in grid[1:] if has_header else grid:
        clean = []
        for name, v in zip(names, row):
            if name == "effective from":
                c = co.dates([v], "Effective From")
            elif name in _TEXT_COLUMNS:
                c = co.texts([v], name.title())
            else:
                c = co.numbers([v], name.title())
            if c.errors:
                err = c.errors[0]
                raise _errors.UserError(err.message or f"rate_table: {err.code} in column {name!r}")
            val = c.values[0]
            clean.append(None if val is None or val != val else
                         (val.item() if hasattr(val, "item") else val))
        out.append(clean)
    return out


@func
@arg("role", doc="Role name as in the rate table (a cell or a column)")
@arg("as_of", doc="Date the rate must be effective on (the SOW date)")
@arg("rate_table", doc="Rate table range incl. headers Role, Effective From, Standard Rate")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_PS_RATE(role, as_of, rate_table, config=None):
    """Standard hourly rate of a role from the rate-table version effective on as_of (latest
    Effective From on or before it); #N/A if none. Example: =CS_PS_RATE("Engineer",
    DATE(2025,5,1), Rates[#All])."""
    cfg = configured(config)
    rows, err = whole(lambda: _rate_rows(rate_table))
    cols = [co.texts(role, "role"), co.dates(as_of, "as_of")]
    return elementwise(lambda r, a: m.ps_rate(r, a, rows, config=cfg), cols, whole=err)


def _lines(hours, rates, rate_name):
    h = co.numbers(hours, "hours", 0)
    r = co.numbers(rates, rate_name, 0)
    check_whole(h, r)
    if h.shape is not None and r.shape is not None:
        co.broadcast([h, r])
    return list(h.values), list(r.values)


def _optional(x, name):
    c = co.numbers(x, name)
    check_whole(c)
    return None if c.values[0] != c.values[0] else float(c.values[0])


@func
@arg("hours", doc="Hours of each role line (a column)")
@arg("cost_rates", doc="Standard cost rate of each line (see CS_PS_RATE)")
@arg("contingency_pct", doc="Contingency on labour cost as a fraction; default 0")
@arg("travel_cost", doc="Travel and expenses cost; default 0")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_SOW_COST(hours, cost_rates, contingency_pct=None, travel_cost=None, config=None):
    """Total SOW cost: Σ hours × cost rate × (1 + contingency) + travel cost. Example:
    =CS_SOW_COST({10;20}, {100;50}, 0.1, 500) returns 2700."""
    cfg = configured(config)
    h, r = _lines(hours, cost_rates, "cost_rates")
    return single(m.sow_cost(h, r, _optional(contingency_pct, "contingency_pct"),
                             _optional(travel_cost, "travel_cost"), config=cfg))


@func
@arg("hours", doc="Hours of each role line (a column)")
@arg("bill_rates", doc="Bill rate of each line")
@arg("discount_pct", doc="Discount on fees as a fraction; default 0")
@arg("travel_billed", doc="Travel and expenses billed; default 0")
@arg("config", doc=CONFIG_DOC)
@boundary
def CS_SOW_PRICE(hours, bill_rates, discount_pct=None, travel_billed=None, config=None):
    """Total SOW price: Σ hours × bill rate × (1 − discount) + travel billed. Example:
    =CS_SOW_PRICE({10;20}, {200;150}, 0.1, 300) returns 4800."""
    cfg = configured(config)
    h, r = _lines(hours, bill_rates, "bill_rates")
    return single(m.sow_price(h, r, _optional(discount_pct, "discount_pct"),
                              _optional(travel_billed, "travel_billed"), config=cfg))


@func
@arg("price", doc="SOW price (see CS_SOW_PRICE)")
@arg("cost", doc="SOW cost (see CS_SOW_COST)")
@boundary
def CS_SOW_MARGIN(price, cost):
    """Gross margin of a SOW: (price − cost) ÷ price as a fraction; #N/A when price is 0 or
    blank (target 30 %). Example: =CS_SOW_MARGIN(30000, 13787.23) returns 0.54."""
    cols = [co.numbers(price, "price", 0), co.numbers(cost, "cost", 0)]
    return elementwise(lambda p, c: m.sow_margin(p, c), cols)
