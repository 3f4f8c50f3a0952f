"""Cross-check (docs/workbook.md, "SOW cost calculator"): the SOW calculator recalculated by LibreOffice headless equals
the engine's CS_PS_RATE / CS_SOW_COST / CS_SOW_PRICE / CS_SOW_MARGIN on the same inputs.

CI installs LibreOffice (Debian: ``libreoffice-calc-nogui``); the test is skipped only when
no ``soffice`` is on PATH.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from sow_oracle import read_sow, sow_results

from cs_workbook.workbook.sow import write_sow_calculator

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

_spec = importlib.util.spec_from_file_location("sow_cases", Path(__file__).with_name("test_sow.py"))
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)

# LibreOffice keeps cached values of xlsx files unless told to recalculate on load
# (0 = always); a private profile keeps the user's own settings out of it.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_recalculate(files: list[Path], outdir: Path, profile: Path) -> list[Path]:
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE)
    outdir.mkdir(exist_ok=True)
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(outdir),
                    *map(str, files)], check=True, capture_output=True, timeout=300)
    return [outdir / f.name for f in files]


def test_libreoffice_recalculation_equals_the_engine(tmp_path):
    files = []
    for k, (name, changes) in enumerate(cases.SCENARIOS.items()):
        path = tmp_path / f"case{k}.xlsx"
        write_sow_calculator(path, sample=True)
        if changes:
            cases.edit(path, **changes)
        files.append(path)
    outputs = libreoffice_recalculate(files, tmp_path / "lo", tmp_path / "profile")
    for (name, _), src, out in zip(cases.SCENARIOS.items(), files, outputs):
        assert out.exists(), name
        got = cases.workbook_results(out)
        assert got["Labour_Cost"] is not None, f"{name}: LibreOffice did not recalculate"
        # LibreOffice writes 15 significant digits
        cases.assert_same(got, sow_results(read_sow(src)), rel=1e-12 * 1000)


def test_libreoffice_replaces_stale_cached_values(tmp_path):
    import datetime as dt
    import re
    import zipfile

    from cs_workbook.calc import calculate

    src = tmp_path / "sow.xlsx"
    write_sow_calculator(src, sample=True)
    calculated = tmp_path / "calculated.xlsx"
    calculate(src, calculated, functions={})  # cached values for a 2026-03-16 SOW
    stale = tmp_path / "stale.xlsx"
    serial = (dt.date(2025, 6, 1) - dt.date(1899, 12, 30)).days
    with zipfile.ZipFile(calculated) as zin, zipfile.ZipFile(stale, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data, n = re.subn(rb'(<c r="B4"[^>]*><v>)[0-9.]+(</v>)',
                                  rb"\g<1>" + str(serial).encode() + rb"\g<2>", data)
                assert n == 1
            zout.writestr(info, data)
    (out,) = libreoffice_recalculate([stale], tmp_path / "lo", tmp_path / "profile")
    want = sow_results(read_sow(stale))
    assert want["cost_rates"] != sow_results(read_sow(src))["cost_rates"]
    cases.assert_same(cases.workbook_results(out), want, rel=1e-9)
    assert openpyxl.load_workbook(out)["Estimate"]["E9"].value.startswith("=IF(")
