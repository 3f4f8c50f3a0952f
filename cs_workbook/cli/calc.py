"""The ``calc`` sub-command: ``cs-workbook calc WORKBOOK -o OUT.xlsx``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import CSError

__all__ = ["register", "cmd_calc"]


def cmd_calc(args) -> int:
    from ..calc import calculate
    from ..files import check_not_input, output_path
    from ..workbook.formats import check_xlsx_package

    src = Path(args.workbook)
    out = output_path(args.output, src.name)
    check_not_input(out, src)
    check_xlsx_package(src)  # an .xls, .xlsb or encrypted file: say what it is, first
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
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx",
                   help="where to write the calculated copy (must differ from WORKBOOK); a "
                        "folder (OUT/ or an existing one) gets a copy of the same name")
    p.set_defaults(func=cmd_calc)
