"""A zip part copied as its compressed bytes: not inflated, checked or deflated again.

``calc`` writes a copy of the input package in which only some worksheets change. Reading and
writing every other part through :mod:`zipfile` inflates and deflates it again (a third of the
write at 1,000 accounts, for bytes that come out the same). Python's :mod:`zipfile` has no call
for a raw copy, so :func:`copy_raw` writes the part's local header as ``ZipFile.writestr``
writes it (:meth:`zipfile.ZipInfo.FileHeader`), then the compressed bytes read straight from the
input (:func:`~cs_workbook.workbook.limits.raw_chunks`, as the size check reads them), and registers the entry as ``writestr`` does; the central directory is written by
``ZipFile.close`` as for any other entry. Parts a raw copy cannot carry as they are
(encrypted, or compressed with a method other than store or deflate) are left to the caller.
"""

from __future__ import annotations

import copy
import itertools
import zipfile

__all__ = ["copy_raw"]

_DATA_DESCRIPTOR = 0x08  # sizes and CRC after the data: written into the header instead
_ENCRYPTED = 0x01


def copy_raw(src: zipfile.ZipFile, dst: zipfile.ZipFile, info: zipfile.ZipInfo,
             new: zipfile.ZipInfo) -> bool:
    """Copy ``src``'s part ``info`` into ``dst`` under the metadata of ``new`` (name, date,
    attributes, extra) with its compressed bytes as they are; False, and nothing written,
    when the part cannot be copied so."""
    if (info.flag_bits & _ENCRYPTED or info.compress_type not in (zipfile.ZIP_STORED,
                                                                  zipfile.ZIP_DEFLATED)
            or dst.mode != "w" or not getattr(dst, "_seekable", True)
            or getattr(dst, "_writing", False)):
        return False
    from ..workbook.limits import raw_chunks

    chunks = raw_chunks(src.fp, info)
    try:
        first = next(chunks, b"")  # the local header is checked here, before anything is written
    except zipfile.BadZipFile:
        return False
    entry = copy.copy(new)
    entry.compress_type = info.compress_type
    entry.CRC, entry.compress_size, entry.file_size = (info.CRC, info.compress_size,
                                                       info.file_size)
    entry.flag_bits = info.flag_bits & ~_DATA_DESCRIPTOR
    entry.header_offset = dst.fp.tell()
    zip64 = entry.file_size > zipfile.ZIP64_LIMIT or entry.compress_size > zipfile.ZIP64_LIMIT
    if zip64 and not dst._allowZip64:
        return False
    with dst._lock:
        dst.fp.write(entry.FileHeader(zip64))
        copied = 0
        for chunk in itertools.chain((first,), chunks):
            dst.fp.write(chunk)
            copied += len(chunk)
        if copied != info.compress_size:
            raise zipfile.BadZipFile(f"truncated part {info.filename!r}")
        dst.start_dir = dst.fp.tell()
        dst.filelist.append(entry)
        dst.NameToInfo[entry.filename] = entry
        dst._didModify = True
    return True
