"""Excel as the test oracle for headless calc (issue #9).

Every workbook in ``corpus/`` was saved by Microsoft Excel, so each formula cell carries the
value Excel computed (its ``<v>``). :func:`check_file` reads those values, writes a copy of the
workbook with the cached values of formula cells removed (nothing else changes), runs
:func:`cs_workbook.calc.calculate` on the copy and compares what it wrote with Excel's values:
numbers within rel 1e-9 / abs 1e-12, strings exactly, booleans, errors by code, dates as the
serials they are in the file.

Not compared (and not in the denominator): volatile formulas (:data:`VOLATILE`), formulas that
call a function that is not an Excel built-in (add-in, VBA, ``_xludf.``), formulas that read
another workbook, and formula cells Excel saved without a cached value.

Run ``python tests/calc/oracle.py --report`` to re-measure the corpus and rewrite the figures
section of ``corpus/README.md`` (``--no-write`` prints it instead).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

CORPUS = Path(__file__).resolve().parent / "corpus"
README = CORPUS / "README.md"

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

#: Functions whose value changes from one recalculation to the next (or with the environment).
VOLATILE = frozenset({"NOW", "TODAY", "RAND", "RANDBETWEEN", "RANDARRAY", "OFFSET", "INDIRECT",
                      "CELL", "INFO"})

#: Files that ``calculate`` cannot evaluate at all today: ``{file name: reason}``. The test
#: marks them xfail(strict=True), so a fix shows up as an unexpected pass.
KNOWN_ABORTS: dict[str, str] = {}

_STRING = re.compile(r'"(?:[^"]|"")*"')
_FUNC = re.compile(r"(?<![A-Za-z0-9_.\]!$'\"])((?:_xlfn\.|_xlws\.|_xludf\.)*)"
                   r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(")
_STRUCT = re.compile(r"\[#(This Row|Totals|All|Headers|Data)\]", re.I)
_THREE_D = re.compile(r"(?:'[^']+'|[A-Za-z0-9_.]+):(?:'[^']+'|[A-Za-z0-9_.]+)!")
_EXTERNAL = re.compile(r"\[\d+\]")
_REF = re.compile(r"(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?"
                  r"(?<![A-Za-z0-9_])\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>[0-9]+)"
                  r"(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>[0-9]+))?(?![A-Za-z0-9_(])")


def _builtins() -> frozenset[str]:
    from openpyxl.utils import FORMULAE

    return frozenset(FORMULAE)


# -- reading a package -----------------------------------------------------------------------

@dataclass
class Cell:
    """One formula cell as Excel saved it."""

    sheet: str
    ref: str
    formula: str
    kind: str  # "n", "s" (text), "b", "e", or "" when the cell has no cached value
    value: object
    array: bool = False  # an array formula (CSE or a dynamic array that spills): its anchor

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.ref}"


def _col_num(col: str) -> int:
    n = 0
    for ch in col:
        n = n * 26 + ord(ch) - 64
    return n


def _split(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)([0-9]+)$", ref)
    return int(m.group(2)), _col_num(m.group(1))


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    name = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return []
    root = ElementTree.fromstring(zf.read(name))
    return ["".join(t.text or "" for t in si.iter(f"{MAIN}t") if _not_phonetic(si, t))
            for si in root.iter(f"{MAIN}si")]


def _not_phonetic(si, t) -> bool:
    return all(t not in list(rph.iter()) for rph in si.iter(f"{MAIN}rPh"))


def _typed(t: str, v: str | None, strings: list[str]):
    """(kind, value) of a cell's ``t`` attribute and ``<v>`` text."""
    if v is None:
        return "", None
    if t == "b":
        return "b", v.strip() in ("1", "true", "TRUE")
    if t == "e":
        return "e", v.strip()
    if t in ("str", "inlineStr"):
        return "s", v
    if t == "s":
        return "s", strings[int(v)]
    try:
        return "n", float(v)
    except ValueError:
        return "s", v


