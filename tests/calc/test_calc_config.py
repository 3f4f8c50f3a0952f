"""``calc`` gives the Scorecard the workbook's own Config sheet, like ``score``: the formulas pass
the Config table to the CS_* functions (tests/calc/test_config_follows.py goes further)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pandas as pd
import pytest

from cs_workbook.config import Config
from cs_workbook.errors import CSError
from cs_workbook.portfolio import score_accounts
from cs_workbook.calc import calculate
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.writer import write_workbook

AS_OF = dt.date(2026, 11, 23)
OVERRIDES = {"colour_points": "dbt", "weights_profile": "gitlab_2022", "red_max": 55}


@pytest.fixture(scope="module")
def calculated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("calc_config")
    data = dataclasses.replace(sample_portfolio(AS_OF, n_accounts=10), config=OVERRIDES)
    src = write_workbook(data, tmp / "in.xlsx", as_of=AS_OF)
    calculate(src, tmp / "out.xlsx")
    ws = openpyxl.load_workbook(tmp / "out.xlsx", data_only=True)["Scorecard"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    return data, pd.DataFrame(rows[1:], columns=rows[0])


def test_scorecard_follows_the_workbook_config(calculated):
    data, got = calculated
    cfg = Config.from_mapping(OVERRIDES)
    want = score_accounts(data, AS_OF, cfg)
    default = score_accounts(data, AS_OF)
    assert not want["Health Score"].equals(default["Health Score"])  # the overrides matter
    for col in ("Health Score", "Product Score"):
        assert _numbers(got[col]) == pytest.approx(want[col].astype(float).tolist(),
                                                    rel=1e-9, nan_ok=True), col
    assert [None if v == "#N/A" else v for v in got["Health Colour"]] == \
        want["Health Colour"].tolist()


def _numbers(column) -> list[float]:
    """Cached values as floats; only #N/A (not applicable) may stand in for a number."""
    return [float("nan") if v == "#N/A" else float(v) for v in column]


def test_a_bad_config_key_is_a_clear_error(tmp_path):
    data = dataclasses.replace(sample_portfolio(AS_OF, n_accounts=2),
                               config={"colour_pointz": "dbt"})
    src = write_workbook(data, tmp_path / "bad.xlsx", as_of=AS_OF)
    with pytest.raises(CSError, match="colour_pointz"):
        calculate(src, tmp_path / "out.xlsx")
