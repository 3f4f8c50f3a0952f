"""The ``cs-workbook`` parser and its one error handler.

Bad input prints one line naming file, sheet, row and column and exits with code 2; a
traceback appears only with ``--debug``. So does a command whose optional dependency is not
installed: the line names the extra to install (:data:`EXTRAS`).
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import CSError
from . import calc, ebr, excel, excel_setup, portfolio

__all__ = ["main", "build_parser", "run", "missing_extra", "EXTRAS"]

#: Sub-command modules, in ``--help`` order; each has ``register(subparsers)``.
COMMANDS = (portfolio, calc, ebr, excel, excel_setup)

#: Top-level modules of the optional dependencies → the extra that installs them. The core
#: package is only what the Excel functions need (numpy, pandas, xlwings); commands import
#: their adapters when they run, so a missing extra shows as a ModuleNotFoundError there.
EXTRAS = {
    "openpyxl": "workbook", "et_xmlfile": "workbook", "python_calamine": "workbook",
    "formualizer": "calc", "formulas": "calc", "schedula": "calc", "tqdm": "calc",
    "jinja2": "pdf", "markupsafe": "pdf", "weasyprint": "pdf", "pydyf": "pdf",
    "xlwings_server": "server", "fastapi": "server", "uvicorn": "server",
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cs-workbook",
        description="Customer Success metrics in your workbooks: score portfolios, write "
                    "templates and sample data.")
    p.add_argument("--version", action="version", version=f"cs-workbook {__version__}")
    add_debug(p)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return p


def add_debug(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")


def run(args) -> int:
    """Run ``args.func(args)``: our errors and OS errors become one line on stderr and exit
    code 2 (a traceback with ``--debug``); Ctrl-C is exit 130."""
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("cs-workbook: interrupted", file=sys.stderr)
        return 130
    except (CSError, OSError) as exc:
        if getattr(args, "debug", False):
            raise
        print(f"cs-workbook: error: {_message(exc)}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        error = missing_extra(exc)
        if error is None or getattr(args, "debug", False):
            raise
        print(f"cs-workbook: error: {error}", file=sys.stderr)
        return 2


def missing_extra(exc: ModuleNotFoundError) -> CSError | None:
    """The one-line error for an optional dependency that is not installed, else None."""
    module = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(module)
    if extra is None:
        return None
    install = "cs-workbook[all,server]" if extra == "server" else "cs-workbook[all]"
    return CSError(f"this command needs the '{extra}' extra ({module} is not installed): "
                   f'pip install "{install}"')


def _message(exc: Exception) -> str:
    if isinstance(exc, OSError):
        name = exc.filename or ""
        return f"{name}{': ' if name else ''}{exc.strerror or exc}"
    return str(exc)


def main(argv=None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
