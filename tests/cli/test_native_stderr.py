"""A Rust panic's own text (printed to descriptor 2 before pyo3 raises) never reaches the user;
everything else native code writes does."""

from __future__ import annotations

import os

import pytest

from cs_workbook.native import held_stderr

PANIC = (b"thread '<unnamed>' panicked at src/de.rs:12:5:\ncalled `Option::unwrap()` on a "
         b"`None` value\nnote: run with `RUST_BACKTRACE=1` environment variable to display a "
         b"backtrace\n")


class PanicException(BaseException):
    pass


def test_panic_lines_are_dropped_when_the_call_raises(capfd):
    with pytest.raises(PanicException):
        with held_stderr():
            os.write(2, b"warning: kept\n" + PANIC)
            raise PanicException("called `Option::unwrap()` on a `None` value")
    err = capfd.readouterr().err
    assert "panicked" not in err and "RUST_BACKTRACE" not in err and "unwrap" not in err
    assert "warning: kept\n" in err


def test_everything_is_passed_on_when_the_call_returns(capfd):
    with held_stderr():
        os.write(2, PANIC)
    assert capfd.readouterr().err == PANIC.decode()


def test_descriptor_2_is_restored(capfd):
    with held_stderr():
        pass
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"
