"""Every function with classic-shaped and Office.js-shaped inputs gives the same answers; a
range call equals the single-cell calls row by row; bad rows are #VALUE! while the others
compute; NA is #N/A; a column stays a column and a row a row.

Inputs are written once in a logical form and rendered the way each delivery path sends them
(docs/excel-setup.md): classic — scalars, ``datetime`` dates, ``None`` blanks, error text (xlwings'
``err_to_str``); Office.js — 1×1 matrices (unwrapped by xlwings), serial dates, ``""``/``None``
blanks and ``0`` for an empty date cell, ``{"type": "Error", …}`` error cells.
"""

from __future__ import annotations

import datetime as dt

import pytest
from cs_workbook.udfs import CATALOGUE, UserError, server

from cs_workbook import udfs


class E:
    """An error cell."""

    def __init__(self, code):
        self.code = code


NA_CELL = E("#N/A")
BLANK_DATE = object()  # an empty cell in a date argument (Office.js desktop may send 0)
D = dt.date
_TYPES = {"#N/A": "NotAvailable", "#VALUE!": "Value", "#DIV/0!": "Div0", "#REF!": "Ref"}


def classic(v):
    if isinstance(v, E):
        return v.code
    if v is BLANK_DATE:
        return None
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return v


def officejs(v, i=0):
    if isinstance(v, E):
        return {"type": "Error", "basicValue": v.code, "errorType": _TYPES[v.code]}
    if v is BLANK_DATE:
        return (0, None, "")[i % 3]
    if v is None:
        return ("", None)[i % 2]
    if isinstance(v, dt.date):
        return float((v - dt.date(1899, 12, 30)).days)
    return v


OFFICEJS = server.officejs_module()

