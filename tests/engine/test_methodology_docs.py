"""docs/methodology.md is the rule book the code cites: every citation resolves to one of its
headings, and every public rule function documents its formula (Notes) and its errors (Raises).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from paths import ROOT

from cs_workbook import errors as cs_errors
from cs_workbook import metrics


METHODOLOGY = ROOT / "docs" / "methodology.md"
#: Where citations are checked: the engine, the adapters, the templates and the docs.
CITING = ("cs_workbook", "udfs", "reports", "templates", "README.md", "docs", "bench", "tests")

_NUMBER = r"\d+(?:\.\d+)*"
#: "methodology §1.2", "DOMAIN §1.2", "DOMAIN.md §1.2", "methodology.md § 1.2", and the
#: further numbers of a list or range that follows ("DOMAIN §1.2, §1.5", "DOMAIN §1.3–1.4";
#: a listed number needs its own "§", so "§2.1, 30 %" cites only 2.1).
_CITATION = re.compile(
    rf"\b(?:methodology|DOMAIN)(?:\.md)? ?§ ?(?P<first>{_NUMBER})"
    rf"(?P<rest>(?:\s*(?:,|;|/|and|or)\s*§ ?{_NUMBER}|[–-]§?{_NUMBER})*)")
_MORE = re.compile(_NUMBER)
_HEADING = re.compile(rf"^#{{1,6}} §(?P<number>{_NUMBER})(?:\s|$)", re.MULTILINE)


def headings() -> list[str]:
    return _HEADING.findall(METHODOLOGY.read_text(encoding="utf-8"))


def _text_files():
    for name in CITING:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for p in files:
            if "__pycache__" in p.parts:
                continue
            data = p.read_bytes()
            if b"\0" in data:  # fonts, images and other binaries
                continue
            yield p, data.decode("utf-8", errors="replace")


def citations() -> list[tuple[str, str]]:
    """``(file:line, number)`` for every section number cited in the citing folders."""
    found = []
    for path, text in _text_files():
        for m in _CITATION.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            where = f"{path.relative_to(ROOT)}:{line}"
            found.append((where, m["first"]))
            found += [(where, n) for n in _MORE.findall(m["rest"] or "")]
    return found


def test_headings_are_numbered_once():
    numbers = headings()
    assert numbers, f"{METHODOLOGY} has no '§N' headings"
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    assert not duplicates, f"sections headed more than once: {duplicates}"


def test_every_citation_resolves_to_a_heading():
    known = set(headings())
    found = citations()
    assert found, "no citations found: is the pattern still right?"
    missing = [f"{where}: §{n}" for where, n in found if n not in known]
    assert not missing, "citations without a heading in docs/methodology.md:\n" + "\n".join(
        missing)


#: Documents that live outside the repository: nothing in it may send a reader there.
_OUTSIDE = re.compile(r"\b(?:DOMAIN|SPEC)(?:\.md)?\s*§|\b(?:DOMAIN|SPEC)\.md\b|shared/seeds")
#: Repository documents cited by path (``docs/functions.md``): each must exist.
_DOC_PATH = re.compile(r"\bdocs/[\w.-]+\.md\b")


def test_nothing_cites_a_document_outside_the_repository():
    here = Path(__file__).resolve()
    found = [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m[0]}"
             for path, text in _text_files() if path.resolve() != here
             for m in _OUTSIDE.finditer(text)]
    found += [f"{path.relative_to(ROOT)}: {m[0]} does not exist"
              for path, text in _text_files() for m in _DOC_PATH.finditer(text)
              if not (ROOT / m[0]).is_file()]
    assert not found, "\n".join(found)


def test_outside_pattern():
    assert _OUTSIDE.search("see SPEC.md §5.1") and _OUTSIDE.search("[DOMAIN §1.2]")
    assert _OUTSIDE.search("rules in DOMAIN.md") and not _OUTSIDE.search("methodology §1.2")


def test_citation_pattern():
    text = ("see [DOMAIN §1.2, §1.5], DOMAIN.md §8, [methodology §1.3–1.4] and methodology §2.1, "
            "10 days")
    assert [n for m in _CITATION.finditer(text)
            for n in (m["first"], *_MORE.findall(m["rest"]))] == \
        ["1.2", "1.5", "8", "1.3", "1.4", "2.1"]


_PUBLIC_FUNCTIONS = [name for name in metrics.__all__
                     if inspect.isfunction(getattr(metrics, name))]


def _section(doc: str, title: str) -> str | None:
    """The body of the numpydoc section ``title`` (None when the docstring has none)."""
    m = re.search(rf"^{title}\n-{{{len(title)}}}\n(?P<body>.*?)(?=^\w[\w ]*\n-{{3,}}\n|\Z)",
                  doc, re.MULTILINE | re.DOTALL)
    return None if m is None else m["body"]


def test_public_functions_are_listed():
    assert len(_PUBLIC_FUNCTIONS) > 40


@pytest.mark.parametrize("name", _PUBLIC_FUNCTIONS)
def test_rule_docstring_has_notes_and_raises(name):
    doc = inspect.getdoc(getattr(metrics, name)) or ""
    notes, raises = _section(doc, "Notes"), _section(doc, "Raises")
    assert notes is not None, f"{name}: no 'Notes' section"
    assert raises is not None, f"{name}: no 'Raises' section"
    cited = re.findall(rf"methodology §({_NUMBER})", notes)
    assert cited, f"{name}: Notes cite no [methodology §x.y]"
    assert set(cited) <= set(headings()), f"{name}: Notes cite unknown sections {cited}"
    errors = re.findall(r"^(\w+)\n", raises, re.MULTILINE)
    assert errors, f"{name}: Raises names no error"
    for err in errors:
        cls = getattr(cs_errors, err, None)
        assert isinstance(cls, type) and issubclass(cls, cs_errors.CSError), \
            f"{name}: Raises lists {err!r}, not a CSError subclass"
        assert cls.excel in raises, f"{name}: Raises does not name {err}'s Excel value {cls.excel}"
