"""The ``calc`` sub-command: ``cs-workbook calc WORKBOOK -o OUT.xlsx``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import CSError

__all__ = ["register", "cmd_calc"]


def cmd_calc(args) -> int:
    from ..calc import calculate

    src, out = Path(args.workbook), Path(args.output)
    if out.suffix.lower() != src.suffix.lower():
        # the package keeps its content types: an .xlsm stays macro-enabled, an .xlsx does not
        raise CSError(f"{out}: output must have the same extension as {src.name}")
    report = calculate(src, out)
    print(report.summary().splitlines()[0])
    for line in report.summary().splitlines()[1:]:
        print(f"cs-workbook: warning: {line}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    """Add ``calc`` to the CLI's sub-parsers."""
    p = subparsers.add_parser(
        "calc", help="evaluate a workbook's formulas (CS_* functions included) without Excel",
        description="Evaluate every formula of WORKBOOK — Excel built-ins and the CS_* "
                    "functions under CS_X, CS.X and _xldudf_CS_X — and write OUT, a copy whose "
                    "only difference is the cached values of formula cells. WORKBOOK is never "
                    "modified.")
    p.add_argument("workbook", type=Path, metavar="WORKBOOK")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.xlsx",
                   help="where to write the calculated copy (must differ from WORKBOOK)")
    p.set_defaults(func=cmd_calc)