def date1904(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        book = next(n for n in zf.namelist() if n.lower() == "xl/workbook.xml")
        pr = ElementTree.fromstring(zf.read(book)).find(f"{MAIN}workbookPr")
    return pr is not None and pr.get("date1904") in ("1", "true")


def sheet_part_names(zf: zipfile.ZipFile) -> list[str]:
    """The zip part names of the worksheets in ``zf``."""
    from cs_workbook.calc.package import sheet_parts

    return list(sheet_parts(zf).values())


def read_cells(path: Path) -> list[Cell]:
    """Every formula cell of ``path`` with its cached value, in sheet order."""
    from openpyxl.formula.translate import Translator

    from cs_workbook.calc.package import sheet_parts

    cells = []
    with zipfile.ZipFile(path) as zf:
        strings = _shared_strings(zf)
        for sheet, part in sheet_parts(zf).items():
            masters: dict[str, tuple[str, str]] = {}
            root = ElementTree.fromstring(zf.read(part))
            for c in root.iter(f"{MAIN}c"):
                f = c.find(f"{MAIN}f")
                if f is None:
                    continue
                ref = c.get("r")
                text = f.text or ""
                if f.get("t") == "shared":
                    si = f.get("si")
                    if text:
                        masters[si] = (text, ref)
                    elif si in masters:
                        src, origin = masters[si]
                        try:
                            text = Translator("=" + src, origin).translate_formula(ref)[1:]
                        except Exception:  # a formula the translator cannot parse
                            text = src
                if f.get("t") == "dataTable":
                    text = text or f"TABLE({f.get('r1', '')},{f.get('r2', '')})"
                if not text:  # a cell of an array formula's range: the anchor carries it
                    continue
                v = c.find(f"{MAIN}v")
                kind, value = _typed(c.get("t", "n"), None if v is None else (v.text or ""),
                                     strings)
                cells.append(Cell(sheet, ref, text, kind, value, f.get("t") == "array"))
    return cells


def strip_cached(src: Path, dst: Path) -> int:
    """Write ``dst``: ``src`` with the ``<v>`` and ``t`` of every formula cell removed.

    Every other byte of every part stays as it was. Returns how many values were removed.
    """
    from cs_workbook.calc.package import _CELL, _F_ELEM, _SHEET_DATA, _T_ATTR, _V_ELEM
    from cs_workbook.calc.package import copy_package, sheet_parts

    removed = 0

    def cell(cm: re.Match) -> bytes:
        nonlocal removed
        prefix, attrs, body = cm.group(1), cm.group(2), cm.group(4)
        if body is None or not _F_ELEM.search(body):
            return cm.group(0)
        v = _V_ELEM.search(body)
        if v:
            body = body[:v.start()] + body[v.end():]
            removed += 1
        attrs = _T_ATTR.sub(b"", attrs)
        return b"<" + prefix + b"c" + attrs + b">" + body + b"</" + prefix + b"c>"

    with zipfile.ZipFile(src) as zin:
        replace = {}
        for part in sheet_parts(zin).values():
            xml = zin.read(part)
            m = _SHEET_DATA.search(xml)
            if m:
                replace[part] = xml[:m.start()] + _CELL.sub(cell, m.group(0)) + xml[m.end():]
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            copy_package(zin, zout, replace)
    return removed


# -- classifying and comparing -----------------------------------------------------------------

def functions_of(formula: str) -> list[str]:
    """The function names a formula calls, upper case, prefixes (``_xlfn.``) kept.

    >>> functions_of('IF(A1>0,_xlfn.CONCAT("x(",B1),SUM(C1:C3))')
    ['IF', '_XLFN.CONCAT', 'SUM']
    """
    bare = _STRING.sub('""', formula)
    return [(p + n).upper() for p, n in _FUNC.findall(bare)]


def _base(name: str) -> str:
    return name.replace("_XLFN.", "").replace("_XLWS.", "")


def exclusion(cell: Cell, builtins: frozenset[str]) -> str | None:
    """Why ``cell`` is left out of the comparison, or None when it is compared."""
    if cell.kind == "":
        return "no cached value"
    if _EXTERNAL.search(_STRING.sub('""', cell.formula)):
        return "reads another workbook"
    names = functions_of(cell.formula)
    if any(_base(n) in VOLATILE for n in names):
        return "volatile"
    for n in names:
        if n.startswith("_XLUDF.") or not (n.startswith("_XLFN.") or n in builtins):
            return "not a built-in function"
    return None


def same(kind: str, expected, got_kind: str, got) -> bool:
    """Excel's cached value equals ours (numbers rel 1e-9 / abs 1e-12).

    >>> same("n", 0.1 + 0.2, "n", 0.3), same("n", 1.0, "s", "1"), same("e", "#N/A", "e", "#N/A")
    (True, False, True)
    """
    if kind != got_kind:
        return False
    if kind == "n":
        return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-12)
    return expected == got


