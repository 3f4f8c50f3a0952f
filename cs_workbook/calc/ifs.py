"""Per-row ``*IFS`` over constant columns answered from hash indexes instead of column scans.

A Scorecard row asks ``SUMIFS(Usage[Billable Users],Usage[Account ID],[@ID],Usage[Month],…)``:
evaluated as written, every row scans the whole Usage table, so a portfolio of N accounts costs
N² (issue #9). :func:`rewrite` replaces such a call, in the loaded copy of a formula only, by
``_CSFAST_IFS(id,"Sheet!A",ROW(),criteria…)`` (the cell's sheet and column, then its row, so one
text serves a whole column, :mod:`.shapes`): the ranges become an index ``id`` of the
:class:`Index` (they hold no formula, so their values are known before evaluation), the criteria
stay expressions the engine evaluates. At run time, :meth:`Index.call` answers from a dictionary
keyed by the equality criteria (case-insensitive text, numbers) and filters the few matching rows
by the other criteria (``"<="&AsOf``, ``"<>Email"``).

Anything whose Excel meaning is not plainly one of those (wildcards, numeric or date-like text,
booleans, blanks, errors, arrays as criteria, columns holding numeric text, errors or booleans)
is *declined*: the call records its cell and the evaluation gives that cell its original formula
back, so the engine's own ``*IFS`` answers it. A cell costs no more than before, never a
different value.
"""

from __future__ import annotations

import functools
import re

__all__ = ["FUNCTION", "Index", "rewrite"]

#: The name of the registered function the rewritten calls use.
FUNCTION = "_CSFAST_IFS"

_CALL = re.compile(r"(?<![\w.!\]])(?:_xlfn\.)?(SUMIFS|AVERAGEIFS|MAXIFS|MINIFS|COUNTIFS|COUNTIF)"
                   r"\s*\(", re.I)
_RANGE = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?"
                    r"\$(?P<c1>[A-Z]{1,3})\$(?P<r1>\d+):\$(?P<c2>[A-Z]{1,3})\$(?P<r2>\d+)$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
#: Text Excel may read as a date, time, percentage, currency or fraction, not as plain text.
_DATEISH = re.compile(r"[/:%$€£¥]|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
                      r"|\b[ap]m?\b|^\s|\s$", re.I)
#: Strings and quoted sheet names (skipped), or a call of one of the functions (group 1).
_SCAN = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|' + _CALL.pattern, re.I)
_TOKENS = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|[(){}\[\],]')
_OPS = (">=", "<=", "<>", "=", ">", "<")


def _split_args(text: str, start: int) -> tuple[list[str], int] | None:
    """The top-level arguments of the call whose ``(`` is at ``start``, and the index after
    its ``)``; None when the text ends first."""
    depth, args, begin = 0, [], start + 1
    for m in _TOKENS.finditer(text, start + 1):
        ch = m.group()
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                if ch != ")":
                    return None
                args.append(text[begin:m.start()].strip())
                return args, m.end()
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[begin:m.start()].strip())
            begin = m.end()
    return None


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _range(arg: str, sheet: str):
    """``(sheet, first row, column, last row)`` of an absolute one-column reference, or None."""
    m = _RANGE.match(arg)
    if not m or m["c1"] != m["c2"]:
        return None
    name = m["sheet"] or sheet
    if name.startswith("'"):
        name = name[1:-1].replace("''", "'")
    r1, r2 = int(m["r1"]), int(m["r2"])
    return (name, r1, _col(m["c1"]), r2) if r1 <= r2 else None


def rewrite(formula: str, sheet: str, ref: str, index: "Index", is_constant) -> str:
    """``formula`` (A1 references, ``=`` first) with each eligible ``*IFS`` call replaced.

    ``ref`` is the cell (``"C5"``) or only its column (``"C"``): the row is the cell's
    ``ROW()``, so the result holds for every row of the column.

    ``is_constant(sheet, first_row, column, last_row)`` says whether a range holds no
    formula; a call is eligible when every range is an absolute one-column reference of one
    height on such cells and its criteria are scalar expressions that do not call it again.
    """
    if not _CALL.search(formula):
        return formula
    out, pos = [], 0
    for m in _SCAN.finditer(formula):
        if m.group(1) is None or m.start() < pos:  # a string or quoted sheet name
            continue
        split = _split_args(formula, m.end() - 1)
        if split is None:
            break
        args, end = split
        new = _rewritten(m.group(1).upper(), args, sheet, ref, index, is_constant)
        if new is None:
            continue
        out.append(formula[pos:m.start()])
        out.append(new)
        pos = end
    if not out:
        return formula
    out.append(formula[pos:])
    return "".join(out)


