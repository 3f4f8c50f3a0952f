"""Constant ranges passed to our functions read once, not converted for every call.

Every Scorecard call of ours passes ``Config[[Key]:[Value]]``: evaluated as written, the engine
converts those cells to Python objects for each of the ~30 calls per row in every evaluation
round, and the call's memo key spells them out each time. A range argument of a ``CS_*`` call
that is an absolute reference to cells holding no formula has the same value in every call, so
in the loaded copy only it becomes a token (a string no workbook holds), the range is read
once after loading, and the callback (:class:`.boundary._Batches`) passes our function the
range's values in place of the token — exactly what the engine would have passed.
"""

from __future__ import annotations

import re

__all__ = ["Hoist", "TOKEN"]

#: Starts every token: a private-use character, so no cell text can be mistaken for one.
TOKEN = "\ue000CSRANGE"
_NAME = r"(?:_xldudf_)?(?:CS[._][A-Z0-9_]+)"
_SCAN = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|(?<![\w.!\]])(' + _NAME + r")\s*\(",
                   re.I)
_RANGE = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?"
                    r"\$(?P<c1>[A-Z]{1,3})\$(?P<r1>\d+):\$(?P<c2>[A-Z]{1,3})\$(?P<r2>\d+)$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


class Hoist:
    """The constant range arguments of our calls, by token.

    ``ours`` holds our functions' names in upper case (every spelling);
    ``is_constant(sheet, first row, column, last row)`` says a range holds no formula.
    """

    def __init__(self, ours: frozenset, is_constant, sheets):
        self.ours, self.is_constant = ours, is_constant
        self.sheets = {name.upper(): name for name in sheets}
        self.ranges: dict = {}  # (sheet, r1, c1, r2, c2) -> token
        self.values: dict = {}  # token -> the range's values (lists of rows)

    def rewrite(self, formula: str, sheet: str) -> str:
        """``formula`` (A1 references) with each constant range argument of our calls as a
        token; ``sheet`` is the formula's own sheet, quoted."""
        if TOKEN in formula:
            return formula
        from .ifs import _split_args

        out, pos = [], 0
        for m in _SCAN.finditer(formula):
            if m.group(1) is None or m.group(1).upper() not in self.ours:
                continue
            split = _split_args(formula, m.end() - 1)
            if split is None:
                break
            at = m.end()
            for arg in split[0]:
                start = formula.index(arg, at) if arg else at
                at = start + len(arg) + 1
                token = self._token(arg, sheet)
                if token is not None and start >= pos:
                    out.append(formula[pos:start])
                    out.append('"' + token + '"')
                    pos = start + len(arg)
        if not out:
            return formula
        out.append(formula[pos:])
        return "".join(out)

    def _token(self, arg: str, sheet: str) -> str | None:
        m = _RANGE.match(arg)
        if not m:
            return None
        name = m["sheet"] or sheet
        if name.startswith("'"):
            name = name[1:-1].replace("''", "'")
        name = self.sheets.get(name.upper())
        if name is None:
            return None
        r1, r2, c1, c2 = int(m["r1"]), int(m["r2"]), _col(m["c1"]), _col(m["c2"])
        cells = (r2 - r1 + 1) * (c2 - c1 + 1)
        if r1 > r2 or c1 > c2 or not 1 < cells <= 100_000:  # one cell may come as a value
            return None
        if not all(self.is_constant(name, r1, c, r2) for c in range(c1, c2 + 1)):
            return None
        key = (name, r1, c1, r2, c2)
        if key not in self.ranges:
            self.ranges[key] = f"{TOKEN}{len(self.ranges)}"
        return self.ranges[key]

    def load(self, wb) -> dict:
        """Read every hoisted range from the loaded workbook ``wb``: ``{token: values}``."""
        import formualizer as fz

        for (name, r1, c1, r2, c2), token in self.ranges.items():
            rows = wb.sheet(name).get_values(fz.RangeAddress(name, r1, c1, r2, c2))
            self.values[token] = [list(row) for row in rows]
        return self.values
