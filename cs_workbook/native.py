"""Calls into native (Rust) libraries — calamine, formualizer — without their panic text.

A Rust panic inside a pyo3 extension prints ``thread '…' panicked at …`` and a
``RUST_BACKTRACE`` hint straight to file descriptor 2, before Python sees the
``PanicException`` that the CLI turns into one line. :func:`held_stderr` holds back what is
written to descriptor 2 while the call runs: if the call returns, everything is passed on
unchanged; if it raises, the panic lines are dropped and anything else is passed on.
Standard library only (the ``files`` layer).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import threading

__all__ = ["held_stderr", "without_panics"]

#: The first line Rust's default panic hook prints; the message follows, then a backtrace
#: or the ``RUST_BACKTRACE`` hint (:data:`PANIC_END`).
PANIC_START = re.compile(r"^thread '.*' panicked at ")
PANIC_END = re.compile(r"^note: (run with `RUST_BACKTRACE=|Some details are omitted)")

_LOCK = threading.Lock()


@contextlib.contextmanager
def held_stderr():
    """Hold back file descriptor 2 for the ``with`` block (see the module docstring).

    Only in the main thread and when descriptor 2 exists; elsewhere the block runs as is
    (another thread's writes would be held back too)."""
    if threading.current_thread() is not threading.main_thread() or not _has_fd2():
        yield
        return
    with _LOCK, tempfile.TemporaryFile() as held:
        _flush()
        saved = os.dup(2)
        os.dup2(held.fileno(), 2)
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            _flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read().decode("utf-8", "replace")
            if failed:
                text = without_panics(text)
            if text:
                os.write(2, text.encode("utf-8"))


def without_panics(text: str) -> str:
    """``text`` without the blocks Rust's panic hook printed (start line to hint line, or to
    the end when no hint follows).

    >>> without_panics("kept\\nthread 'main' panicked at a.rs:1:2:\\nboom\\n"
    ...                "note: run with `RUST_BACKTRACE=1` environment variable\\nalso kept\\n")
    'kept\\nalso kept\\n'
    """
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if PANIC_START.match(line):
            skipping = True
        elif skipping and PANIC_END.match(line):
            skipping = False
            continue
        if not skipping:
            out.append(line)
    return "".join(out)


def _has_fd2() -> bool:
    try:
        os.fstat(2)
    except OSError:
        return False
    return True


def _flush() -> None:
    with contextlib.suppress(Exception):
        sys.stderr.flush()
