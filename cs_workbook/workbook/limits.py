"""Resource limits of a workbook package, checked before any parser (calamine, formualizer) sees it.

A hostile or broken ``.xlsx`` can cost far more than its size on disk: an 11 MB file may inflate
to 3 GB (a Rust allocation failure aborts the process), a 3 MB file of compressed whitespace
takes gigabytes to parse, and one cell at ``A1048576`` makes calamine build a dense grid of a
million rows. So every command that opens a workbook first scans the package here, which costs
what its bytes cost and never more memory than one chunk:

* the number of zip parts (:attr:`Limits.parts`);
* the inflated size of all parts together (:attr:`Limits.inflated_bytes`), measured by inflating
  each part's raw deflate stream ourselves — the sizes in the zip headers are not trusted;
* each part's compression ratio (:attr:`Limits.ratio`; parts under :data:`RATIO_GRACE` are
  exempt, as in Apache POI's ``ZipSecureFile``) — the signature of a zip bomb;
* the cell elements of all worksheets (:attr:`Limits.cells`), counted by streaming the XML;
* per worksheet, the used range (the bounding box of the cells actually present, not the
  ``<dimension>`` element, which a file may state wrongly): :func:`check_grid` refuses a sheet
  whose rows × columns exceed :attr:`Limits.used_range` before it is read into a grid.

Each limit can be set by an environment variable (:data:`ENVIRONMENT`); a violation is one
:class:`~cs_workbook.errors.WorkbookError` naming the file, the part or sheet and the limit.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field, fields, replace
from xml.etree import ElementTree

from ..errors import ConfigError, WorkbookError
from .extent import SheetExtent, column_name, CellCounter

__all__ = ["Limits", "ENVIRONMENT", "limits_from_env", "check_package", "raw_chunks",
           "check_grid", "SheetExtent", "PackageScan", "RATIO_GRACE"]

_MIB = 1024 * 1024
#: parts inflating to less than this are never refused for their compression ratio
RATIO_GRACE = _MIB
_CHUNK = 4 * _MIB


@dataclass(frozen=True)
class Limits:
    """What one workbook may cost. The defaults pass a 100,000-usage-row portfolio with its
    Scorecard (213 MB inflated, the Scorecard part compressed 46:1, about 3 M cells) with a wide
    margin."""

    #: total inflated bytes of all zip parts
    inflated_bytes: int = 2048 * _MIB
    #: inflated ÷ compressed size of one part (parts over :data:`RATIO_GRACE`)
    ratio: float = 200.0
    #: cell elements over all worksheets
    cells: int = 20_000_000
    #: rows × columns of the used range of one sheet read into a grid
    used_range: int = 10_000_000
    #: zip parts (files inside the package)
    parts: int = 10_000


#: ``{Limits field: (environment variable, unit in bytes or 1)}``
ENVIRONMENT = {
    "inflated_bytes": ("CS_WORKBOOK_MAX_INFLATED_MB", _MIB),
    "ratio": ("CS_WORKBOOK_MAX_RATIO", 1),
    "cells": ("CS_WORKBOOK_MAX_CELLS", 1),
    "used_range": ("CS_WORKBOOK_MAX_USED_RANGE", 1),
    "parts": ("CS_WORKBOOK_MAX_PARTS", 1),
}


def limits_from_env(environ=None) -> Limits:
    """The :class:`Limits` with any value set in the environment (:data:`ENVIRONMENT`).

    Raises
    ------
    ConfigError
        A variable is not a positive number: ``CS_WORKBOOK_MAX_CELLS='many' is not a positive
        number``.
    """
    environ = os.environ if environ is None else environ
    values = {}
    for f in fields(Limits):
        name, unit = ENVIRONMENT[f.name]
        raw = environ.get(name)
        if raw is None or not raw.strip():
            continue
        try:
            number = float(raw.replace("_", ""))
        except ValueError:
            number = float("nan")
        if not number > 0 or number == float("inf"):
            raise ConfigError(f"environment variable {name}={raw!r} is not a positive number")
        values[f.name] = number if f.name == "ratio" else int(number * unit)
    return replace(Limits(), **values)


@dataclass
class PackageScan:
    """The measured package: part count, inflated bytes of the parts other than worksheets,
    the worksheet parts and ``{sheet name: part}`` (empty when the workbook part cannot be
    read)."""

    parts: int = 0
    inflated: int = 0
    worksheets: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


def check_package(path, limits: Limits | None = None, *, sheets: bool = False
                  ) -> PackageScan | None:
    """Scan ``path`` and raise :class:`WorkbookError` for the first limit it exceeds.

    Every part but the worksheets is inflated and measured; the worksheets only by the sizes
    their zip headers state, unless ``sheets`` is set (for a reader that loads every sheet, as
    headless calc does) — a reader that parses one sheet at a time calls :func:`check_grid`
    before each, which measures that sheet for real.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook. Something that is not a zip file is left to the caller's own checks
        (None is returned), as is a zip Python cannot read (its parser reports it).
    limits : Limits, optional
        Default: :func:`limits_from_env`.
    sheets : bool
        Inflate and count every worksheet too (cells over all sheets against
        :attr:`Limits.cells`).

    Returns
    -------
    PackageScan or None

    Raises
    ------
    WorkbookError
        e.g. ``book.xlsx: part 'xl/worksheets/sheet1.xml' is compressed more than 200:1 (…),
        the limit (CS_WORKBOOK_MAX_RATIO): a zip bomb?``
    """
    limits = limits_from_env() if limits is None else limits
    scan = _package(path, limits)
    if scan is not None and sheets:
        cells = 0
        for part in scan.worksheets:
            ext = _sheet(path, part, limits, scan.inflated, bounds=False)
            cells += ext.cells
            if cells > limits.cells:
                raise WorkbookError(f"holds more than {limits.cells:,} cells (part {part!r}), "
                                    "the limit (CS_WORKBOOK_MAX_CELLS)", file=str(path))
    return scan


def check_grid(path, sheet: str, limits: Limits | None = None) -> None:
    """Measure worksheet ``sheet`` (inflated size, ratio, cells) and raise
    :class:`WorkbookError` when it exceeds a limit, its used range above all: call it just
    before the sheet is read into a grid."""
    limits = limits_from_env() if limits is None else limits
    scan = _package(path, limits)
    if scan is None or sheet not in scan.names:
        return
    ext = _sheet(path, scan.names[sheet], limits, scan.inflated, bounds=True)
    if ext.area <= limits.used_range:
        return
    far = " and ".join(dict.fromkeys(r for r in (ext.far_row, ext.far_col) if r))
    raise WorkbookError(
        f"used range A1:{column_name(ext.max_col)}{ext.max_row} is {ext.area:,} cells, more than "
        f"the limit of {limits.used_range:,} (CS_WORKBOOK_MAX_USED_RANGE), for {ext.cells:,} "
        f"cells: clear the cells far from the data ({far})", file=str(path), sheet=sheet)


def _version(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return os.path.realpath(path), st.st_size, st.st_mtime_ns


def _package(path, limits: Limits) -> PackageScan | None:
    version = _version(path)
    return None if version is None else _scan_package(*version, limits, str(path))


def _sheet(path, part: str, limits: Limits, others: int, bounds: bool) -> SheetExtent:
    """The sheet's cells and rows, and with ``bounds`` its bounding box too."""
    version = _version(path)
    if version is None:
        return SheetExtent()
    return _scan_sheet(*version, part, limits, others, str(path), bounds)


