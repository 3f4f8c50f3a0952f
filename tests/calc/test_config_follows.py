"""One number in the cell, the CLI and the PDF: the Scorecard follows the workbook's Config table.

A sample portfolio is written with Config overrides of every kind the Scorecard depends on —
colour points (``dbt``), colour thresholds, support thresholds, staleness and grace days, a
weight profile plus a single weight, the 2023 threshold set, the handbook license table, a
segment list and the primary use case. Then:

* the Scorecard as headless calc evaluates it equals ``score_accounts`` under the configuration
  ``score`` and ``ebr`` read from the same workbook, column by column, and the EBR view model
  shows the same figures;
* the same CS_* calls with the Config range sent as a matrix through the Office.js contract
  give the Scorecard's values;
* editing the Config sheet (a value changed, a row added) and recalculating re-scores the
  Scorecard, settings cells included;
* a bad key or value in the range is ``#VALUE!`` naming the key (single call, range call,
  Office.js HTTP 400).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
from types import SimpleNamespace

import openpyxl
import pytest
from scorecard_checks import COMPARED, differences, same, scorecard_frame

from cs_workbook import udfs
from cs_workbook.calc import calculate
from cs_workbook.config import DEFAULT, Config
from cs_workbook.config_files import workbook_config
from cs_workbook.portfolio import score_accounts
from cs_workbook.reports import fmt
from cs_workbook.reports.viewmodel import DASH, build_view
from cs_workbook.reports.reasons import NO_DATA_CHIP
from cs_workbook.sample import sample_portfolio
from cs_workbook.workbook.reader import read_workbook
from cs_workbook.workbook.writer import write_workbook

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

AS_OF = dt.date(2026, 11, 23)
OVERRIDES = {
    "colour_points": "dbt", "red_max": 55, "yellow_max": 72, "support_green_max": 3,
    "support_yellow_max": 10, "usage_na_days": 45, "onboarding_grace_days": 20,
    "weights_profile": "gitlab_2022", "weight_engagement": 15, "threshold_set": "2023",
    "lu_table": "handbook", "risk_na_segments": "Scale, Tech Touch", "primary_use_case": "ci",
}
#: Changed on the calculated workbook's Config sheet, and one key added as a new table row.
EDITS = {"red_max": 65, "colour_points": "midpoint", "usage_na_days": 100}
ADDED = ("support_zero_tickets", "na")
EBR_ACCOUNTS = ("ACC-001", "ACC-002", "ACC-003", "ACC-007", "ACC-012")


def _score(path):
    """What ``score``/``ebr`` compute for a workbook and what its calculated Scorecard shows."""
    data = read_workbook(path)
    cfg = workbook_config(data.config)
    return SimpleNamespace(data=data, cfg=cfg, want=score_accounts(data, AS_OF, cfg),
                           got=scorecard_frame(path))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("config_follows")
    data = sample_portfolio(AS_OF, n_accounts=24)
    src = write_workbook(data, tmp / "in.xlsx", config_rows=OVERRIDES, as_of=AS_OF)
    out = tmp / "calculated.xlsx"
    report = calculate(src, out)
    return SimpleNamespace(tmp=tmp, path=out, report=report, default=score_accounts(data, AS_OF),
                           **vars(_score(out)))


@pytest.fixture(scope="module")
def edited(book):
    wb = openpyxl.load_workbook(book.path)
    ws = wb["Config"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in EDITS:
            row[1].value = EDITS[row[0].value]
    ws.append(list(ADDED))
    table = ws.tables["Config"]
    table.ref = f"A1:B{ws.max_row}"
    table.autoFilter.ref = table.ref
    src = book.tmp / "edited.xlsx"
    wb.save(src)
    out = book.tmp / "edited-calculated.xlsx"
    report = calculate(src, out)
    return SimpleNamespace(path=out, report=report, **vars(_score(out)))


@functools.lru_cache(maxsize=4)
def _values(path):
    return openpyxl.load_workbook(path, data_only=True)


def _named(path, name):
    """The cached value(s) of a named cell or range of a calculated workbook."""
    wb = _values(path)
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    cells = wb[sheet][ref.replace("$", "")]
    return [c.value for row in cells for c in row] if isinstance(cells, tuple) else cells.value


# -- the Scorecard = score = the EBR --------------------------------------------------------

def test_the_workbook_config_is_the_overrides_and_they_matter(book):
    assert book.cfg == Config.from_mapping(OVERRIDES)
    assert not book.report.unevaluated, book.report.unevaluated[:3]
    for column in ("Health Score", "Health Colour", "Product Score", "License Health",
                   "SCM Health", "CI Health", "Support Health", "Risk (Sentiment)",
                   "Engagement Score", "CD Score", "Platform Adoption", "Adoption Complete"):
        assert differences(book.got, book.default, column), f"{column}: overrides change nothing"


@pytest.mark.parametrize("column", COMPARED)
def test_scorecard_equals_score_accounts_under_the_config(book, column):
    bad = differences(book.got, book.want, column)
    assert not bad, f"{column}: {len(bad)} accounts differ, e.g. {bad[:3]}"


def test_settings_cells_show_the_values_in_force(book):
    assert _named(book.path, "Usage_NA_Days") == 45
    assert _named(book.path, "Onboarding_Grace_Days") == 20
    assert _named(book.path, "Support_NA_Days") == DEFAULT.support_na_days
    assert _named(book.path, "Health_Weights") == [25, 50, 10, 5, 15]  # profile + one weight
    assert _named(book.path, "Engagement_Weights") == [50, 50]
    assert _named(book.path, "Primary_Use_Case") == "ci"


def _text(cell) -> str:
    """A Scorecard colour as the EBR shows it."""
    return NO_DATA_CHIP if cell in ("#N/A", None) else cell


@pytest.mark.parametrize("account", EBR_ACCOUNTS)
def test_ebr_view_shows_the_scorecard_figures(book, account):
    row = book.got.set_index("Account ID").loc[account]
    view = build_view(book.data, account, AS_OF, book.cfg)
    number = lambda v: None if v == "#N/A" else v  # noqa: E731
    health = view["summary"]["health"]
    assert (health["score"], health["text"]) == (fmt.points(number(row["Health Score"])),
                                                 _text(row["Health Colour"]))
    drivers = {d["component"]: d for d in view["scorecard"]["drivers"]["rows"]}
    product = next(d for name, d in drivers.items() if name.lower().startswith("product"))
    product_score = number(row["Product Score"])
    assert product["points"] == (DASH if product_score is None else fmt.points(product_score))
    license_kpi = view["summary"]["kpis"][0]
    # a card without a colour shows none: its note says why (the EBR's "no data" rule)
    health_na = row["License Health"] in ("#N/A", None)
    assert (license_kpi["value"], license_kpi["text"]) == (
        fmt.pct(number(row["License Utilization"])), "" if health_na else row["License Health"])
    measures = {m["label"]: m["text"] for m in view["scorecard"]["measures"]}
    for label, column in (("SCM adoption", "SCM Health"), ("CI adoption", "CI Health"),
                          ("CD adoption", "CD Health"), ("Security adoption", "Security Health"),
                          ("Support tickets", "Support Health"),
                          ("CSM sentiment", "Risk (Sentiment)")):
        assert measures[label] == _text(row[column]), (account, label)


# -- the same calls through the Office.js contract --------------------------------------------

@pytest.fixture(scope="module")
def client():
    if importlib.util.find_spec("xlwings_server") is None:
        pytest.skip("needs the 'server' extra")
    from fastapi.testclient import TestClient

    from cs_workbook.udfs import server

    saved = dict(os.environ)
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    try:
        with TestClient(server.create_app()) as c:
            yield c
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _cell(v):
    """A cell value as the Office.js custom-functions runtime sends it."""
    if v is None:
        return ""
    if v == "#N/A":
        return {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    if isinstance(v, dt.datetime):
        return float((v.date() - dt.date(1899, 12, 30)).days)
    return v


def _post(client, func, args):
    """One call as the runtime (1.3) posts it: each argument a 2-D matrix, or null."""
    body = {"client": "Office.js", "func_name": func, "runtime": "1.3", "args": args,
            "caller_address": "[calculated.xlsx]Scorecard!C4", "session_id": "config-test",
            "culture_info_name": "en-US", "date_format": "M/d/yyyy", "version": "0.37.8"}
    r = client.post("/xlwings/custom-functions-call", json=body)
    return r.status_code, (r.json()["result"] if r.status_code == 200 else r.text)


def _officejs(client, func, *args):
    """A single-cell call: values sent as 1×1 matrices, ranges as they are."""
    status, result = _post(client, func, [
        a if isinstance(a, list) or a is None else [[_cell(a)]] for a in args])
    return status, (result[0][0] if status == 200 else result)


def _config_matrix(path, header=False):
    """The Config table's Key/Value cells as Office.js sends ``Config[[Key]:[Value]]``."""
    ws = openpyxl.load_workbook(path)["Config"]
    rows = [[_cell(c.value) for c in row] for row in ws.iter_rows(min_row=1 if header else 2)]
    return rows


