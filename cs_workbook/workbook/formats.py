"""What kind of file a "workbook" is, from its bytes: ``.xlsx``/``.xlsm`` or something else.

The extension is not trusted: a legacy ``.xls`` renamed ``.xlsx``, an encrypted (password
protected) workbook, an ``.xlsb`` or an OpenDocument spreadsheet each get a message saying what
the file is and what to do, instead of a zip library's error. Detection reads magic bytes:
an OLE2 compound file (``D0 CF 11 E0 A1 B1 1A E1``) is either an ``.xls`` (a ``Workbook`` or
``Book`` stream) or an encrypted Office package (an ``EncryptedPackage`` stream); a zip file is
an ``.xlsx``/``.xlsm`` (``xl/workbook.xml``), an ``.xlsb`` (``xl/workbook.bin``, binary content
type) or an ``.ods`` (its ``mimetype`` part).
"""

from __future__ import annotations

import os
import zipfile

from ..errors import WorkbookError

__all__ = ["sniff", "problem", "check_xlsx_package", "OLE2_MAGIC", "SPECIFIC"]

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK\x03\x04"
#: how much of an OLE2 file is searched for its stream names (directory sectors)
_OLE2_SCAN = 64 * 1024 * 1024

_MESSAGES = {
    "xls": "is an .xls (Excel 97-2003) workbook: open it in Excel and save it as .xlsx",
    "xlsb": "is an .xlsb (Excel binary) workbook: open it in Excel and save it as .xlsx",
    "encrypted": "is encrypted (password protected): save a copy without a password as .xlsx",
    "ods": "is an OpenDocument spreadsheet (.ods): save it as .xlsx",
    "empty": "is empty (0 bytes), not a workbook",
    "ole2": "is an OLE2 (Office 97-2003) file but not a workbook",
    "zip": "is a zip file but not an Excel workbook (.xlsx or .xlsm)",
    "other": "is not an Excel workbook (.xlsx or .xlsm)",
}


def sniff(path) -> str:
    """The kind of file at ``path``: ``xlsx`` (also ``.xlsm``), ``xls``, ``xlsb``,
    ``encrypted``, ``ods``, ``empty``, ``ole2``, ``zip`` or ``other``.

    Raises :class:`OSError` when the file cannot be read.
    """
    with open(path, "rb") as fh:
        head = fh.read(8)
        if not head:
            return "empty"
        if head == OLE2_MAGIC:
            body = head + fh.read(_OLE2_SCAN)
            if "EncryptedPackage".encode("utf-16-le") in body:
                return "encrypted"
            if any(name.encode("utf-16-le") + b"\0\0" in body for name in ("Workbook", "Book")):
                return "xls"
            return "ole2"
    if not head.startswith(_ZIP_MAGIC) and not zipfile.is_zipfile(path):
        return "other"
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype"):
                return "ods"
            types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return "zip"
    if "xl/workbook.bin" in names or b"sheet.binary.macroEnabled.main" in types:
        return "xlsb"
    if "xl/workbook.xml" in names or b"spreadsheetml.sheet.main" in types \
            or b"sheet.macroEnabled.main" in types:
        return "xlsx"
    return "zip"


#: kinds whose message says more than "not an Excel workbook"
SPECIFIC = frozenset({"xls", "xlsb", "encrypted", "ods", "empty"})


def problem(path, *, generic: bool = True) -> str | None:
    """Why ``path`` is not an ``.xlsx``/``.xlsm`` package (a phrase after the file name), or
    None when it is one, or cannot be read (the caller's own open reports that). With
    ``generic=False`` only the :data:`SPECIFIC` kinds get a phrase (the reader keeps its own
    message, with the parser's detail, for the rest)."""
    try:
        kind = sniff(path)
    except OSError:
        return None
    if kind == "xlsx" or (not generic and kind not in SPECIFIC):
        return None
    return _MESSAGES[kind]


def check_xlsx_package(path) -> None:
    """Raise :class:`WorkbookError` naming ``path`` unless it is an ``.xlsx``/``.xlsm``.

    A missing file or a folder is left to the caller (its message says so)."""
    if not os.path.isfile(path):
        return
    why = problem(path)
    if why is not None:
        raise WorkbookError(why, file=str(path))
