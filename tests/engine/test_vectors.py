"""Golden vectors: every methodology §8 example plus boundary cases derived from its rules.

Each row of ``tests/vectors/*.csv`` names a public rule of :mod:`cs_workbook.metrics`, its
positional ``args`` and keyword ``kwargs`` (JSON), ``config`` overrides (JSON, applied with
``Config.from_mapping`` and passed as ``config=``), the ``expected`` answer (JSON; ``null`` is
NA, dates are ISO strings, DataFrames are lists of rows), how to compare (``exact``,
``approx`` = ``pytest.approx(rel=1e-9)``, ``round:N`` = Excel-style rounding to N decimals,
``raises`` = the expected error class name) and the ``source`` of the value.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from paths import VECTORS

from cs_workbook import errors, metrics
from cs_workbook.config import Config
from cs_workbook.rounding import excel_round

VECTOR_DIR = VECTORS
COLUMNS = ["case_id", "function", "args", "kwargs", "config", "expected", "compare", "source"]


def _load():
    rows = []
    for path in sorted(VECTOR_DIR.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == COLUMNS, f"{path.name}: header {reader.fieldnames}"
            for row in reader:
                row["area"] = path.stem
                rows.append(row)
    return rows


VECTORS = _load()


def _plain(value):
    """A rule's answer as plain JSON-like Python, for comparison with the expected column."""
    if isinstance(value, pd.DataFrame):
        return [[_plain(v) for v in row] for row in value.itertuples(index=False)]
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _same(actual, expected, compare):
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (actual, expected)
        for a, e in zip(actual, expected):
            _same(a, e, compare)
        return
    if expected is None or isinstance(expected, (bool, str)):
        assert actual == expected and type(actual) is type(expected), (actual, expected)
        return
    assert isinstance(actual, (int, float)) and not isinstance(actual, bool), (actual, expected)
    if compare.startswith("round:"):
        assert excel_round(actual, int(compare.split(":")[1])) == pytest.approx(expected, abs=0)
    elif compare == "exact":
        assert actual == expected
    else:
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_vector_files_are_well_formed():
    ids = [r["case_id"] for r in VECTORS]
    assert len(ids) == len(set(ids)), "case ids must be unique across files"
    assert {r["area"] for r in VECTORS} == {"ttv", "licenses", "usecases", "health",
                                            "retention", "services", "measures"}
    for r in VECTORS:
        assert r["function"] in metrics.__all__, r["case_id"]
        assert r["source"].startswith(("methodology §", "derived from methodology §")), r["case_id"]
        assert r["compare"] in ("exact", "approx", "raises") or r["compare"].startswith("round:")


def test_every_domain_section_8_vector_is_present():
    wanted = ["T1", "T2", "T4", "T5", "L1", "L4", "L5", "L7", "L12", "U1", "U3", "U5", "U10",
              "P2", "V1", "V4", "V5", "V6", "V7", "R1", "R2", "R3", "R4", "S1", "S2"]
    ids = [r["case_id"] for r in VECTORS]
    for w in wanted:
        assert any(i == w or i.startswith(w + "-") for i in ids), f"§8 vector {w} missing"


@pytest.mark.parametrize("row", VECTORS, ids=[r["case_id"] for r in VECTORS])
def test_vector(row):
    func = getattr(metrics, row["function"])
    args = json.loads(row["args"])
    kwargs = json.loads(row["kwargs"])
    overrides = json.loads(row["config"])
    if overrides:
        kwargs["config"] = Config.from_mapping(overrides)
    expected = json.loads(row["expected"])
    if row["compare"] == "raises":
        with pytest.raises(getattr(errors, expected)):
            func(*args, **kwargs)
        return
    _same(_plain(func(*args, **kwargs)), expected, row["compare"])
