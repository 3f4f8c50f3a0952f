"""The SOW calculator's test oracle: read a calculator workbook's inputs and compute, with the
engine, what its totals must be (used by tests/workbook/test_sow.py and the LibreOffice
cross-check)."""

from __future__ import annotations

import dataclasses

from openpyxl import load_workbook

from cs_workbook.config import DEFAULT
from cs_workbook.errors import MissingData
from cs_workbook.metrics import below_target, ps_rate, sow_cost, sow_margin, sow_markup, sow_price

__all__ = ["read_sow", "sow_results"]


def read_sow(path) -> dict:
    """The inputs of a SOW calculator workbook: rate card rows and the estimate.

    Returns ``{"rates": [[header…], [row…]…], "sow_date", "lines": [(role, hours)…],
    "contingency_pct", "travel_cost", "travel_billed", "discount_pct", "margin_target"}``
    read from the cells (formulas are not evaluated: Standard Rate is recomputed by the
    engine from OTE, benefits and hours).
    """
    wb = load_workbook(path)
    rates = wb["Rates"]
    ref = rates.tables["Rates"].ref
    rows = [[c.value for c in row] for row in rates[ref]]
    col = rows[0].index("Standard Rate")
    rows = [rows[0]] + [r[:col] + [None] + r[col + 1:] for r in rows[1:]]
    est = wb["Estimate"]
    lines_ref = est.tables["Lines"].ref
    lines = [(r[0].value, r[1].value) for r in est[lines_ref]][1:]
    value = {name: est[f"B{i}"].value for i, name in enumerate(
        ("customer", "sow_date", "currency", "margin_target", "contingency_pct", "travel_cost",
         "travel_billed", "discount_pct"), 3)}
    return {"rates": rows, "lines": [(r, h) for r, h in lines if r not in (None, "")], **value}


def sow_results(inputs: dict) -> dict:
    """The engine's answers for :func:`read_sow` inputs, keyed like the Estimate's totals.

    Line values are lists in line order; a missing rate makes that line's rates and every
    total ``"#N/A"``, as in the workbook.
    """
    lines = inputs["lines"]
    cost_rates, bill_rates = [], []
    for role, _ in lines:
        try:
            cost_rates.append(ps_rate(role, inputs["sow_date"], inputs["rates"]))
            bill_rates.append(ps_rate(role, inputs["sow_date"], inputs["rates"], "Bill Rate"))
        except MissingData:
            cost_rates.append("#N/A")
            bill_rates.append("#N/A")
    out = {"cost_rates": cost_rates, "bill_rates": bill_rates}
    if "#N/A" in cost_rates:
        return {**out, **dict.fromkeys(("Labour_Cost", "Total_Cost", "Fees", "Price", "Margin",
                                        "Markup", "Below_Target"), "#N/A")}
    hours = [h or 0 for _, h in lines] or [0]
    cost_rates_n = cost_rates or [0.0]
    bill_rates_n = bill_rates or [0.0]
    cost = sow_cost(hours, cost_rates_n, inputs["contingency_pct"] or 0, inputs["travel_cost"])
    price = sow_price(hours, bill_rates_n, inputs["discount_pct"] or 0, inputs["travel_billed"])
    margin = sow_margin(price, cost)
    target = inputs.get("margin_target")
    cfg = DEFAULT if target is None else dataclasses.replace(DEFAULT, sow_margin_target=target)
    markup = sow_markup(price, cost)
    return {**out,
            "Labour_Cost": sow_cost(hours, cost_rates_n, 0, 0), "Total_Cost": cost,
            "Fees": sow_price(hours, bill_rates_n, 0, 0), "Price": price,
            "Margin": "#N/A" if margin is None else margin,
            "Markup": "#N/A" if markup is None else markup,
            "Below_Target": "#N/A" if margin is None else
            ("Yes" if below_target(margin, config=cfg) else "No")}
