"""``demo``, ``new`` and ``score``: the sample portfolio, workbook templates and scoring."""

from __future__ import annotations

import datetime as _dt
import gc
from contextlib import contextmanager
from pathlib import Path

from ..errors import CSError
from .args import iso_date
from .boundary import about, require_accounts

__all__ = ["register", "cmd_demo", "cmd_new", "cmd_score", "print_notes", "print_table"]


def _config(args, data_config: dict | None = None):
    from ..config_files import workbook_config

    return workbook_config(data_config or {}, getattr(args, "config", None),
                           source=args.workbook)


def cmd_score(args) -> int:
    from ..files import check_not_input, output_path
    from ..workbook.tables import input_files

    output = output_path(args.output, "scores.xlsx") if args.output else None
    if output is not None:
        check_not_input(output, *input_files(args.workbook), args.config)
    with _no_cyclic_gc():
        return _score(args, output)


@contextmanager
def _no_cyclic_gc():
    """Python's cyclic collector off for one command: reading and scoring 100,000 accounts
    makes a few 10^5 small objects (notes, tuples) that hold no cycles, and collecting as
    they come cost ≈ 1 s of CPU at that size (``bench/engine.py`` section 4)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _score(args, output) -> int:
    from ..portfolio import portfolio_summary, score_accounts
    from ..portfolio.coverage import data_coverage
    from ..workbook.export import write_scores
    from ..workbook.tables import read_data

    data = read_data(args.workbook)
    require_accounts(data, args.workbook, "score")
    cfg = _config(args, data.config)
    as_of = args.as_of or _dt.date.today()
    with about(args.workbook, f"scoring as of {as_of}"):
        scores = score_accounts(data, as_of, cfg)
        summary = portfolio_summary(data, scores, as_of, cfg)
        coverage = data_coverage(data, scores, as_of, cfg)
    if output is not None:
        # .csv and .parquet hold the scores only (the notes go to stderr): no records made
        wants_notes = output.suffix.lower() in (".xlsx", ".json")
        out = write_scores(scores, output, summary,
                           coverage.records() if wants_notes else None)
        print(f"scored {len(scores)} accounts as of {as_of}: {out}")
    else:
        print_table(scores, summary)
    print_notes(coverage, args.workbook)
    return 0


def print_notes(coverage, workbook, what: str = "the scores rest on") -> None:
    """What ``score`` and ``ebr`` rest on, on stderr after their stdout: a few lines
    (per-account notes grouped), nothing when every sheet and column is present and current."""
    import sys

    lines = coverage.lines()
    if lines:
        sys.stdout.flush()  # after what went to stdout; a closed pipe ends here, quietly
        print(f"{workbook}: what {what} (as of {coverage.as_of}):", file=sys.stderr)
        for line in lines:
            print(f"  - {line}", file=sys.stderr)


def print_table(scores, summary) -> None:
    """The terminal table of ``score`` and ``demo``: one line per account, then GRR/NRR."""
    from ..rounding import excel_round

    cols = ["Account ID", "Account", "Lifecycle Stage", "Health Score", "Health Colour",
            "Health Trend", "License Utilization"]
    rows = [cols]
    for rec in scores[cols].itertuples(index=False):
        hs = excel_round(rec[3], 0)
        lu = excel_round(rec[6] * 100 if rec[6] == rec[6] else None, 0)
        rows.append([rec[0], str(rec[1])[:30], _text(rec[2], ""), "NA" if hs is None else f"{hs:.0f}",
                     _text(rec[4], "NA"), _text(rec[5], ""),
                     "NA" if lu is None else f"{lu:.0f} %"])
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(cols))]
    for r in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
    grr, nrr = summary["grr"], summary["nrr"]
    print(f"\n{summary['accounts']} accounts; GRR {_pct(grr)}, NRR {_pct(nrr)} as of "
          f"{summary['as_of']}")


def _text(value, blank: str) -> str:
    """A text cell of the table; NA (None, NaN) shows as ``blank``, never as ``nan``."""
    return value if isinstance(value, str) and value else blank


def _pct(v):
    from ..rounding import excel_round

    return "NA" if v is None else f"{excel_round(v * 100, 1):.1f} %"


#: ``new KIND FOLDER/`` writes this file into the folder
NEW_NAMES = {"portfolio": "portfolio.xlsx", "journey": "journey.xlsx",
             "sow": "sow-calculator.xlsx"}


def cmd_new(args) -> int:
    from ..data import CSData
    from ..sample import sample_portfolio
    from ..workbook.writer import write_workbook

    from ..files import output_path

    output = output_path(args.output, NEW_NAMES[args.kind])
    if output.suffix.lower() != ".xlsx":  # else `new portfolio newdir` is a workbook so named
        raise CSError(f"{output}: a template is an .xlsx workbook: end OUT with .xlsx, or "
                      "with / to write into a folder")
    if args.kind == "sow":
        from ..workbook.sow import write_sow_calculator

        write_sow_calculator(output, sample=args.sample)
        print(f"wrote SOW cost calculator: {output}")
        return 0
    accounts = getattr(args, "accounts", None)
    if accounts is not None and (not args.sample or args.kind != "portfolio"):
        raise CSError("--accounts needs a sample portfolio (new portfolio OUT.xlsx --sample)")
    if accounts is not None and accounts < 1:
        raise CSError(f"--accounts must be at least 1, not {accounts}")
    if not args.sample:
        data = CSData()
    elif accounts is not None:
        data = sample_portfolio(args.as_of, n_accounts=accounts)
    else:
        data = sample_portfolio(args.as_of)
    if args.kind == "journey":
        if args.sample:
            account = args.account or data.accounts["Account ID"].iloc[0]
            if account not in set(data.accounts["Account ID"]):
                raise CSError(f"--account: {account!r} is not in the sample portfolio "
                              f"(ACC-001 … ACC-{len(data.accounts):03d})")
            data = data.for_account(account)
        elif args.account:
            raise CSError("--account needs --sample (an empty journey workbook has no accounts)")
    path = write_workbook(data, output, as_of=args.as_of)
    what = "sample " if args.sample else "empty "
    print(f"wrote {what}{args.kind} workbook ({len(data.accounts)} accounts): {path}")
    return 0


def cmd_demo(args) -> int:
    from ..portfolio import portfolio_summary, score_accounts
    from ..portfolio.coverage import data_coverage
    from ..sample import sample_portfolio
    from ..workbook.export import write_scores
    from ..workbook.writer import write_workbook
    from .ebr import demo_step as ebr_demo_step

    out = Path(args.out)
    as_of = args.as_of or _dt.date.today()
    data = sample_portfolio(as_of)
    wrote = [write_workbook(data, out / "sample-portfolio.xlsx", as_of=as_of)]
    scores = score_accounts(data, as_of)
    summary = portfolio_summary(data, scores, as_of)
    notes = data_coverage(data, scores, as_of).records()
    wrote.append(write_scores(scores, out / "scores.xlsx", summary, notes))
    wrote.append(write_scores(scores, out / "scores.json", summary, notes))
    for extra in (_demo_sow, ebr_demo_step):
        wrote.extend(extra(data, scores, out, as_of))
    print_table(scores, summary)
    print("\nwrote:")
    for p in wrote:
        print(f"  {p}")
    return 0


def _demo_sow(data, scores, out: Path, as_of) -> list[Path]:
    from ..calc import calculate
    from ..workbook.sow import write_sow_calculator

    sow = write_sow_calculator(out / "sow-calculator.xlsx", sample=True)
    calculated = out / "sample-portfolio-calculated.xlsx"
    calculate(out / "sample-portfolio.xlsx", calculated)
    return [sow, calculated]


def register(sub) -> None:
    """Add ``demo``, ``new`` and ``score`` to the CLI's sub-parsers."""
    d = sub.add_parser("demo", help="build the sample portfolio and score it (the main job on "
                                    "built-in data)")
    d.add_argument("--out", default="demo-output", help="output folder (default: demo-output)")
    d.add_argument("--as-of", type=iso_date, help="scoring date YYYY-MM-DD (default: today)")
    d.set_defaults(func=cmd_demo)

    n = sub.add_parser("new", help="write a workbook template, empty or with sample data")
    n.add_argument("kind", choices=("portfolio", "journey", "sow"))
    n.add_argument("output", metavar="OUT.xlsx",
                   help="the file to write, or a folder (DIR/ is created) to write "
                        "portfolio.xlsx, journey.xlsx or sow-calculator.xlsx into")
    n.add_argument("--sample", action="store_true", help="fill with the built-in sample data")
    n.add_argument("--account", help="journey: which sample account (default: the first)")
    n.add_argument("--accounts", type=int, metavar="N",
                   help="portfolio --sample: how many sample accounts (default: 40)")
    n.add_argument("--as-of", type=iso_date, help="sample data ends at this date (default: today)")
    n.set_defaults(func=cmd_new)

    s = sub.add_parser("score", help="compute every metric for every account of a workbook")
    s.add_argument("workbook", type=Path,
                   help="CS workbook (.xlsx), or a folder of CSV/Parquet tables (Accounts.csv, "
                        "Usage.parquet …)")
    s.add_argument("-o", "--output", metavar="OUT",
                   help="write .xlsx, .csv, .json or .parquet, or scores.xlsx into a folder "
                        "(OUT/ or an existing folder); default: print a table")
    s.add_argument("--as-of", type=iso_date, help="scoring date YYYY-MM-DD (default: today)")
    s.add_argument("--config", type=Path, help="TOML file of configuration overrides")
    s.set_defaults(func=cmd_score)