# One row per case: the arguments of a single call. Ranges are built from these rows.
ROWS = {
    "CS_DAYS": [(D(2020, 1, 1), D(2020, 1, 12)), (D(2020, 1, 12), D(2020, 1, 1)),
                (BLANK_DATE, D(2020, 1, 1)), ("soon", D(2020, 1, 1)), (NA_CELL, D(2020, 1, 1)),
                ("2020-01-01", "2020-02-01"), ("23/11/2026", D(2026, 12, 1))],
    "CS_TIME_TO_ENGAGE": [(D(2020, 1, 1), D(2020, 1, 12)), (D(2020, 1, 10), D(2020, 1, 1)),
                          (D(2020, 1, 10), BLANK_DATE), (D(2020, 1, 10), True)],
    "CS_TIME_TO_FIRST_VALUE": [(D(2021, 3, 1), D(2021, 3, 20)), (D(2021, 3, 20), D(2021, 3, 1)),
                               (BLANK_DATE, BLANK_DATE)],
    "CS_TIME_TO_ONBOARD": [(D(2020, 8, 15), D(2020, 9, 18)), (D(2020, 8, 15), "x")],
    "CS_TTV_GOAL": [("engage",), ("First Value",), ("onboard",), ("nope",), (None,), (NA_CELL,)],
    "CS_TTV_STATUS": [("onboard", D(2020, 8, 15), D(2020, 9, 18), D(2021, 1, 1)),
                      ("engage", D(2020, 1, 1), D(2020, 1, 20), D(2021, 1, 1)),
                      ("engage", D(2020, 1, 1), BLANK_DATE, D(2020, 1, 10)),
                      ("engage", D(2020, 1, 1), BLANK_DATE, D(2020, 1, 20)),
                      ("bogus", D(2020, 1, 1), BLANK_DATE, D(2020, 1, 20)),
                      ("onboard", BLANK_DATE, BLANK_DATE, D(2020, 1, 20))],
    "CS_LICENSE_UTILIZATION": [(80, 100), (120, 100), (5, 0), (5, None), ("80", "100"),
                               ("abc", 100), (-1, 100), (NA_CELL, 100), ("12%", 1)],
    "CS_MONTHS_BETWEEN": [(D(2024, 1, 31), D(2024, 2, 1)), (D(2024, 3, 15), D(2025, 3, 1)),
                          (BLANK_DATE, D(2024, 1, 1))],
    "CS_LICENSE_HEALTH": [(0.3, 4), (0.75, 12), (0.76, 12), (0.9, 2), (None, 12), ("x", 4)],
    "CS_ADOPTION_COMPLETE": [(0.8, "Green"), (0.79, "Green"), (0.95, "y"), (None, "Green"),
                             (0.9, "Purple")],
    "CS_USER_ENGAGEMENT_HEALTH": [(79, 100), (80, 100), (49, 100), (None, 100), (1, "x")],
    "CS_SCM_HEALTH": [(30, 100), (10, 100), (34, 100), (5, 0)],
    "CS_CI_HEALTH": [(4100, 100), (4000, 100), (200, 100), (None, None)],
    "CS_CD_HEALTH": [(8, 800, 90, 10, 100), (8, 500, 50, 50, 100), (None,) * 5,
                     (8, 800, 90, -10, 100)],
    "CS_CD_SCORE": [(8, 800, 90, 10, 100), (8, 500, 50, 50, 100), (None,) * 5,
                    (8, 800, 90, -10, 100), (8, 800, 0, 0, 0), (NA_CELL, 800, 90, 10, 100)],
    "CS_SECURITY_HEALTH": [(25, 100, 60, 100, 3, "Ultimate"), (10, 100, 20, 100, 2, "Ultimate"),
                           (10, 100, 20, 100, 2, "Premium"), (10, 100, 20, 0, 2, "ultimate")],
    "CS_SECURITY_SCORE": [(25, 100, 60, 100, 3, "Ultimate"), (10, 100, 20, 100, 2, "Ultimate"),
                          (10, 100, 20, 100, 2, "Premium"), (10, 100, 20, 0, 2, "ultimate"),
                          (None,) * 5 + ("Ultimate",), ("x", 100, 20, 100, 2, "Ultimate")],
    "CS_PLATFORM_ADOPTION": [("Green", "Green", "Yellow", None), (None, None, None, None),
                             ("g", "G", "green", 90), ("Blue", "G", "G", "G"),
                             ("Green", NA_CELL, "Green", NA_CELL), (NA_CELL,) * 4],
    "CS_PRODUCT_SCORE": [("R", "Y", "G", "G", "G", "Y"), (None,) * 6, (70, 80, None, None, None,
                                                                       None), (101, 1, 1, 1, 1, 1),
                         (70, NA_CELL, 80, NA_CELL, NA_CELL, NA_CELL), (NA_CELL,) * 6],
    "CS_LIFECYCLE_STAGE": [(BLANK_DATE, BLANK_DATE, False), (D(2024, 2, 1), BLANK_DATE, False),
                           (D(2024, 2, 1), D(2024, 3, 1), False),
                           (D(2024, 2, 1), D(2024, 3, 1), True), (True, "yes", "TRUE")],
    "CS_COLOUR": [(50,), (50.01,), (75,), (75.01,), (None,), (101,), ("abc",), (NA_CELL,)],
    "CS_POINTS": [("Green",), ("y",), ("RED",), (None,), ("blue",), (62.5,)],
    "CS_HEALTH_SCORE": [(70, "Green", "Yellow", "Green", 75, None),
                        (None, None, None, None, None, None), (95, "Red", "G", "G", 90, None),
                        (70, "Green", "Yellow", "Green", "bad", None),
                        (70, NA_CELL, "Yellow", "Green", NA_CELL, None), (NA_CELL,) * 5 + (None,)],
    "CS_HEALTH_COLOUR": [(70, "Green", "Yellow", "Green", 75, None),
                         (95, "Red", "Green", "Green", 90, None), (None,) * 6,
                         (95, "Bad", "Green", "Green", 90, None),
                         (95, NA_CELL, "Green", NA_CELL, 90, None)],
    "CS_MEETING_CADENCE_HEALTH": [(35, 1), (36, 1), (61, 1), (65, 2), (91, 2), (10, 3),
                                  (None, 1), (-1, 1)],
    "CS_SUPPORT_HEALTH": [(5,), (6,), (15,), (16,), (0,), (None,), ("many",)],
    "CS_SUCCESS_PLAN_HEALTH": [("Active", 2, True), ("Active", 2, False), ("Draft", 0, False),
                               ("Active", 0, True), (None, None, None), ("Dormant", 1, True),
                               ("active", "2", "yes")],
    "CS_PERSONA_HEALTH": [(True, True), (True, False), (False, False), (None, None),
                          ("TRUE", "no"), ("maybe", True)],
    "CS_SENTIMENT_STATUS": [("G", D(2024, 1, 1), D(2024, 3, 31)),
                            ("Yellow", D(2024, 1, 1), D(2024, 4, 1)),
                            ("Red", D(2024, 1, 1), D(2024, 5, 1)),
                            ("Red", BLANK_DATE, D(2024, 5, 1)), ("Mauve", D(2024, 1, 1),
                                                                 D(2024, 2, 1))],
    "CS_TREND": [(60, 70), ("Green", "Yellow"), (70, 70), (None, 70), ("x", 70)],
    "CS_DROP_ALERT": [("Green", "Yellow"), ("Yellow", "Red"), ("Red", "Green"),
                      ("Yellow", "Yellow"), ("Green", None), ("Green", "Pink")],
    "CS_PS_STANDARD_RATE": [(180000, 36000, None), (180000, 36000, 1800), (1, 1, 0),
                            (None, 100, None), ("lots", 1, None)],
    "CS_SOW_MARGIN": [(30000, 13787.23), (0, 100), (None, 100), (100, "cheap")],
    "CS_CONFIG_VALUE": [("usage_na_days",), ("Weight Product",), ("risk_na_segments",),
                        ("colour_points",), ("sentiment_override",), ("instance_ttv_since",),
                        ("nope",), (None,), (NA_CELL,)],
    "CS_IN_CONFIG_LIST": [("Tech Touch", "risk_na_segments"), (" scale ", "outcomes_na_segments"),
                          ("Strategic", "risk_na_segments"), (None, "risk_na_segments"),
                          ("SaaS", "user_engagement_na_deployments"), ("x", "red_max"),
                          ("x", "nope"), (NA_CELL, "risk_na_segments")],
}

