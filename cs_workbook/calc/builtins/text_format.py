"""Excel's ``TEXT(value, format_text)`` with Excel's number-format codes.

Sections (``pos;neg;zero;text``) and ``[condition]`` sections, digit placeholders ``0 # ?``,
the decimal point, thousands and scaling commas, ``%``, scientific ``E+``/``E-``, fractions
``# ?/?``, ``General``, dates and times (``y m d h s AM/PM A/P``, elapsed ``[h] [m] [s]``,
fractions of a second), ``[colour]``/``[$€-407]`` brackets, quoted literals, ``\\`` escapes,
``_x`` (a space) and ``*x`` (nothing: there is no column width to fill).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from .date_codes import format_date, is_date
from .format_codes import CONDITION, FormatError, general, tokens
from .format_codes import sections as split_sections

__all__ = ["format_number", "general", "TEXT"]

# -- numbers ----------------------------------------------------------------------------------

def _round(x: float, places: int) -> Decimal:
    """|x| to ``places`` decimals, half away from zero, from its 15 significant digits."""
    d = Decimal(f"{abs(x):.15g}")
    return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _fill_int(digits: str, holders: list[tuple[str, str]], grouping: bool) -> str:
    """The integer placeholders (``0 # ?`` and literals) filled right to left with
    ``digits``; the digits left over go before the first placeholder. With ``grouping``,
    the placeholders act as one block whose digits get thousands separators."""
    if digits == "0":
        digits = ""
    places = [i for i, (k, _) in enumerate(holders) if k in "0#?"]
    if not places:
        return "".join(t for _, t in holders) + digits
    if grouping:
        first, last = places[0], places[-1]
        block = [h for h in holders[first:last + 1] if h[0] in "0#?"]
        filled = _fill_int(digits, block, False)
        lead = len(filled) - len(filled.lstrip(" "))
        body, groups = filled[lead:], []
        while body:
            groups.insert(0, body[-3:])
            body = body[:-3]
        return ("".join(t for _, t in holders[:first]) + " " * lead + ",".join(groups)
                + "".join(t for _, t in holders[last + 1:]))
    out, di, count = [], len(digits), len(places)
    for kind, text in reversed(holders):
        if kind not in "0#?":
            out.append(text)
            continue
        count -= 1
        if di > 0:
            di -= 1
            out.append(digits[:di + 1] if count == 0 else digits[di])
            if count == 0:
                di = 0
        else:
            out.append("0" if kind == "0" else " " if kind == "?" else "")
    return "".join(reversed(out))


def _fill_frac(digits: str, holders: list[tuple[str, str]]) -> str:
    kinds = [k for k, _ in holders if k in "0#?"]
    chars = list(digits)
    for i in range(len(chars) - 1, -1, -1):
        if chars[i] != "0" or kinds[i] == "0":
            break
        chars[i] = " " if kinds[i] == "?" else ""
    out, di = [], 0
    for kind, text in holders:
        if kind in "0#?":
            out.append(chars[di])
            di += 1
        else:
            out.append(text)
    return "".join(out)


def _fraction(x: float, toks) -> str:
    """``# ?/?``, ``?/8``: a whole part when placeholders come before a literal before the
    numerator; the denominator is fixed (digits) or at most as many digits as placeholders."""
    slash = next(i for i, (k, _) in enumerate(toks) if k == "/")
    before, den_toks = toks[:slash], toks[slash + 1:]
    den_holders = "".join(t for k, t in den_toks if k in "0#?")
    lits = [i for i, (k, _) in enumerate(before) if k == "lit"]
    split = None
    for i in lits:
        if any(k in "0#?" for k, _ in before[:i]) and any(k in "0#?" for k, _ in before[i:]):
            split = i
    whole, frac = (int(x), x - int(x)) if split is not None else (0, x)
    fixed = None if den_holders else re.match(r"\s*([1-9][0-9]*)", "".join(t for _, t in den_toks))
    if fixed:
        den = int(fixed.group(1))
        num = int(_round(frac * den, 0))
    else:
        best = (abs(frac) + 1, 0, 1)
        for den in range(1, 10 ** len(den_holders)):
            num = int(_round(frac * den, 0))
            err = abs(frac - num / den)
            if err < best[0] - 1e-15:
                best = (err, num, den)
        _, num, den = best
    if split is not None and num == den:
        whole, num = whole + 1, 0
    num_toks = before[split:] if split is not None else before
    width = sum(1 for k, _ in num_toks if k in "0#?") + 1 + len(den_holders)
    head = ""
    if split is not None:
        int_toks = before[:split]
        head = _fill_int(str(whole), int_toks, False) if whole else \
            "".join("0" if k == "0" else " " if k == "?" else "" for k, _ in int_toks)
        if num == 0:
            return (head if whole or head.strip() else "0") + " " * (width + 1)
        head += "".join(t for k, t in before[split:split + 1])
        num_toks = before[split + 1:]
    den_text = str(den) if fixed else str(den).ljust(len(den_holders))
    return head + _fill_int(str(num), num_toks, False) + "/" + den_text


def format_number(x: float, toks: list[tuple[str, str]]) -> str:
    """``x`` (its magnitude: the caller places any sign) formatted by a numeric section."""
    toks = [t for t in toks if t[0] != "br"]
    if any(k == "general" for k, _ in toks):
        return "".join(general(x) if k == "general" else t if k != "@" else "" for k, t in toks)
    if any(k == "/" for k, _ in toks) and any(k in "0#?" for k, _ in toks):
        return _fraction(x, toks)
    x *= 100 ** sum(1 for k, _ in toks if k == "%")
    e_at = next((i for i, (k, _) in enumerate(toks) if k == "E"), None)
    mant, expo = (toks, []) if e_at is None else (toks[:e_at], toks[e_at + 1:])
    # commas right after the last placeholder scale by 1,000; between placeholders they group
    last = max((i for i, (k, _) in enumerate(mant) if k in "0#?"), default=None)
    scale = 0
    if last is not None:
        j = last + 1
        while j < len(mant) and mant[j][0] == ",":
            scale, j = scale + 1, j + 1
        mant = mant[:last + 1] + mant[j:]
    dot = next((i for i, (k, _) in enumerate(mant) if k == "."), None)
    int_part = mant if dot is None else mant[:dot]
    frac_part = [] if dot is None else [t for t in mant[dot + 1:] if t[0] != ","]
    grouping = any(k == "," and any(kk in "0#?" for kk, _ in int_part[:i])
                   for i, (k, _) in enumerate(int_part))
    ints = [t for t in int_part if t[0] != ","]
    x /= 1000 ** scale
    places = sum(1 for k, _ in frac_part if k in "0#?")
    sign_exp = ""
    if e_at is not None:
        n_int = sum(1 for k, _ in ints if k in "0#?") or 1
        if x == 0:
            exp = 0
        else:
            exp = math.floor(math.log10(x))
            exp = exp - exp % n_int if n_int > 1 else exp
            if float(_round(x / 10 ** exp, places)) >= 10 ** n_int:
                exp += n_int if n_int > 1 else 1
        x = x / 10 ** exp if x else 0.0
        sign_exp = "-" if exp < 0 else "+" if toks[e_at][1][1] == "+" else ""
        width = sum(1 for k, _ in expo if k in "0#?")
        exp_text = str(abs(exp)).zfill(width)
    rounded = _round(x, places)
    text = f"{rounded:f}"
    whole, _, decimals = text.partition(".")
    out = _fill_int(whole, ints, grouping)
    if dot is not None:
        out += "." + _fill_frac(decimals.ljust(places, "0")[:places], frac_part)
    if e_at is not None:
        tail = "".join(t for k, t in expo if k not in "0#?")
        out += toks[e_at][1][0] + sign_exp + exp_text + tail
    return out


# -- TEXT -------------------------------------------------------------------------------------

def _matches(cond: re.Match, x: float) -> bool:
    op, limit = cond.group(1), float(cond.group(2))
    return {"<": x < limit, ">": x > limit, "=": x == limit, "<=": x <= limit,
            ">=": x >= limit, "<>": x != limit}[op]


def _condition(toks):
    for k, t in toks:
        if k == "br":
            m = CONDITION.match(t)
            if m:
                return m
    return None


def format_value(value, code: str, date1904: bool = False) -> str:
    """``value`` (a number or a string) formatted with the format code ``code``, as TEXT.

    >>> format_value(1234.5, "#,##0.00"), format_value(0.285, "0.0%"), format_value(-3, "0;(0)")
    ('1,234.50', '28.5%', '(3)')
    """
    sections = [tokens(s) for s in split_sections(code)]
    if isinstance(value, str):
        text_sec = sections[3] if len(sections) >= 4 else (
            sections[0] if len(sections) == 1 and any(k == "@" for k, _ in sections[0])
            else None)
        if text_sec is None:
            return value
        return "".join(value if k == "@" else t for k, t in text_sec
                       if k in ("lit", "@") or k not in ("br",))
    x = float(value)
    conds = [_condition(s) for s in sections[:3]]
    if any(conds):
        chosen, signed = None, False
        for sec, cond in zip(sections[:2], conds[:2]):
            if cond and _matches(cond, x):
                chosen = sec
                break
        if chosen is None:
            rest = [s for s, c in zip(sections, conds + [None]) if not c]
            chosen = rest[0] if rest else sections[-1]
            signed = x < 0 and len(sections) <= 2 and not rest
        sec = chosen
        neg = x < 0 and (sec is sections[0] or signed) and not conds[0]
        if x < 0 and sec is sections[0] and conds[0]:
            neg = True
    elif len(sections) == 1 or (x > 0) or (x == 0 and len(sections) < 3):
        sec, neg = sections[0], x < 0
    elif x < 0:
        sec, neg = sections[1], False
    else:
        sec, neg = sections[2], False
    if x < 0 and sec is not sections[0] and not any(k in "0#?" or k == "general" or
                                                     k == "date" for k, _ in sec):
        neg = False
    if is_date(sec):
        if x < 0 or any(k in "#?,%E" for k, _ in sec):
            raise FormatError("negative date")
        return format_date(x, sec, date1904)
    if not any(k in "0#?" or k == "general" for k, _ in sec):
        return "".join(t for k, t in sec if k in ("lit", ".", ",", "%", "/") or k == "E")
    text = format_number(abs(x), sec)
    if neg and re.search(r"[1-9]", text) is None:
        neg = False  # a negative number shown as zero has no sign
    return ("-" + text) if neg else text


def _error(kind: str):
    return {"type": "Error", "kind": kind}


def TEXT(value, code, date1904: bool = False):
    """The formualizer callable: errors pass through, blanks are 0, ``#VALUE!`` for a bad
    format code."""
    for v in (value, code):
        if isinstance(v, dict) and v.get("type") == "Error":
            return v
    if isinstance(value, list) or isinstance(code, list):
        from .args import lifted

        return lifted(lambda v, c: TEXT(v, c, date1904))(value, code)
    if value is None:
        value = 0.0
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    if isinstance(value, str):
        try:
            value = float(value.strip()) if value.strip() else value
        except ValueError:
            pass
    if code is None:
        code = ""
    if isinstance(code, bool):
        code = "TRUE" if code else "FALSE"
    if isinstance(code, float):
        code = general(code)
    try:
        return format_value(value, str(code), date1904)
    except (FormatError, ValueError, OverflowError, IndexError, StopIteration):
        return _error("Value")
