"""``import``: CRM, CS-platform and warehouse exports → a CS workbook (xlsx or a folder of CSV).

``cs-workbook import SOURCE… --mapping MAP.toml -o OUT`` or ``--from gitlab-dbt|salesforce|
gainsight|hubspot`` for a shipped mapping (docs/import.md). OUT ending in ``.xlsx`` is a
workbook; anything else (``out/``, an existing folder, a name without a suffix) is a folder of
``<Sheet>.csv`` tables that ``score`` and ``ebr`` read as they read the workbook.
"""

from __future__ import annotations

import os
import sys

from ..errors import CSError
from .args import iso_date

__all__ = ["cmd_import", "register"]


def cmd_import(args) -> int:
    from ..files import check_not_input, same_file
    from ..importers import apply_mapping, load_mapping, shipped_mapping
    from ..importers.output import write_output
    from ..importers.sources import read_sources, source_files

    if (args.mapping is None) == (args.source_kind is None):
        raise CSError("import: give exactly one of --mapping MAP.toml or --from "
                      "gitlab-dbt|salesforce|gainsight|hubspot")
    if args.print_mapping:
        if args.source_kind is None:
            raise CSError("import: --print-mapping shows a shipped mapping: use it with --from")
        from ..importers.mapping import shipped_mapping_text

        sys.stdout.write(shipped_mapping_text(args.source_kind))
        return 0
    if not args.sources or args.output is None:
        raise CSError("import: give the SOURCE files and -o OUT.xlsx or -o OUT/")
    out = os.fspath(args.output)
    folder = not out.lower().endswith(".xlsx")
    if folder and os.path.isfile(out):
        raise CSError(f"{out}: is a file; -o takes an .xlsx file or a folder")
    mapping = load_mapping(args.mapping) if args.mapping else shipped_mapping(args.source_kind)
    files = source_files(args.sources)
    for f in files:
        check_not_input(out, f)
        if folder and (os.path.abspath(f.parent) == os.path.abspath(out)
                       or same_file(f.parent, out)):  # also through a linked folder
            raise CSError(f"{out}: the output folder holds the source {f.name}; "
                          "write to another folder (inputs are never changed)")
    tables = read_sources(mapping, files)
    data = apply_mapping(mapping, tables)
    path = write_output(data, out, folder=folder, as_of=args.as_of)
    counts = ", ".join(f"{len(df)} {name}" for name, df in data.sheets().items() if len(df))
    print(f"imported {counts} with mapping {mapping.file}: {path}")
    return 0


def register(subparsers) -> None:
    """Add ``import`` to the ``cs-workbook`` sub-command parser."""
    from ..importers.mapping import SHIPPED

    p = subparsers.add_parser(
        "import", help="turn CRM / CS-platform / dbt exports into a CS workbook",
        description="Import CSV, Parquet or xlsx exports into a CS workbook (OUT.xlsx) or a "
                    "folder of CSV tables (OUT/), as a TOML mapping says: source file per "
                    "sheet, column renames, value maps, date formats, currency units, month "
                    "bucketing. See docs/import.md.")
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="export files (.csv, .parquet, .xlsx) or folders of them")
    p.add_argument("--mapping", metavar="MAP.toml", help="the mapping file")
    p.add_argument("--from", dest="source_kind", choices=sorted(SHIPPED),
                   help="use a shipped mapping instead of --mapping")
    p.add_argument("--print-mapping", action="store_true",
                   help="print the --from mapping's TOML (a start for your own) and exit")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="OUT.xlsx for a workbook, else a folder of CSV tables")
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                   help="the xlsx Scorecard's As of date (default today)")
    p.set_defaults(func=cmd_import)
