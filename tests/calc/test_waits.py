"""Only waiting calls evaluated again (:mod:`cs_workbook.calc.waits`): our calls tagged with a
wake-up cell compute exactly what volatile calls compute, in the same rounds, while the
engine evaluates fewer cells in the later rounds."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from cs_workbook.calc import boundary, calculate, fast
from cs_workbook.calc.waits import ALIAS, Waits

SPELLINGS = {"CS_INC": "CS_INC", "CS.INC": "CS_INC", "_XLDUDF_CS_INC": "CS_INC",
             "CS_LABEL": "CS_LABEL", "CS.LABEL": "CS_LABEL"}


# -- the rewrite ---------------------------------------------------------------------------

def test_every_call_of_ours_gets_the_alias_and_one_wake_up_cell_of_a_new_group():
    w = Waits(SPELLINGS, ["S"])
    assert w.tag("=CS_INC(A1)+1") == f"={ALIAS}CS_INC(A1,'_cs_wait'!$A$1)+1"
    # nested, other spellings, no arguments, a built-in left alone, a second group
    assert w.tag("=cs.label(_xldudf_CS_INC(B2),SUM(C1:C3),CS_INC())") == (
        f"={ALIAS}CS_LABEL({ALIAS}CS_INC(B2,'_cs_wait'!$A$2),SUM(C1:C3),"
        f"{ALIAS}CS_INC('_cs_wait'!$A$2),'_cs_wait'!$A$2)")
    assert w.groups == 2


def test_texts_names_and_other_functions_are_not_calls_of_ours():
    w = Waits(SPELLINGS, ["S"])
    for formula in ('="CS_INC(1)"&A1', "='CS_INC(x'!A1+1", "=MY_CS_INC(1)", "=XCS_INC(2)",
                    "=CS_OTHER(1)", "=Sheet1!CS_INC(1)", "=SUM(1,2)"):
        assert w.tag(formula) == formula, formula
    assert w.groups == 0


def test_a_call_whose_arguments_cannot_be_found_leaves_the_formula_volatile():
    w = Waits(SPELLINGS, ["S"])
    assert w.tag("=CS_INC(A1)+CS_INC(B1") == "=CS_INC(A1)+CS_INC(B1"
    assert w.tag("=CS_INC(A1]") == "=CS_INC(A1]"
    assert w.groups == 0


def test_the_wake_up_sheet_takes_a_name_no_sheet_has():
    assert Waits(SPELLINGS, ["S", "_CS_WAIT", "_cs_wait2"]).sheet == "_cs_wait3"


# -- the same values, less work -------------------------------------------------------------

def _untagged(monkeypatch):
    """Every call volatile, as before :mod:`.waits`."""
    monkeypatch.setattr(Waits, "tag", lambda self, formula: formula)


def _cells(path):
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    wb = openpyxl.load_workbook(path, data_only=True)
    return names, {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows()
                   for c in row}


@pytest.fixture
def mixed(tmp_path):
    """Chains of our calls with built-ins between them, a legacy array formula calling ours
    (not rewritten: it stays volatile) and a tagged cell depending on it, an IFERROR that hides
    a waiting value and a column of one text in two runs (one wake-up group)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["n", "a", "b", "c", "d", "e"])
    for r in range(2, 14):
        ws.append([r if r % 5 else "x",
                   f"=CS_INC(A{r})",
                   f"=IFERROR(CS_INC(B{r}),-1)",
                   f'=CS_LABEL(C{r},CS.INC(CS_INC(B{r})))',
                   f"=IF(ISNUMBER(C{r}),CS_INC(C{r}),CS_INC(0))",
                   f"=E{r - 1}+CS_INC(D{r})" if r > 2 else f"=CS_INC(D{r})"])
    ws["B8"] = "=A8*2"  # the B column's text in two runs
    ws["H1"] = ArrayFormula("H1", "=SUM(CS_INC(A2:A4))")
    ws["H2"] = "=CS_INC(CS_INC(H1))*2"
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    return path


def _inc(x):
    """+1 a cell at a time; an error (a pending or #N/A argument) answers #N/A."""
    vals = x if isinstance(x, list) else [[x]]
    out = [[v[0] + 1] if isinstance(v[0], (int, float)) and not isinstance(v[0], bool)
            else ["#N/A"] for v in vals]
    return out if isinstance(x, list) else out[0][0]


