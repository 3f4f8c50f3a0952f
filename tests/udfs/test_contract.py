"""Contract of the Excel face: docs/functions.md names and argument order, the xlwings metadata that
classic *Import Functions* and Office.js registration read, help texts, and a snapshot of the
catalogue so any change to the Excel-facing API shows in review.

Update the snapshot deliberately with ``CS_UPDATE_SNAPSHOTS=1 pytest tests/udfs/test_contract.py``.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import io
import json
import os
import sys
import types

import pytest
from paths import ROOT, SNAPSHOTS

from cs_workbook.udfs import CATALOGUE
from cs_workbook.udfs._xl import ARG_OPTIONS, CATEGORY

from cs_workbook import udfs

SNAPSHOT = SNAPSHOTS / "catalogue.json"

# The catalogue's contract: names and argument order ([x] = optional), as docs/functions.md
# shows them. The CD and Security scores (the numbers CS_PRODUCT_SCORE weighs) follow their
# colours. A long signature goes on over an indented line.
SPEC = """
CS_DAYS(start_date, end_date)
CS_TIME_TO_ENGAGE(onboarding_start, first_meeting)
CS_TIME_TO_FIRST_VALUE(contract_date, first_value_date)
CS_TIME_TO_ONBOARD(onboarding_start, onboarding_closed)
CS_TTV_GOAL(kpi, [config])
CS_TTV_STATUS(kpi, start_date, end_date, [as_of], [config])
CS_LICENSE_UTILIZATION(billable_users, licensed_users)
CS_MONTHS_BETWEEN(start_date, end_date)
CS_LICENSE_HEALTH(utilization, account_age_months, [config])
CS_FIRST_VALUE_DATE(snapshot_dates, billable_users, licensed_users, [threshold], [config])
CS_ADOPTION_COMPLETE(utilization, primary_use_case_colour, [threshold], [config])
CS_USER_ENGAGEMENT_HEALTH(active_users, billable_users, [config])
CS_SCM_HEALTH(git_operation_users, billable_users, [config])
CS_CI_HEALTH(ci_builds, billable_users, [config])
CS_CD_HEALTH(deployment_users, deployments, successful_deployments, failed_deployments,
    billable_users, [config])
CS_CD_SCORE(deployment_users, deployments, successful_deployments, failed_deployments,
    billable_users, [config])
CS_SECURITY_HEALTH(scanner_users, billable_users, scans, pipelines, scanner_types, [tier],
    [config])
CS_SECURITY_SCORE(scanner_users, billable_users, scans, pipelines, scanner_types, [tier],
    [config])
CS_PLATFORM_ADOPTION(scm, ci, cd, security, [config])
CS_PRODUCT_SCORE(license, engagement, scm, ci, cd, security, [config])
CS_LIFECYCLE_STAGE(onboarding_closed, infrastructure_ready, adoption_complete)
CS_COLOUR(score, [config])
CS_POINTS(colour, [config])
CS_WEIGHTED_SCORE(scores, weights, [config])
CS_HEALTH_SCORE(product, risk, outcomes, voice, engagement, [weights], [config])
CS_HEALTH_COLOUR(product, risk, outcomes, voice, engagement, [weights], [config])
CS_HEALTH_DRIVERS(product, risk, outcomes, voice, engagement, [weights], [config])
CS_MEETING_CADENCE_HEALTH(days_since_last_meeting, csm_priority, [config])
CS_SUPPORT_HEALTH(tickets_per_month, [config])
CS_SUCCESS_PLAN_HEALTH(plan_status, objectives, has_strategy)
CS_PERSONA_HEALTH(dev_lead_engaged, security_lead_engaged)
CS_SENTIMENT_STATUS(sentiment, updated_on, [as_of], [config])
CS_TREND(previous, current, [config])
CS_DROP_ALERT(previous_colour, current_colour, [config])
CS_GRR(mrr_year_ago, mrr_now)
CS_NRR(mrr_year_ago, mrr_now)
CS_REASON_SHARES(reasons, mrr_changes)
CS_PS_STANDARD_RATE(avg_annual_ote, benefits, [billable_hours], [config])
CS_PS_RATE(role, as_of, rate_table, [config])
CS_SOW_COST(hours, cost_rates, [contingency_pct], [travel_cost], [config])
CS_SOW_PRICE(hours, bill_rates, [discount_pct], [travel_billed], [config])
CS_SOW_MARGIN(price, cost)
CS_CONFIG_VALUE(key, [config])
CS_IN_CONFIG_LIST(value, key, [config])
"""


def _spec():
    out = {}
    for line in SPEC.strip().replace("\n    ", " ").splitlines():
        name, args = line.rstrip(")").split("(")
        out[name] = [a.strip() for a in args.split(",") if a.strip()]
    return out


def _signature(fn) -> list[str]:
    return [f"[{p.name}]" if p.default is not inspect.Parameter.empty else p.name
            for p in inspect.signature(fn).parameters.values()]


def test_names_and_argument_order_are_the_spec():
    spec = _spec()
    assert list(CATALOGUE) == list(spec)
    for name, fn in CATALOGUE.items():
        assert fn.__name__ == name
        assert _signature(fn) == spec[name], name
    assert set(udfs.__all__) >= set(spec)


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_positional_parameters_only(name):
    params = inspect.signature(CATALOGUE[name]).parameters.values()
    assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)
    assert "caller" not in [p.name for p in params]
    assert all(p.default is None for p in params if p.default is not inspect.Parameter.empty)


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_help_texts(name):
    xlf = CATALOGUE[name].__xlfunc__
    doc = xlf["ret"]["doc"]
    assert len(doc) <= 255, (name, len(doc))
    assert f"Example: ={name}(" in doc
    assert "\n" not in doc and "  " not in doc
    for a in xlf["args"]:
        assert a["doc"] and not a["doc"].startswith("Positional argument"), (name, a["name"])
        assert len(a["doc"]) <= 255


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_metadata_has_what_both_runtimes_read(name):
    xlf = CATALOGUE[name].__xlfunc__
    assert xlf["name"] == name and xlf["sub"] is False
    for key in ("category", "call_in_wizard", "volatile", "async_mode",  # classic
                "cache", "excel_name", "namespace", "help_url", "required_roles"):  # Office.js
        assert key in xlf
    assert xlf["category"] == CATEGORY
    assert list(xlf["argmap"]) == [a["name"] for a in xlf["args"]]
    for pos, a in enumerate(xlf["args"]):
        assert a["pos"] == pos and a["vararg"] is False and a["vba"] is None
        assert a["options"] == ARG_OPTIONS


# -- the same metadata as xlwings' own decorators produce ------------------------------------

@pytest.fixture
def classic_xlwings(monkeypatch):
    """xlwings' classic (Windows COM) UDF module, importable here with pywin32 stubbed."""
    for mod in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, mod, types.ModuleType(mod))
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["win32com.client"].Dispatch = object
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    module = importlib.import_module("xlwings.udfs")
    yield module
    sys.modules.pop("xlwings.udfs", None)