# Expected single-call answers for a few rows (methodology §8 vectors), by (function, row).
GOLDEN = {
    ("CS_DAYS", 0): 11, ("CS_TIME_TO_ENGAGE", 1): 0, ("CS_TIME_TO_FIRST_VALUE", 0): 19,
    ("CS_TIME_TO_ONBOARD", 0): 34, ("CS_TTV_GOAL", 2): 45, ("CS_TTV_STATUS", 2): "Open",
    ("CS_TTV_STATUS", 3): "Overdue", ("CS_LICENSE_UTILIZATION", 0): 0.8,
    ("CS_LICENSE_UTILIZATION", 2): "#N/A", ("CS_LICENSE_HEALTH", 1): "Red",
    ("CS_LICENSE_HEALTH", 3): "#N/A", ("CS_ADOPTION_COMPLETE", 0): True,
    ("CS_ADOPTION_COMPLETE", 1): False, ("CS_SCM_HEALTH", 0): "Yellow",
    ("CS_CI_HEALTH", 0): "Green", ("CS_SECURITY_HEALTH", 2): "#N/A",
    ("CS_CD_SCORE", 0): 475 / 6, ("CS_CD_SCORE", 2): "#N/A", ("CS_CD_SCORE", 5): "#N/A",
    ("CS_SECURITY_SCORE", 0): 87.5, ("CS_SECURITY_SCORE", 2): "#N/A",
    ("CS_SECURITY_SCORE", 5): "#VALUE!",
    ("CS_PLATFORM_ADOPTION", 0): 2, ("CS_PLATFORM_ADOPTION", 1): "#N/A",
    ("CS_PLATFORM_ADOPTION", 4): 2, ("CS_PLATFORM_ADOPTION", 5): "#N/A",
    ("CS_PRODUCT_SCORE", 0): 62.5, ("CS_PRODUCT_SCORE", 4): (30 * 70 + 15 * 80) / 45,
    ("CS_PRODUCT_SCORE", 5): "#N/A", ("CS_HEALTH_SCORE", 4): (50 * 70 + 10 * 62.5 + 5 * 87.5) / 65,
    ("CS_HEALTH_SCORE", 5): "#N/A", ("CS_HEALTH_COLOUR", 4): "Green",
    ("CS_LIFECYCLE_STAGE", 3): "Optimize & Grow",
    ("CS_COLOUR", 1): "Yellow", ("CS_POINTS", 1): 62.5, ("CS_HEALTH_SCORE", 0): 75.0,
    ("CS_HEALTH_COLOUR", 1): "Red", ("CS_MEETING_CADENCE_HEALTH", 5): "#N/A",
    ("CS_SUPPORT_HEALTH", 4): "Yellow", ("CS_SENTIMENT_STATUS", 1): "Stale",
    ("CS_SENTIMENT_STATUS", 2): "#N/A", ("CS_TREND", 1): "Down", ("CS_DROP_ALERT", 4): False,
    ("CS_PS_STANDARD_RATE", 2): "#DIV/0!", ("CS_SOW_MARGIN", 1): "#N/A",
    ("CS_DAYS", 4): "#N/A", ("CS_DAYS", 6): 8,
    ("CS_CONFIG_VALUE", 0): 60, ("CS_CONFIG_VALUE", 1): 50.0,
    ("CS_CONFIG_VALUE", 2): "Tech Touch", ("CS_CONFIG_VALUE", 5): D(2022, 2, 1),
    ("CS_CONFIG_VALUE", 6): "#VALUE!", ("CS_IN_CONFIG_LIST", 0): True,
    ("CS_IN_CONFIG_LIST", 1): True, ("CS_IN_CONFIG_LIST", 2): False,
    ("CS_IN_CONFIG_LIST", 3): False, ("CS_IN_CONFIG_LIST", 5): "#VALUE!",
}