def _rewritten(name, args, sheet, ref, index, is_constant):
    if name in ("COUNTIFS", "COUNTIF"):
        target, pairs = None, args
    else:
        target, pairs = args[0], args[1:]
    if name == "COUNTIF" and len(args) != 2:
        return None
    if not pairs or len(pairs) % 2 or len(pairs) > 2 * 127:
        return None
    ranges = [_range(a, sheet) for a in ([target] if target else []) + pairs[0::2]]
    if any(r is None for r in ranges):
        return None
    if len({r[3] - r[1] for r in ranges}) != 1 or not all(is_constant(*r) for r in ranges):
        return None
    criteria = pairs[1::2]
    if any(_CALL.search(c) or not c for c in criteria):
        return None
    key = index.add(name, ranges[0] if target else None, tuple(ranges[1 if target else 0:]))
    where = f"{sheet}!{ref.rstrip('0123456789')}".replace('"', '""')
    return f'{FUNCTION}({key},"{where}",ROW(),{",".join(criteria)})'


# -- run time ------------------------------------------------------------------------------

class _Declined(Exception):
    """The call's meaning is not plainly one this module computes: the engine answers it."""


def _number(text: str):
    return float(text) if _NUMBER.match(text) else None


@functools.lru_cache(maxsize=65536)
def _plain_text(text: str) -> bool:
    """Text criteria Excel matches as text only: no wildcard, operator, number or date."""
    return (bool(text) and text.isascii() and not any(c in text for c in "*?~")
            and _number(text) is None and not _DATEISH.search(text)
            and text.upper() not in ("TRUE", "FALSE") and not text.startswith("#")
            and any(c.isalpha() for c in text))


def _criterion(value):
    """``(op, kind, operand)`` with kind "n" (a number) or "t" (lower-case text)."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise _Declined
    if isinstance(value, str):
        got = _text_criterion(value)
        if got is None:
            raise _Declined
        return got
    if isinstance(value, (int, float)):
        return "=", "n", float(value)
    raise _Declined


@functools.lru_cache(maxsize=65536)
def _text_criterion(value: str):
    op = next((o for o in _OPS if value.startswith(o)), "=")
    rest = value[len(op):] if value.startswith(op) else value
    number = _number(rest)
    if number is not None:
        return None if op == "<>" else (op, "n", number)
    if op not in ("=", "<>") or not _plain_text(rest):
        return None
    return op, "t", rest.lower()


def _cell_key(value):
    """A constant cell as ``(kind, value)``; declined for what criteria read ambiguously."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise _Declined
    if isinstance(value, (int, float)):
        return "n", float(value)
    if isinstance(value, str):
        if value == "":
            return None
        if not _plain_text(value):
            raise _Declined  # numeric text, dates as text, wildcards: engine semantics
        return "t", value.lower()
    raise _Declined


def _matches(op, kind, operand, key) -> bool:
    if op == "<>":  # text only (numbers declined): blanks and numbers differ from it
        return key is None or key[0] != "t" or key[1] != operand
    if key is None or key[0] != kind:
        return False
    v = key[1]
    if op == "=":
        return v == operand
    if op == "<":
        return v < operand
    if op == "<=":
        return v <= operand
    if op == ">":
        return v > operand
    return v >= operand