@dataclass
class Diff:
    cell: Cell
    got_kind: str
    got: object
    cause: str = ""


@dataclass
class FileResult:
    name: str
    formulas: int = 0
    excluded: Counter = field(default_factory=Counter)
    compared: int = 0
    equal: int = 0
    diffs: list[Diff] = field(default_factory=list)
    aborted: str | None = None
    seconds: float = 0.0

    @property
    def agreement(self) -> float:
        return self.equal / self.compared if self.compared else 1.0


def _show(kind: str, value) -> str:
    if kind == "":
        return "(no value)"
    if kind == "n":
        return repr(value if not float(value).is_integer() else int(value))
    if kind == "s":
        return repr(value)
    if kind == "b":
        return "TRUE" if value else "FALSE"
    return str(value)


def _refs_of(formula: str, sheet: str):
    """``(sheet, r1, c1, r2, c2)`` for each A1 reference in ``formula``."""
    for m in _REF.finditer(_STRING.sub('""', formula)):
        s = m.group("sheet")
        s = s[1:-1].replace("''", "'") if s and s.startswith("'") else (s or sheet)
        r1, c1 = int(m.group("r1")), _col_num(m.group("c1"))
        r2 = int(m.group("r2")) if m.group("r2") else r1
        c2 = _col_num(m.group("c2")) if m.group("c2") else c1
        yield s.upper(), min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def categorise(diffs: list[Diff], is1904: bool) -> None:
    """Give each difference a cause: the feature or function most likely responsible."""
    bad: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for d in diffs:
        bad[d.cell.sheet.upper()].append(_split(d.cell.ref))
    for d in diffs:
        f = d.cell.formula
        names = [_base(n) for n in functions_of(f)]
        upstream = False
        for s, r1, c1, r2, c2 in _refs_of(f, d.cell.sheet):
            if any(r1 <= r <= r2 and c1 <= c <= c2 for r, c in bad.get(s, ())
                   if (s, r, c) != (d.cell.sheet.upper(), *_split(d.cell.ref))):
                upstream = True
                break
        m = _STRUCT.search(f)
        if d.got_kind == "":
            why = "not evaluated"
        elif d.cell.kind == "e" or d.got_kind == "e":
            why = "error value differs"
        else:
            why = "value differs"
        if upstream:
            cause = "reads a cell that already differs"
        elif is1904:
            cause = "1904 date system"
        elif _THREE_D.search(_STRING.sub('""', f)):
            cause = "3-D reference"
        elif m:
            cause = f"structured reference [#{m.group(1).title()}]"
        elif d.cell.array:
            cause = "array formula" + (f" ({names[0]})" if names else "")
        elif names:
            cause = names[0] if len(set(names)) == 1 else "/".join(dict.fromkeys(names))
            cause = cause if len(cause) <= 40 else names[0] + "/…"
        else:
            cause = "operators and references only"
        d.cause = f"{cause}: {why}"


def _volatile_readers(cells: list[Cell], whys: dict) -> None:
    """Mark as volatile the formulas that read a volatile cell, directly or not."""
    volatile = defaultdict(set)
    for c in cells:
        if whys[(c.sheet, c.ref)] == "volatile":
            volatile[c.sheet.upper()].add(_split(c.ref))
    refs = {(c.sheet, c.ref): list(_refs_of(c.formula, c.sheet)) for c in cells}
    grew = bool(volatile)
    while grew:
        grew = False
        for c in cells:
            if whys[(c.sheet, c.ref)] in ("volatile", "no cached value"):
                continue
            for s, r1, c1, r2, c2 in refs[(c.sheet, c.ref)]:
                if any(r1 <= r <= r2 and c1 <= k <= c2 for r, k in volatile.get(s, ())):
                    whys[(c.sheet, c.ref)] = "volatile"
                    volatile[c.sheet.upper()].add(_split(c.ref))
                    grew = True
                    break


