"""The VBA module that the classic add-in's *Import Functions* writes for ``cs_workbook.udfs``
compiles: xlwings writes ONE module for all functions, so a single bad name (a parameter
called ``end``, a VBA reserved word) breaks every ``CS_*`` function in the workbook.

The module is made by xlwings' own code path, ``xlwings.udfs.import_udfs`` (which calls
``get_udf_module`` and ``generate_vba_wrapper``), with stubs only for what needs Windows and
COM: pywin32 (``pythoncom``, ``pywintypes``, ``win32com.client``), the workbook wrapper it
uses to look for embedded code, and a fake workbook whose ``VBProject.VBComponents.Import``
keeps the text of the ``.bas`` file it is handed and whose ``Application.MacroOptions`` keeps
the help texts. The text is then checked as the VBA editor would: conditional compilation
first (``#Const``/``#If`` evaluated, their expressions parsed with the ``vba_cc`` grammar of
PyPI ``antlr4-vba``), then the VBA grammar of the same package from its start rule
``startRule`` (a module, then EOF), with an error listener collecting the syntax errors. A
stub UDF module with a parameter named ``end`` is the negative control: the same check must
find the error there.
"""

from __future__ import annotations

import re
import sys
import types

import pytest
import xlwings
from antlr4 import CommonTokenStream, InputStream, ParseTreeWalker, Token
from antlr4.error.ErrorListener import ErrorListener
from antlr4_vba.vba_ccLexer import vba_ccLexer
from antlr4_vba.vba_ccParser import vba_ccParser
from antlr4_vba.vbaLexer import vbaLexer
from antlr4_vba.vbaParser import vbaParser
from antlr4_vba.vbaParserListener import vbaParserListener
from cs_workbook.udfs import CATALOGUE
from cs_workbook.udfs._xl import CATEGORY

#: What the Excel function wizard keeps of a description or an argument's help.
EXCEL_HELP_LIMIT = 255

#: VBA's reserved identifiers (MS-VBAL §3.3.5.2: statement and marker keywords, operators,
#: reserved names, special forms, types, literals), plus the statement keywords and words that
#: the VBA editor treats as keywords although the standard does not list them (Currency broke
#: xlwings' import in its issue #563; Name, Error, Line, Width, Property, Step, … are statements
#: or parts of them).
VBA_RESERVED = frozenset(w.lower() for w in """
    Abs AddressOf Alias And Any Append Array As Attribute Base Beep Begin Binary Boolean ByRef
    Byte ByVal Call Case CBool CByte CCur CDate CDbl CDec CDecl ChDir ChDrive CInt Circle Class
    Close CLng CLngLng CLngPtr Collection Compare Const CSng CStr Currency CVar CVErr Database
    Date Debug Decimal Declare DefBool DefByte DefCur DefDate DefDbl DefDec DefInt DefLng
    DefLngLng DefLngPtr DefObj DefSng DefStr DefVar DeleteSetting Dim Do DoEvents Double Each
    Else ElseIf Empty End EndIf Enum Eqv Erase Error Event Exit Explicit False FileCopy Fix For
    Friend Function Get Global GoSub GoTo If Imp Implements In Input InputB Int Integer Is Kill
    LBound Len LenB Let Lib Like Line Load Local Lock Long LongLong LongPtr Loop LSet Me Mid
    MidB MkDir Mod Module Name New Next Not Nothing Null Object On Open Option Optional Or
    Output ParamArray Preserve Print Private Property PSet PtrSafe Public Put RaiseEvent Random
    Randomize Read ReDim Rem Reset Resume Return RmDir RSet SavePicture SaveSetting Scale Seek
    Select SendKeys Set SetAttr Sgn Shared Single Spc Static Step Stop String Sub Tab Text Then
    Time To True Type TypeOf UBound Unload Unlock Until Variant Version Wend While Width With
    WithEvents Write Xor
""".split())

#: Names the wrappers themselves use, which a parameter must not shadow: the error label,
#: the ParamArray loop variable and array, and the objects and functions they call.
WRAPPER_NAMES = frozenset(w.lower() for w in """
    failed k argsArray XLPy Application Caller Err ThisWorkbook ActiveWorkbook Range Array
""".split())


# -- xlwings' Import Functions, with Windows and COM stubbed ----------------------------------