class Index:
    """The rewritten calls' ranges, their values read once, and their hash indexes."""

    def __init__(self):
        self.calls: list[tuple] = []
        self._ids: dict = {}
        self._columns: dict = {}
        self._groups: dict = {}
        self._found: dict = {}
        self.declined: set[str] = set()
        self.erring: set[str] = set()
        self.answered = 0
        self._values: dict = {}

    def load(self, read) -> None:
        """Read every range of the rewritten calls before evaluation (a callback cannot read
        the workbook): ``read(sheet, first row, column, last row)`` -> list of values."""
        for _, target, ranges in self.calls:
            for rng in ((target,) if target else ()) + ranges:
                if rng not in self._values:
                    try:
                        self._values[rng] = read(*rng)
                    except Exception as exc:  # noqa: BLE001 - e.g. no such sheet: the engine's
                        self._values[rng] = _Declined(str(exc))

    def read(self, *rng):
        got = self._values[rng]
        if isinstance(got, Exception):
            raise _Declined
        return got

    def add(self, name, target, ranges) -> int:
        key = (name, target, ranges)
        if key not in self._ids:
            self._ids[key] = len(self.calls)
            self.calls.append(key)
        return self._ids[key]

    def _column(self, rng):
        """The cells of ``rng`` as keys (or a :class:`_Declined` to raise again)."""
        got = self._columns.get(rng)
        if got is None:
            try:
                got = [_cell_key(v) for v in self.read(*rng)]
            except Exception as exc:  # noqa: BLE001 - unreadable or ambiguous: the engine's
                got = _Declined(str(exc))
            self._columns[rng] = got
        if isinstance(got, Exception):
            raise _Declined
        return got

    def _target(self, rng):
        got = self._columns.get(("target", rng))
        if got is None:
            values = self.read(*rng)
            ok = all(v is None or v == "" or (isinstance(v, (int, float))
                                             and not isinstance(v, bool)) for v in values)
            got = [v if isinstance(v, (int, float)) else None for v in values] if ok else False
            self._columns[("target", rng)] = got
        if got is False:
            raise _Declined
        return got

    def _rows(self, ranges, crits):
        """Row offsets meeting every criterion (the same criteria of other calls shared)."""
        key = (ranges, tuple(crits))
        got = self._found.get(key)
        if got is None:
            got = self._found[key] = self._match(ranges, crits)
        return got

    def _match(self, ranges, crits):
        """Row offsets meeting every criterion: a dictionary look-up on the equalities."""
        eq = tuple(i for i, c in enumerate(crits) if c[0] == "=")
        if eq:
            groups = self._groups.get((ranges, eq))
            if groups is None:
                groups = {}
                cols = [self._column(ranges[i]) for i in eq]
                for row, keys in enumerate(zip(*cols)):
                    if None not in keys:
                        groups.setdefault(keys, []).append(row)
                self._groups[(ranges, eq)] = groups
            rows = groups.get(tuple((crits[i][1], crits[i][2]) for i in eq), ())
        else:
            rows = range(ranges[0][3] - ranges[0][1] + 1)
        rest = [(self._column(ranges[i]), crits[i]) for i in range(len(crits)) if i not in eq]
        return [r for r in rows if all(_matches(*c, col[r]) for col, c in rest)]

    def callback(self):
        """The function registered as :data:`FUNCTION` (deterministic: plain values in)."""
        from .boundary import _KIND, _PENDING_KIND, _error, pending

        answers: dict = {}

        def call(key, column, row, *criteria):
            seen = (key, repr(criteria))  # repr: TRUE and 1 stay apart
            got = answers.get(seen)
            if got is not None:
                self.answered += 1
                if self.erring:
                    self.erring.discard(f"{column}{int(row)}")
                return got
            got = answer(key, f"{column}{int(row)}", criteria)
            if not isinstance(got, tuple):
                return got
            answers[seen] = got[0]
            return got[0]

        def answer(key, where, criteria):
            """A declined or erring call's answer; a look-up's as ``(answer,)``."""
            name, target, ranges = self.calls[int(key)]
            if any(isinstance(c, dict) for c in criteria):
                # Often an input not computed yet (our functions answer between rounds):
                # declined only if still so when evaluation settles.
                self.erring.add(where)
                kind = next(c for c in criteria if isinstance(c, dict)).get("kind")
                if kind == _PENDING_KIND:  # waiting for our function: so does this answer
                    return pending()
                return _error(_KIND.get(kind, "#VALUE!"))
            self.erring.discard(where)
            try:
                crits = [_criterion(c) for c in criteria]
                rows = self._rows(ranges, crits)
                if name in ("COUNTIFS", "COUNTIF"):
                    self.answered += 1
                    return (float(len(rows)),)
                values = self._target(target)
                nums = [values[r] for r in rows if values[r] is not None]
            except _Declined:
                self.declined.add(where)
                return _error("#N/A")
            self.answered += 1
            if name == "SUMIFS":
                return (float(sum(nums)),)
            if name == "AVERAGEIFS":
                return (sum(nums) / len(nums) if nums else _error("#DIV/0!"),)
            if not nums:
                return (0.0,)
            return (float(max(nums) if name == "MAXIFS" else min(nums)),)
        return call
