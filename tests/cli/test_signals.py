"""A closed stdout pipe ends quietly; SIGTERM and Ctrl-C end a command with one line, leaving no
temporary files and no WeasyPrint font folders. Issue #10, items 3 and 5."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from cs_workbook.cli import app
from cs_workbook.files import atomic_path


@pytest.fixture(scope="module")
def big_book(tmp_path_factory):
    from cs_workbook.sample import sample_portfolio
    from cs_workbook.workbook.writer import write_workbook

    path = tmp_path_factory.mktemp("src") / "book.xlsx"
    write_workbook(sample_portfolio(n_accounts=12), path)
    return path


def _cli(*args):
    return [sys.executable, "-m", "cs_workbook.cli", *map(str, args)]


# -- item 3: a closed pipe ----------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["score", "{book}", "--as-of", "2026-11-23"], ["functions"]])
def test_a_closed_stdout_ends_quietly_with_141(big_book, argv):
    proc = subprocess.Popen(_cli(*[a.format(book=big_book) for a in argv]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the command writes anything
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141, err
    assert err == ""


def test_score_piped_into_head(big_book):
    script = (f"{' '.join(_cli('score', big_book))} | head -1; "
              "echo \"status=${PIPESTATUS[0]}\" >&2")
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.stdout.count("\n") == 1 and "Account ID" in proc.stdout
    assert "error" not in proc.stderr and "Broken pipe" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] in ("status=0", "status=141")


# -- item 5: signals ----------------------------------------------------------------------------

def test_sigterm_raises_in_the_command_and_the_handler_comes_back(tmp_path, capsys):
    target = tmp_path / "out.bin"
    before = signal.getsignal(signal.SIGTERM)

    def command(args):
        with atomic_path(target) as tmp:
            open(tmp, "wb").write(b"partial")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # interrupted by the handler
        return 0

    class Args:
        func = staticmethod(command)
    assert app.run(Args()) == 143
    assert capsys.readouterr().err == "cs-workbook: terminated (SIGTERM)\n"
    assert os.listdir(tmp_path) == []  # no out.bin, no .out.bin.*.tmp
    assert signal.getsignal(signal.SIGTERM) == before


def _wait_for_pdf(folder, proc, timeout=240):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if folder.is_dir() and any(p.suffix == ".pdf" for p in folder.iterdir()):
            return
        if proc.poll() is not None:
            pytest.fail(f"ended early: {proc.returncode} {proc.stderr.read()}")
        time.sleep(0.1)
    pytest.fail("no PDF was written")


@pytest.mark.parametrize("jobs, how, code, line", [
    (2, "term", 143, "cs-workbook: terminated (SIGTERM)"),
    (1, "term", 143, "cs-workbook: terminated (SIGTERM)"),
    (2, "ctrl-c", 130, "cs-workbook: interrupted"),
])
def test_ebr_all_stopped_leaves_no_temporary_files(big_book, tmp_path, jobs, how, code, line):
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))  # WeasyPrint's font folders go here
    proc = subprocess.Popen(_cli("ebr", big_book, "--all", "-o", f"{out}/", "--jobs", jobs,
                                 "--as-of", "2026-11-23"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        _wait_for_pdf(out, proc)
        if how == "term":
            proc.send_signal(signal.SIGTERM)  # the main process only, as `kill PID` does
        else:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole process group
        err = proc.stderr.read()
        assert proc.wait(timeout=120) == code, err
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = err.strip().splitlines()
    assert lines[-1] == line and "Traceback" not in err
    assert [ln for ln in lines if ln.startswith("cs-workbook:")] == [line]
    leftovers = [p.name for p in out.iterdir() if not p.name.endswith(".pdf")]
    assert leftovers == []  # no .ACC-xxx.pdf.*.tmp
    assert len(list(out.glob("*.pdf"))) < 12  # it did stop early
    assert sorted(os.listdir(tmp)) == []  # no weasyprint-* font folder


@pytest.mark.parametrize("argv", [["import", "--print-mapping", "--from", "hubspot"],
                                  ["new", "portfolio", "{tmp}/n.xlsx"]])
def test_other_printing_commands_end_quietly_on_a_closed_stdout(tmp_path, argv):
    proc = subprocess.Popen(_cli(*[a.format(tmp=tmp_path) for a in argv]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141, err
    assert err == ""
