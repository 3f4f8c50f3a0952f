"""Excel's rules for text and error *literals* in a formula, applied to its text before the
engine reads it (the engine only sees values, and cannot tell ``AVERAGE("Hola")`` from
``AVERAGE(A1)`` with ``"Hola"`` in A1, which Excel treats differently).

- A text literal that is a direct argument of a numeric aggregate (``SUM``, ``AVERAGE``,
  ``MIN``, ``SMALL``'s array …) counts as the number it reads as, by Excel's ``VALUE`` rules
  (``"$5"``, ``"1,000"``, ``"50%"``, ``"(5)"``), and is ``#VALUE!`` when it reads as none;
  text in a referenced cell stays the engine's business (it is skipped, as Excel does).
- An error literal that is a direct argument of ``COUNT`` is not counted (Excel's COUNT skips
  errors; the engine would return the error).
- ``SHEET`` of a number or logical literal is ``#N/A`` (no sheet has that name).
- Given the workbook's defined names and table names, a bare name that is none of them, as a
  direct argument of ``COUNT`` (not counted) or ``SHEET`` (``#NAME?``), is Excel's ``#NAME?``.
- ``CHOOSE`` with a literal index (a number, or TRUE for 1) is the argument it chooses: Excel
  evaluates only that one, so ``CHOOSE(2, B40, "x")`` in B40 is no circular reference.
- A text literal next to an arithmetic operator (``--"$5"``, ``"50%"*2``) is the number it
  reads as, by the same rules; a unary ``+`` alone leaves it text (``TYPE(+"3")`` is 2).

Text that reads as a date or time (``"2024-01-10"``) is left alone: its serial depends on the
workbook's date system, which the engine knows.
"""

from __future__ import annotations

import functools
import re

from .date_text import parse_date_time

__all__ = ["excel_number", "rewrite_literals"]

#: Aggregates whose direct text arguments are numbers or #VALUE! (index: the arguments this
#: applies to, None for all).
AGGREGATES = {name: None for name in """SUM AVERAGE AVERAGEA MIN MAX MINA MAXA PRODUCT MEDIAN
STDEV STDEV.S STDEV.P STDEVA STDEVP STDEVPA VAR VAR.S VAR.P VARA VARP VARPA""".split()}
AGGREGATES.update({"SMALL": {0}, "LARGE": {0}})

_NUMBER = re.compile(
    r"(?P<sign>[+-]?)\s*(?P<cur>\$?)\s*(?P<sign2>[+-]?)"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?P<frac>\.\d*)?(?P<exp>[eE][+-]?\d+)?\s*(?P<pct>%?)")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_ERROR = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!)",
                    re.I)
_OPERATORS = "+-*/^"
_AGGREGATE_CALLS = tuple(f"{name}(" for name in AGGREGATES)
_PUNCTUATION = re.compile(r"[(),{}]")
_BARE_NAME = re.compile(r"[A-Za-z_\\][\w.\\]*")
_CELL = re.compile(r"\$?[A-Za-z]{1,3}\$?\d+|[Rr]\d*[Cc]\d*")
_NOT_A_SHEET = re.compile(r"[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|TRUE|FALSE", re.I)


def excel_number(text: str) -> float | None:
    """The number ``text`` reads as by Excel's ``VALUE`` rules (no dates or times), or None.

    >>> excel_number(" $1,000.50 "), excel_number("(5)"), excel_number("50%")
    (1000.5, -5.0, 0.5)
    >>> excel_number("-$5"), excel_number("1e3"), excel_number("abc"), excel_number("1,00")
    (-5.0, 1000.0, None, None)
    """
    s = text.strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        s, negative = s[1:-1].strip(), True
    m = _NUMBER.fullmatch(s)
    if m is None or (m["sign"] and m["sign2"]) or not (m["int"] or (m["frac"] or "")[1:]):
        return None
    if negative and (m["sign"] or m["sign2"]):
        return None
    value = float((m["int"] or "0").replace(",", "") + (m["frac"] or "") + (m["exp"] or ""))
    if m["pct"]:
        value /= 100
    if negative or "-" in (m["sign"] + m["sign2"]):
        value = -value
    return value


def _literal(number: float) -> str:
    text = repr(number) if not number.is_integer() else str(int(number))
    return f"({text})" if number < 0 else text


