"""Every built-in we supply: ``{NAME: (callable, min arguments, max arguments)}``."""

from __future__ import annotations

from .address import ADDRESS
from .arithmetic import CEILING, DELTA, ERROR_TYPE, GESTEP, QUOTIENT
from .array_functions import INDEX, MODE_MULT, SORT
from .array_ifs import IFS
from .arrays import AREA, EXP, IF, IFERROR, IFNA, OP, SINGLE
from .database import DATABASE
from .dates import DATE, DAY, EDATE, MONTH, TIME, YEAR
from .depreciation import DB, DDB, VDB
from .dollar import DOLLARDE, DOLLARFR
from .lookup import XMATCH
from .subtotal import CSCALC_SUBTOTAL, NAME
from .text_format import TEXT

#: Date functions (serials of the 1900 system): not registered in a 1904 workbook, where the
#: engine's own apply.
DATES_1900: dict = {"DATE": (DATE, 3, 3), "TIME": (TIME, 3, 3), "EDATE": (EDATE, 2, 2),
              "YEAR": (YEAR, 1, 1), "MONTH": (MONTH, 1, 1), "DAY": (DAY, 1, 1)}

#: Array forms (arrays.py, array_functions.py, array_ifs.py; the _CSCALC_* names are written
#: into the loaded formulas by array_forms.py; _CSCALC_MAP is registered by register()).
ARRAY_FORMS: dict = {
    "EXP": (EXP, 1, 1),
    "MODE.MULT": (MODE_MULT, 1, 255),
    "SORT": (SORT, 1, 4),
    "_CSCALC_AREA": (AREA, 3, 3),
    **{"_CSCALC_" + name: entry for name, entry in IFS.items()},
    "_CSCALC_IF": (IF, 1, 3),
    "_CSCALC_IFERROR": (IFERROR, 2, 2),
    "_CSCALC_IFNA": (IFNA, 2, 2),
    "_CSCALC_INDEX": (INDEX, 1, 4),
    "_CSCALC_OP": (OP, 3, 3),
    "_XLFN.MODE.MULT": (MODE_MULT, 1, 255),
    "_XLFN.SINGLE": (SINGLE, 1, 1),
    "_XLFN.SORT": (SORT, 1, 4),
    "_XLFN._XLWS.SORT": (SORT, 1, 4),
}

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
    **ARRAY_FORMS,
}
