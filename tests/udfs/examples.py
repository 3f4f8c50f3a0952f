"""The help examples of the CS_* functions as data, for the tests that execute them.

Each function's docstring ends "Example: =CS_X(…) returns R." (see
``cs_workbook.udfs.catalogue.describe``). :func:`parse_example` turns the formula into Python
arguments (Excel's en-US syntax: ``DATE(y,m,d)``, numbers, ``"text"`` with ``""`` escapes,
TRUE/FALSE, array constants ``{1,2;3,4}`` with ``,`` between columns and ``;`` between rows,
omitted arguments) and :func:`parse_result` turns R into what a test compares with
(:func:`matches`). Examples that read tables (``Usage[Month]``, ``Changes[Reason]``,
``Rates[#All]``) get the small tables of :data:`TABLES`; :data:`TABLE_RESULTS` holds the value
each such example gives on them, worked out by hand.

:func:`check` compares a function's answer with its example: the documented result, or, for
an example that documents none (a spilled table, a table-referencing one), the engine
(:mod:`cs_workbook.metrics`) computed directly on the same data (:data:`ENGINE`) and the value
worked out by hand.

Standard library and the engine only: the xlwings Lite closure test loads this file by path
inside a virtualenv that has nothing but numpy, pandas, xlwings and our wheel.

>>> parse_example('=CS_X(DATE(2020,1,2), -1.5, "a""b", TRUE, {1,2;3,4}, , T[Col A])')
('CS_X', [datetime.datetime(2020, 1, 2, 0, 0), -1.5, 'a"b', True, [[1.0, 2.0], [3.0, 4.0]], \
None, TableRef(table='T', spec='Col A')])
>>> parse_result("0.8 (80 %)"), parse_result("TRUE"), parse_result("Met"), parse_result("")
(Number(value=0.8, decimals=1), True, 'Met', None)
>>> matches(79.1666, parse_result("79.17")), matches(79.16, parse_result("79.17"))
(True, False)
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

__all__ = ["TableRef", "Number", "parse_example", "parse_result", "matches", "TABLES",
           "TABLE_RESULTS", "table_grid", "classic_args", "serial_args", "to_serial",
           "formula_tables", "ENGINE", "engine_value", "plain_args", "same", "check"]


@dataclass(frozen=True)
class TableRef:
    """A structured reference ``Table[spec]`` (``spec`` is a column name or ``#All``)."""

    table: str
    spec: str


@dataclass(frozen=True)
class Number:
    """A documented number and how many decimals it is shown with (``79.17`` → 2)."""

    value: float
    decimals: int


class ParseError(ValueError):
    pass


# -- formulas -------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


class _Parser:
    def __init__(self, text: str):
        self.text, self.i = text, 0

    def error(self, what: str):
        raise ParseError(f"{what} at {self.i} in {self.text!r}")

    def blank(self):
        while self.i < len(self.text) and self.text[self.i] == " ":
            self.i += 1

    def peek(self) -> str:
        self.blank()
        return self.text[self.i] if self.i < len(self.text) else ""

    def expect(self, ch: str):
        if self.peek() != ch:
            self.error(f"expected {ch!r}")
        self.i += 1

    def call(self):
        self.expect("=")
        self.blank()
        m = _NAME.match(self.text, self.i)
        if not m:
            self.error("expected a function name")
        self.i = m.end()
        args = self.arguments()
        if self.peek():
            self.error("trailing text")
        return m.group(0), args

    def arguments(self) -> list:
        self.expect("(")
        args = []
        if self.peek() == ")":
            self.i += 1
            return args
        while True:
            args.append(None if self.peek() in (",", ")") else self.value())
            ch = self.peek()
            self.i += 1
            if ch == ")":
                return args
            if ch != ",":
                self.i -= 1
                self.error("expected ',' or ')'")

    def value(self):
        ch = self.peek()
        if ch == '"':
            return self.string()
        if ch == "{":
            return self.array()
        m = _NUMBER.match(self.text, self.i)
        if m and ch in "+-.0123456789":
            self.i = m.end()
            return _number(m.group(0))
        m = _NAME.match(self.text, self.i)
        if not m:
            self.error("expected a value")
        name = m.group(0)
        self.i = m.end()
        if name.upper() in ("TRUE", "FALSE") and self.peek() not in ("(", "["):
            return name.upper() == "TRUE"
        if self.peek() == "[":
            start = self.i + 1
            end = self.text.index("]", start)
            self.i = end + 1
            return TableRef(name, self.text[start:end])
        if name.upper() == "DATE":
            y, mo, d = self.arguments()
            if not all(isinstance(v, float) and v.is_integer() for v in (y, mo, d)):
                self.error("DATE takes three whole numbers")
            return _dt.datetime(int(y), int(mo), int(d))
        self.error(f"unsupported function {name}")

    def string(self) -> str:
        self.expect('"')
        out = []
        while True:
            j = self.text.find('"', self.i)
            if j < 0:
                self.error("unterminated string")
            out.append(self.text[self.i:j])
            self.i = j + 1
            if self.text.startswith('"', self.i):  # "" is a quote inside the string
                out.append('"')
                self.i += 1
                continue
            return "".join(out)

    def array(self) -> list[list]:
        self.expect("{")
        rows, row = [], []
        while True:
            v = self.value()
            if isinstance(v, (list, TableRef, _dt.datetime)):
                self.error("array constants hold numbers, text and TRUE/FALSE only")
            row.append(v)
            ch = self.peek()
            self.i += 1
            if ch == ",":
                continue
            rows.append(row)
            row = []
            if ch == ";":
                continue
            if ch == "}":
                break
            self.i -= 1
            self.error("expected ',', ';' or '}'")
        if len({len(r) for r in rows}) != 1:
            self.error("rows of the array constant differ in length")
        return rows


def _number(text: str) -> float:
    """Excel numbers are doubles: ``80`` is 80.0, ``10%`` is 0.1."""
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def parse_example(formula: str) -> tuple[str, list]:
    """``(function name, arguments)`` of ``=NAME(arg, …)``; omitted arguments are None,
    array constants lists of rows, table references :class:`TableRef`."""
    return _Parser(formula.strip()).call()


def formula_tables(args) -> set[str]:
    """Names of the tables the parsed arguments refer to."""
    return {a.table for a in args if isinstance(a, TableRef)}


# -- documented results ---------------------------------------------------------------------

def parse_result(text: str):
    """What an example's documented result means: :class:`Number` (``0.8 (80 %)`` is 0.8
    shown with one decimal), True/False for TRUE/FALSE, text for anything else, None when no
    result is documented."""
    text = text.strip()
    if not text:
        return None
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    shown = re.sub(r"\s*\(.*\)$", "", text)  # 0.8 (80 %) → 0.8
    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", shown):
        decimals = len(shown.split(".")[1]) if "." in shown else 0
        return Number(float(shown), decimals)
    return text


def matches(value, expected) -> bool:
    """Whether a computed ``value`` is the documented ``expected`` (numbers at the precision
    shown; booleans and text exactly)."""
    if isinstance(expected, bool):
        return value is expected or (type(value).__name__ == "bool_" and bool(value) is expected)
    if isinstance(expected, Number):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return round(float(value), expected.decimals) == expected.value
    return isinstance(value, str) and value == expected


# -- the tables the table-referencing examples read -----------------------------------------

D = _dt.datetime

#: ``{table: (header, rows)}``. Usage: utilization of 200 licences is 2.5 %, 9.5 %, 10 %,
#: 20 %, so first value (10 %, inclusive) is the third month; 19 users (9.5 %) just miss it.
#: Changes: churn 500 + 200, expansion 300; the true-up is left out. Rates: the Engineer
#: version effective on 2025-05-01 is the one from 2025-04-01 (a later one exists).
TABLES = {
    "Usage": (["Month", "Billable Users"],
              [[D(2024, 1, 1), 5.0], [D(2024, 2, 1), 19.0], [D(2024, 3, 1), 20.0],
               [D(2024, 4, 1), 40.0]]),
    "Changes": (["Reason", "Change"],
                [["Cancellation", -500.0], ["Downgrade", -200.0], ["Seat Expansion", 300.0],
                 ["Trueup", 50.0]]),
    "Rates": (["Quarter", "Effective From", "Role", "Standard Rate"],
              [["FY26-Q1", D(2025, 1, 1), "Engineer", 100.0],
               ["FY26-Q1", D(2025, 1, 1), "Architect", 150.0],
               ["FY26-Q2", D(2025, 4, 1), "Engineer", 110.0],
               ["FY26-Q3", D(2025, 7, 1), "Engineer", 120.0]]),
}

#: What the table-referencing examples give on :data:`TABLES` (worked out by hand):
#: spilled tables as their data rows (header left out).
TABLE_RESULTS = {
    "CS_FIRST_VALUE_DATE": _dt.date(2024, 3, 1),
    "CS_PS_RATE": 110.0,
    "CS_REASON_SHARES": [["Churn", "Cancellation", -500.0, 500 / 700],
                         ["Churn", "Downgrade", -200.0, 200 / 700],
                         ["Expansion", "Seat Expansion", 300.0, 1.0]],
}


def table_grid(ref: TableRef) -> list[list]:
    """The cells a structured reference selects, as rows (``#All`` includes the header)."""
    header, rows = TABLES[ref.table]
    if ref.spec.strip().lower() == "#all":
        return [list(header)] + [list(r) for r in rows]
    col = [h.lower() for h in header].index(ref.spec.strip().lower())
    return [[r[col]] for r in rows]


def to_serial(value: _dt.datetime) -> float:
    """Excel's 1900-system serial of a date from 1900-03-01 on (as Office.js sends dates)."""
    return float((value - _dt.datetime(1899, 12, 30)).days)


def _map(x, f):
    if isinstance(x, list):
        return [_map(v, f) for v in x]
    return f(x)


def classic_args(args) -> list:
    """Arguments as the classic add-in hands them over with our converter options (``ndim=2``:
    every argument rows × columns, a single value as ``[[x]]``): numbers as floats, dates from
    date cells as datetimes, table columns as one-column rows."""
    out = []
    for a in args:
        if isinstance(a, TableRef):
            a = table_grid(a)
        elif a is not None and not isinstance(a, list):
            a = [[a]]
        out.append(a)
    return out


def serial_args(args) -> list:
    """Arguments as Office.js (xlwings Lite, ``serve``) hands them over: single values as they
    are, ranges and array constants as rows, dates as serial numbers."""
    def cell(v):
        return to_serial(v) if isinstance(v, _dt.datetime) else v

    out = []
    for a in args:
        if isinstance(a, TableRef):
            a = table_grid(a)
        out.append(_map(a, cell))
    return out


# -- the engine on the same data, for the examples without a documented result ----------------

def _engine_rows(frame, columns) -> list[list]:
    """A DataFrame's rows as Excel cells: NaN and None → ``#N/A``."""
    rows = []
    for record in frame[list(columns)].itertuples(index=False):
        row = []
        for v in record:
            if hasattr(v, "item"):
                v = v.item()
            row.append("#N/A" if v is None or (isinstance(v, float) and v != v) else v)
        rows.append(row)
    return rows


def _first_value_date(*args):
    from cs_workbook import metrics

    return metrics.first_value_date(*args)


def _ps_rate(*args):
    from cs_workbook import metrics

    return metrics.ps_rate(*args)


def _reason_shares(*args):
    from cs_workbook import metrics

    return _engine_rows(metrics.reason_shares(*args),
                        ["category", "reason", "mrr_change", "share"])


def _health_drivers(*args):
    from cs_workbook import metrics

    d = metrics.health_drivers(*args)
    d["input"] = ["" if v is None else v for v in d["input"]]
    return _engine_rows(d, ["component", "input", "points", "effective weight", "contribution"])


#: The engine's computation of each example that documents no result, called with the
#: example's arguments as plain values (:func:`plain_args`); spilled tables as data rows.
ENGINE = {
    "CS_FIRST_VALUE_DATE": _first_value_date,
    "CS_PS_RATE": _ps_rate,
    "CS_REASON_SHARES": _reason_shares,
    "CS_HEALTH_DRIVERS": _health_drivers,
}


def plain_args(args) -> list:
    """Arguments as plain Python values for the engine: table columns as flat lists, ``#All``
    as rows, trailing omitted arguments dropped."""
    out = []
    for a in args:
        if isinstance(a, TableRef):
            grid = table_grid(a)
            a = grid if a.spec.strip().lower() == "#all" else [r[0] for r in grid]
        out.append(a)
    while out and out[-1] is None:
        out.pop()
    return out


def engine_value(entry: dict):
    """The engine's answer to ``entry``'s example (a ``describe()`` entry in :data:`ENGINE`)."""
    name, args = parse_example(entry["example"])
    return ENGINE[name](*plain_args(args))


def same(a, b) -> bool:
    """Equal cell by cell; numbers to 1e-12, booleans and other values exactly (by type)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))
    return type(a) is type(b) and a == b


def check(entry: dict, value) -> None:
    """Assert that ``value`` (a function's answer to its example) is what the example
    documents, or else what the engine computes on the same data (a spilled table: its data
    rows, under a header of non-empty texts) and the value worked out by hand."""
    expected = parse_result(entry["result"])
    if expected is not None:
        assert matches(value, expected), (entry["example"], value, entry["result"])
        return
    engine = engine_value(entry)
    if isinstance(value, list):
        header, value = value[0], value[1:]
        assert header and all(isinstance(h, str) and h for h in header), header
    assert same(value, engine), (entry["example"], value, engine)
    if entry["name"] in TABLE_RESULTS:
        assert same(value, TABLE_RESULTS[entry["name"]]), (entry["example"], value)
