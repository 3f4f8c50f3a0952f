"""Excel error values and the one boundary between Excel and the engine.

Contract:

* Inside a range call each row gets its own answer: bad input → ``#VALUE!``, NA → ``#N/A``,
  engine errors → their ``CSError.excel`` value, an error cell in the input → that same error
  (Excel's propagation), while the other rows compute.
* A single-cell call with bad input raises :class:`UserError` (an ``xlwings.XlwingsError``):
  the Office.js server answers HTTP 400 and Excel shows ``#VALUE!`` with the message, instead
  of HTTP 500 and three retries. Classic xlwings (Windows COM) would show a raised exception
  as its full traceback in the cell (xlwings issue #1108), so there the boundary returns the
  text ``#VALUE! <message>`` instead.
* Error values are returned as their text (``"#N/A"``). xlwings' Office.js engine turns such
  strings into real error cells on custom-functions runtime 1.4 (``{"type": "Error", …}``);
  on runtime 1.3 and in classic xlwings they stay text, because neither can return an error
  cell from a function (xlwings issue #776).
* Anything else that escapes a function is a bug: it is logged and shown as ``#VALUE!`` —
  unless ``CS_WORKBOOK_UDF_DEBUG=1`` or pytest is running, when it is re-raised.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading

import numpy as np

from ..errors import CSError, InvalidInput
from ..excel.errors import ERROR_CODES, NA, ExcelError, error_of

__all__ = ["ERROR_CODES", "NA", "ExcelError", "PassOn", "UserError", "boundary", "error_of", "from_cs"]

logger = logging.getLogger("cs_workbook.udfs")


_USER_ERROR: type | None = None
_USER_ERROR_LOCK = threading.Lock()


def _user_error() -> type:
    """:class:`UserError`, an ``xlwings.XlwingsError``, made on first use.

    Importing xlwings costs ~80 ms (its Pro part loads ``cryptography``); only a call with bad
    input needs the class, so a process that imports the functions and never raises one (the
    headless ``calc``, the CLI) does not pay for it. One class per process (the lock: the
    Office.js server calls functions from several threads)."""
    global _USER_ERROR
    if _USER_ERROR is not None:
        return _USER_ERROR
    with _USER_ERROR_LOCK:
        if _USER_ERROR is None:
            from xlwings import XlwingsError

            class UserError(XlwingsError):
                """Bad input to a single-cell call; the message (one line, ≤ 200 characters)
                is what the user sees."""

                def __init__(self, message: str):
                    super().__init__(_short(str(message)))

            UserError.__module__, UserError.__qualname__ = __name__, "UserError"
            _USER_ERROR = UserError
        return _USER_ERROR


def __getattr__(name: str):
    if name == "UserError":  # made on first use: see _user_error
        return _user_error()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class PassOn(Exception):
    """An error cell in an argument read as a whole (weights, a portfolio's MRR): the answer
    is that error, as Excel's SUM answers #N/A when a summed cell is #N/A."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def from_cs(exc: CSError) -> ExcelError:
    """The Excel value of an engine error; invalid input (``#VALUE!``) is a user error."""
    code = getattr(exc, "excel", "#VALUE!")
    return ExcelError(code, _short(str(exc)), user=isinstance(exc, InvalidInput) or code == "#VALUE!")


def _short(message: str, limit: int = 200) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _reraise() -> bool:
    return os.environ.get("CS_WORKBOOK_UDF_DEBUG") == "1" or "PYTEST_CURRENT_TEST" in os.environ


def _inside_classic_com() -> bool:
    # Classic xlwings calls UDFs from xlwings.udfs.call_udf in its COM server and turns a
    # raised exception into the traceback text of the cell (xlwings issue #1108). Only
    # checked on the error path, so the stack walk costs nothing in normal calls.
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "call_udf" and frame.f_globals.get("__name__") == "xlwings.udfs":
            return True
        frame = frame.f_back
    return False


def boundary(fn):
    """Wrap an Excel function: engine errors → Excel values, user errors → :class:`UserError`,
    bugs → logged ``#VALUE!`` (re-raised under pytest or ``CS_WORKBOOK_UDF_DEBUG=1``)."""

    @functools.wraps(fn)
    def wrapper(*args):
        try:
            # Overflow becomes inf, which the result layer shows as #NUM! (as Excel does).
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                return fn(*args)
        except PassOn as exc:
            return exc.code
        except CSError as exc:
            err = from_cs(exc)
            if err.user:
                if _inside_classic_com():
                    return f"#VALUE! {err.message}"
                raise _user_error()(err.message) from None
            return err.code
        except Exception as exc:
            # a UserError exists only once its class does (_user_error): no import here
            if _USER_ERROR is not None and isinstance(exc, _USER_ERROR):
                if _inside_classic_com():
                    return f"#VALUE! {exc}"
                raise
            if _reraise():
                raise
            logger.exception("%s failed", fn.__name__)
            return "#VALUE!"

    return wrapper
