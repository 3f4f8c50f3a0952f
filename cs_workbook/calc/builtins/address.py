"""Excel's ``ADDRESS(row, column, [abs_num], [a1], [sheet_text])``, A1 and R1C1 styles."""

from __future__ import annotations

import math
import re

from .args import ArgError, error, lifted

__all__ = ["ADDRESS", "column_letters"]

_PLAIN_SHEET = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def column_letters(n: int) -> str:
    """>>> column_letters(1), column_letters(56), column_letters(16384)
    ('A', 'BD', 'XFD')
    """
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _int(v) -> int:
    if isinstance(v, dict):
        raise ArgError(v)
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            raise ArgError(error("Value")) from None
    if v is None:
        v = 0.0
    return math.trunc(float(v))


@lifted
def ADDRESS(row, column, abs_num=1.0, a1=True, sheet_text=None):
    """A cell's address as text.

    >>> ADDRESS(2, 3), ADDRESS(2, 3, 2), ADDRESS(2, 3, 2, False)
    ('$C$2', 'C$2', 'R2C[3]')
    >>> ADDRESS(2, 3, 1, False, "[Book1]Sheet1")  # Microsoft's ADDRESS example
    "'[Book1]Sheet1'!R2C3"
    """
    try:
        r, c, mode = _int(row), _int(column), _int(abs_num)
        if isinstance(a1, dict):
            raise ArgError(a1)
    except ArgError as e:
        return e.value
    if not (1 <= r <= 1048576 and 1 <= c <= 16384 and 1 <= mode <= 4):
        return error("Value")
    row_abs, col_abs = mode in (1, 2), mode in (1, 3)
    if a1 is None or (a1 if isinstance(a1, bool) else bool(float(a1) if not isinstance(
            a1, str) else a1.upper() == "TRUE")):
        ref = ("$" if col_abs else "") + column_letters(c) + ("$" if row_abs else "") + str(r)
    else:
        ref = (f"R{r}" if row_abs else f"R[{r}]") + (f"C{c}" if col_abs else f"C[{c}]")
    if isinstance(sheet_text, dict):
        return sheet_text
    if sheet_text is None:
        return ref
    name = str(sheet_text)
    if not _PLAIN_SHEET.match(name) or re.match(r"^[A-Za-z]{1,3}[0-9]+$", name):
        name = "'" + name.replace("'", "''") + "'"
    return f"{name}!{ref}"
