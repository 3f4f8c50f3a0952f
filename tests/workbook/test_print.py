"""The generated workbooks as Excel and LibreOffice show and print them (issue 12, item 4).

Every workbook the CLI writes (``new portfolio`` with and without sample data, ``new journey``,
``new sow`` blank and with its sample, ``score -o scores.xlsx`` for 40 and 150 accounts) is
checked twice:

* with openpyxl: each sheet has a print setup (fit to a whole number of pages across, as many
  down as needed, repeated header row, sheet name and "Page n of N" in the page margins); the
  Scorecard prints one page wide; no header word is wider than its column and no header has
  more lines than its row is high — measured with a real font (DejaVu Sans Bold, the font
  LibreOffice prints with here, through FreeType), in units of that font's digit ``0`` as
  Excel's column widths are; dates have date formats and room for ``yyyy-mm-dd``;
* with LibreOffice headless: every file converts to PDF (``scores.xlsx`` used to make the
  export abort), each sheet lands on the pages its setup promises, the header row is repeated
  on every page, and no cell shows ``###``.

CI installs LibreOffice (Debian: ``libreoffice-calc-nogui``); the PDF tests are skipped only when
no ``soffice`` is on PATH.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from cs_workbook import cli

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
AS_OF = "2026-03-31"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
#: the row a sheet's table header is on
HEADER_ROW = {"Scorecard": 3, "Estimate": 13}
# recalculate on load (0 = always), as test_libreoffice_sow does, in a private profile
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    """Every kind of workbook the CLI writes, by name."""
    tmp = tmp_path_factory.mktemp("print")
    runs = {
        "portfolio": ["new", "portfolio", "--sample", "--as-of", AS_OF],
        "empty": ["new", "portfolio"],
        "journey": ["new", "journey", "--sample", "--as-of", AS_OF],
        "sow": ["new", "sow"],
        "sow-sample": ["new", "sow", "--sample"],
        "portfolio-150": ["new", "portfolio", "--sample", "--accounts", "150", "--as-of", AS_OF],
    }
    out = {}
    for name, argv in runs.items():
        out[name] = tmp / f"{name}.xlsx"
        assert cli.main([*argv, str(out[name])]) == 0, name
    for n, src in (("", "portfolio"), ("-150", "portfolio-150")):
        out[f"scores{n}"] = tmp / f"scores{n}.xlsx"
        assert cli.main(["score", str(out[src]), "--as-of", AS_OF, "-o",
                         str(out[f"scores{n}"])]) == 0
    out["calculated"] = tmp / "calculated.xlsx"
    assert cli.main(["calc", str(out["portfolio"]), "-o", str(out["calculated"])]) == 0
    return out


NAMES = ("portfolio", "empty", "journey", "sow", "sow-sample", "scores", "scores-150",
         "calculated")
#: converted as they are, cached values shown: LibreOffice has no CS_* add-in to recalculate
KEEP_VALUES = ("calculated",)


# -- print setup, as openpyxl reads it back ---------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_sheet_has_a_print_setup(books, name):
    wb = openpyxl.load_workbook(books[name])
    for ws in wb:
        where = f"{name}/{ws.title}"
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage, where
        assert int(setup.fitToWidth) >= 1 and int(setup.fitToHeight) == 0, where
        assert setup.orientation in ("landscape", "portrait"), where
        row = HEADER_ROW.get(ws.title, 1)
        assert ws.print_title_rows == f"${row}:${row}", where
        if int(setup.fitToWidth) > 1:  # each page across says whose rows they are
            assert ws.print_title_cols in ("$A:$A", "$A:$B"), where
        assert ws.oddHeader.center.text == "&A", where
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, where
        margins = ws.page_margins
        assert 0.25 <= margins.left <= 0.75 and 0.25 <= margins.top <= 1, where


@pytest.mark.parametrize("name", ("portfolio", "empty", "portfolio-150"))
def test_the_scorecard_prints_one_page_wide_landscape(books, name):
    ws = openpyxl.load_workbook(books[name])["Scorecard"]
    assert int(ws.page_setup.fitToWidth) == 1 and ws.page_setup.orientation == "landscape"


# -- widths: measured with a real font ---------------------------------------------------------

@pytest.fixture(scope="module")
def fonts():
    ImageFont = pytest.importorskip("PIL.ImageFont")
    bold = FONT_DIR / "DejaVuSans-Bold.ttf"
    if not bold.is_file():
        pytest.skip("DejaVu fonts are not installed")
    size = round(11 * 96 / 72)  # 11 pt at 96 dpi, as Excel's column widths assume
    b = ImageFont.truetype(str(bold), size=size)
    digit = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), size=size).getlength("0")
    return lambda text: b.getlength(text) / digit  # in column-width units


def _wrap(text: str, room: float, measure) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and measure(lines[-1] + " " + word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


#: Excel's cell padding, in width units (5 px of a 7 px digit)
_PAD = 5 / 7


@pytest.mark.parametrize("name", NAMES)
def test_no_header_is_cut_by_its_column(books, name, fonts):
    wb = openpyxl.load_workbook(books[name])
    for ws in wb:
        if ws.title == "Portfolio":
            continue
        row = HEADER_ROW.get(ws.title, 1)
        height = ws.row_dimensions[row].height or 15
        for cell in ws[row]:
            if not isinstance(cell.value, str):
                continue
            width = ws.column_dimensions[cell.column_letter].width
            room = width - _PAD
            where = f"{name}/{ws.title}/{cell.value!r} (width {width})"
            for word in cell.value.split():
                assert fonts(word) <= room, f"{where}: {word!r} is cut"
            lines = _wrap(cell.value, room, fonts)
            if len(lines) > 1:
                assert cell.alignment.wrap_text, f"{where} must wrap"
            assert len(lines) * 15 <= height + 0.01, f"{where}: {lines} in {height} pt"


@pytest.mark.parametrize("name", ("portfolio", "empty", "journey", "portfolio-150"))
def test_the_as_of_cell_has_room_for_its_date(books, name, fonts):
    ws = openpyxl.load_workbook(books[name])["Scorecard"]
    assert ws["A1"].value == "As of" and ws["B1"].number_format == "yyyy-mm-dd"
    assert isinstance(ws["B1"].value, dt.datetime)
    width = ws.column_dimensions["B"].width
    assert fonts(ws["B1"].value.strftime("%Y-%m-%d")) <= width - _PAD


def test_date_columns_are_dates_with_room(books, fonts):
    wb = openpyxl.load_workbook(books["portfolio"])
    ws = wb["Accounts"]
    headers = [c.value for c in ws[1]]
    for header in ("Contract Date", "Renewal Date", "Sentiment Updated"):
        letter = ws.cell(1, headers.index(header) + 1).column_letter
        assert ws[f"{letter}2"].number_format == "yyyy-mm-dd", header
        assert fonts("2026-12-31") <= ws.column_dimensions[letter].width - _PAD, header
    assert wb["Usage"]["B2"].number_format == "mmm yyyy"


# -- the Scorecard: new accounts ---------------------------------------------------------------

def test_scorecard_columns_are_calculated_columns_and_the_sheet_says_how_to_add(books):
    ws = openpyxl.load_workbook(books["portfolio"])["Scorecard"]
    table = ws.tables["Scorecard"]
    assert table.ref.startswith("A3:")
    for j, column in enumerate(table.tableColumns, 1):
        formula = ws.cell(4, j).value
        if column.name == "Account ID":
            assert column.calculatedColumnFormula is None
            continue
        # Excel fills this formula into a row typed under the table
        assert "=" + column.calculatedColumnFormula.attr_text == formula, column.name
        assert ws.cell(4 + 39, j).value == formula, column.name  # one shape down the column
    note = ws["A2"].value
    assert "Accounts sheet" in note and "type its Account ID in column A" in note


# -- the SOW calculator -------------------------------------------------------------------------

def test_sow_unused_lines_are_blank_and_below_target_is_yes_or_no(books, tmp_path):
    from cs_workbook.calc import calculate

    out = tmp_path / "sow-calc.xlsx"
    calculate(books["sow-sample"], out, functions={})
    ws = openpyxl.load_workbook(out, data_only=True)["Estimate"]
    rows = list(ws.iter_rows(min_row=14, max_row=25, max_col=7, values_only=True))
    used = [r for r in rows if r[0]]
    assert len(used) == 5 and all(isinstance(r[5], float) and r[5] > 0 for r in used)
    for r in rows[len(used):]:
        assert all(v in (None, "") for v in r), r
    assert ws["D11"].value == "Below target" and ws["E11"].value == "No"


# -- LibreOffice headless: PDF export --------------------------------------------------------

@pytest.fixture(scope="module")
def pdfs(books, tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("pdf")
    for recalc, names in ((True, [n for n in NAMES if n not in KEEP_VALUES]),
                          (False, KEEP_VALUES)):
        profile = tmp / f"profile-{recalc}"
        (profile / "user").mkdir(parents=True)
        if recalc:
            (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE)
        proc = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}",
                               "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                               str(tmp / "out"), *(str(books[n]) for n in names)],
                              capture_output=True, timeout=600)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    return {n: tmp / "out" / f"{books[n].stem}.pdf" for n in NAMES}


def _pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    n = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for p in range(1, n + 1)]


def _by_sheet(pages: list[str]) -> dict[str, list[str]]:
    """Pages grouped by the sheet name the page header prints at their top."""
    out: dict[str, list[str]] = {}
    for text in pages:
        first = next(line.strip() for line in text.splitlines() if line.strip())
        out.setdefault(first, []).append(text)
    return out


@needs_soffice
@pytest.mark.parametrize("name", NAMES)
def test_libreoffice_exports_every_sheet_to_pdf(books, pdfs, name):
    pdf = pdfs[name]
    assert pdf.is_file() and pdf.stat().st_size > 1000, f"{name}: no PDF"
    pages = _pages(pdf)
    sheets = _by_sheet(pages)
    wb = openpyxl.load_workbook(books[name])
    assert list(sheets) == wb.sheetnames, f"{name}: every sheet, under its name"
    for i, text in enumerate(pages, 1):
        assert "###" not in text, f"{name}, page {i}: a cell shows ###"
        assert f"Page {i} of {len(pages)}" in text, f"{name}, page {i}: no page number"
    for title, texts in sheets.items():
        ws = wb[title]
        row = HEADER_ROW.get(title, 1)
        first_header = ws.cell(row, 1).value
        if title != "Portfolio":  # the header row is repeated on every page
            for k, text in enumerate(texts, 1):
                assert first_header.split()[0] in text, f"{name}/{title} page {k}: no header"
        across = int(ws.page_setup.fitToWidth)
        rows = ws.max_row
        # fit to `across` pages wide, so a page holds ≥ 25 of its rows (at most 100 % scale)
        assert len(texts) <= across * max(1, math.ceil(rows / 25)), (name, title, len(texts))


@needs_soffice
@pytest.mark.parametrize("name", ("portfolio", "calculated"))
def test_the_scorecard_of_40_accounts_is_one_page(books, pdfs, name):
    scorecard = _by_sheet(_pages(pdfs[name]))["Scorecard"]
    assert len(scorecard) == 1
    text = scorecard[0]
    assert AS_OF in text, "the As of cell shows its date"
    for header in ("Account ID", "Lifecycle", "Health", "Renewal"):
        assert header in text
    assert "ACC-001" in text and "ACC-040" in text
    if name == "calculated":  # the values calc cached, dates and percentages in full
        assert re.search(r"\b2026-03\b", text) and re.search(r"\d+\.\d%", text)
        assert "Optimize & Grow" in text and "Green" in text
        # yes/no columns read TRUE/FALSE, not LibreOffice's 1/0 for a General boolean
        assert "TRUE" in text and "FALSE" in text, text


@needs_soffice
def test_the_sow_sample_shows_below_target_no_and_no_zero_lines(pdfs):
    estimate = _by_sheet(_pages(pdfs["sow-sample"]))["Estimate"]
    text = "\n".join(estimate)
    assert re.search(r"Below target\s+No\b", text), text
    assert "$0.00" not in text  # unused lines are blank, not $0
    lines = [line for line in text.splitlines() if line.strip().startswith("Trainer")]
    assert lines and "$" in lines[0]


@needs_soffice
@pytest.mark.parametrize("name", ("scores", "scores-150"))
def test_scores_export_keeps_its_colours(books, pdfs, name):
    """The colour rules that remain (one per colour, on the colour columns only) are there,
    and the PDF shows the values (Green, Yellow, Red) and every header."""
    ws = openpyxl.load_workbook(books[name])["Scores"]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert sorted(r.formula[0] for r in rules) == ['"Green"', '"Red"', '"Yellow"']
    ranges = {str(cf.sqref) for cf in ws.conditional_formatting}
    assert len(ranges) == 1 and "1" not in re.findall(r"[A-Z]+(\d+)", ranges.pop())
    text = "\n".join(_pages(pdfs[name]))
    for word in ("Green", "Yellow", "Red", "Health", "Colour", "Account ID"):
        assert word in text, word
