"""Excel's error values: the one list of codes and the one type that carries them.

Used by the Excel functions (an error cell coming in, a per-row answer going out), by headless
calc (cached error results written back as ``t="e"`` cells) and by the workbook reader.
"""

from __future__ import annotations

__all__ = ["ERROR_CODES", "ERROR_TYPES", "ExcelError", "NA", "error_of"]

#: Excel's error values (en-US spelling, as files, Office.js and xlwings carry them).
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
               "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
               "#BUSY!", "#UNKNOWN!", "#DATA!", "#PYTHON!")
_CODES = frozenset(ERROR_CODES)

#: Office.js ``ErrorCellValue.errorType`` names (runtime 1.4 payloads may carry only these).
ERROR_TYPES = {"Div0": "#DIV/0!", "NotAvailable": "#N/A", "Name": "#NAME?", "Null": "#NULL!",
               "Num": "#NUM!", "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA",
               "Spill": "#SPILL!", "Calc": "#CALC!", "Field": "#FIELD!", "Blocked": "#BLOCKED!",
               "Connect": "#CONNECT!", "Busy": "#BUSY!", "Unknown": "#UNKNOWN!",
               "Python": "#PYTHON!"}


class ExcelError:
    """An Excel error value travelling through a computation.

    ``message`` says why (shown to the user where Excel can show it); ``user`` marks bad input
    (a single-cell call raises for it) as opposed to an answer (NA, ``#DIV/0!``) or an error
    cell that came in as input. Two errors are equal when their codes are.
    """

    __slots__ = ("code", "message", "user")

    def __init__(self, code: str, message: str = "", user: bool = False):
        self.code, self.message, self.user = code, message, user

    def __repr__(self):
        return f"ExcelError({self.code!r}, {self.message!r})" if self.message \
            else f"ExcelError({self.code!r})"

    def __str__(self):
        return self.code

    def __eq__(self, other):
        return isinstance(other, ExcelError) and other.code == self.code

    def __hash__(self):
        return hash(self.code)


#: The NA answer.
NA = ExcelError("#N/A")


def error_of(value) -> ExcelError | None:
    """The Excel error a cell holds — error text (``"#N/A"``) or an Office.js error dict
    (``{"type": "Error", "basicValue": "#N/A"}``) — else ``None``.

    >>> error_of("#N/A"), error_of({"type": "Error", "errorType": "Div0"}), error_of("N/A")
    (ExcelError('#N/A'), ExcelError('#DIV/0!'), None)
    """
    if isinstance(value, str):
        return ExcelError(value) if value in _CODES else None
    if isinstance(value, dict) and value.get("type") == "Error":
        code = value.get("basicValue")
        if code not in _CODES:
            code = ERROR_TYPES.get(value.get("errorType"), "#VALUE!")
        return ExcelError(code)
    return None
