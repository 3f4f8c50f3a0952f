"""The ``cs-workbook`` parser and its one error handler.

Bad input prints one line naming file, sheet, row and column and exits with code 2; a
traceback appears only with ``--debug``. So does a command whose optional dependency is not
installed: the line names the extra to install (:data:`EXTRAS`).

Signals end a command the way Ctrl-C does: SIGTERM and SIGHUP raise :class:`Terminated`
(a ``BaseException``, like ``KeyboardInterrupt``), so ``finally`` blocks remove temporary files
and ``atexit`` handlers run; the exit code is 128 + the signal's number (130 for Ctrl-C, 143
for SIGTERM). A closed stdout (``cs-workbook score book.xlsx | head -1``) ends quietly with exit
code 141, as a Unix tool killed by SIGPIPE does; stdout is pointed at ``os.devnull`` first, as
Python's documentation recommends, so flushing at exit cannot fail again.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading

from .. import __version__
from ..errors import CSError
from . import calc, ebr, excel, excel_setup, importer, portfolio

__all__ = ["main", "build_parser", "run", "missing_extra", "EXTRAS", "Terminated",
           "HANDLED_SIGNALS"]

#: Sub-command modules, in ``--help`` order; each has ``register(subparsers)``.
COMMANDS = (portfolio, importer, calc, ebr, excel, excel_setup)

#: Top-level modules of the optional dependencies → the extra that installs them. The core
#: package is only what the Excel functions need (numpy, pandas, xlwings); commands import
#: their adapters when they run, so a missing extra shows as a ModuleNotFoundError there.
EXTRAS = {
    "openpyxl": "workbook", "et_xmlfile": "workbook", "python_calamine": "workbook",
    "pyarrow": "tables",
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


class Terminated(BaseException):
    """A handled signal (SIGTERM, SIGHUP) stops the command; unwinds like ``KeyboardInterrupt``."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


#: Signals that end a command cleanly (its temporary files removed), besides SIGINT (Ctrl-C).
HANDLED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                        if hasattr(signal, name))

#: Exit code of a closed stdout: 128 + SIGPIPE, what a shell shows for a tool SIGPIPE killed.
BROKEN_PIPE = 128 + getattr(signal, "SIGPIPE", 13)


def _raise_terminated(signum, _frame):
    raise Terminated(signum)


@contextlib.contextmanager
def _signals_raise():
    """SIGTERM and SIGHUP raise :class:`Terminated` while the command runs (main thread only;
    the previous handlers come back afterwards)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for sig in HANDLED_SIGNALS:
        if signal.getsignal(sig) is signal.SIG_IGN:
            continue  # nohup: an ignored signal stays ignored
        previous[sig] = signal.signal(sig, _raise_terminated)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _quiet_stdout() -> None:
    """Point stdout at os.devnull so the interpreter's final flush cannot raise again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def run(args) -> int:
    """Run ``args.func(args)``: our errors and OS errors become one line on stderr and exit
    code 2 (a traceback with ``--debug``); Ctrl-C is exit 130, SIGTERM 143 (one line, temporary
    files removed); a closed stdout pipe is a quiet exit 141."""
    try:
        with _signals_raise():
            code = args.func(args)
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return BROKEN_PIPE
    except KeyboardInterrupt:
        print("cs-workbook: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Terminated as exc:
        name = signal.Signals(exc.signum).name
        print(f"cs-workbook: terminated ({name})", file=sys.stderr)
        return 128 + exc.signum
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
    except BaseException as exc:  # a bug, or a Rust panic from calamine/formualizer
        if not _unexpected(exc) or getattr(args, "debug", False):
            raise
        detail = (str(exc).strip().splitlines() or [""])[0][:200]
        print(f"cs-workbook: error: internal error ({type(exc).__name__}: {detail}); "
              "run with --debug for the traceback", file=sys.stderr)
        return 2


def _unexpected(exc: BaseException) -> bool:
    """An exception that would print a traceback: any ``Exception`` (re-raised under pytest,
    so bugs surface in tests) and pyo3's ``PanicException`` (a ``BaseException``)."""
    if type(exc).__name__ == "PanicException":
        return True
    return isinstance(exc, Exception) and "PYTEST_CURRENT_TEST" not in os.environ


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
