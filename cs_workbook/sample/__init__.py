"""The built-in sample portfolio: a seeded, realistic CS workbook's data for demos and tests.

Holds the generator (:func:`sample_portfolio`), its account plans, monthly series and fixed
vocabularies. Pure: it builds :class:`~cs_workbook.data.CSData` frames from the engine and
numpy/pandas only; writing them as a workbook is :mod:`cs_workbook.workbook`'s job.
"""

from .portfolio import PRICE_PER_SEAT, REVENUE_MONTHS, STAGES, USAGE_MONTHS, sample_portfolio

__all__ = ["sample_portfolio", "STAGES", "PRICE_PER_SEAT", "USAGE_MONTHS", "REVENUE_MONTHS"]