def _calls(formula: str, masked: str, starts: bool = False):
    """``(name, [(start, end) of each argument])`` of every function call in ``formula``
    (innermost first), with the index where the call's name starts when ``starts``."""
    stack = []
    for p in _PUNCTUATION.finditer(masked):
        i, ch = p.start(), p.group()
        if ch == "(":
            k = i
            while k > 0 and (masked[k - 1].isalnum() or masked[k - 1] in "._"):
                k -= 1
            name = masked[k:i].upper() if k < i and not masked[k].isdigit() else None
            if name and name.startswith(("_XLFN.", "_XLWS.")):
                name = name.replace("_XLFN.", "").replace("_XLWS.", "")
            if name and starts:
                name = (name, k)
            stack.append([name, i + 1, []])
        elif ch == "," and stack:
            top = stack[-1]
            top[2].append((top[1], i))
            top[1] = i + 1
        elif ch == ")" and stack:
            name, start, args = stack.pop()
            args.append((start, i))
            if name and starts:
                yield name[0], args, name[1]
            elif name:
                yield name, args
        elif ch == "{":
            stack.append([None, i + 1, []])
        elif ch == "}" and stack:
            stack.pop()


def _undefined(text: str, names) -> bool:
    return (names is not None and _BARE_NAME.fullmatch(text) is not None
            and not _CELL.fullmatch(text) and text.upper() not in ("TRUE", "FALSE")
            and not text.lower().startswith("_xlpm.") and text.upper() not in names)


@functools.lru_cache(maxsize=8192)  # a table column repeats one formula text on every row
def rewrite_literals(formula: str, names: frozenset | None = None) -> str:
    """``formula`` with Excel's rules for text and error literals applied (module docstring);
    ``names``: the workbook's defined and table names, upper case (None: not known).

    >>> rewrite_literals('AVERAGE(1,2,TRUE,"5","CASE")'), rewrite_literals('--"$5"')
    ('AVERAGE(1,2,TRUE,5,#VALUE!)', '--5')
    >>> rewrite_literals('COUNT(#N/A, 1)'), rewrite_literals('SMALL("Hello", 1)')
    ('COUNT("", 1)', 'SMALL(#VALUE!, 1)')
    >>> rewrite_literals('"$5"="$5"'), rewrite_literals('SUM(A1:A3,"2024-01-10")')
    ('"$5"="$5"', 'SUM(A1:A3,"2024-01-10")')
    >>> rewrite_literals('TYPE(+"3")'), rewrite_literals('1+"1,000"')
    ('TYPE(+"3")', '1+1000')
    >>> rewrite_literals('_xlfn.SHEET(1)'), rewrite_literals('COUNT(NOPE, B1)', frozenset())
    ('_xlfn.SHEET(#N/A)', 'COUNT("", B1)')

    """
    upper = formula.upper()  # plain substring tests first: this runs on every formula
    if "CHOOSE(" in upper:
        formula = _choose_literal(formula)
        upper = formula.upper()
    quoted = '"' in formula
    counts = "COUNT(" in upper and ("#" in formula or names is not None)
    sheets = "SHEET(" in upper
    if not quoted and not counts and not sheets:
        return formula
    spans = [m.span() for m in _STRING.finditer(formula)] if quoted else []
    # outside its string literals a formula reads the same masked or not
    near = [_neighbours(formula, a, b) for a, b in spans]
    whole = any(x and x in "(," and y and y in ",)" for x, y in near)
    edits: dict[tuple[int, int], str] = {}
    masked = None
    if counts or sheets or (whole and any(call in upper for call in _AGGREGATE_CALLS)):
        masked = _masked(formula, spans)
        edits.update(_argument_edits(formula, masked, names))
    for span, (before, after) in zip(spans, near):
        if span in edits:
            continue
        if (before and before in _OPERATORS) or (after and after in _OPERATORS + "%"):
            masked = masked or _masked(formula, spans)
            if (not after or after not in _OPERATORS + "%") and _unary_plus(
                    masked[:span[0]].rstrip()):
                continue
            number = excel_number(formula[span[0] + 1:span[1] - 1].replace('""', '"'))
            if number is not None:
                edits[span] = _literal(number)
    return _apply(formula, edits)


