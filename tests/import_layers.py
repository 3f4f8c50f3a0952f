"""The import contract itself: which modules of ours form each layer, what each layer may import,
and what counts as I/O in a pure layer. **Edit here** when a module or a dependency is added.

:mod:`import_checker` (static, by AST) and :mod:`import_runtime` (a fresh interpreter's
``sys.modules``) check these rules; ``tests/engine/test_import_contract.py`` applies them to the
real tree and ``tests/engine/test_import_checker.py`` proves the checker catches each kind of
violation.
"""

from __future__ import annotations

import re

# ═════════════════════════════════════════════════════════════════════════════════════════════
# THE CONTRACT — edit here.
#
# layer name → {
#   "modules":     which modules of ours are in the layer.  "a.b" is exactly the module a.b;
#                  "a.b.*" is the package a.b and everything below it.  The most specific
#                  pattern wins ("cs_workbook.udfs.server" beats "cs_workbook.udfs.*").
#                  A module of ours that no pattern matches fails the contract: a new module
#                  must be classified here.
#   "third_party": top-level import names of third-party packages the layer may import
#                  (the standard library, ``sys.stdlib_module_names``, is always allowed,
#                  except the I/O modules below in a "pure" layer).  EVERY = the union of all
#                  the other layers' lists.
#   "ours":        the other layers of ours it may import (its own layer is always allowed).
#                  EVERY = all layers.
#   "pure":        True = no I/O: none of IO_MODULES, none of IO_CALLS / IO_METHODS.
# }
# ═════════════════════════════════════════════════════════════════════════════════════════════
EVERY = "*"

LAYERS: dict[str, dict] = {
    # the pure engine: rules, configuration values, the data model.  Reads and writes nothing.
    "engine": {
        "modules": [
            "cs_workbook",            # the root __init__ (its public API is the engine's)
            "cs_workbook.config",
            "cs_workbook.errors",
            "cs_workbook.rounding",
            "cs_workbook.schema",
            "cs_workbook.data",
            "cs_workbook.excel.*",    # Excel serial dates and error values (pure)
            "cs_workbook.metrics.*",
            "cs_workbook.portfolio.*",
        ],
        "third_party": ["numpy", "pandas"],
        "ours": [],
        "pure": True,
    },
    # shared I/O helpers (atomic writes, reading a TOML config file …): standard library only
    "files": {
        "modules": ["cs_workbook.files", "cs_workbook.config_files", "cs_workbook.native"],
        "third_party": [],
        "ours": ["engine"],
    },
    # the built-in sample portfolio generator: engine + numpy/pandas, no I/O
    "sample": {
        "modules": ["cs_workbook.sample.*"],
        "third_party": ["numpy", "pandas"],
        "ours": ["engine"],
        "pure": True,
    },
    # reading/writing CS workbooks and templates
    "workbook": {
        "modules": ["cs_workbook.workbook.*"],
        # pyarrow: the folder-of-tables reader (workbook/tables.py) and .parquet score exports
        "third_party": ["openpyxl", "python_calamine", "xlsxwriter", "pyarrow", "numpy",
                        "pandas"],
        "ours": ["engine", "files"],
    },
    # importers: exports + a TOML mapping → CS workbook data, written by the workbook layer
    "importers": {
        "modules": ["cs_workbook.importers.*"],
        "third_party": ["pyarrow", "numpy", "pandas", "python_calamine"],
        "ours": ["engine", "files", "workbook"],
    },
    # headless formula evaluation; it evaluates our Excel functions, so it may use udfs
    "calc": {
        "modules": ["cs_workbook.calc.*"],
        "third_party": [
            "formualizer",            # the evaluation core (Rust)
            "formulas", "schedula",   # the former engine, for comparison (schedula is its own)
            "tqdm",                   # only to silence formulas' progress bar
            "openpyxl", "numpy", "pandas",
        ],
        "ours": ["engine", "files", "workbook", "udfs"],
    },
    # the Excel functions: must stay importable in xlwings Lite (stdlib, numpy, pandas, xlwings)
    "udfs": {
        "modules": ["cs_workbook.udfs.*"],
        "third_party": ["xlwings", "numpy", "pandas"],
        "ours": ["engine", "files"],
    },
    # the optional Office.js server (the `server` extra); nothing else may import it but cli
    "udfs_server": {
        "modules": ["cs_workbook.udfs.server.*"],
        # anyio: Starlette's own thread pool, which runs big calls off the event loop
        "third_party": ["xlwings", "xlwings_server", "fastapi", "starlette", "uvicorn", "anyio",
                        "numpy", "pandas"],
        "ours": ["engine", "files", "udfs"],
    },
    # EBR PDFs: takes a CSData, so it never reads workbooks itself.  It renders the packaged
    # templates, found with importlib.resources.files("cs_workbook.templates"), which imports
    # that (data-only) package: hence "templates".
    "reports": {
        "modules": ["cs_workbook.reports.*"],
        "third_party": [
            "jinja2", "markupsafe",   # markupsafe.Markup is jinja2's own safe-string type
            "weasyprint", "numpy", "pandas",
        ],
        "ours": ["engine", "files", "templates"],
    },
    # data only (HTML, CSS, fonts, images)
    "templates": {
        "modules": ["cs_workbook.templates.*"],
        "third_party": [],
        "ours": [],
    },
    # the command line wires everything together
    "cli": {
        "modules": ["cs_workbook.cli.*"],
        "third_party": EVERY,
        "ours": EVERY,
    },
}

