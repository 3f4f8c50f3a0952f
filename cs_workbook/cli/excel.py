"""``functions`` (the CS_* catalogue) and ``serve`` (the Office.js custom-functions server).

Nothing of the Excel face is imported until a command runs; ``serve`` needs the ``server``
extra only when it runs.
"""

from __future__ import annotations

import os
import sys

from ..errors import CSError

__all__ = ["register", "cmd_functions", "cmd_serve"]


def cmd_functions(args) -> int:
    from ..udfs.catalogue import markdown, text_table

    text = markdown() if args.markdown else text_table()
    if args.output:
        from ..files import is_folder_arg, output_path, write_bytes_atomic

        path = output_path(args.output, "functions.md" if args.markdown else "functions.txt")
        if not is_folder_arg(args.output) and not path.parent.is_dir():
            raise CSError(f"{path}: folder {path.parent} does not exist")
        if path.suffix.lower() not in (".md", ".markdown", ".txt"):  # never over a workbook
            raise CSError(f"{path}: the catalogue is text: end -o with .md or .txt, or with / "
                          "to write into a folder")
        write_bytes_atomic(path, text.encode("utf-8"))
        print(f"wrote {path}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_serve(args) -> int:
    from ..udfs.server import ServerUnavailable, serve

    try:
        serve(args.host, args.port, args.token, args.ssl_certfile, args.ssl_keyfile,
              max_request_mb=args.max_request_mb, access_log=args.access_log)
    except ServerUnavailable as exc:
        raise CSError(str(exc)) from None
    return 0


def register(subparsers) -> None:
    """Add ``functions`` and ``serve`` to the ``cs-workbook`` sub-command parser."""
    f = subparsers.add_parser("functions", help="list the Excel functions (CS_*)")
    f.add_argument("--markdown", action="store_true",
                   help="write the Markdown reference (docs/functions.md)")
    f.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE instead of printing (into a folder: functions.md, or "
                        "functions.txt without --markdown)")
    f.set_defaults(func=cmd_functions)

    s = subparsers.add_parser(
        "serve", help="serve the functions to Excel on Mac/web as =CS.…() (extra 'server')",
        description="Serve the CS_* functions to Excel (Windows, Mac, web) as Office.js custom "
                    "functions =CS.X(…), through xlwings Server (extra 'server'). Needs "
                    "XLWINGS_LICENSE_KEY in the environment: an xlwings PRO licence key for "
                    "commercial use, or 'noncommercial' for noncommercial use. The free "
                    "alternative is xlwings Lite (docs/excel-setup.md).")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--token", default=os.environ.get("CS_WORKBOOK_TOKEN"),
                   help="shared secret required from Excel; mandatory unless bound to "
                        "127.0.0.1 (default: $CS_WORKBOOK_TOKEN)")
    s.add_argument("--ssl-certfile", help="TLS certificate (Office.js add-ins need HTTPS)")
    s.add_argument("--ssl-keyfile", help="TLS private key")
    s.add_argument("--max-request-mb", type=float, default=32.0, metavar="MB",
                   help="largest request accepted, in MB; larger ones are refused with 413 "
                        "(default 32: a 100,000-row × 5-column call is about 6 MB)")
    s.add_argument("--access-log", action="store_true",
                   help="log every request (off by default: a line per request adds about "
                        "a fifth to the server's CPU per single-cell call)")
    s.set_defaults(func=cmd_serve)
