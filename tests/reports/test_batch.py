"""Batch rendering on the process pool, and the ``ebr`` command line (registered on our own
parser, standalone ``python -m``, and the demo step)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import subprocess
import sys

import pytest

pypdf = pytest.importorskip("pypdf")

from cs_workbook.cli import ebr as commands
from cs_workbook.reports.render import render_batch, render_ebr, safe_filename

from cs_workbook.errors import CSError
from cs_workbook.portfolio import score_accounts
from cs_workbook.sample import sample_portfolio

AS_OF = dt.date(2026, 11, 23)


def pdf_text(path) -> str:
    """All text of a PDF (poppler's pdftotext when installed: ~10× faster than pypdf)."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                             capture_output=True, check=True).stdout.decode("utf-8")
        return " ".join(out.split())
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    data = sample_portfolio(AS_OF, n_accounts=50)
    # the sample repeats its 40 names with a " 2" suffix; make every name a distinct phrase so
    # that text extraction joining "Northwind Logistics" with a following "2" cannot match
    acc = data.accounts.copy()
    acc["Account"] = acc["Account"].str.replace(r" 2$", " Holdings", regex=True)
    data = type(data)(**{**{k: getattr(data, k) for k in ("usage", "support", "timeline",
                                                          "success_plan", "revenue",
                                                          "mrr_changes")}, "accounts": acc})
    out = tmp_path_factory.mktemp("batch")
    seen = []
    results = render_batch(data, list(data.accounts["Account ID"]), AS_OF, out, jobs=2,
                           progress=lambda done, total, res: seen.append((done, total)))
    return data, out, results, seen


def test_batch_writes_every_document(batch):
    data, out, results, seen = batch
    assert [r.account_id for r in results] == list(data.accounts["Account ID"])
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(
        f"{a}.pdf" for a in data.accounts["Account ID"])
    assert [d for d, _ in seen] == list(range(1, 51)) and {t for _, t in seen} == {50}


def test_each_pdf_names_only_its_own_account(batch):
    data, _, results, _ = batch
    names = dict(zip(data.accounts["Account ID"], data.accounts["Account"]))
    for r in results:
        text = pdf_text(r.path)
        own = names[r.account_id]
        assert own in text
        others = [n for a, n in names.items() if a != r.account_id and n not in own]
        leaked = [n for n in others if n in text]
        assert leaked == [], (r.account_id, leaked)


def test_pool_output_is_byte_identical_to_in_process(batch):
    data, out, _, _ = batch
    assert (out / "ACC-007.pdf").read_bytes() == render_ebr(data, "ACC-007", AS_OF)


def test_a_failing_document_does_not_stop_the_batch(tmp_path):
    data = sample_portfolio(AS_OF, n_accounts=2)
    results = render_batch(data, ["NOPE", "ACC-002"], AS_OF, tmp_path, jobs=1)
    assert not results[0].ok and "InvalidInput" in results[0].error
    assert results[1].ok and results[1].path.exists()


def test_safe_filenames():
    taken = set()
    assert safe_filename("../x", taken) == "x.pdf"
    assert safe_filename("..\\x", taken) == "x-2.pdf"
    assert safe_filename("", taken) == "account.pdf"


# -- command line -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    writer = pytest.importorskip("cs_workbook.workbook.writer")
    path = tmp_path_factory.mktemp("wb") / "portfolio.xlsx"
    writer.write_workbook(sample_portfolio(AS_OF, n_accounts=3), path)
    return path


def parse(argv):
    parser = argparse.ArgumentParser(prog="cs-workbook")
    sub = parser.add_subparsers(dest="command", required=True)
    commands.register(sub)
    return parser.parse_args(argv)


def test_cli_one_account(workbook, tmp_path, capsys):
    out = tmp_path / "acc.pdf"
    args = parse(["ebr", str(workbook), "--account", "ACC-002", "-o", str(out),
                  "--as-of", "2026-11-23"])
    assert args.func(args) == 0
    assert out.read_bytes().startswith(b"%PDF-1.7")
    assert "wrote EBR for ACC-002" in capsys.readouterr().out
    data = sample_portfolio(AS_OF, n_accounts=3)
    row = score_accounts(data, AS_OF).iloc[1]
    assert row["Account"] in pdf_text(out)


def test_cli_all_with_summary_and_progress(workbook, tmp_path, capsys):
    args = parse(["ebr", str(workbook), "--all", "-o", str(tmp_path / "ebr"), "--jobs", "1",
                  "--as-of", "2026-11-23", "--brand-colour", "#0a7d5a", "--brand-name", "Acme CS"])
    assert args.func(args) == 0
    captured = capsys.readouterr()
    assert "rendered 3 EBRs, 0 failed" in captured.out
    assert "3/3 EBRs" in captured.err
    assert sorted(p.name for p in (tmp_path / "ebr").iterdir()) == [
        "ACC-001.pdf", "ACC-002.pdf", "ACC-003.pdf"]


@pytest.mark.parametrize("argv, message", [
    (["--account", "ACC-999"], "--account: 'ACC-999' is not in"),
    (["--account", "ACC-001", "--brand-colour", "red"], "brand colour"),
    (["--account", "ACC-001", "--logo", "/no/such/logo.png"], "logo"),
])
def test_cli_bad_input_is_a_cs_error(workbook, tmp_path, argv, message):
    args = parse(["ebr", str(workbook), *argv, "-o", str(tmp_path / "x.pdf")])
    with pytest.raises(CSError, match=message):
        args.func(args)


def test_cli_needs_account_or_all(workbook):
    with pytest.raises(SystemExit):
        parse(["ebr", str(workbook)])


def test_standalone_module_bad_input_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cs_workbook.cli.ebr",
                           str(tmp_path / "missing.xlsx"), "--account", "A"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("cs-workbook: error:")


def test_demo_step(tmp_path):
    data = sample_portfolio(AS_OF, n_accounts=8)
    scores = score_accounts(data, AS_OF)
    paths = commands.demo_step(data, scores, tmp_path, AS_OF)
    assert 2 <= len(paths) <= 3
    assert all(p.parent == tmp_path / "ebr" and p.stat().st_size > 10_000 for p in paths)
