"""Only the calls still waiting are evaluated again: our calls tagged with a wake-up cell.

Our functions answer a column at a time between evaluation rounds (:class:`.boundary._Batches`):
a call first answers "pending" and is made with the others of its column before the next
round. Registered volatile, every cell calling one of ours (and every cell depending on one)
is evaluated again in every round, although after the first few rounds only the few columns
at the end of a chain (Product Score → Health Score → Lifecycle Stage) still wait.

So in the loaded copy only, each call of ours that the rewrite reaches is spelled as a private
alias registered non-volatile, with one more argument: a reference to a *wake-up cell* on a
sheet of ours, one per formula text and column (``=CS_X(A2,B2)`` down a Scorecard column
becomes ``=_CSWAIT_CS_X(A2,B2,'_cs_wait'!$A$7)`` in every row). The cell holds the group's
number, which tells the callback which group a call came from; a group whose call answered
"pending" is woken after the round by changing its cell's value (7 ↔ -7), and the engine then
evaluates that group's cells and what depends on them, nothing else. The callback passes our
function the arguments without the wake-up value, so every call computes exactly what the
volatile call computes. A call the rewrite does not reach (an array formula, a defined name, a
text it cannot split) keeps its own name, registered volatile as before.
"""

from __future__ import annotations

from .hoist import _SCAN  # our calls, strings and quoted sheet names skipped

__all__ = ["Waits", "ALIAS", "free_name"]

#: Prefixes our functions' private aliases in the loaded copy (no Excel function starts so).
ALIAS = "_CSWAIT_"


def free_name(base: str, taken) -> str:
    """``base``, or ``base2``, ``base3`` … : the first no name in ``taken`` spells (in any case).

    >>> free_name("_cs_wait", ["S", "_CS_WAIT", "_cs_wait2"])
    '_cs_wait3'
    """
    upper = {t.upper() for t in taken}
    name, n = base, 1
    while name.upper() in upper:
        n += 1
        name = f"{base}{n}"
    return name


class Waits:
    """The wake-up cells of one loaded workbook.

    ``spellings`` maps each spelling of our functions, upper case (``CS.X``, ``_XLDUDF_CS_X``),
    to the function's catalogue name; ``sheets`` are the workbook's sheet names, so the
    wake-up sheet gets a name no sheet has.
    """

    def __init__(self, spellings: dict, sheets):
        self.spellings = spellings
        self.sheet = free_name("_cs_wait", sheets)
        self.groups = 0
        self.woken = 0  # wake-ups over all rounds
        self._awake: dict[int, bool] = {}  # group -> its cell holds -group (woken an odd time)

    def calls(self, formula: str) -> bool:
        """Does ``formula`` call one of our functions (under any spelling)?"""
        return any(m.group(1) is not None and m.group(1).upper() in self.spellings
                   for m in _SCAN.finditer(formula))

    def tag(self, formula: str) -> str:
        """``formula`` (``=`` first) with each call of ours spelled as its alias and given
        the wake-up cell of a new group; unchanged when it calls none of ours or when one
        call's arguments cannot be found (those calls stay volatile)."""
        from .ifs import _split_args

        edits = []
        for m in _SCAN.finditer(formula):
            spelled = m.group(1)
            if spelled is None:
                continue
            name = self.spellings.get(spelled.upper())
            if name is None:
                continue
            split = _split_args(formula, m.end() - 1)
            if split is None:
                return formula
            args, end = split
            edits.append((m.start(1), m.end(1), ALIAS + name))
            edits.append((end - 1, end - 1, "" if args == [""] else ","))
        if not edits:
            return formula
        self.groups += 1
        wake = f"'{self.sheet}'!$A${self.groups}"
        out, pos = [], 0
        for start, stop, text in sorted(edits, key=lambda e: (e[0], e[1])):
            out.append(formula[pos:start])
            out.append(text + (wake if text in ("", ",") else ""))
            pos = stop
        out.append(formula[pos:])
        return "".join(out)

    def install(self, wb) -> None:
        """Add the wake-up sheet to the loaded workbook ``wb``, each group's cell holding its
        number (before the first evaluation)."""
        if not self.groups:
            return
        wb.add_sheet(self.sheet)
        wb.set_values_batch(self.sheet, 1, 1, [[float(g)] for g in range(1, self.groups + 1)])

    def wake(self, wb, groups) -> None:
        """Change the wake-up cells of ``groups``: the engine evaluates their cells again."""
        self.woken += len(groups)
        for g in groups:
            awake = not self._awake.get(g, False)
            self._awake[g] = awake
            wb.set_value(self.sheet, g, 1, float(-g if awake else g))
