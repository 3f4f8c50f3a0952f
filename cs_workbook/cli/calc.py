"""The ``calc`` sub-command: ``cs-workbook calc WORKBOOK -o OUT.xlsx [--check]``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import CSError

__all__ = ["register", "cmd_calc"]


def cmd_calc(args) -> int:
    from ..calc import calculate
    from ..files import output_path
    from ..workbook.formats import check_xlsx_package

    if args.output is None and not args.check:
        args.parser.error("the following arguments are required: -o/--output (or --check)")
    src = Path(args.workbook)
    out = None if args.output is None else output_path(args.output, src.name)
    check_xlsx_package(src)  # an .xls, .xlsb or encrypted file: say what it is, first
    if out is not None and out.suffix.lower() != src.suffix.lower():
        # the package keeps its content types: an .xlsm stays macro-enabled, an .xlsx does not
        raise CSError(f"{out}: output must have the same extension as {src.name}")
    report = calculate(src, out)
    lines = report.summary().splitlines()
    print(lines[0])
    for line in lines[1:]:
        print(f"cs-workbook: warning: {line}", file=sys.stderr)
    if args.check:
        print(report.check())
        return 1 if report.differences else 0
    return 0


def register(subparsers) -> None:
    """Add ``calc`` to the CLI's sub-parsers."""
    p = subparsers.add_parser(
        "calc", help="evaluate a workbook's formulas (CS_* functions included) without Excel",
        description="Evaluate every formula of WORKBOOK — Excel built-ins and the CS_* "
                    "functions under CS_X, CS.X and _xldudf_CS_X — and write OUT, a copy whose "
                    "only difference is the cached values of formula cells. WORKBOOK is never "
                    "modified. A cell the engine cannot evaluate (a function that is neither "
                    "Excel's nor ours, a formula it cannot parse) keeps the value Excel cached, "
                    "and so do the cells depending on it.")
    p.add_argument("workbook", type=Path, metavar="WORKBOOK")
    p.add_argument("-o", "--output", metavar="OUT.xlsx",
                   help="where to write the calculated copy (must differ from WORKBOOK); a "
                        "folder (OUT/ or an existing one) gets a copy of the same name")
    p.add_argument("--check", action="store_true",
                   help="compare the calculated values with the ones cached in WORKBOOK and "
                        "list the differences (exit code 1 when there are any); -o optional")
    p.set_defaults(func=cmd_calc, parser=p)