def _failer(shown: str):
    def fail(message: str):
        raise WorkbookError(message, file=shown)
    return fail


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError, ValueError,
                KeyError, NotImplementedError, RuntimeError)


@functools.lru_cache(maxsize=8)
def _scan_package(real: str, size: int, mtime: int, limits: Limits, shown: str
                  ) -> PackageScan | None:
    if not zipfile.is_zipfile(real):
        return None
    fail = _failer(shown)
    try:
        with zipfile.ZipFile(real) as zf, open(real, "rb") as fh:
            infos = zf.infolist()
            if len(infos) > limits.parts:
                fail(f"holds {len(infos):,} parts, more than the limit of {limits.parts:,} "
                     "(CS_WORKBOOK_MAX_PARTS)")
            scan = PackageScan(parts=len(infos))
            stated = 0
            for info in infos:
                if _is_worksheet(info.filename):
                    scan.worksheets.append(info.filename)
                    stated += info.file_size
                    _check_size(info, info.file_size, stated, limits, fail)
                else:
                    scan.inflated += _inflate(zf, fh, info, None, scan.inflated, limits, fail)
                if scan.inflated + stated > limits.inflated_bytes:
                    _check_size(info, info.file_size, scan.inflated + stated, limits, fail)
            scan.names = _sheet_names(zf)
    except _READ_ERRORS:
        return None  # not a readable package: the parser's own open says why
    return scan


