"""Excel's newer error values in constant cells, as the engine should read them.

Excel saves a cell holding ``#SPILL!``, ``#CALC!``, ``#FIELD!`` … as ``<c t="e" vm="N">
<v>#VALUE!</v></c>``: the ``<v>`` is the fallback older readers see, and the real error is a
rich value (``xl/metadata.xml`` → ``xl/richData/rdrichvalue.xml``, structure ``_error``,
``errorType`` = ERROR.TYPE − 1). :func:`error_names` maps each ``vm`` to the error's text, and
:func:`restore` makes the cell, in the copy the engine loads, a formula of that error literal
(the engine's reader refuses ``#CALC!`` as a cell value, its formula parser accepts it). Only
the errors the engine knows (``#SPILL!``, ``#CALC!``) are restored; the others keep the
``#VALUE!`` fallback.
"""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

__all__ = ["error_names", "restore"]

#: ERROR.TYPE − 1 → the error's text, for the errors a pre-2018 ``<v>`` cannot hold.
_NEWER = {8: "#SPILL!", 13: "#CALC!"}
_CELL = re.compile(rb'<((?:\w+:)?)c\b([^>]*\bt="e"[^>]*\bvm="(\d+)"[^>]*)>\s*<(?:\w+:)?v>'
                   rb'#VALUE!</(?:\w+:)?v>\s*</\1c>')
_DROP = re.compile(rb'\s(?:t|vm)="[^"]*"')


def _read(zf: zipfile.ZipFile, names: set, part: str):
    return ElementTree.fromstring(zf.read(part)) if part in names else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def error_names(zf: zipfile.ZipFile) -> dict[int, str]:
    """``{vm: "#CALC!", …}`` for the value-metadata indexes (1-based) that are newer errors."""
    names = set(zf.namelist())
    meta = _read(zf, names, "xl/metadata.xml")
    values = _read(zf, names, "xl/richData/rdrichvalue.xml")
    structs = _read(zf, names, "xl/richData/rdrichvaluestructure.xml")
    if meta is None or values is None or structs is None:
        return {}
    kinds = [(s.get("t"), [k.get("n") for k in s if _local(k.tag) == "k"])
             for s in structs if _local(s.tag) == "s"]
    rich = []
    for rv in (e for e in values if _local(e.tag) == "rv"):
        kind, keys = kinds[int(rv.get("s", 0))] if int(rv.get("s", 0)) < len(kinds) else ("", [])
        vals = [v.text for v in rv if _local(v.tag) == "v"]
        fields = dict(zip(keys, vals))
        rich.append(fields.get("errorType") if kind == "_error" else None)
    future = []
    for fm in (e for e in meta if _local(e.tag) == "futureMetadata"):
        if fm.get("name") == "XLRICHVALUE":
            future = [next((int(x.get("i")) for x in bk.iter() if _local(x.tag) == "rvb"), None)
                      for bk in fm if _local(bk.tag) == "bk"]
    out = {}
    for vmeta in (e for e in meta if _local(e.tag) == "valueMetadata"):
        for n, bk in enumerate((b for b in vmeta if _local(b.tag) == "bk"), start=1):
            rc = next((x for x in bk if _local(x.tag) == "rc"), None)
            if rc is None or int(rc.get("v", -1)) >= len(future):
                continue
            i = future[int(rc.get("v"))]
            kind = rich[i] if i is not None and i < len(rich) else None
            if kind is not None and kind.isdigit() and int(kind) in _NEWER:
                out[n] = _NEWER[int(kind)]
    return out


def restore(xml: bytes, errors: dict[int, str]) -> bytes:
    """``xml`` (a worksheet part) with each ``#VALUE!`` fallback of a newer error replaced by
    the error itself."""
    if not errors or b'vm="' not in xml:
        return xml

    def one(m: re.Match) -> bytes:
        name = errors.get(int(m.group(3)))
        if not name:
            return m.group(0)
        ns = m.group(1)
        return (b"<" + ns + b"c" + _DROP.sub(b"", m.group(2)) + b"><" + ns + b"f>"
                + name.encode() + b"</" + ns + b"f></" + ns + b"c>")

    return _CELL.sub(one, xml)
