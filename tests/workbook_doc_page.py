"""Reading docs/workbook.md for its tests (``tests/workbook/test_workbook_doc*.py``): the page,
its sections and tables, and the schema part of each sheet's column table as the page must show
it (rendered from ``cs_workbook.schema``)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from cs_workbook.schema import SHEETS, Column, Sheet


def repo_root() -> Path:
    """The folder holding pyproject.toml, searched upwards from this file."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise RuntimeError(f"no pyproject.toml above {here}")


ROOT = repo_root()
DOC = ROOT / "docs" / "workbook.md"
METHODOLOGY = ROOT / "docs" / "methodology.md"
HINT = "print the expected rows with: python tests/workbook_doc_page.py"

#: The "Type" words of the page for each schema kind.
KIND_LABELS = {
    "id": "ID",
    "text": "text",
    "category": "category",
    "date": "date",
    "month": "month",
    "int": "whole number",
    "number": "number",
    "money": "money",
    "bool": "yes/no",
}
COLUMN_TABLE = ("Column", "Required", "Type", "Allowed values", "Unit", "Meaning")


# --- rendering the schema part of the page ------------------------------------------------------


def allowed_values(col: Column) -> tuple[str, ...]:
    """What the Allowed values cell lists: the choices, or TRUE/FALSE (the drop-down)."""
    if col.choices:
        return tuple(str(c) for c in col.choices)
    if col.kind == "bool":
        return ("TRUE", "FALSE")
    return ()


def schema_cells(col: Column) -> list[str]:
    """The first four cells of a column's row in its sheet's table."""
    values = allowed_values(col)
    return [f"`{col.name}`", "required" if col.required else "optional", KIND_LABELS[col.kind],
            ", ".join(f"`{v}`" for v in values) if values else "—"]


def expected_rows(sheet: Sheet) -> list[str]:
    """The table of ``sheet`` as far as the schema decides it (Unit and Meaning left open)."""
    head = "| " + " | ".join(COLUMN_TABLE) + " |"
    rule = "|" + "---|" * len(COLUMN_TABLE)
    return [head, rule] + ["| " + " | ".join(schema_cells(c)) + " | … | … |"
                           for c in sheet.columns]


def config_default(value) -> str:
    """A Config default as the key table writes it."""
    if value is None:
        return "from the profile"
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, tuple):
        value = ", ".join(value)
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return f"`{value}`"


# --- reading the page --------------------------------------------------------------------------


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def section(heading: str, text: str | None = None) -> str:
    """The text under the heading line ``heading`` up to the next heading of its level or
    higher."""
    text = doc() if text is None else text
    lines = text.splitlines()
    try:
        start = lines.index(heading)
    except ValueError:
        pytest.fail(f"docs/workbook.md has no heading {heading!r}")
    level = len(heading) - len(heading.lstrip("#"))
    out = []
    for line in lines[start + 1:]:
        m = re.match(r"^(#+) ", line)
        if m and len(m.group(1)) <= level:
            break
        out.append(line)
    return "\n".join(out)


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def table(text: str, header: tuple[str, ...] | None = None, after: str | None = None):
    """The first markdown table in ``text`` (after the line starting with ``after``, if given)
    whose header row starts with ``header``: ``(header cells, [row cells...])``."""
    lines = text.splitlines()
    if after is not None:
        starts = [i for i, line in enumerate(lines) if line.startswith(after)]
        assert starts, f"no line starting with {after!r}"
        lines = lines[starts[0]:]
    for i, line in enumerate(lines):
        if not line.startswith("|") or (i and lines[i - 1].startswith("|")):
            continue
        head = cells(line)
        if header is not None and tuple(head[:len(header)]) != header:
            continue
        rows = []
        for body in lines[i + 2:]:
            if not body.startswith("|"):
                break
            rows.append(cells(body))
        return head, rows
    pytest.fail(f"no table with header {header!r}" + (f" after {after!r}" if after else ""))


def unquote(cell: str) -> str:
    return cell.strip().strip("`")


if __name__ == "__main__":  # print the schema part of every sheet's table
    for s in SHEETS:
        print(f"### {s.name}\n")
        print("\n".join(expected_rows(s)), end="\n\n")
    sys.exit(0)
