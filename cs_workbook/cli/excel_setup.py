"""``cs-workbook excel setup``: point the classic xlwings add-in at this Python and our functions.

The add-in reads its settings from the user's ``xlwings.conf`` (one ``"KEY","value"`` pair a
line; ``xlwings.USER_CONFIG_FILE``, on Windows ``%USERPROFILE%\\.xlwings\\xlwings.conf``):
``INTERPRETER_WIN`` is the Python it starts, ``UDF MODULES`` the modules *Import Functions*
reads. This writes both (other lines are kept, the file is replaced atomically) and prints what
it did, so a CSM runs one command after ``xlwings addin install``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..files import atomic_path

__all__ = ["UDF_MODULE", "default_interpreter", "update_config", "cmd_setup", "register"]

#: The module the add-in imports our functions from.
UDF_MODULE = "cs_workbook.udfs"


def default_interpreter(executable: str | None = None) -> str:
    """The Python the add-in should start: this one, as ``pythonw.exe`` (no console window)
    where that exists beside ``python.exe``."""
    exe = Path(executable or sys.executable)
    windowless = exe.with_name("pythonw.exe")
    if exe.name.lower() == "python.exe" and windowless.exists():
        return str(windowless)
    return str(exe)


def _key_of(line: str) -> str | None:
    line = line.strip()
    if not line.startswith('"'):
        return None
    end = line.find('"', 1)
    return line[1:end].upper() if end > 0 else None


def update_config(path, settings: dict[str, str]) -> list[str]:
    """Set ``settings`` (key → value) in the xlwings config file ``path``; keep every other
    line. Returns a description of each change.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "xlwings.conf")
    >>> _ = open(p, "w").write('"LICENSE_KEY","abc"\\n"UDF MODULES","old"\\n')
    >>> update_config(p, {"UDF MODULES": "cs_workbook.udfs"})
    ['UDF MODULES: old → cs_workbook.udfs']
    >>> open(p).read()
    '"LICENSE_KEY","abc"\\n"UDF MODULES","cs_workbook.udfs"\\n'
    """
    path = Path(path)
    for key, value in settings.items():
        if '"' in key or '"' in value or "\n" in value:
            raise ValueError(f"{key}: a value with quotes or line breaks cannot be written")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    old = {}
    for line in lines:
        key = _key_of(line)
        if key is not None:
            parts = line.strip().split('","', 1)
            old[key] = parts[1].rstrip('"') if len(parts) == 2 else ""
    wanted = {k.upper(): v for k, v in settings.items()}
    kept = [ln for ln in lines if ln.strip() and _key_of(ln) not in wanted]
    body = kept + [f'"{k}","{v}"' for k, v in wanted.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        Path(tmp).write_text("\n".join(body) + "\n", encoding="utf-8")
    return [f"{k}: {old[k]} → {v}" if k in old and old[k] != v else
            (f"{k}: {v} (unchanged)" if k in old else f"{k}: {v} (added)")
            for k, v in wanted.items()]


def cmd_setup(args) -> int:
    from xlwings import USER_CONFIG_FILE

    path = Path(args.config_file or USER_CONFIG_FILE)
    settings = {"INTERPRETER_WIN": args.interpreter or default_interpreter(),
                "UDF MODULES": UDF_MODULE}
    try:
        changes = update_config(path, settings)
    except ValueError as exc:
        from ..errors import InvalidInput

        raise InvalidInput(f"--interpreter: {exc}") from None
    print(f"updated the xlwings add-in settings in {path}:")
    for change in changes:
        print(f"  {change}")
    print("now open a workbook, enable 'Trust access to the VBA project object model' and "
          "click Import Functions on the xlwings tab (docs/excel-setup.md)")
    return 0


def register(subparsers) -> None:
    """Add ``excel setup`` to the CLI's sub-parsers."""
    excel = subparsers.add_parser(
        "excel", help="set up the classic xlwings add-in (Windows) for the CS_* functions")
    sub = excel.add_subparsers(dest="excel_command", required=True, metavar="ACTION")
    s = sub.add_parser(
        "setup", help="write the interpreter and UDF module into the user's xlwings.conf",
        description="Point the xlwings add-in at this Python and at cs_workbook.udfs: writes "
                    "INTERPRETER_WIN and UDF MODULES into the user's xlwings.conf (run it "
                    "after `xlwings addin install`).")
    s.add_argument("--interpreter", metavar="PATH",
                   help="the Python the add-in starts (default: this one, as pythonw.exe)")
    s.add_argument("--config-file", metavar="FILE",
                   help="the xlwings config file (default: xlwings' user config file)")
    s.set_defaults(func=cmd_setup)
