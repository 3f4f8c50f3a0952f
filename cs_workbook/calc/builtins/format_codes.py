"""Excel number-format codes split into sections and tokens, and the General format."""

from __future__ import annotations

import math
import re

__all__ = ["FormatError", "tokens", "sections", "general", "CONDITION"]

CONDITION = re.compile(r"^\[(<=|>=|<>|<|>|=)(-?[0-9.]+(?:E[+-]?[0-9]+)?)\]$", re.I)
_AMPM = re.compile(r"AM/PM|A/P", re.I)



class FormatError(ValueError):
    """The format code is not one Excel accepts (``TEXT`` answers ``#VALUE!``)."""


# -- tokens -----------------------------------------------------------------------------------

def tokens(section: str) -> list[tuple[str, str]]:
    """``section`` as (kind, text): kind is ``lit``, ``br`` (a [...] bracket), ``ampm``,
    ``general``, ``date`` (a run of one date letter), ``E`` or one of ``0#?.,%/@``."""
    out, i, n = [], 0, len(section)
    while i < n:
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = n if j < 0 else j
            out.append(("lit", section[i + 1:j]))
            i = j + 1
        elif ch == "\\":
            out.append(("lit", section[i + 1:i + 2]))
            i += 2
        elif ch == "_":
            out.append(("lit", " "))
            i += 2
        elif ch == "*":
            i += 2
        elif ch == "[":
            j = section.find("]", i)
            if j < 0:
                raise FormatError(section)
            out.append(("br", section[i:j + 1]))
            i = j + 1
        elif section[i:i + 7].lower() == "general":
            out.append(("general", "General"))
            i += 7
        elif _AMPM.match(section, i):
            m = _AMPM.match(section, i)
            out.append(("ampm", m.group(0)))
            i = m.end()
        elif ch.lower() in "ymdhs":
            j = i
            while j < n and section[j].lower() == ch.lower():
                j += 1
            out.append(("date", section[i:j].lower()))
            i = j
        elif ch in "eE" and i + 1 < n and section[i + 1] in "+-":
            out.append(("E", section[i:i + 2]))
            i += 2
        elif ch in "0#?.,%/@":
            out.append((ch, ch))
            i += 1
        else:
            out.append(("lit", ch))
            i += 1
    return out


def sections(code: str) -> list[str]:
    out, cur, i = [], "", 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            j = code.find('"', i + 1)
            j = len(code) - 1 if j < 0 else j
            cur += code[i:j + 1]
            i = j + 1
            continue
        if ch == "\\" or ch in "_*":
            cur += code[i:i + 2]
            i += 2
            continue
        if ch == "[":
            j = code.find("]", i)
            j = len(code) - 1 if j < 0 else j
            cur += code[i:j + 1]
            i = j + 1
            continue
        if ch == ";":
            out.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    out.append(cur)
    return out


# -- General ----------------------------------------------------------------------------------

def _strip(text: str) -> str:
    if "e" in text:
        mant, _, exp = text.partition("e")
        if "." in mant:
            mant = mant.rstrip("0").rstrip(".")
        sign = exp[0] if exp[0] in "+-" else "+"
        digits = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}E{sign}{digits.zfill(2)}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def general(v: float) -> str:
    """``v`` as Excel's General format shows it in a cell 11 characters wide.

    >>> general(1/3), general(123456789012), general(-2.5e-9), general(12.0)
    ('0.333333333', '1.23457E+11', '-2.5E-09', '12')
    """
    if v == 0:
        return "0"
    if float(v).is_integer() and abs(v) < 1e11:
        return str(int(v))
    e = math.floor(math.log10(abs(v)))
    if -4 <= e <= -1:
        out = f"{v:.9f}"
    elif abs(e) <= 9:
        width = 12 if v < 0 else 11
        out = f"{v:.12f}"
        if len(_strip(out)) > width:
            out = f"{v:.{max(9 - e, 0)}f}" if e >= 0 else "x" * 99
            if len(_strip(out)) > width:
                out = f"{v:.5e}"
    elif e == 10:
        out = f"{v:.10f}"[:12 + (v < 0)]
    else:
        out = f"{v:.6g}" if e < 6 else f"{v:.5e}"
        if "e" not in out and len(out) > 11:
            out = f"{v:.5e}"
    for places in range(5, -1, -1):  # three-digit exponents leave fewer digits
        if "e" not in out or len(_strip(out).lstrip("-")) <= 11:
            break
        out = f"{v:.{places}e}"
    return _strip(out)
