"""``UserError`` is an ``xlwings.XlwingsError`` (the Office.js server answers it with HTTP 400),
made on first use: importing and calling the functions does not import xlwings (~80 ms, its
Pro part loads ``cryptography``), which a headless ``calc`` of a clean workbook never needs."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import cs_workbook.udfs as udfs
from cs_workbook.udfs import CS_DAYS, CS_HEALTH_SCORE
assert CS_DAYS(45000, 45010) == 10
assert CS_HEALTH_SCORE([[80], [None]], [["Green"], ["Red"]], 1, 1, 1)  # a range call
assert "xlwings" not in sys.modules, "imported by the functions"
try:
    CS_DAYS("abc", 1)
except Exception as exc:
    error = exc
import xlwings
assert isinstance(error, xlwings.XlwingsError) and isinstance(error, udfs.UserError)
assert udfs.UserError is udfs.errors.UserError
assert udfs.UserError.__module__ + "." + udfs.UserError.__qualname__ == \\
    "cs_workbook.udfs.errors.UserError"
try:
    raise udfs.UserError("x" * 300)
except xlwings.XlwingsError as exc:
    assert len(str(exc)) == 200
print("ok")
"""


def test_user_error_is_an_xlwings_error_made_only_when_needed():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
