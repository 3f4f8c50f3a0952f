"""No Python or Rust traceback reaches the user: an unexpected exception, or a panic that pyo3
raises as ``PanicException`` (a ``BaseException``) from calamine or formualizer, is one line and
exit code 2; ``--debug`` shows the traceback."""

from __future__ import annotations

import argparse

import pytest

from cs_workbook.cli.app import run


class PanicException(BaseException):  # what pyo3 raises for a Rust panic (same name)
    pass


def _args(exc, debug=False):
    def func(_):
        raise exc
    return argparse.Namespace(func=func, debug=debug)


@pytest.mark.parametrize("exc", [PanicException("called `Option::unwrap()` on a `None` value\n"
                                                "note: backtrace"),
                                 KeyError("x"), MemoryError()])
def test_an_unexpected_exception_is_one_line(exc, monkeypatch, capsys):
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    assert run(_args(exc)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cs-workbook: error: internal error (")
    assert type(exc).__name__ in err and "--debug" in err


def test_debug_shows_the_traceback(monkeypatch):
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    with pytest.raises(PanicException):
        run(_args(PanicException("boom"), debug=True))


def test_under_pytest_a_bug_is_raised_not_hidden():
    with pytest.raises(KeyError):
        run(_args(KeyError("x")))