def _redecorate(fn, func, arg, **func_options):
    """``fn`` decorated afresh with a runtime's own ``func``/``arg`` and our options."""
    fresh = functools.wraps(fn.__wrapped__)(lambda *a: None)
    fresh.__doc__ = fn.__xlfunc__["ret"]["doc"]
    for a in reversed(fn.__xlfunc__["args"]):
        fresh = arg(a["name"], doc=a["doc"], **a["options"])(fresh)
    return func(**func_options)(fresh)


def _core(xlf, keys):
    return {k: xlf[k] for k in keys}


def test_classic_decorators_give_the_same_metadata(classic_xlwings):
    keys = ("name", "sub", "args", "category", "call_in_wizard", "volatile", "async_mode")
    for fn in CATALOGUE.values():
        theirs = _redecorate(fn, classic_xlwings.xlfunc, classic_xlwings.xlarg,
                             category=CATEGORY).__xlfunc__
        assert _core(theirs, keys) == _core(fn.__xlfunc__, keys), fn.__name__
        assert theirs["ret"] == fn.__xlfunc__["ret"]


def test_import_functions_writes_a_vba_wrapper_per_function(classic_xlwings):
    class Workbook:
        Name = "portfolio.xlsm"

    vba = io.StringIO()
    classic_xlwings.generate_vba_wrapper("cs_workbook.udfs", udfs, vba, Workbook())
    text = vba.getvalue()
    spec = _spec()
    for name, args in spec.items():
        shown = ", ".join(f"Optional {a[1:-1]}" if a.startswith("[") else a for a in args)
        assert f"Function {name}({shown})" in text
        assert f'XLPy.CallUDF("cs_workbook.udfs", "{name}"' in text
    assert text.count("\nFunction ") + text.startswith("Function ") == len(spec)


def test_office_js_decorators_give_the_same_metadata(monkeypatch):
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    server = pytest.importorskip("xlwings.server")
    keys = ("name", "args", "volatile", "cache", "excel_name", "namespace", "help_url",
            "required_roles")
    for fn in CATALOGUE.values():
        theirs = _redecorate(fn, server.func, server.arg).__xlfunc__
        ours = {k: v for k, v in fn.__xlfunc__.items()}
        ours["args"] = [{k: v for k, v in a.items() if k != "vba"} for a in ours["args"]]
        assert _core(theirs, keys) == _core(ours, keys), fn.__name__
        assert theirs["ret"] == fn.__xlfunc__["ret"]


# -- snapshot ---------------------------------------------------------------------------------

def _catalogue_snapshot() -> dict:
    return {name: {"description": fn.__xlfunc__["ret"]["doc"],
                   "args": [{"name": a["name"], "help": a["doc"], "optional": "optional" in a}
                            for a in fn.__xlfunc__["args"]]}
            for name, fn in CATALOGUE.items()}


def test_catalogue_snapshot():
    current = _catalogue_snapshot()
    if os.environ.get("CS_UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    assert json.loads(SNAPSHOT.read_text(encoding="utf-8")) == current


def test_generated_reference_is_current():
    from cs_workbook.udfs.catalogue import markdown

    reference = ROOT / "docs" / "functions.md"
    assert reference.read_text(encoding="utf-8") == markdown(), \
        "regenerate: cs-workbook functions --markdown -o docs/functions.md"


def test_import_is_cheap_and_needs_no_server_extra():
    import subprocess

    code = ("import sys, cs_workbook.udfs as u; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('xlwings_server', 'fastapi', 'uvicorn', 'starlette') "
            "or m in ('xlwings.server', 'xlwings.pro.udfs_officejs')]; "
            "print(len(u.CATALOGUE), bad)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "44 []"