def check_file(path: Path, workdir: Path) -> FileResult:
    """Strip, recompute and compare one corpus workbook."""
    from cs_workbook.calc import calculate

    path = Path(path)
    res = FileResult(path.name)
    started = time.perf_counter()
    builtins = _builtins()
    cells = read_cells(path)
    res.formulas = len(cells)
    stripped = workdir / f"stripped-{path.name}"
    out = workdir / f"calculated-{path.name}"
    strip_cached(path, stripped)
    try:
        calculate(stripped, out, functions={})
    except Exception as exc:  # the workbook aborts: recorded, never hidden
        res.aborted = f"{type(exc).__name__}: {exc}".replace(str(stripped), path.name)[:300]
        res.seconds = time.perf_counter() - started
        return res
    ours = {(c.sheet, c.ref): c for c in read_cells(out)}
    whys = {(c.sheet, c.ref): exclusion(c, builtins) for c in cells}
    _volatile_readers(cells, whys)
    for c in cells:
        why = whys[(c.sheet, c.ref)]
        if why:
            res.excluded[why] += 1
            continue
        res.compared += 1
        o = ours.get((c.sheet, c.ref))
        got_kind, got = (o.kind, o.value) if o else ("", None)
        if same(c.kind, c.value, got_kind, got):
            res.equal += 1
        else:
            res.diffs.append(Diff(c, got_kind, got))
    categorise(res.diffs, date1904(path))
    res.seconds = time.perf_counter() - started
    return res


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm"))


def run_corpus(workdir: Path | None = None, files=None) -> list[FileResult]:
    files = corpus_files() if files is None else files
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(workdir or tmp)
        return [check_file(p, work) for p in files]


def totals(results: list[FileResult]) -> tuple[int, int]:
    """(equal, compared) over every file that did not abort."""
    return (sum(r.equal for r in results if not r.aborted),
            sum(r.compared for r in results if not r.aborted))


def exercises(path: Path) -> str:
    """The functions a workbook's formulas call most, and the features they use."""
    cells = read_cells(path)
    counts = Counter(_base(n) for c in cells for n in dict.fromkeys(functions_of(c.formula)))
    text = ", ".join(f"{n} {k}" for n, k in counts.most_common(6))
    if len(counts) > 6:
        text += f", +{len(counts) - 6} more"
    features = []
    if any(_STRUCT.search(c.formula) or re.search(r"\w\[", c.formula) for c in cells):
        features.append("structured references")
    if any(_THREE_D.search(c.formula) for c in cells):
        features.append("3-D references")
    if any("!" in c.formula for c in cells):
        features.append("cross-sheet")
    if date1904(path):
        features.append("1904 dates")
    if any(c.kind == "e" for c in cells):
        features.append("error results")
    return (text or "operators only") + ("; " + ", ".join(features) if features else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", action="store_true", help="re-measure and rewrite the README")
    ap.add_argument("--no-write", action="store_true", help="print the figures, write nothing")
    ap.add_argument("files", nargs="*", type=Path, help="workbooks (default: the corpus)")
    args = ap.parse_args(argv)
    results = run_corpus(files=args.files or None)
    for r in results:
        status = f"ABORTS {r.aborted}" if r.aborted else f"{r.equal}/{r.compared}"
        print(f"{r.name:45s} {status} ({r.seconds:.1f} s)", file=sys.stderr)
    equal, compared = totals(results)
    print(f"total {equal}/{compared} = {100 * equal / max(compared, 1):.3f} %", file=sys.stderr)
    from oracle_readme import report, write_readme

    text = report(results)
    if args.report and not args.no_write and not args.files:
        write_readme(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
