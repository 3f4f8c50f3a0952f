"""Parts copied as their compressed bytes (:mod:`cs_workbook.calc.zipcopy`): the copy reads back
part for part, and Info-ZIP's ``unzip -t`` (someone else's reader) finds no error."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

from cs_workbook.calc.package import copy_package
from cs_workbook.calc.zipcopy import copy_raw


def _source(path, seekable=True):
    """Stored and deflated parts, a non-ASCII name, a comment and an empty part; written to a
    stream that cannot seek, every part has its sizes in a data descriptor after its data."""
    big = b"<row>" + b"<c r='A1'><v>1</v></c>" * 20_000 + b"</row>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf if seekable else _Unseekable(buf), "w") as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", (2020, 1, 2, 3, 4, 6)), b"<Types/>")
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", (2021, 5, 6, 7, 8, 10))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.comment = b"a comment"
        zf.writestr(info, big)
        name = zipfile.ZipInfo("xl/media/bild-\u00e4.png", (2022, 1, 1, 0, 0, 0))
        name.compress_type = zipfile.ZIP_STORED
        zf.writestr(name, bytes(range(256)) * 40)
        zf.writestr(zipfile.ZipInfo("xl/empty.xml"), b"")
        with zf.open("xl/streamed.xml", "w") as out:
            out.write(big)
    path.write_bytes(buf.getvalue())
    with zipfile.ZipFile(path) as zf:
        assert all(bool(i.flag_bits & 0x08) is not seekable for i in zf.infolist())
    return path


class _Unseekable(io.RawIOBase):
    def __init__(self, buf):
        self.buf = buf

    def writable(self):
        return True

    def write(self, data):
        return self.buf.write(data)

    def seekable(self):
        return False

    def tell(self):
        return self.buf.tell()

    def flush(self):
        pass


def _raw(zf, info):
    zf.fp.seek(info.header_offset + 26)
    n, m = int.from_bytes(zf.fp.read(2), "little"), int.from_bytes(zf.fp.read(2), "little")
    zf.fp.seek(info.header_offset + 30 + n + m)
    return zf.fp.read(info.compress_size)


@pytest.mark.parametrize("seekable", [True, False])
def test_a_copied_package_reads_back_part_for_part(tmp_path, seekable):
    src = _source(tmp_path / "in.zip", seekable)
    out = tmp_path / "out.zip"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        copy_package(zin, zout, {"xl/empty.xml": b"<new/>"})
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out) as zout:
        assert zout.testzip() is None
        assert zin.namelist() == zout.namelist()
        for a, b in zip(zin.infolist(), zout.infolist()):
            assert (a.date_time, a.compress_type, a.comment, a.external_attr) == (
                b.date_time, b.compress_type, b.comment, b.external_attr)
            if a.filename == "xl/empty.xml":
                assert zout.read(b) == b"<new/>"
                continue
            assert zin.read(a) == zout.read(b)
            assert (a.CRC, a.compress_size) == (b.CRC, b.compress_size)
            assert _raw(zin, a) == _raw(zout, b)  # the compressed bytes themselves
            assert not b.flag_bits & 0x08  # the sizes sit in the header now


@pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP unzip is not installed")
@pytest.mark.parametrize("seekable", [True, False])
def test_info_zip_finds_no_error_in_the_copy(tmp_path, seekable):
    src = _source(tmp_path / "in.zip", seekable)
    out = tmp_path / "out.zip"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        copy_package(zin, zout, {})
    done = subprocess.run(["unzip", "-t", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No errors detected" in done.stdout


def test_what_a_raw_copy_cannot_carry_is_declined(tmp_path):
    src = _source(tmp_path / "in.zip")
    with zipfile.ZipFile(src) as zin:
        info = zin.getinfo("[Content_Types].xml")
        with zipfile.ZipFile(tmp_path / "a.zip", "a") as append:  # only a new archive
            assert not copy_raw(zin, append, info, info)
        bz = zipfile.ZipInfo("x.xml")
        bz.compress_type = zipfile.ZIP_BZIP2
        with zipfile.ZipFile(tmp_path / "b.zip", "w") as out:
            assert not copy_raw(zin, out, bz, bz)
            assert out.namelist() == []