@pytest.fixture
def classic(monkeypatch):
    """``xlwings.udfs`` (the classic add-in's UDF code), importable here with pywin32 stubbed."""
    for mod in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, mod, types.ModuleType(mod))
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})
    sys.modules["win32com.client"].Dispatch = lambda obj: obj
    had_attr = hasattr(xlwings, "udfs")
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    import xlwings.udfs as module

    # The free add-in (no PRO embedded code), and a workbook without code sheets to dump.
    monkeypatch.setattr(module, "__pro__", False)
    monkeypatch.setattr(xlwings, "_xlwindows", types.SimpleNamespace(Book=lambda xl: xl),
                        raising=False)
    monkeypatch.setattr(module, "Book", lambda impl: types.SimpleNamespace(sheets=[]))
    yield module
    sys.modules.pop("xlwings.udfs", None)
    if not had_attr:
        vars(xlwings).pop("udfs", None)


class FakeWorkbook:
    """The COM workbook ``import_udfs`` talks to: keeps the module text and the help texts."""

    Name = "portfolio.xlsm"

    def __init__(self, com_error):
        self.vba = None
        self.macro_options = {}
        book = self

        class Components:
            def __call__(self, name):
                return name

            def Remove(self, component):  # noqa: N802 - COM names
                raise com_error("no xlwings_udfs module yet")

            def Import(self, path):  # noqa: N802
                with open(path) as f:  # written by import_udfs in the default encoding
                    book.vba = f.read()

        class Application:
            Version = "16.0"

            def MacroOptions(self, macro, **options):  # noqa: N802
                book.macro_options[macro] = options

        self.VBProject = types.SimpleNamespace(VBComponents=Components())
        self.Application = Application()


def import_functions(classic, module_name: str) -> FakeWorkbook:
    """Run xlwings' *Import Functions* for ``module_name`` against a fake workbook."""
    book = FakeWorkbook(sys.modules["pywintypes"].com_error)
    classic.import_udfs(module_name, book)
    assert book.vba is not None, "import_udfs imported no module"
    return book


# -- the VBA editor's checks: conditional compilation, then the VBA grammar -------------------

class Errors(ErrorListener):
    def __init__(self):
        self.found = []

    def syntaxError(self, recognizer, offendingSymbol, line, column, msg, e):  # noqa: N802,N803
        self.found.append(f"line {line}:{column} {msg}")


