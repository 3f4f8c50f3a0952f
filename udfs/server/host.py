"""xlwings Server hosting our functions: the ``custom_functions`` module it imports, its
settings (``XLWINGS_*`` variables, a project directory) and the Office.js engine."""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path

from .._xl import NAMESPACE, namespaced
from .threads import threaded_module

__all__ = ["ServerUnavailable", "officejs_module", "require_extra", "load_xlwings_server",
           "MODULE_NAME"]

MODULE_NAME = "cs_workbook_officejs_functions"

_AUTH_JS = """\
// cs-workbook: send the server token stored once per machine with
// localStorage.setItem("cs-workbook-token", "<token>") (see docs/excel-setup.md).
globalThis.getAuth = async function () {
  return { token: localStorage.getItem("cs-workbook-token") || "", provider: "" };
};
"""


class ServerUnavailable(RuntimeError):
    """The Office.js server cannot start; the message says what to install or set."""


def officejs_module() -> types.ModuleType:
    """A module of Office.js variants of every catalogue function (see the package docs)."""
    from .. import CATALOGUE

    module = types.ModuleType(MODULE_NAME, "cs-workbook Excel functions for Office.js")
    for name, fn in CATALOGUE.items():
        variant = namespaced(fn, arg_options={"convert": "raw"})
        variant.__module__ = MODULE_NAME
        setattr(module, name, variant)
    return module


def require_extra():
    """Raise :class:`ServerUnavailable` unless the ``server`` extra and a licence key are there."""
    missing = [m for m in ("xlwings_server", "fastapi", "uvicorn")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise ServerUnavailable(
            "the Office.js server needs the 'server' extra: pip install 'cs-workbook[server]'")
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        raise ServerUnavailable(
            "set XLWINGS_LICENSE_KEY: an xlwings PRO key for commercial use, or "
            "'noncommercial' for noncommercial use")


def load_xlwings_server(project_dir):
    """xlwings Server's ASGI app (``xlwings_server.main.main_app``) serving our functions."""
    if project_dir is None:
        project_dir = tempfile.mkdtemp(prefix="cs-workbook-server-")
        atexit.register(shutil.rmtree, project_dir, ignore_errors=True)
    project = Path(project_dir)
    (project / "static" / "js").mkdir(parents=True, exist_ok=True)
    (project / "static" / "js" / "auth.js").write_text(_AUTH_JS, encoding="utf-8")
    os.environ["XLWINGS_PROJECT_DIR"] = str(project)
    os.environ["XLWINGS_FUNCTIONS_NAMESPACE"] = NAMESPACE
    os.environ.setdefault("XLWINGS_PROJECT_NAME", "cs-workbook")
    os.environ.setdefault("XLWINGS_ENVIRONMENT", "prod")
    os.environ.setdefault("XLWINGS_ENABLE_EXAMPLES", "false")
    os.environ.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")  # no streaming functions
    os.environ.setdefault("XLWINGS_ENABLE_HOTRELOAD", "false")
    existing = sys.modules.get("custom_functions")
    if existing is not None and getattr(existing, "__name__", "") != MODULE_NAME:
        raise ServerUnavailable("another 'custom_functions' module is already loaded")
    sys.modules["custom_functions"] = existing or threaded_module(officejs_module())
    sys.modules.setdefault("custom_scripts", types.ModuleType("custom_scripts"))
    _register_officejs_engine()
    if importlib.util.find_spec("pyodide") is None:
        # xlwings 0.36.7–0.37.8 tries `from pyodide.ffi import JsNull` per argument; a None
        # entry makes that failed import cost ~5 µs instead of a ~40 µs sys.path scan.
        sys.modules.setdefault("pyodide", None)
    # xlwings Server reads its settings when its package is first imported; if something
    # imported it before the variables above were set, load it again with them.
    for name in [m for m in sys.modules
                 if m == "xlwings_server" or m.startswith("xlwings_server.")]:
        del sys.modules[name]
    from xlwings_server import main

    return main.main_app


def _register_officejs_engine():
    """xlwings registers its Office.js engine at import time, and only if a licence key was
    set by then; the key may have been set later (e.g. by `serve`), so register it now."""
    import xlwings
    from xlwings.main import Engine
    from xlwings.pro import _xlofficejs  # validates the licence key

    if "officejs" not in [e.name for e in xlwings.engines]:
        xlwings.engines.add(Engine(impl=_xlofficejs.engine))