def _usage(book, account, month, column):
    u = book.data.usage
    hit = u[(u["Account ID"] == account) & (u["Month"] == month)]
    return float(hit[column].iloc[0])


def _calls(book, r):
    """(function, arguments, the Scorecard column it must equal) for one Scorecard row."""
    groups = [r[c] for c in ("Product Score", "Risk (Sentiment)", "Success Plan Health",
                             "Support Health", "Engagement Score")]
    weights = [[float(w) for w in _named(book.path, "Health_Weights")]]
    calls = [("CS_HEALTH_SCORE", [*groups, weights], "Health Score"),
             ("CS_HEALTH_COLOUR", [*groups, weights], "Health Colour"),
             ("CS_COLOUR", [r["Product Score"]], "Product Health"),
             ("CS_SUPPORT_HEALTH", [r["Tickets (Month)"]], "Support Health")]
    if r["Usage Current"] is True:  # otherwise the Scorecard gates the measure to #N/A
        month = r["Usage Month"]
        calls += [
            ("CS_LICENSE_HEALTH", [r["License Utilization"], r["Account Age (Months)"]],
             "License Health"),
            ("CS_SCM_HEALTH", [_usage(book, r["Account ID"], month, "Git Operation Users"),
                               r["Billable Users"]], "SCM Health")]
    return calls


