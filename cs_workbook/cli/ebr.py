"""``cs-workbook ebr``: executive business review PDFs for one account or a whole workbook.

Registration is import-light (no WeasyPrint, no workbook reader) so the main CLI starts fast;
the work happens in :func:`main_ebr`. The module also runs on its own:
``python -m cs_workbook.cli.ebr WORKBOOK --account ID -o FILE.pdf``.

Exit codes: 0 all written, 1 some documents failed (listed in ``ebr-errors.txt`` next to
them), 2 bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import time
from pathlib import Path

from ..errors import InvalidInput
from ..files import write_bytes_atomic
from .args import iso_date, worker_count
from .boundary import about

__all__ = ["ERROR_REPORT", "add_arguments", "demo_step", "main", "main_ebr", "register"]

ERROR_REPORT = "ebr-errors.txt"



def add_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``ebr`` arguments, on any parser (the main CLI's sub-parser or a standalone one)."""
    p.add_argument("workbook", type=Path,
                   help="CS workbook (.xlsx): a portfolio or a journey, or a folder of "
                        "CSV/Parquet tables (Accounts.csv, Usage.parquet …)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--account", metavar="ID", help="render the EBR of this Account ID")
    which.add_argument("--all", action="store_true", help="render an EBR for every account")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="--account: the PDF file, or a folder (DIR/ is created) to write ID.pdf "
                        "into (default: ./ID.pdf); --all: the folder (default: ./ebr)")
    p.add_argument("--jobs", type=worker_count, metavar="N",
                   help="worker processes for --all (default: one per CPU core)")
    p.add_argument("--as-of", type=iso_date, metavar="DATE",
                   help="review date YYYY-MM-DD (default: today); the period is the 12 months "
                        "ending with its month")
    p.add_argument("--config", type=Path, metavar="TOML",
                   help="TOML file of configuration overrides")
    p.add_argument("--brand-name", metavar="TEXT", help="sender shown on the cover and footer")
    p.add_argument("--brand-colour", metavar="#RRGGBB", help="accent colour (default #1d3f6e)")
    p.add_argument("--logo", type=Path, metavar="FILE", help="PNG, JPEG or SVG logo for the cover")
    return p


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``ebr`` sub-command to the main CLI's sub-parsers."""
    p = subparsers.add_parser(
        "ebr", help="render executive business review PDFs (one account or all)",
        description="Render executive business review (EBR) PDFs from a CS workbook, with the "
                    "same numbers as `cs-workbook score`.")
    add_arguments(p)
    p.set_defaults(func=main_ebr)
    return p


def _config(workbook, data, toml):
    from ..config_files import workbook_config

    return workbook_config(data.config, toml, source=workbook)


def _brand(args):
    from ..reports.brand import Brand

    kwargs = {}
    if getattr(args, "brand_name", None):
        kwargs["name"] = " ".join(args.brand_name.split())[:80]
    if getattr(args, "brand_colour", None):
        kwargs["colour"] = args.brand_colour
    if getattr(args, "logo", None):
        kwargs["logo"] = args.logo
    brand = Brand(**kwargs)
    if brand.logo is not None:
        brand.logo_src()  # validate the file now: bad input is exit 2, not a failed batch
    return brand


def main_ebr(args) -> int:
    """Run ``ebr`` for parsed ``args``; raises :class:`CSError` on bad input."""
    from ..files import check_not_input, output_path
    from ..reports.render import safe_filename
    from ..workbook.tables import input_files, read_data

    inputs = (*input_files(args.workbook), args.config, args.logo)
    if args.account is not None:
        path = output_path(args.output, safe_filename(args.account))
        check_not_input(path, *inputs)
        if path.suffix.lower() != ".pdf":  # else `-o newdir` would be a PDF named newdir
            raise InvalidInput(f"{path}: an EBR is a PDF: end -o with .pdf, or with / to "
                               "write into a folder")
    data = read_data(args.workbook)
    config = _config(args.workbook, data, args.config)
    as_of = args.as_of or _dt.date.today()
    brand = _brand(args)
    ids = [str(a) for a in data.accounts["Account ID"]]
    if args.account is not None:
        if args.account not in ids:
            known = ", ".join(ids[:3]) + (" …" if len(ids) > 3 else "")
            raise InvalidInput(f"--account: {args.account!r} is not in {args.workbook} "
                               f"({known or 'no accounts'})")
        return _one(data, args.account, as_of, config, brand, path, args)
    if not ids:
        raise InvalidInput(f"{args.workbook}: sheet 'Accounts' has no accounts")
    return _all(data, ids, as_of, config, brand, Path(args.output or "ebr"), args.jobs, inputs)


