"""Resource limits (issue #10 item 3): hostile packages are refused before any parser sees them,
with one line naming the file, the part or sheet and the limit, exit 2, and little memory.

The hostile files are built in tmp from a small sample workbook and are small on disk: a part of
compressed whitespace (a zip bomb), a part whose zip headers state a tiny size, an incompressible
part past a lowered inflated-size limit, one cell at ``A1048576`` or ``XFD1048576``. Peak memory
is measured in a child process (``ru_maxrss`` of the command), never time.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile

import pytest

from cs_workbook.errors import ConfigError
from cs_workbook.workbook.limits import Limits, limits_from_env

AS_OF = "2026-06-30"
USAGE = "xl/worksheets/sheet2.xml"  # the sample writer's second sheet
MIB = 1024 * 1024


def _cli(*args, env_extra=None):
    """Run the CLI in a child; returns (exit code, stderr, peak RSS of the child in MB)."""
    code = ("import resource, subprocess, sys\n"
            "p = subprocess.run([sys.executable, '-m', 'cs_workbook.cli', *sys.argv[1:]],"
            " capture_output=True, text=True)\n"
            "sys.stderr.write(p.stderr)\n"
            "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    env = dict(os.environ, **(env_extra or {}))
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=600)
    rc, rss_kb = proc.stdout.split()
    return int(rc), proc.stderr, int(rss_kb) / 1024


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("limits") / "sample.xlsx"
    subprocess.run([sys.executable, "-m", "cs_workbook.cli", "new", "portfolio", "--sample",
                    "--accounts", "5", "--as-of", AS_OF, str(path)], check=True,
                   capture_output=True)
    with zipfile.ZipFile(path) as zf:
        assert b"Billable Users" in zf.read(USAGE)
    return path


def _rebuild(src, dst, part: str, chunks, extra: dict | None = None):
    """``src`` with ``part``'s bytes replaced by the concatenation of ``chunks`` (streamed,
    deflated at level 9) and ``extra`` parts added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED,
                                                       compresslevel=9) as zout:
        for info in zin.infolist():
            if info.filename == part:
                new = zipfile.ZipInfo(part, info.date_time)
                new.compress_type = zipfile.ZIP_DEFLATED
                with zout.open(new, "w", force_zip64=True) as out:
                    for chunk in chunks(zin.read(part)):
                        out.write(chunk)
            else:
                zout.writestr(info, zin.read(info))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def _whitespace(megabytes: int):
    def chunks(xml: bytes):
        head, tail = xml.split(b"<sheetData>", 1)
        yield head + b"<sheetData>"
        block = b" " * MIB
        for _ in range(megabytes):
            yield block
        yield tail
    return chunks


def _inserted(before: bytes, cells: bytes):
    def chunks(xml: bytes):
        head, tail = xml.split(before, 1)
        yield head + cells + before + tail
    return chunks


def _one_line(stderr: str, *needles: str):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "panicked" not in stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


