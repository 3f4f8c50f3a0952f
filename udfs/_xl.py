"""xlwings' decorator API (``func``, ``arg``, ``ret``) that attaches the same metadata everywhere.

``xlwings.func``/``arg``/``ret`` are real decorators only inside a runtime: the classic
Windows add-in (they need pywin32) or xlwings Server (``XLWINGS_ON_SERVER=true`` before
xlwings is imported). Anywhere else — Linux, macOS, CI, a plain ``import`` — they are no-ops,
so the functions would carry no metadata to test or to serve. These three build the
``__xlfunc__`` dictionary both runtimes read: the classic keys that *Import Functions* uses
(``sub``, ``vba``, ``category``, ``call_in_wizard``, ``async_mode``) and the Office.js keys
that ``custom_functions_meta`` uses (``cache``, ``excel_name``, ``namespace``, ``help_url``,
``required_roles``). Both runtimes' own decorators leave an existing ``__xlfunc__`` alone
apart from those option keys, and ``tests/udfs/test_contract.py`` checks that the result is
what xlwings' classic and server decorators produce for the same function.
"""

from __future__ import annotations

import copy
import functools
import inspect
import re

__all__ = ["func", "arg", "ret", "namespaced", "namespaced_formula", "CATEGORY", "ARG_OPTIONS",
           "NAMESPACE", "PREFIX"]

#: Excel's function-wizard category of every CS_* function (classic add-in).
CATEGORY = "CS Workbook"
#: Converter options of every argument in the classic add-in: ranges arrive as rows ×
#: columns, so a column stays a column (xlwings' default squeezes it into a flat list that
#: would spill as a row), and error cells arrive as their text ("#N/A") instead of None.
ARG_OPTIONS = {"ndim": 2, "err_to_str": True}
#: Office.js and xlwings Lite namespace of our functions: =CS.HEALTH_SCORE(…).
NAMESPACE = "CS"
#: The classic names' prefix; under the namespace it becomes "CS." (=CS.HEALTH_SCORE(…)).
PREFIX = f"{NAMESPACE}_"
_CLASSIC_CALL = re.compile(r"\bCS_([A-Z][A-Z0-9_]*)\(")


def _metadata(f) -> dict:
    xlf = getattr(f, "__xlfunc__", None)
    if xlf is not None:
        return xlf
    sig = inspect.signature(f)
    args, argmap = [], {}
    for pos, p in enumerate(sig.parameters.values()):
        if p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
            raise TypeError(f"{f.__name__}: Excel functions take positional parameters only "
                            f"({p.name!r} is {p.kind.description})")
        info = {"name": p.name, "pos": pos, "vba": None, "doc": f"Positional argument {pos + 1}",
                "vararg": False, "options": dict(ARG_OPTIONS)}
        if p.default is not inspect.Parameter.empty:
            info["optional"] = p.default
        args.append(info)
        argmap[p.name] = info
    doc = " ".join((f.__doc__ or f"Python function '{f.__name__}'").split())
    f.__xlfunc__ = xlf = {
        "name": f.__name__, "sub": False, "args": args, "argmap": argmap,
        "ret": {"doc": doc, "options": {}},
        # classic add-in (Import Functions)
        "category": CATEGORY, "call_in_wizard": True, "volatile": False, "async_mode": None,
        # Office.js (custom_functions_meta / custom_functions_call)
        "cache": False, "excel_name": None, "namespace": None, "help_url": None,
        "required_roles": None,
    }
    return xlf


def func(f=None, **options):
    """Mark ``f`` as an Excel function (``@func`` or ``@func(volatile=True, …)``)."""

    def inner(f):
        xlf = _metadata(f)
        for key in ("category", "call_in_wizard", "volatile", "help_url", "excel_name",
                    "namespace"):
            if key in options:
                xlf[key] = options[key]
        if "name" in options:
            xlf["excel_name"] = options["name"]
        return f

    return inner if f is None else inner(f)


def arg(name: str, convert=None, **options):
    """Help text (``doc=``) and converter options of the argument ``name``."""
    if convert is not None:
        options["convert"] = convert

    def inner(f):
        xlf = _metadata(f)
        if name not in xlf["argmap"]:
            raise TypeError(f"{f.__name__}: no argument {name!r}")
        info = xlf["argmap"][name]
        for special in ("doc", "vba"):
            if special in options:
                info[special] = options.pop(special)
        info["options"].update(options)
        return f

    return inner


def ret(convert=None, **options):
    """Converter options of the result."""
    if convert is not None:
        options["convert"] = convert

    def inner(f):
        _metadata(f)["ret"]["options"].update(options)
        return f

    return inner


def namespaced(fn, *, namespace: str | None = None, arg_options: dict | None = None):
    """``fn`` as Excel names it under the ``CS`` namespace (Office.js and xlwings Lite):
    Excel name without the ``CS_`` prefix, help text spelled ``=CS.X(…)``. ``namespace`` sets
    the function's own namespace (Lite; the server sets it in its manifest instead);
    ``arg_options`` replaces every argument's converter options. ``fn``'s own metadata is
    copied, never changed, so the classic add-in keeps ``=CS_X(…)``.
    """

    @functools.wraps(fn)
    def call(*args):
        return fn(*args)

    xlf = copy.deepcopy(fn.__xlfunc__)
    xlf["excel_name"] = fn.__name__.removeprefix(PREFIX)
    xlf["ret"]["doc"] = namespaced_formula(xlf["ret"]["doc"])
    if namespace is not None:
        xlf["namespace"] = namespace
    if arg_options is not None:
        for info in xlf["args"]:
            info["options"] = dict(arg_options)
    xlf["argmap"] = {info["name"]: info for info in xlf["args"]}
    call.__xlfunc__ = xlf
    return call


def namespaced_formula(text: str) -> str:
    """Classic ``=CS_X(…)`` calls in ``text`` as Office.js and xlwings Lite spell them: ``=CS.X(…)``.

    >>> namespaced_formula("=CS_DAYS(DATE(2020,1,1), DATE(2020,1,12))")
    '=CS.DAYS(DATE(2020,1,1), DATE(2020,1,12))'
    """
    return _CLASSIC_CALL.sub(r"CS.\1(", text)