def _single(fn, args):
    """A single-cell call; bad input (UserError) shows as #VALUE! in the cell."""
    try:
        return fn(*args)
    except UserError:
        return "#VALUE!"


def _classic_single(name, row):
    return _single(CATALOGUE[name], [classic(v) for v in row])


def _officejs_single(name, row, i=0):
    # xlwings unwraps a 1×1 matrix to its value; an omitted optional argument arrives as None.
    return _single(getattr(OFFICEJS, name), [officejs(v, i) for v in row])


def _approx(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_approx(x, y) for x, y in zip(a, b))
    return a == b and type(a) is type(b)


def test_every_function_is_covered():
    aggregates = {"CS_FIRST_VALUE_DATE", "CS_WEIGHTED_SCORE", "CS_HEALTH_DRIVERS", "CS_GRR",
                  "CS_NRR", "CS_REASON_SHARES", "CS_PS_RATE", "CS_SOW_COST", "CS_SOW_PRICE"}
    assert set(ROWS) | aggregates == set(CATALOGUE)


@pytest.mark.parametrize("name", list(ROWS))
def test_both_paths_give_the_same_single_answers(name):
    for i, row in enumerate(ROWS[name]):
        a = _classic_single(name, row)
        for variant in range(3):
            b = _officejs_single(name, row, variant)
            assert _approx(a, b), (name, i, a, b)
        if (name, i) in GOLDEN:
            assert _approx(a, GOLDEN[name, i]) or a == pytest.approx(GOLDEN[name, i]), \
                (name, i, a)


@pytest.mark.parametrize("name", list(ROWS))
def test_range_equals_single_calls(name):
    rows = ROWS[name]
    singles = [_classic_single(name, row) for row in rows]
    arity = len(rows[0])
    # Optional trailing arguments left out by a row stay single values (None).
    columns = [[row[k] for row in rows] for k in range(arity)]
    classic_args = [[[classic(v)] for v in col] if any(v is not None for v in col) else None
                    for col in columns]
    officejs_args = [[[officejs(v, i)] for i, v in enumerate(col)]
                     if any(v is not None for v in col) else None for col in columns]
    a = CATALOGUE[name](*classic_args)
    b = getattr(OFFICEJS, name)(*officejs_args)
    assert _approx(a, [[s] for s in singles]), (name, a, singles)
    assert _approx(b, a), (name, b, a)


@pytest.mark.parametrize("name", list(ROWS))
def test_a_row_stays_a_row(name):
    rows = ROWS[name]
    columns = [[row[k] for row in rows] for k in range(len(rows[0]))]
    args = [[[classic(v) for v in col]] if any(v is not None for v in col) else None
            for col in columns]
    out = CATALOGUE[name](*args)
    assert len(out) == 1 and len(out[0]) == len(rows)
    assert _approx(out[0], [_classic_single(name, row) for row in rows])


def test_python_lists_give_lists():
    assert udfs.CS_LICENSE_UTILIZATION([80, 5, "x"], [100, 0, 1]) == [0.8, "#N/A", "#VALUE!"]


def test_single_values_broadcast_over_a_range():
    assert udfs.CS_LICENSE_UTILIZATION([[80], [50]], 100) == [[0.8], [0.5]]
    assert udfs.CS_DAYS([[D(2020, 1, 1)], [D(2020, 1, 2)]], "2020-01-11") == [[10], [9]]


def test_bad_rows_are_value_errors_while_the_others_compute():
    out = udfs.CS_SUPPORT_HEALTH([[5], ["many"], [-3], [None], [16]])
    assert out == [["Green"], ["#VALUE!"], ["#VALUE!"], ["#N/A"], ["Red"]]