def _masked(formula: str, spans: list) -> str:
    """``formula`` with the text of its string literals replaced by ``x``."""
    if not spans:
        return formula
    out, last = [], 0
    for a, b in spans:
        out += [formula[last:a], '"', "x" * (b - a - 2), '"']
        last = b
    return "".join(out) + formula[last:]


def _neighbours(masked: str, a: int, b: int) -> tuple[str, str]:
    """The characters before ``a`` and from ``b`` on, spaces skipped ("" at either end)."""
    i, j = a - 1, b
    while i >= 0 and masked[i] == " ":
        i -= 1
    while j < len(masked) and masked[j] == " ":
        j += 1
    return (masked[i] if i >= 0 else ""), (masked[j] if j < len(masked) else "")


def _mask(m: re.Match) -> str:
    return '"' + "x" * (len(m.group(0)) - 2) + '"'


def _apply(formula: str, edits: dict) -> str:
    for (a, b), new in sorted(edits.items(), reverse=True):
        formula = formula[:a] + new + formula[b:]
    return formula


def _argument_edits(formula: str, masked: str, names) -> dict:
    """The edits of direct arguments of aggregates, COUNT and SHEET."""
    edits = {}
    for name, args in _calls(formula, masked):
        name = name.replace("_XLFN.", "").replace("_XLWS.", "")
        if name not in AGGREGATES and name not in ("COUNT", "SHEET"):
            continue
        for k, (a, b) in enumerate(args):
            text = formula[a:b].strip()
            lead = a + len(formula[a:b]) - len(formula[a:b].lstrip())
            span = (lead, lead + len(text))
            if name == "COUNT" and (_ERROR.fullmatch(text) or _undefined(text, names)):
                edits[span] = '""'
            elif name == "SHEET" and _NOT_A_SHEET.fullmatch(text):
                edits[span] = "#N/A"
            elif name == "SHEET" and _undefined(text, names):
                edits[span] = "#NAME?"
            elif name in AGGREGATES and (AGGREGATES[name] is None or k in AGGREGATES[name]) \
                    and _STRING.fullmatch(text):
                edits[span] = _aggregate_arg(text[1:-1].replace('""', '"')) or text
    return edits


_INDEX = re.compile(r"\s*(?:(?P<n>\d+(?:\.\d*)?)|(?P<true>TRUE))\s*", re.I)
_OPERATOR_OUTSIDE = re.compile(r"[-+*/^&=<>%\s]")


def _choose_literal(formula: str, rounds: int = 20) -> str:
    """``formula`` with each ``CHOOSE`` of a literal index replaced by its chosen argument.

    >>> _choose_literal('SUM(A9:CHOOSE(2,A10,A11,A12))'), _choose_literal('CHOOSE(TRUE, A4)')
    ('SUM(A9:A11)', 'A4')
    >>> _choose_literal('CHOOSE(2, 1, 1+2)*3'), _choose_literal('CHOOSE(3, A1, A2)')
    ('(1+2)*3', 'CHOOSE(3, A1, A2)')
    """
    for _ in range(rounds):
        masked = _STRING.sub(_mask, formula)
        for name, args, start in _calls(formula, masked, starts=True):
            if name.replace("_XLFN.", "") != "CHOOSE" or len(args) < 2:
                continue
            m = _INDEX.fullmatch(formula[args[0][0]:args[0][1]])
            if m is None:
                continue
            k = 1 if m["true"] else int(float(m["n"]))
            if not 1 <= k < len(args):
                continue
            a, b = args[k]
            chosen = formula[a:b].strip()
            depth_free = re.sub(r"\((?:[^()]|\([^()]*\))*\)", "", masked[a:b].strip())
            if _OPERATOR_OUTSIDE.search(depth_free):
                chosen = f"({chosen})"
            formula = formula[:start] + chosen + formula[args[-1][1] + 1:]
            break
        else:
            return formula
    return formula


def _unary_plus(before: str) -> bool:
    """Whether ``before`` ends in a unary ``+``, which Excel leaves text as text."""
    if before[-1] != "+":
        return False
    rest = before[:-1].rstrip()
    return not rest or rest[-1] in "(,=<>&" + _OPERATORS


def _aggregate_arg(text: str) -> str | None:
    number = excel_number(text)
    if number is not None:
        return _literal(number)
    if parse_date_time(text) is not None:
        return None
    return "#VALUE!"