def _one(data, account_id, as_of, config, brand, path: Path, args) -> int:
    from ..files import is_folder_arg
    from ..reports.render import render_ebr, write_atomic

    if not (args.output and is_folder_arg(args.output)) and not path.parent.is_dir():
        raise InvalidInput(f"-o: folder {path.parent} does not exist (end -o with / to create "
                           "it)")
    with about(args.workbook, f"EBR of {account_id} as of {as_of}"):
        scores = _notes(data, as_of, config, args.workbook, account_id)
        body = render_ebr(data, account_id, as_of, config, brand=brand, scores=scores)
    write_atomic(path, body)
    print(f"wrote EBR for {account_id} as of {as_of}: {path}")
    return 0


def _all(data, ids, as_of, config, brand, out_dir: Path, jobs, inputs=()) -> int:
    from ..files import check_not_input
    from ..reports.render import render_batch, safe_filename

    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"-o: {out_dir} is a file; --all needs a folder")
    taken: set = set()
    names = {a: safe_filename(a, taken) for a in ids}
    report = out_dir / ERROR_REPORT
    for target in [out_dir / n for n in names.values()] + [report]:
        check_not_input(target, *inputs)
    _notes(data, as_of, config, inputs[0])
    bar = ProgressBar(len(ids))
    start = time.perf_counter()
    results = render_batch(data, ids, as_of, out_dir, config, brand=brand, jobs=jobs,
                           progress=bar.update, names=names)
    bar.close()
    failed = [r for r in results if not r.ok]
    if failed:
        lines = [f"EBR errors ({len(failed)} of {len(results)} documents), as of {as_of}", ""]
        for r in failed:
            lines += [f"{r.account_id}: {r.error}"] + (
                ["    " + ln for ln in r.detail.rstrip().splitlines()] if r.detail else []) + [""]
        write_bytes_atomic(report, "\n".join(lines).encode("utf-8"))
    elif report.exists():
        report.unlink()
    took = time.perf_counter() - start
    tail = f"; errors in {report}" if failed else ""
    print(f"rendered {len(results) - len(failed)} EBRs, {len(failed)} failed "
          f"({took:.1f} s) in {out_dir}{tail}")
    return 1 if failed else 0


def _notes(data, as_of, config, workbook, account_id=None):
    """What the deck(s) rest on, on stderr (the same notes as the decks' appendix); returns
    the scores it computed, so the deck does not score the workbook again."""
    from ..portfolio import score_accounts
    from ..portfolio.coverage import data_coverage
    from .portfolio import print_notes

    scores = score_accounts(data, as_of, config)
    coverage = data_coverage(data, scores, as_of, config, account=account_id)
    print_notes(coverage, workbook, f"the EBR of {account_id} rests on" if account_id
                else "the EBRs rest on")
    return scores


class ProgressBar:
    """A one-line progress bar on stderr (a line per 10 % when stderr is not a terminal)."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total, self.width = max(total, 1), width
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.failed, self._last_decile = 0, -1

    def update(self, done: int, total: int, result=None):
        if result is not None and not result.ok:
            self.failed += 1
        filled = int(self.width * done / self.total)
        text = (f"[{'#' * filled}{'-' * (self.width - filled)}] {done}/{total} EBRs"
                + (f", {self.failed} failed" if self.failed else ""))
        if self.tty:
            self.stream.write("\r" + text)
        elif done * 10 // self.total != self._last_decile or done == total:
            self._last_decile = done * 10 // self.total
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def demo_step(data, scores, out_dir, as_of) -> list[Path]:
    """``cs-workbook demo``: sample EBRs of a Green, a Yellow and a Red account (largest ARR
    of each colour) in ``out_dir / "ebr"``."""
    from ..reports.render import render_ebr, safe_filename, write_atomic

    folder = Path(out_dir) / "ebr"
    folder.mkdir(parents=True, exist_ok=True)
    picks = []
    for colour in ("Green", "Yellow", "Red"):
        rows = scores[scores["Health Colour"] == colour].sort_values("ARR", ascending=False)
        if len(rows):
            picks.append(str(rows["Account ID"].iloc[0]))
    wrote = []
    for account_id in picks:
        path = folder / safe_filename(account_id)
        write_atomic(path, render_ebr(data, account_id, as_of))
        wrote.append(path)
    return wrote


def main(argv=None) -> int:
    """Standalone entry point (``python -m cs_workbook.cli.ebr``)."""
    from .app import add_debug, run

    parser = add_arguments(argparse.ArgumentParser(
        prog="python -m cs_workbook.cli.ebr",
        description="Render executive business review PDFs from a CS workbook."))
    add_debug(parser)
    parser.set_defaults(func=main_ebr)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
