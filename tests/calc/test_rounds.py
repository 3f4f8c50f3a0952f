"""Our functions' calls between evaluation rounds (:class:`cs_workbook.calc.boundary._Batches`):
a call whose argument still waits for another call of ours is not made, and the values are
those of one call per cell — checked against the ``formulas`` package (which calls a function
once per cell, no rounds) and against the same rounds making every recorded call."""

from __future__ import annotations

import openpyxl
import pytest

from cs_workbook.calc import boundary, calculate


def _col(x):
    return [row[0] if isinstance(row, list) else row for row in x] if isinstance(x, list) \
        else [x]


def _answer(values, out):
    return out if isinstance(values, list) else out[0]


def _inc(x):
    """+1 a cell at a time; an error (a pending or #N/A argument) answers #N/A."""
    vals = _col(x)
    out = [[v + 1] if isinstance(v, (int, float)) and not isinstance(v, bool) else ["#N/A"]
           for v in vals]
    return out if isinstance(x, list) else out[0][0]


def _text(v):  # engines pass 4 or 4.0
    return f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def _label(x, y):
    xs, ys = _col(x), _col(y)
    if len(ys) == 1:
        ys = ys * len(xs)
    out = [[f"{_text(a)}|{_text(b)}"] for a, b in zip(xs, ys)]
    return out if isinstance(x, list) else out[0][0]


FUNCS = {"CS_INC": _inc, "CS_LABEL": _label}


@pytest.fixture
def chain(tmp_path):
    """A chain of our calls three deep, with built-ins in between that turn a waiting value
    into something else (IFNA, ISNA, IFERROR) and an ``*IFS`` look-up in the chain."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["n", "a", "b", "c", "d", "e", "f", "g"])
    for r in range(2, 12):
        ws.append([r if r % 4 else "x",
                   f"=CS_INC(A{r})",
                   f"=CS_INC(B{r})",
                   f'=CS_LABEL(_xlfn.IFNA(C{r},"na"),ISNA(B{r}))',
                   f"=CS_INC(IFERROR(C{r},-1))+CS_INC(CS_INC(B{r}))",
                   f"=CS_LABEL(D{r},CS_INC(E{r}))",
                   # a column-wise *IFS look-up whose criterion waits for our function
                   f"=COUNTIFS($A$2:$A$11,\">\"&IFERROR(CS_INC(B{r}),0))",
                   f"=CS_INC(G{r})"])
    path = tmp_path / "chain.xlsx"
    wb.save(path)
    return path


def _values(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    return {c.coordinate: c.value for row in wb["S"].iter_rows(min_row=2) for c in row}


def test_waiting_calls_are_not_made_and_values_equal_one_call_per_cell(chain, tmp_path):
    got = calculate(chain, tmp_path / "fz.xlsx", functions=FUNCS)
    per_cell = calculate(chain, tmp_path / "formulas.xlsx", functions=FUNCS, engine="formulas")
    assert got.work["waited"] > 0  # calls waited for their arguments
    assert got.evaluated == per_cell.evaluated == 70
    assert got.work["ifs_lookups"] > 0
    assert _values(tmp_path / "fz.xlsx") == _values(tmp_path / "formulas.xlsx")


def test_same_values_and_fewer_calls_than_making_every_recorded_call(chain, tmp_path,
                                                                    monkeypatch):
    got = calculate(chain, tmp_path / "skip.xlsx", functions=FUNCS)
    with monkeypatch.context() as m:
        m.setattr(boundary, "_waits", lambda value: False)
        every = calculate(chain, tmp_path / "every.xlsx", functions=FUNCS)
    assert every.work["waited"] == 0 and every.work["rounds"] == got.work["rounds"]
    assert got.work["python_calls"] < every.work["python_calls"]
    assert _values(tmp_path / "skip.xlsx") == _values(tmp_path / "every.xlsx")
    plain = calculate(chain, tmp_path / "plain.xlsx", functions=FUNCS,
                      engine="formualizer-plain")
    assert plain.evaluated == got.evaluated
    assert _values(tmp_path / "plain.xlsx") == _values(tmp_path / "skip.xlsx")


def test_a_value_that_never_stops_waiting_is_computed_as_it_is(tmp_path):
    """Only waiting calls left (here: a function whose answer is the pending marker itself):
    they are made with what they have, so the rounds end."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = "=CS_STUCK(1)"
    ws["B1"] = "=CS_INC(A1)"
    ws["C1"] = "=CS_INC(5)"
    wb.save(tmp_path / "stuck.xlsx")
    funcs = {"CS_STUCK": lambda x: boundary.pending(), "CS_INC": _inc}
    report = calculate(tmp_path / "stuck.xlsx", tmp_path / "out.xlsx", functions=funcs)
    # round 1 makes CS_STUCK(1) and CS_INC(5), CS_INC(A1) waits; round 2 has only the
    # waiting call, which is made; round 3 records nothing
    assert report.work["rounds"] == 3 and report.work["waited"] == 1
    assert report.work["python_calls"] == 3
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["S"]
    assert ws["C1"].value == 6
    # the marker is never written as a value: the cells keep their (absent) cached values
    assert [(ref, why.split(":")[0]) for _, ref, why in report.unevaluated] == [
        ("A1", "was cancelled"), ("B1", "depends on S!A1, which keeps its cached value")]
