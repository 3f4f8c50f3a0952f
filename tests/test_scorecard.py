"""The Scorecard sheet: CS_* formulas over the data tables, evaluated headlessly, equal
``score_accounts`` cell by cell on the sample portfolio (SPEC.md §5.1, issue 3 §6b).

The functions are the real ``CS_*`` catalogue when ``cs_workbook.udfs`` exports it; until then
engine-backed stand-ins with the same names and argument order exercise the formulas.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cs_workbook import metrics
from cs_workbook.errors import CSError
from cs_workbook.portfolio import score_accounts
from cs_workbook.workbook.calc import calculate
from cs_workbook.workbook.sample import sample_portfolio
from cs_workbook.workbook.scorecard import COLOUR_COLUMNS, SCORECARD_COLUMNS, add_scorecard

AS_OF = dt.date(2026, 11, 23)
COMPARED = ("Account", "Segment", "CSM", "Usage Month", "Licensed Users", "Billable Users",
            "License Utilization", "Account Age (Months)", "License Health",
            "User Engagement Health", "SCM Health", "CI Health", "CD Health", "Security Health",
            "Platform Adoption", "Time to Engage", "Engage Status", "Time to Onboard",
            "Onboard Status", "Days to Renewal")


def _date(v):
    if isinstance(v, dict):
        raise _Err(v["basicValue"])
    if v in (None, "", 0):
        return None
    if isinstance(v, (int, float)):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(v))
    return v


class _Err(Exception):
    pass


def _stand_in(fn, date_args=()):
    def call(*args):
        try:
            args = [_date(a) if i in date_args else a for i, a in enumerate(args)]
            for a in args:
                if isinstance(a, dict):
                    return a["basicValue"]
            out = fn(*args)
        except _Err as e:
            return str(e)
        except CSError as e:
            return e.excel
        if out is None or (isinstance(out, float) and math.isnan(out)):
            return "#N/A"
        return out.item() if hasattr(out, "item") else out
    call.__name__ = fn.__name__
    return call


def functions():
    try:
        from cs_workbook.udfs import CATALOGUE
        return dict(CATALOGUE)
    except ImportError:
        m = metrics
        return {
            "CS_LICENSE_UTILIZATION": _stand_in(m.license_utilization),
            "CS_MONTHS_BETWEEN": _stand_in(m.months_between, (0, 1)),
            "CS_LICENSE_HEALTH": _stand_in(m.license_health),
            "CS_USER_ENGAGEMENT_HEALTH": _stand_in(m.user_engagement_health),
            "CS_SCM_HEALTH": _stand_in(m.scm_health),
            "CS_CI_HEALTH": _stand_in(m.ci_health),
            "CS_CD_HEALTH": _stand_in(m.cd_health),
            "CS_SECURITY_HEALTH": _stand_in(m.security_health),
            # NA use cases (#N/A cells) count as NA, not as an error
            "CS_PLATFORM_ADOPTION": lambda *c: _stand_in(m.platform_adoption)(
                *[None if isinstance(v, dict) else v for v in c]),
            "CS_TIME_TO_ENGAGE": _stand_in(m.time_to_engage, (0, 1)),
            "CS_TIME_TO_ONBOARD": _stand_in(m.time_to_onboard, (0, 1)),
            "CS_TTV_STATUS": _stand_in(m.ttv_status, (1, 2, 3)),
            "CS_DAYS": _stand_in(m.days_between, (0, 1)),
        }


def _write(data, path, as_of=AS_OF, write_only=False):
    from cs_workbook.workbook.writer import write_workbook

    write_workbook(data, path, scorecard=False)
    wb = openpyxl.load_workbook(path)
    add_scorecard(wb, data, as_of)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scorecard")
    data = sample_portfolio(AS_OF)
    src = _write(data, tmp / "portfolio.xlsx")
    out = tmp / "calculated.xlsx"
    report = calculate(src, out, functions=functions())
    ws = openpyxl.load_workbook(out, data_only=True)["Scorecard"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    got = pd.DataFrame(rows[1:], columns=rows[0])
    return got, score_accounts(data, AS_OF), report


def _same(got, want) -> bool:
    missing = want is None or (isinstance(want, float) and math.isnan(want)) or want is pd.NaT
    if missing:
        return got == "#N/A"
    if isinstance(want, (pd.Timestamp, np.datetime64, dt.date)):
        return pd.Timestamp(got) == pd.Timestamp(want)
    if isinstance(want, (float, int, np.number)) and not isinstance(want, bool):
        return isinstance(got, (int, float)) and math.isclose(got, float(want), rel_tol=1e-12,
                                                              abs_tol=1e-12)
    return got == want


def test_every_formula_evaluates(scored):
    _, _, report = scored
    assert report.formulas >= 40 * (len(SCORECARD_COLUMNS) - 1)
    assert not report.unevaluated, report.unevaluated[:3]


@pytest.mark.parametrize("column", COMPARED)
def test_scorecard_equals_score_accounts(scored, column):
    got, want, _ = scored
    assert list(got["Account ID"]) == list(want["Account ID"])
    bad = [(aid, g, w) for aid, g, w in zip(want["Account ID"], got[column], want[column])
           if not _same(g, w)]
    assert not bad, f"{column}: {len(bad)} accounts differ, e.g. {bad[:3]}"


def test_sample_exercises_every_colour_and_na(scored):
    got, _, _ = scored
    seen = set(got[list(COLOUR_COLUMNS)].to_numpy().ravel())
    assert {"Green", "Yellow", "Red", "#N/A"} <= seen


def test_structure(tmp_path):
    data = sample_portfolio(AS_OF, n_accounts=5)
    path = _write(data, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Scorecard"]
    last = openpyxl.utils.get_column_letter(len(SCORECARD_COLUMNS))
    assert ws.tables["Scorecard"].ref == f"A3:{last}8"
    assert ws["B1"].value == dt.datetime(2026, 11, 23) and "AsOf" in wb.defined_names
    assert ws.freeze_panes == "C4" and ws.conditional_formatting
    assert ws["J4"].value.startswith("=CS_LICENSE_UTILIZATION(Scorecard[[#This Row],")
    assert ws["A4"].data_type == "s" and ws["A4"].value == "ACC-001"


def test_write_only_workbooks_and_text_ids(tmp_path):
    from openpyxl import Workbook

    data = sample_portfolio(AS_OF, n_accounts=2)
    data.accounts.loc[0, "Account ID"] = "=1+1"
    wb = Workbook(write_only=True)
    add_scorecard(wb, data, AS_OF)
    wb.save(tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["Scorecard"]
    assert ws["A4"].value == "=1+1" and ws["A4"].data_type == "s"
    assert ws["B4"].data_type == "f"
