"""Run inside a virtualenv that holds only numpy, pandas, xlwings and our wheel (what xlwings
Lite has): compute every function's help example the way xlwings Lite calls it, and report
which libraries outside that closure got imported.

Usage: ``python lite_check.py PATH/TO/examples.py`` → one JSON line on stdout:
``{"checked": n, "failures": [...], "forbidden": [...], "registered": [...], "cli": ...}``.
Run by tests/udfs/test_lite_closure.py; nothing happens on import.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import importlib.util
import json
import sys
import traceback
import types

#: Libraries of the extras (and the server) that the Excel functions must never import.
FORBIDDEN = ("openpyxl", "python_calamine", "formulas", "schedula", "jinja2", "weasyprint",
             "xlwings_server", "fastapi", "uvicorn")


def _load(path):
    spec = importlib.util.spec_from_file_location("cs_help_examples", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _officejs_call(main, name, args):
    """``name`` called through xlwings' own Office.js entry point, as xlwings Lite calls it,
    its answer decoded back into Python values (None if xlwings' Office.js part is missing)."""
    try:
        import xlwings
        from xlwings.pro.udfs_officejs import custom_functions_call
    except ImportError:
        return None
    data = {"func_name": name, "args": [a if a is None or isinstance(a, list) else [[a]]
                                        for a in args],
            "version": xlwings.__version__, "client": "Office.js", "runtime": "1.4",
            "culture_info_name": "en-US", "date_format": "yyyy-mm-dd"}
    answer = asyncio.run(custom_functions_call(data, main))
    cells = [[_decode(v) for v in row] for row in answer]
    return cells[0][0] if len(cells) == 1 and len(cells[0]) == 1 else cells


_ERRORS = {"Div0": "#DIV/0!", "NotAvailable": "#N/A", "Name": "#NAME?", "Null": "#NULL!",
           "Num": "#NUM!", "Ref": "#REF!", "Value": "#VALUE!"}


def _decode(v):
    """An Office.js result cell as the Python value it came from (dates, error codes)."""
    if isinstance(v, dict) and v.get("type") == "FormattedNumber":
        return _dt.date(1899, 12, 30) + _dt.timedelta(days=int(v["basicValue"]))
    if isinstance(v, dict) and v.get("type") == "Error":
        return _ERRORS[v["errorType"]]
    return v


def _registered(main):
    try:
        from xlwings.pro.udfs_officejs import custom_functions_meta
    except ImportError:
        return None
    return sorted(f["name"] for f in custom_functions_meta(main)["functions"])


def main(examples_path: str) -> dict:
    ex = _load(examples_path)
    from cs_workbook.udfs import CATALOGUE
    from cs_workbook.udfs.catalogue import describe

    # main.py of an xlwings Lite workbook, as docs/excel-setup.md tells users to write it
    lite_main = types.ModuleType("main")
    exec("from cs_workbook.udfs.lite import *  # noqa: F403", lite_main.__dict__)

    failures, checked, via_xlwings = [], 0, 0
    for entry in describe():
        try:
            name, args = ex.parse_example(entry["example"])
            plain = ex.serial_args(args)  # Office.js: single values as they are, dates as serials
            ex.check(entry, getattr(lite_main, name)(*plain))
            checked += 1
            answer = _officejs_call(lite_main, name, plain)
            if answer is not None:
                ex.check(entry, answer)
                via_xlwings += 1
        except Exception:
            failures.append(f"{entry['name']}: {traceback.format_exc(limit=3)}")
    forbidden = sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)
    return {"checked": checked, "via_xlwings": via_xlwings, "failures": failures,
            "forbidden": forbidden, "registered": _registered(lite_main),
            "functions": len(CATALOGUE)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