@functools.lru_cache(maxsize=32)
def _scan_sheet(real: str, size: int, mtime: int, part: str, limits: Limits, others: int,
                shown: str, bounds: bool) -> SheetExtent:
    ext = SheetExtent()
    try:
        with zipfile.ZipFile(real) as zf, open(real, "rb") as fh:
            _inflate(zf, fh, zf.getinfo(part), ext, others, limits, _failer(shown), bounds)
    except _READ_ERRORS:
        pass  # the parser reports it
    return ext


def _check_size(info, total: int, overall: int, limits: Limits, fail) -> None:
    if overall > limits.inflated_bytes:
        fail(f"inflates to more than {limits.inflated_bytes // _MIB:,} MiB (reached in part "
             f"{info.filename!r}), the limit (CS_WORKBOOK_MAX_INFLATED_MB)")
    if total > RATIO_GRACE and total / max(info.compress_size, 1) > limits.ratio:
        fail(f"part {info.filename!r} is compressed more than {limits.ratio:,.0f}:1 "
             f"({info.compress_size:,} bytes inflate past {total:,}), the limit "
             "(CS_WORKBOOK_MAX_RATIO): a zip bomb?")


def _is_worksheet(name: str) -> bool:
    return bool(re.search(r"(^|/)worksheets/[^/]+\.xml$", name, re.I))


def raw_chunks(fh, info: zipfile.ZipInfo):
    """The compressed bytes of ``info`` straight from its local header, in chunks (``fh``: the
    package's file; :class:`zipfile.BadZipFile` for a bad local header; a truncated file ends
    early)."""
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    while left > 0:
        chunk = fh.read(min(_CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)
        yield chunk


def _inflated_chunks(zf: zipfile.ZipFile, fh, info: zipfile.ZipInfo):
    if info.flag_bits & 0x1:  # an encrypted member: the parsers cannot read it either
        return
    if info.compress_type == zipfile.ZIP_STORED:
        yield from raw_chunks(fh, info)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        for raw in raw_chunks(fh, info):
            data = inflater.decompress(raw, _CHUNK)
            while True:
                if data:
                    yield data
                if not inflater.unconsumed_tail or inflater.eof:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
            if inflater.eof:
                return
    else:  # bzip2, lzma: Python's reader, bounded by the header's size
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                yield chunk


def _inflate(zf, fh, info, ext, before: int, limits: Limits, fail, bounds: bool = True) -> int:
    """Inflate one part, counting bytes (and cells, into ``ext`` for a worksheet, with their
    bounding box if ``bounds``); stop at the first limit. ``before``: bytes inflated in the
    package so far."""
    total = 0
    counter = CellCounter(ext, bounds) if ext is not None else None
    for chunk in _inflated_chunks(zf, fh, info):
        total += len(chunk)
        _check_size(info, total, before + total, limits, fail)
        if counter is not None:
            counter.feed(chunk)
            if ext.cells > limits.cells:
                fail(f"holds more than {limits.cells:,} cells (part {info.filename!r}), the "
                     "limit (CS_WORKBOOK_MAX_CELLS)")
    if counter is not None:
        counter.close()
    return total


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """``{sheet name: worksheet part}`` from the workbook part and its relationships (parts
    already within the limits); empty when they cannot be read."""
    try:
        names = set(zf.namelist())
        rels = ElementTree.fromstring(zf.read("_rels/.rels"))
        book = next(r.get("Target", "") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")
                    if r.get("Type", "").endswith("/officeDocument")).lstrip("/")
        folder, base = posixpath.split(book)
        targets = {}
        book_rels = posixpath.join(folder, "_rels", base + ".rels")
        if book_rels in names:
            for r in ElementTree.fromstring(zf.read(book_rels)).iter(
                    f"{{{_PKG_REL}}}Relationship"):
                target = r.get("Target", "")
                targets[r.get("Id")] = (target.lstrip("/") if target.startswith("/") else
                                        posixpath.normpath(posixpath.join(folder, target)))
        out = {}
        for s in ElementTree.fromstring(zf.read(book)).iter(f"{{{_MAIN}}}sheet"):
            part = targets.get(s.get(f"{{{_REL}}}id"))
            if part in names:
                out[s.get("name")] = part
        return out
    except (KeyError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile):
        return {}