def _parser(lexer_cls, parser_cls, text):
    errors = Errors()
    lexer = lexer_cls(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(errors)
    parser = parser_cls(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(errors)
    return parser, errors.found


def _literal(ctx):
    text = ctx.getText()
    if ctx.STRINGLITERAL():
        return text[1:-1].replace('""', '"')
    if ctx.BOOLEANLITERAL():
        return text.lower() == "true"
    if ctx.INTEGERLITERAL():
        return int(text)
    raise NotImplementedError(f"conditional-compilation literal {text!r}")


def _evaluate(ctx, consts):
    """The value of a parsed ``#Const``/``#If`` expression: literals, constants (an undefined
    one is Empty), ``=``, ``<>``, ``Not``, parentheses; anything else fails loudly."""
    kids = list(ctx.getChildren())
    texts = [k.getText() for k in kids]
    if len(kids) == 1 and isinstance(kids[0], vba_ccParser.LiteralExpressionContext):
        return _literal(kids[0])
    if len(kids) == 1:
        return consts.get(texts[0].lower())
    if len(kids) == 3 and texts[0] == "(":
        return _evaluate(kids[1], consts)
    if len(kids) == 3 and texts[1] in ("=", "<>"):
        equal = _evaluate(kids[0], consts) == _evaluate(kids[2], consts)
        return equal if texts[1] == "=" else not equal
    if len(kids) == 2 and texts[0].lower() == "not":
        return not _evaluate(kids[1], consts)
    raise NotImplementedError(f"conditional-compilation expression {ctx.getText()!r}")


def _cc_value(expression: str, consts: dict):
    """An expression of a directive, parsed with the ``vba_cc`` grammar's ``ccExpression``."""
    parser, errors = _parser(vba_ccLexer, vba_ccParser, expression.strip())
    tree = parser.ccExpression()
    if errors or parser.getCurrentToken().type != Token.EOF:
        raise SyntaxError(f"bad expression {expression.strip()!r} {errors}")
    return _evaluate(tree, consts)


def _condition(rest: str, consts: dict) -> bool:
    m = re.fullmatch(r"(.+?)\s+then", rest, re.IGNORECASE)
    if not m:
        raise SyntaxError("expected Then")
    value = _cc_value(m.group(1), consts)
    if isinstance(value, str):
        raise SyntaxError("type mismatch: a text condition")
    return bool(value)


def _without_comment(text: str) -> str:
    """``text`` up to a ``'`` comment outside string literals."""
    in_string = False
    for i, ch in enumerate(text):
        if ch == '"':
            in_string = not in_string
        elif ch == "'" and not in_string:
            return text[:i]
    return text


_DIRECTIVE = re.compile(r"\s*#(const|if|elseif|else|end\s*if)\b(.*)", re.IGNORECASE)


def preprocess(text: str) -> tuple[str, list[str]]:
    """``text`` as the VBA compiler sees it after conditional compilation (``#Const``,
    ``#If``/``#ElseIf``/``#Else``/``#End If``): directive lines and inactive branches blanked,
    so line numbers stay; and the errors in the directives. (The ``vba_cc`` grammar's own
    ``startRule`` would do this too, but it needs full-context prediction on every line —
    quadratic, ~20 s for our module — so only its expression rule is used.)"""
    consts: dict[str, object] = {}
    errors: list[str] = []
    stack: list[list[bool]] = []  # [parent active, a branch taken, in #Else]
    active, kept = True, []
    for n, line in enumerate(text.split("\n"), start=1):
        m = _DIRECTIVE.fullmatch(line)
        if not m:
            kept.append(line if active else "")
            continue
        kept.append("")
        word = re.sub(r"\s+", "", m.group(1)).lower()
        rest = _without_comment(m.group(2)).strip()
        try:
            if word == "const":
                name, eq, expression = rest.partition("=")
                if not eq or not re.fullmatch(r"[A-Za-z]\w*", name.strip()):
                    raise SyntaxError("expected #Const name = expression")
                value = _cc_value(expression, consts)
                if active:
                    consts[name.strip().lower()] = value
            elif word == "if":
                condition = _condition(rest, consts)
                stack.append([active, condition, False])
                active = active and condition
            elif word == "elseif":
                if not stack or stack[-1][2]:
                    raise SyntaxError("#ElseIf without #If")
                condition = _condition(rest, consts)
                parent, taken, _ = stack[-1]
                active = parent and not taken and condition
                stack[-1][1] = taken or condition
            elif word == "else":
                if not stack or stack[-1][2] or rest:
                    raise SyntaxError("#Else without #If")
                parent, taken, _ = stack[-1]
                active = parent and not taken
                stack[-1][1:] = [True, True]
            else:
                if not stack or rest:
                    raise SyntaxError("#End If without #If")
                active = stack.pop()[0]
        except SyntaxError as e:
            errors.append(f"line {n}: {line.strip()!r}: {e.msg}")
    if stack:
        errors.append(f"{len(stack)} #If without #End If")
    return "\n".join(kept), errors


class Functions(vbaParserListener):
    """Each ``Function`` of the module with its parameter names."""

    def __init__(self):
        self.found: dict[str, list[str]] = {}
        self._current = None

    def enterFunctionDeclaration(self, ctx):  # noqa: N802
        name = ctx.functionName()  # None where a syntax error cut the declaration short
        self._current = name.getText() if name is not None else None
        if self._current is not None:
            self.found[self._current] = []

    def exitFunctionDeclaration(self, ctx):  # noqa: N802
        self._current = None

    def enterParamDcl(self, ctx):  # noqa: N802
        if self._current is not None:
            self.found[self._current].append(ctx.getText())


def check_vba(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """Syntax errors of a VBA module (conditional compilation, then the ``vba`` grammar from
    its start rule, ``startRule``: a module, then EOF) and its functions' parameters."""
    compiled, errors = preprocess(text)
    if errors:
        return [f"conditional compilation: {e}" for e in errors], {}
    parser, errors = _parser(vbaLexer, vbaParser, compiled)
    tree = parser.startRule()
    functions = Functions()
    ParseTreeWalker.DEFAULT.walk(functions, tree)
    return errors, functions.found


# -- cs_workbook.udfs -------------------------------------------------------------------------

@pytest.fixture
def imported(classic):
    return import_functions(classic, "cs_workbook.udfs")


def test_the_module_import_functions_writes_has_no_syntax_error(imported):
    errors, functions = check_vba(imported.vba)
    assert errors == []
    assert imported.vba.startswith('Attribute VB_Name = "xlwings_udfs"\n')
    assert imported.vba.isascii()  # imported as an ANSI .bas file
    assert set(functions) == set(CATALOGUE)
    for name, fn in CATALOGUE.items():
        assert functions[name] == [a["name"] for a in fn.__xlfunc__["args"]], name


def test_the_module_parses_with_the_other_branch_too(imported):
    """The ``#Else`` branch (the module's ``#Const App`` adjusted for another host, as its
    comment invites) parses as well, so every line xlwings writes has been checked."""
    const = '#Const App = "Microsoft Excel"'
    assert const in imported.vba
    errors, functions = check_vba(imported.vba.replace(const, '#Const App = "Other host"'))
    assert errors == [] and set(functions) == set(CATALOGUE)


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_parameter_names_are_safe_in_vba(name):
    params = [a["name"] for a in CATALOGUE[name].__xlfunc__["args"]]
    for p in params:
        assert p.lower() not in VBA_RESERVED, (name, p, "VBA reserved word")
        assert p.lower() not in WRAPPER_NAMES, (name, p, "used by xlwings' wrapper")
        assert p.lower() not in {n.lower() for n in CATALOGUE}, (name, p)
        assert p.isascii() and p[0].isalpha() and p.replace("_", "").isalnum(), (name, p)
        assert len(p) < 255
    assert len({p.lower() for p in params}) == len(params)  # VBA ignores case


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_help_texts_fit_the_function_wizard(imported, name):
    xlf = CATALOGUE[name].__xlfunc__
    doc = xlf["ret"]["doc"]
    assert 0 < len(doc) <= EXCEL_HELP_LIMIT, (name, len(doc))
    for a in xlf["args"]:
        assert 0 < len(a["doc"]) <= EXCEL_HELP_LIMIT, (name, a["name"], len(a["doc"]))
    # import_udfs cuts at 255; within the limit Excel gets the whole text.
    options = imported.macro_options[f"'{FakeWorkbook.Name}'!{name}"]
    assert options["Description"] == doc
    assert options["ArgumentDescriptions"] == [a["doc"] for a in xlf["args"]]
    assert options["Category"] == CATEGORY


# -- negative control: the same check fails on a parameter called ``end`` -------------------

def _days_end(start, end):
    """Days from start to end."""
    return end - start


def _days_end_date(start, end_date):
    """Days from start to end_date."""
    return end_date - start


def _stub_module(classic, monkeypatch, fn) -> str:
    """A one-function UDF module, ``STUB_DAYS`` = ``fn`` decorated with xlwings' own classic
    ``xlfunc``."""
    name = f"cs_vba_stub{fn.__name__}"
    module = types.ModuleType(name)
    module.__file__ = f"{name}.py"  # not on disk: xlwings then never reloads it
    stub = types.FunctionType(fn.__code__, vars(module), "STUB_DAYS")
    stub.__doc__ = fn.__doc__
    module.STUB_DAYS = classic.xlfunc(stub)
    monkeypatch.setitem(sys.modules, name, module)
    return name


def test_negative_control_a_parameter_called_end_is_a_syntax_error(classic, monkeypatch):
    book = import_functions(classic, _stub_module(classic, monkeypatch, _days_end))
    assert "Function STUB_DAYS(start, end)" in book.vba
    errors, _ = check_vba(book.vba)
    assert len(errors) >= 1, book.vba
    assert "end" in VBA_RESERVED and "failed" in WRAPPER_NAMES  # the name check catches it too


def test_positive_control_the_same_stub_with_end_date_parses(classic, monkeypatch):
    book = import_functions(classic, _stub_module(classic, monkeypatch, _days_end_date))
    errors, functions = check_vba(book.vba)
    assert errors == [] and functions == {"STUB_DAYS": ["start", "end_date"]}
