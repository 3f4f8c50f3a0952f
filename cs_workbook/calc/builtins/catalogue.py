"""Every built-in we supply: ``{NAME: (callable, min arguments, max arguments)}``."""

from __future__ import annotations

from .address import ADDRESS
from .annuity import FV
from .arithmetic import CEILING, DELTA, ERROR_TYPE, GESTEP, QUOTIENT
from .database import DATABASE
from .date_text import DATEVALUE, TIMEVALUE
from .dates import DATE, DAY, EDATE, MONTH, TIME, YEAR
from .depreciation import DB, DDB, VDB
from .dollar import DOLLARDE, DOLLARFR
from .lookup import HLOOKUP, VLOOKUP, XMATCH
from .mode import MODE_SNGL
from .subtotal import CSCALC_SUBTOTAL, NAME
from .text_format import TEXT

#: Date functions (serials of the 1900 system): not registered in a 1904 workbook, where the
#: engine's own apply.
DATES_1900: dict = {"DATE": (DATE, 3, 3), "TIME": (TIME, 3, 3), "EDATE": (EDATE, 2, 2),
              "YEAR": (YEAR, 1, 1), "MONTH": (MONTH, 1, 1), "DAY": (DAY, 1, 1),
              "DATEVALUE": (DATEVALUE, 1, 1)}

BUILTINS: dict = {
    "TEXT": (TEXT, 2, 2),
    "VDB": (VDB, 5, 7),
    "DDB": (DDB, 4, 5),
    "DB": (DB, 4, 5),
    "DOLLARDE": (DOLLARDE, 2, 2),
    "DOLLARFR": (DOLLARFR, 2, 2),
    NAME: (CSCALC_SUBTOTAL, 3, 255),
    "ADDRESS": (ADDRESS, 2, 5),
    "CEILING": (CEILING, 1, 2),
    "QUOTIENT": (QUOTIENT, 2, 2),
    "DELTA": (DELTA, 1, 2),
    "GESTEP": (GESTEP, 1, 2),
    "ERROR.TYPE": (ERROR_TYPE, 1, 1),
    "XMATCH": (XMATCH, 2, 4),
    "_XLFN.XMATCH": (XMATCH, 2, 4),  # Excel saves functions newer than 2007 with the prefix
    **{name: (func, 3, 3) for name, func in DATABASE.items()},
    # Excel's argument rules for scalar built-ins (issue #9), alphabetical
    "FV": (FV, 3, 5),
    "HLOOKUP": (HLOOKUP, 3, 4),
    "MODE": (MODE_SNGL, 1, 255),
    "MODE.SNGL": (MODE_SNGL, 1, 255),
    "TIMEVALUE": (TIMEVALUE, 1, 1),
    "VLOOKUP": (VLOOKUP, 3, 4),
    "_XLFN.MODE.SNGL": (MODE_SNGL, 1, 255),
}
