"""Excel as the oracle (issue #9): strip the cached values of every formula cell in workbooks
Excel saved, recompute with ``calculate`` and compare with Excel's own values.

The corpus, its sources and licences, the current figures and what still differs are in
``corpus/README.md``; ``python tests/calc/oracle.py --report`` re-measures and rewrites them.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("calc_oracle", Path(__file__).with_name("oracle.py"))
oracle = importlib.util.module_from_spec(_spec)
sys.modules["calc_oracle"] = oracle  # before exec: dataclasses look the module up
_spec.loader.exec_module(oracle)

#: Share of compared (non-volatile, built-in) formula cells whose recomputed value must equal
#: Excel's: what the current engine achieves, rounded down to 0.5 %, so that it passes today
#: and cannot regress. The issue's target is 0.995; raise this as the engine gets closer.
THRESHOLD = 0.995

FILES = oracle.corpus_files()

# the engine's own warnings about the corpus (openpyxl extensions, numpy NaNs) are not findings
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """One strip-recompute-compare pass over the corpus, shared by the tests below."""
    work = tmp_path_factory.mktemp("oracle")
    return {p.name: oracle.check_file(p, work) for p in FILES}


def test_the_corpus_is_excel_saved_and_documented():
    assert 30 <= len(FILES) <= 80
    assert sum(p.stat().st_size for p in FILES) < 15 * 2**20
    readme = oracle.README.read_text(encoding="utf-8")
    for p in FILES:
        assert p.stat().st_size < 2**20, p.name
        assert f"`{p.name}`" in readme, f"{p.name} is not listed in corpus/README.md"
        with zipfile.ZipFile(p) as zf:
            app = zf.read("docProps/app.xml").decode("utf-8")
            book = zf.read("xl/workbook.xml").decode("utf-8")
            names = zf.namelist()
        assert re.search(r"<Application>Microsoft (Macintosh )?Excel( Online)?</Application>",
                         app), p.name
        assert "xl/calcChain.xml" in names and re.search(r'<fileVersion [^>]*rupBuild="', book)
        assert any(c.kind for c in oracle.read_cells(p)), f"{p.name}: no cached formula values"


def test_stripping_removes_only_cached_values(tmp_path):
    src = next(p for p in FILES if p.name == "ironcalc-ROUND.xlsx")
    dst = tmp_path / "stripped.xlsx"
    removed = oracle.strip_cached(src, dst)
    before, after = oracle.read_cells(src), oracle.read_cells(dst)
    assert removed >= sum(1 for c in before if c.kind) > 0  # and the cells of array ranges
    assert [(c.where, c.formula) for c in before] == [(c.where, c.formula) for c in after]
    assert all(c.kind == "" for c in after)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        assert a.namelist() == b.namelist()
        sheets = set(oracle.sheet_part_names(a))
        for name in a.namelist():
            if name not in sheets:
                assert a.read(name) == b.read(name), name


@pytest.mark.parametrize("name", [
    pytest.param(p.name, marks=pytest.mark.xfail(strict=True, reason=oracle.KNOWN_ABORTS[p.name]))
    if p.name in oracle.KNOWN_ABORTS else p.name for p in FILES])
def test_no_workbook_aborts(results, name):
    """One formula the engine cannot handle never stops the whole workbook."""
    assert results[name].aborted is None, results[name].aborted


def test_agreement_with_excel_does_not_regress(results):
    equal, compared = oracle.totals(list(results.values()))
    assert compared > 1000
    worst = sorted(results.values(), key=lambda r: r.agreement)[:5]
    detail = ", ".join(f"{r.name} {r.equal}/{r.compared}" for r in worst)
    assert equal / compared >= THRESHOLD, f"{equal}/{compared} agree; worst: {detail}"


def test_the_corpus_readme_is_what_the_report_writes(results, tmp_path):
    """``corpus/README.md`` holds the current figures: ``oracle.py --report`` rewrites it with no
    change (regenerate it after changing the engine, the corpus or the introduction)."""
    spec = importlib.util.spec_from_file_location(
        "calc_oracle_readme", Path(__file__).with_name("oracle_readme.py"))
    oracle_readme = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oracle_readme)
    readme = tmp_path / "README.md"
    oracle_readme.write_readme(oracle_readme.report([results[p.name] for p in FILES]), readme)
    assert readme.read_text(encoding="utf-8") == oracle.README.read_text(encoding="utf-8")