def test_engine_errors_found_by_bisection():
    # 101 passes coercion but the engine rejects it; only that row fails.
    rows = [[50.0]] * 500 + [[101.0]] + [[90.0]] * 499
    out = udfs.CS_COLOUR(rows)
    assert out[500] == ["#VALUE!"] and out[0] == ["Red"] and out[999] == ["Green"]


def test_single_bad_input_raises_a_short_xlwings_error():
    import xlwings

    with pytest.raises(xlwings.XlwingsError, match=r"billable_users: 'abc' is not a number"):
        udfs.CS_LICENSE_UTILIZATION("abc", 100)


def test_error_cells_propagate():
    assert udfs.CS_LICENSE_UTILIZATION("#N/A", 100) == "#N/A"
    assert udfs.CS_LICENSE_UTILIZATION({"type": "Error", "basicValue": "#REF!"}, 100) == "#REF!"
    assert udfs.CS_GRR([[50], ["#N/A"]], [[100], [100]]) == "#N/A"


NA_OFFICEJS = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}


@pytest.mark.parametrize("na", ["#N/A", NA_OFFICEJS])
def test_aggregates_leave_na_measures_out(na):
    # A measure a CS_* function answered #N/A is NA: its weight goes to the others (methodology §1.3).
    assert udfs.CS_WEIGHTED_SCORE([["Green", na]], [[50, 50]]) == 87.5
    assert udfs.CS_WEIGHTED_SCORE([[na, na]], [[50, 50]]) == "#N/A"
    assert udfs.CS_PRODUCT_SCORE(na, "Y", "G", "G", na, "Y") == \
        udfs.CS_PRODUCT_SCORE("", "Y", "G", "G", "", "Y")
    assert udfs.CS_HEALTH_SCORE(70, na, "Yellow", "Green", na) == \
        udfs.CS_HEALTH_SCORE(70, None, "Yellow", "Green", None)
    assert udfs.CS_HEALTH_COLOUR(95, na, "Green", "Green", 90) == "Green"
    assert udfs.CS_HEALTH_DRIVERS(70, na, "Yellow", "Green", None) == \
        udfs.CS_HEALTH_DRIVERS(70, None, "Yellow", "Green", None)
    assert udfs.CS_PLATFORM_ADOPTION("Green", na, "Green", na) == 2
    assert udfs.CS_PLATFORM_ADOPTION(na, na, na, na) == "#N/A"
    # a column: each row on its own
    assert udfs.CS_PRODUCT_SCORE([[na], ["G"]], na, na, na, na, na) == [["#N/A"], [87.5]]


def test_aggregates_still_pass_other_errors_on():
    assert udfs.CS_PRODUCT_SCORE("#REF!", "Y", "G", "G", "G", "Y") == "#REF!"
    assert udfs.CS_HEALTH_SCORE(70, {"type": "Error", "basicValue": "#DIV/0!"}, "Y", "G",
                                75) == "#DIV/0!"
    assert udfs.CS_WEIGHTED_SCORE([["Green", "#VALUE!"]], [[1, 1]]) == "#VALUE!"
    assert udfs.CS_WEIGHTED_SCORE([["Green", "Red"]], [[1, "#N/A"]]) == "#N/A"
    # functions of one measure propagate #N/A as Excel does
    assert udfs.CS_COLOUR("#N/A") == "#N/A" and udfs.CS_CD_SCORE("#N/A", 1, 1, 1, 1) == "#N/A"


def test_mismatched_ranges_are_a_user_error():
    with pytest.raises(UserError, match="does not match"):
        udfs.CS_LICENSE_UTILIZATION([[1], [2]], [[1], [2], [3]])
    with pytest.raises(UserError, match="does not match"):
        udfs.CS_LICENSE_UTILIZATION([[1, 2]], [[1], [2]])


# -- whole-range functions --------------------------------------------------------------------

MONTHS = [D(2024, m, 1) for m in range(1, 6)]


def test_first_value_date_both_paths():
    billable = [5, 15, 19, 20, 60]
    a = udfs.CS_FIRST_VALUE_DATE([[classic(d)] for d in MONTHS], [[b] for b in billable], 200)
    b = OFFICEJS.CS_FIRST_VALUE_DATE([[officejs(d)] for d in MONTHS], [[b] for b in billable],
                                     200, None)
    assert a == b == D(2024, 4, 1)
    assert udfs.CS_FIRST_VALUE_DATE(MONTHS, [1] * 5, 200) == "#N/A"
    assert udfs.CS_FIRST_VALUE_DATE(MONTHS, billable, 200, "2%") == D(2024, 1, 1)
    with pytest.raises(UserError):
        udfs.CS_FIRST_VALUE_DATE(MONTHS, ["x"] * 5, 200)