# pandas ≥ 3 imports pyarrow as it starts whenever pyarrow is installed (its default string
# dtype), so every layer that may use pandas may find pyarrow loaded; the source check still
# lets only the layers that name pyarrow import it.
LOADED_BY_PANDAS = frozenset({"pyarrow"})

# Standard-library modules a pure layer may not import ("a.b" also bans a.b.*).
IO_MODULES = frozenset({
    # files and the file system
    "os", "posix", "nt", "posixpath", "ntpath", "io", "_io", "pathlib", "shutil", "tempfile",
    "glob", "fileinput", "filecmp", "mmap", "fcntl", "msvcrt", "winreg", "_winapi",
    "importlib.resources", "importlib.metadata", "pkgutil", "linecache",
    # archives and persistence
    "zipfile", "tarfile", "gzip", "bz2", "lzma", "zipimport", "sqlite3", "dbm", "shelve",
    "pickle", "marshal", "mailbox",
    # network
    "socket", "socketserver", "ssl", "select", "selectors", "asyncio", "urllib", "http",
    "ftplib", "smtplib", "poplib", "imaplib", "nntplib", "telnetlib", "xmlrpc", "wsgiref",
    "webbrowser",
    # processes, terminals, the OS
    "subprocess", "multiprocessing", "concurrent", "signal", "pty", "tty", "termios",
    "resource", "syslog", "ctypes", "logging.handlers",
})
# Calls a pure layer may not make: dotted names after resolving import aliases …
IO_CALLS = frozenset({
    "open", "builtins.open", "input", "builtins.input", "breakpoint",
    "numpy.load", "numpy.save", "numpy.savez", "numpy.savez_compressed", "numpy.loadtxt",
    "numpy.savetxt", "numpy.genfromtxt", "numpy.fromfile", "numpy.memmap",
    "pandas.ExcelFile", "pandas.ExcelWriter", "pandas.HDFStore",
})
IO_CALL_PREFIXES = ("pandas.read_",)            # pd.read_csv, pd.read_excel, …
# … and methods on any object (Path, zipfile, DataFrame …)
IO_METHODS = frozenset({
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "touch", "mkdir", "unlink",
    "rmdir", "iterdir", "tofile", "to_csv", "to_excel", "to_parquet", "to_pickle", "to_feather",
    "to_hdf", "to_sql", "to_stata", "to_orc",
})
# Calls that import a module named by their first argument (which must then be a constant).
DYNAMIC_IMPORTS = frozenset({
    "importlib.import_module", "importlib.__import__", "__import__", "builtins.__import__",
    "runpy.run_module",
    # these import the package whose data they read
    "importlib.resources.files", "importlib.resources.open_binary",
    "importlib.resources.open_text", "importlib.resources.read_binary",
    "importlib.resources.read_text", "importlib.resources.path",
    "importlib.resources.contents", "importlib.resources.is_resource", "pkgutil.get_data",
})
# Calls that load code we cannot name statically: always a violation.
OPAQUE_LOADS = frozenset({
    "runpy.run_path", "importlib.util.module_from_spec", "importlib.util.spec_from_file_location",
    "importlib.machinery.SourceFileLoader", "zipimport.zipimporter",
})
# importlib.util.find_spec / importlib.reload are fine: they import nothing new.

# Entries of sys.modules that are no package anyone imported: multiprocessing's alias of
# __main__, the interpreter's generated sysconfig data, Cython's bookkeeping modules.
PSEUDO_MODULES = re.compile(r"__main__|__mp_main__|_sysconfigdata_.*|cython_runtime|_cython_.*"
                            r"|_cyutility")