def _text(v):  # engines pass 4 or 4.0
    return f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def _funcs():
    def label(x, y):
        xs = x if isinstance(x, list) else [[x]]
        ys = y if isinstance(y, list) else [[y]] * len(xs)
        out = [[f"{_text(a[0])}|{_text(b[0])}"] for a, b in zip(xs, ys)]
        return out if isinstance(x, list) else out[0][0]
    return {"CS_INC": _inc, "CS_LABEL": label}


def test_tagged_calls_compute_what_volatile_calls_compute(mixed, tmp_path, monkeypatch):
    tagged = calculate(mixed, tmp_path / "tagged.xlsx", functions=_funcs())
    assert tagged.work["wake_groups"] >= 5 and tagged.work["woken"] > 0
    with monkeypatch.context() as m:
        _untagged(m)
        volatile = calculate(mixed, tmp_path / "volatile.xlsx", functions=_funcs())
    assert volatile.work["wake_groups"] == 0
    assert tagged.work["rounds"] == volatile.work["rounds"]
    assert tagged.evaluated == volatile.evaluated == tagged.formulas
    assert not tagged.unevaluated
    got, want = _cells(tmp_path / "tagged.xlsx"), _cells(tmp_path / "volatile.xlsx")
    assert got == want
    assert "xl/worksheets/sheet2.xml" not in got[0]  # the wake-up sheet is the engine's only
    values = got[1]
    assert values[("S", "H1")] == 3 + 4 + 5  # the array formula: volatile
    assert values[("S", "H2")] == (12 + 2) * 2
    per_cell = calculate(mixed, tmp_path / "formulas.xlsx", functions=_funcs(),
                         engine="formulas")
    assert _cells(tmp_path / "formulas.xlsx")[1] == values
    assert per_cell.evaluated == tagged.evaluated


def _counting(monkeypatch):
    """Count the engine's calls of our callbacks, per evaluation round."""
    rounds: list = []
    real_callback, real_load = boundary._Batches.callback, fast._load

    def build(self, name, tagged=False):
        inner = real_callback(self, name, tagged)

        def call(*args):
            rounds[-1] += 1
            return inner(*args)
        return call

    def load(*args, **kwargs):
        wb, hoist, waits, names = real_load(*args, **kwargs)

        class Counted:
            def __getattr__(self, attr):
                return getattr(wb, attr)

            def evaluate_all(self):
                rounds.append(0)
                wb.evaluate_all()
        return Counted(), hoist, waits, names

    monkeypatch.setattr(boundary._Batches, "callback", build)
    monkeypatch.setattr(fast, "_load", load)
    return rounds


def test_later_rounds_evaluate_only_the_waiting_groups(tmp_path, monkeypatch):
    """A sample portfolio's Scorecard: the same file as with every call volatile, and after
    the second round far fewer calls reach our callbacks."""
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook.writer import write_workbook

    as_of = dt.date(2026, 11, 23)
    src = write_workbook(sample_portfolio(as_of, n_accounts=12), tmp_path / "p.xlsx",
                         as_of=as_of)
    with monkeypatch.context() as m:
        tagged_rounds = _counting(m)
        tagged = calculate(src, tmp_path / "tagged.xlsx")
    with monkeypatch.context() as m:
        _untagged(m)
        volatile_rounds = _counting(m)
        volatile = calculate(src, tmp_path / "volatile.xlsx")
    assert tagged.work["rounds"] == volatile.work["rounds"] >= 4
    assert tagged.work["wake_groups"] > 30 and volatile.work["wake_groups"] == 0
    assert _cells(tmp_path / "tagged.xlsx") == _cells(tmp_path / "volatile.xlsx")
    assert tagged.changed == volatile.changed == tagged.formulas
    # round 1 is the same work; from round 3 on only the end of the chains waits
    assert tagged_rounds[0] == volatile_rounds[0]
    later = list(zip(tagged_rounds, volatile_rounds))[2:]
    assert all(t < v for t, v in later), (tagged_rounds, volatile_rounds)
    assert sum(t for t, _ in later) < sum(v for _, v in later) / 2