COMMANDS = {
    "score": lambda book, tmp: ["score", book, "--as-of", AS_OF, "-o", tmp / "out.csv"],
    "calc": lambda book, tmp: ["calc", book, "-o", tmp / "out.xlsx"],
    "ebr": lambda book, tmp: ["ebr", book, "--account", "X", "--as-of", AS_OF,
                              "-o", tmp / "out.pdf"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_zip_bomb_of_whitespace_is_refused_before_parsing(sample, tmp_path, command):
    bomb = _rebuild(sample, tmp_path / "bomb.xlsx", USAGE, _whitespace(400))
    assert bomb.stat().st_size < 2 * MIB  # 400 MB of spaces inside
    rc, err, rss = _cli(*COMMANDS[command](bomb, tmp_path))
    assert rc == 2
    _one_line(err, str(bomb), USAGE, "200:1", "CS_WORKBOOK_MAX_RATIO")
    assert rss < 500, f"{rss:.0f} MB"
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out.xlsx").exists()


def _lie_about_size(path, part: str, stated: int) -> None:
    """Patch the local and central headers of ``part`` to state ``stated`` inflated bytes."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
    assert info.file_size < 0xFFFFFFFF and info.compress_size < 0xFFFFFFFF
    struct.pack_into("<I", data, info.header_offset + 22, stated)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + n]) == name:
            struct.pack_into("<I", data, at + 24, stated)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_zip_headers_that_understate_the_size_are_not_trusted(sample, tmp_path):
    bomb = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(sample) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED,
                                                        compresslevel=9) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == USAGE:
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (200 * MIB))
            zout.writestr(info, data)
    _lie_about_size(bomb, USAGE, 4096)
    with zipfile.ZipFile(bomb) as zf:
        assert zf.getinfo(USAGE).file_size == 4096
    rc, err, rss = _cli(*COMMANDS["score"](bomb, tmp_path))
    assert rc == 2
    _one_line(err, USAGE, "CS_WORKBOOK_MAX_RATIO")
    assert rss < 500


@pytest.mark.parametrize("command", ["score", "calc"])
def test_a_package_inflating_past_the_limit_is_refused(sample, tmp_path, command):
    blob = os.urandom(24 * MIB).hex().encode()  # 48 MB of text that compresses only 2:1
    book = _rebuild(sample, tmp_path / "big.xlsx", "", lambda xml: [],
                    extra={"customXml/item1.xml": blob})
    rc, err, rss = _cli(*COMMANDS[command](book, tmp_path),
                        env_extra={"CS_WORKBOOK_MAX_INFLATED_MB": "32"})
    assert rc == 2
    _one_line(err, str(book), "customXml/item1.xml", "32 MiB", "CS_WORKBOOK_MAX_INFLATED_MB")
    assert rss < 500


def test_one_cell_at_the_last_row_is_refused_by_its_used_range_cheaply(sample, tmp_path):
    stray = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    book = _rebuild(sample, tmp_path / "a1048576.xlsx", USAGE,
                    _inserted(b"</sheetData>", stray))
    rc, err, rss = _cli(*COMMANDS["score"](book, tmp_path))
    assert rc == 2
    _one_line(err, str(book), "sheet 'Usage'", "A1048576", "CS_WORKBOOK_MAX_USED_RANGE")
    assert rss < 500, f"{rss:.0f} MB"


def test_one_cell_at_the_last_row_costs_calc_what_its_cells_cost(sample, tmp_path):
    stray = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    book = _rebuild(sample, tmp_path / "a1048576.xlsx", USAGE,
                    _inserted(b"</sheetData>", stray))
    rc, err, rss = _cli(*COMMANDS["calc"](book, tmp_path))
    assert rc == 0, err
    assert rss < 500, f"{rss:.0f} MB"


def test_one_cell_at_xfd1_costs_what_its_cells_cost(sample, tmp_path):
    stray = b'<c r="XFD1" t="inlineStr"><is><t>note</t></is></c>'
    book = _rebuild(sample, tmp_path / "xfd1.xlsx", USAGE, _inserted(b"</row>", stray))
    rc, err, rss = _cli(*COMMANDS["score"](book, tmp_path))
    assert rc == 0, err
    assert rss < 500, f"{rss:.0f} MB"


def test_one_cell_at_xfd1048576_is_refused(sample, tmp_path):
    stray = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    book = _rebuild(sample, tmp_path / "xfd.xlsx", USAGE, _inserted(b"</sheetData>", stray))
    rc, err, rss = _cli(*COMMANDS["score"](book, tmp_path))
    assert rc == 2
    _one_line(err, "sheet 'Usage'", "A1:XFD1048576", "XFD1048576")
    assert rss < 500


@pytest.mark.parametrize("command", ["score", "calc"])
def test_too_many_cells_or_parts_are_refused(sample, tmp_path, command):
    rc, err, _ = _cli(*COMMANDS[command](sample, tmp_path),
                      env_extra={"CS_WORKBOOK_MAX_CELLS": "100"})
    assert rc == 2
    _one_line(err, str(sample), "100 cells", "CS_WORKBOOK_MAX_CELLS")
    rc, err, _ = _cli(*COMMANDS[command](sample, tmp_path),
                      env_extra={"CS_WORKBOOK_MAX_PARTS": "10"})
    assert rc == 2
    _one_line(err, str(sample), "35 parts", "limit of 10", "CS_WORKBOOK_MAX_PARTS")


def test_the_sample_passes_the_default_limits(sample, tmp_path):
    rc, err, _ = _cli(*COMMANDS["score"](sample, tmp_path))
    assert rc == 0, err


def test_a_bad_limit_in_the_environment_is_one_line(sample, tmp_path):
    rc, err, _ = _cli(*COMMANDS["score"](sample, tmp_path),
                      env_extra={"CS_WORKBOOK_MAX_CELLS": "lots"})
    assert rc == 2
    _one_line(err, "CS_WORKBOOK_MAX_CELLS", "'lots'")


def test_limits_from_the_environment():
    assert limits_from_env({}) == Limits()
    got = limits_from_env({"CS_WORKBOOK_MAX_INFLATED_MB": "10", "CS_WORKBOOK_MAX_RATIO": "50",
                           "CS_WORKBOOK_MAX_CELLS": "1_000", "CS_WORKBOOK_MAX_USED_RANGE": "7",
                           "CS_WORKBOOK_MAX_PARTS": "3"})
    assert got == Limits(inflated_bytes=10 * MIB, ratio=50.0, cells=1000, used_range=7, parts=3)
    for bad in ("0", "-1", "inf", "nan", "x"):
        with pytest.raises(ConfigError, match="CS_WORKBOOK_MAX_PARTS"):
            limits_from_env({"CS_WORKBOOK_MAX_PARTS": bad})