def test_officejs_calls_with_the_config_matrix_give_the_scorecard_values(book, client):
    config = _config_matrix(book.path)
    with_header = _config_matrix(book.path, header=True)
    changed, checked = set(), 0
    for i, r in book.got.iterrows():
        for func, args, column in _calls(book, r):
            status, value = _officejs(client, func, *args, config)
            assert status == 200 and same(value, _engine(r[column])), (func, r["Account ID"])
            if i < 3:  # the table selected with its header row gives the same
                assert _officejs(client, func, *args, with_header) == (status, value)
            if _officejs(client, func, *args, None) != (status, value):
                changed.add(func)
            checked += 1
    assert checked > 4 * len(book.got)
    assert changed >= {"CS_HEALTH_SCORE", "CS_HEALTH_COLOUR", "CS_SUPPORT_HEALTH",
                       "CS_SCM_HEALTH", "CS_LICENSE_HEALTH"}, changed
    # CS_POINTS: the dbt points of each Scorecard colour
    for colour, points in zip(("Red", "Yellow", "Green"), book.cfg.points()):
        assert _officejs(client, "CS_POINTS", colour, config) == (200, points)
    assert _officejs(client, "CS_POINTS", "Yellow", None) == (200, 62.5)


def _engine(cell):
    """A Scorecard cell as the value ``same`` compares an Office.js result with."""
    return None if cell == "#N/A" else cell


def test_officejs_range_call_with_the_config_matrix(book, client):
    scores = [[_cell(v)] for v in book.got["Product Score"]]
    status, result = _post(client, "CS_COLOUR", [scores, _config_matrix(book.path)])
    assert status == 200 and [r[0] for r in result] == list(book.got["Product Health"])


# -- editing the Config sheet re-scores ---------------------------------------------------------

def test_config_edit_recalculates(book, edited):
    assert edited.cfg == Config.from_mapping({**OVERRIDES, **EDITS, ADDED[0]: ADDED[1]})
    assert not edited.report.unevaluated, edited.report.unevaluated[:3]
    for column in COMPARED:
        bad = differences(edited.got, edited.want, column)
        assert not bad, f"{column}: {len(bad)} accounts differ after the edit, e.g. {bad[:3]}"
    for column in ("Health Score", "Health Colour", "Product Health", "Support Health",
                   "License Health"):
        assert differences(edited.got, book.want, column), f"{column}: the edit changed nothing"
    assert _named(edited.path, "Usage_NA_Days") == 100


# -- a bad key or value is #VALUE! naming the key ----------------------------------------------

@pytest.mark.parametrize("rows, named", [
    ([["Key", "Value"], ["colour_pointz", "dbt"]], "colour_pointz"),
    ([["red_max", "lots"]], "red_max"),
    ([["red_max", 80], ["yellow_max", 70]], "red_max"),
    ([["usage_na_days", 30], ["usage_na_days", 40]], "usage_na_days"),
])
def test_a_bad_config_range_names_the_key(rows, named):
    with pytest.raises(udfs.UserError, match=named):
        udfs.CS_COLOUR(70, rows)
    with pytest.raises(udfs.UserError, match=named):  # a range call: the whole answer
        udfs.CS_COLOUR([[70], [80]], rows)


def test_a_bad_config_key_is_http_400_naming_it(client):
    status, text = _officejs(client, "CS_HEALTH_SCORE", 70, "Green", "Yellow", "Green", 75, None,
                             [["colour_points", "dbt"], ["colour_pointz", "dbt"]])
    assert status == 400 and "colour_pointz" in text