def test_weighted_score_and_retention():
    assert udfs.CS_WEIGHTED_SCORE([[47], [59], [21]], [[20], [15], [22]]) == \
        pytest.approx(40.1228, abs=1e-4)
    assert udfs.CS_WEIGHTED_SCORE([["Yellow", "Green", "Yellow"]], [[1, 1, 1]]) == \
        pytest.approx(70.8333, abs=1e-4)
    assert udfs.CS_WEIGHTED_SCORE([[None], [""]], [[1], [1]]) == "#N/A"
    assert udfs.CS_GRR([[50], [125]], [[100], [100]]) == pytest.approx(150 / 175)
    assert OFFICEJS.CS_NRR([[50], [125]], [[100], [100]]) == pytest.approx(200 / 175)
    assert udfs.CS_NRR([[50], [125]], [[100], [""]]) == pytest.approx(100 / 175)
    assert udfs.CS_GRR([[0]], [[5]]) == "#N/A"


def test_drivers_table():
    out = udfs.CS_HEALTH_DRIVERS(70, "Green", "Yellow", "Green", None)
    assert out[0] == ["Component", "Input", "Points", "Effective weight", "Contribution"]
    assert out[1][:3] == ["Product", 70.0, 70.0]
    assert out[5][1:] == ["", "#N/A", 0.0, "#N/A"]
    assert sum(r[4] for r in out[1:5]) == pytest.approx(75.0)
    assert OFFICEJS.CS_HEALTH_DRIVERS(70, "Green", "Yellow", "Green", "", None) == out
    with pytest.raises(UserError, match="one account"):
        udfs.CS_HEALTH_DRIVERS([[70], [60]], "Green", "Yellow", "Green", None)


def test_reason_shares_table():
    out = udfs.CS_REASON_SHARES([["Cancellation"], ["Downgrade"], ["Seat Expansion"], ["Trueup"]],
                                [[-300], [-100], [500], [50]])
    assert out == [["Category", "Reason", "MRR change", "Share"],
                   ["Churn", "Cancellation", -300.0, 0.75], ["Churn", "Downgrade", -100.0, 0.25],
                   ["Expansion", "Seat Expansion", 500.0, 1.0]]


RATES = [["Quarter", "Effective From", "Role", "Standard Rate"],
         ["FY26-Q1", D(2025, 2, 1), "Engineer", 110.0],
         ["FY26-Q2", D(2025, 5, 1), "Engineer", 115.0]]


def test_ps_rate_both_paths():
    classic_table = [[classic(v) for v in r] for r in RATES]
    officejs_table = [[officejs(v) for v in r] for r in RATES]
    when = [D(2025, 4, 30), D(2025, 5, 1), D(2025, 1, 1)]
    a = udfs.CS_PS_RATE([["Engineer"], ["engineer"], ["Engineer"]],
                        [[classic(d)] for d in when], classic_table)
    b = OFFICEJS.CS_PS_RATE([["Engineer"], ["engineer"], ["Engineer"]],
                            [[officejs(d)] for d in when], officejs_table)
    assert a == b == [[110.0], [115.0], ["#N/A"]]
    assert udfs.CS_PS_RATE("Engineer", "2025-05-02", classic_table) == 115.0


def test_sow_totals_both_paths():
    assert udfs.CS_SOW_COST([[10], [20]], [[100], [50]], 0.1, 500) == pytest.approx(2700)
    assert OFFICEJS.CS_SOW_COST([[10], [20], [""]], [[100], [50], [""]], "10%", 500) == \
        pytest.approx(2700)
    assert udfs.CS_SOW_PRICE([[10], [20]], [[200], [150]], 0.1, 300) == pytest.approx(4800)
    assert OFFICEJS.CS_SOW_PRICE([[10], [20]], [[200], [150]], None, None) == pytest.approx(5000)
    with pytest.raises(UserError):
        udfs.CS_SOW_COST([[10]], [[None]], None, None)


def test_coercion_doctests():
    import doctest

    from cs_workbook.udfs import coerce

    assert doctest.testmod(coerce).failed == 0
