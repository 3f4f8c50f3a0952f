"""Excel's sheet size limits, checked before an ``.xlsx`` is written (not after minutes of work).

An Excel sheet holds at most 1,048,576 rows and 16,384 columns ("Excel specifications and
limits", Microsoft Support); LibreOffice Calc has the same limits since 7.4. Beyond them Excel
refuses the file or drops rows silently, so writing one is an error that says what to use.
"""

from __future__ import annotations

from ..errors import WorkbookError

__all__ = ["MAX_ROWS", "MAX_COLS", "check_fits"]

MAX_ROWS = 1_048_576
MAX_COLS = 16_384


def check_fits(n_rows: int, n_cols: int, *, file, sheet: str,
               instead: str = "write .parquet or .csv instead") -> None:
    """Raise a one-line :class:`WorkbookError` when ``n_rows`` × ``n_cols`` (header included)
    does not fit in one Excel sheet.

    >>> check_fits(1_048_576, 16_384, file="s.xlsx", sheet="Scores")
    >>> check_fits(2_400_001, 14, file="s.xlsx", sheet="Usage")
    Traceback (most recent call last):
    cs_workbook.errors.WorkbookError: s.xlsx: sheet 'Usage': 2,400,001 rows do not fit in an .xlsx sheet (Excel's limit is 1,048,576 rows): write .parquet or .csv instead
    """
    if n_rows > MAX_ROWS:
        raise WorkbookError(f"{n_rows:,} rows do not fit in an .xlsx sheet (Excel's limit is "
                            f"{MAX_ROWS:,} rows): {instead}", file=str(file), sheet=sheet)
    if n_cols > MAX_COLS:
        raise WorkbookError(f"{n_cols:,} columns do not fit in an .xlsx sheet (Excel's limit is "
                            f"{MAX_COLS:,} columns): {instead}", file=str(file), sheet=sheet)
