"""A small, safe expression language for conditions, effects and chances.

Writers type things like ``oxygen > 10 and not reported`` or ``pressure -= 0.13``.
That text is parsed with :mod:`ast` and only a whitelist of node types is
accepted; the tree is then turned into nested Python closures. Nothing the writer
types is ever passed to ``eval`` or ``exec``, attribute access and subscripts do
not exist in the language, only a handful of pure functions can be called, and
arithmetic that could blow up (huge powers) is refused while playing.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from keyword import iskeyword
from typing import Any

from .limits import MAGNITUDE_TEXT, MAX_MAGNITUDE

Value = float | int | bool | str
Env = Mapping[str, Any]  # names to values, and VISITS_KEY to the visit counts
Fn = Callable[[Env], Any]

MAX_EXPRESSION_LENGTH = 500
MAX_POWER_EXPONENT = 64
MAX_POWER_BASE = 1e6
MAX_ROUND_DIGITS = 15

CONSTANTS: dict[str, Value] = {"true": True, "false": False, "True": True, "False": False}
MAX_TEXT_LITERAL = 200
CLOCK_NAME = "elapsed"  # mission minutes, readable in every expression and never assignable
VISITS_KEY = "@visits"  # the run's visit counts in the env; not a name a writer can type
VISIT_FUNCTIONS = ("visits", "seen")  # visits("beat"): times entered; seen("beat"): entered at all
# Resolves a beat named in visits()/seen() (None: the beat the expression is in) to its id, or None.
BeatRef = Callable[[str | None], str | None]


class ExpressionError(ValueError):
    """Writer text that is not a valid expression; ``offset`` is 0-based.

    ``code`` is the diagnostic it becomes (V301 by default); ``unknown`` is the
    name or beat that does not exist, when that is the problem (V302), so the
    loader can suggest the closest one without reading the message.
    """

    code = "V301"

    def __init__(self, message: str, offset: int = 0, hint: str = "", *, unknown: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.unknown = unknown
        if unknown:
            self.code = "V302"


class EvaluationError(ArithmeticError):
    """An expression that parsed but cannot be computed (division by zero...)."""


# What Python raises when a value of the wrong kind reaches an operation (text in arithmetic,
# a comparison of text with a number): turned into EvaluationError at the language's boundary.
_MISMATCHES = (TypeError, ValueError, OverflowError)


def _clamp_magnitude(x: Any) -> Any:
    """``x`` when it is a real number no larger than MAX_MAGNITUDE, else EvaluationError.

    Every arithmetic result passes through here, so NaN, infinity, complex
    numbers (``(-8) ** 0.5``) and runaway integers never leave the language:
    the engine skips an effect that raises, and no meter or flag is poisoned.
    """
    try:
        if -MAX_MAGNITUDE <= x <= MAX_MAGNITUDE:  # the usual case, decided by one comparison
            return x
    except TypeError:  # complex: only comparisons with real numbers are defined
        raise EvaluationError("the result is not a real number") from None
    if x != x:
        raise EvaluationError("the result is not a number")
    raise EvaluationError(f"number too large (the limit is {MAGNITUDE_TEXT})")


def _div(a: Any, b: Any) -> Any:
    if b == 0:
        raise EvaluationError("division by zero")
    return _clamp_magnitude(a / b)


def _floordiv(a: Any, b: Any) -> Any:
    if b == 0:
        raise EvaluationError("division by zero")
    return _clamp_magnitude(a // b)


def _mod(a: Any, b: Any) -> Any:
    if a.__class__ is str:  # `"%0999999999d" % 1` would format, not divide
        raise EvaluationError("`%` needs numbers, not text")
    if b == 0:
        raise EvaluationError("modulo by zero")
    return _clamp_magnitude(a % b)


def _add(a: Any, b: Any) -> Any:
    if a.__class__ is str or b.__class__ is str:
        if a.__class__ is not str or b.__class__ is not str:
            raise EvaluationError("text can only be joined to text")
        if len(a) + len(b) > MAX_TEXT_LITERAL * 5:
            raise EvaluationError("text too long")
        return a + b
    return _clamp_magnitude(a + b)


def _mul(a: Any, b: Any) -> Any:
    if a.__class__ is str or b.__class__ is str:  # `"x" * 10**9` would build a huge text first
        raise EvaluationError("`*` needs numbers, not text")
    return _clamp_magnitude(a * b)


def _pow(a: Any, b: Any) -> Any:
    if abs(b) > MAX_POWER_EXPONENT or abs(a) > MAX_POWER_BASE:
        raise EvaluationError(f"power too large: {a} ** {b}")
    if a == 0 and b < 0:
        raise EvaluationError("zero to a negative power")
    try:
        result = a**b
    except OverflowError:
        raise EvaluationError(f"power too large: {a} ** {b}") from None
    return _clamp_magnitude(result)


def _clamp(x: Any, lo: Any, hi: Any) -> Any:
    return lo if x < lo else hi if x > hi else x


def _round(x: Any, digits: Any = 0) -> Any:
    """``round`` with the places limited: ``round(1, -10**9)`` would build a 10**9-digit number."""
    if not -MAX_ROUND_DIGITS <= digits <= MAX_ROUND_DIGITS:
        raise EvaluationError(f"round() keeps {-MAX_ROUND_DIGITS} to {MAX_ROUND_DIGITS} places, not {digits:g}")
    return round(x, int(digits))


_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: _add,
    ast.Sub: lambda a, b: _clamp_magnitude(a - b),
    ast.Mult: _mul,
    ast.Div: _div,
    ast.FloorDiv: _floordiv,
    ast.Mod: _mod,
    ast.Pow: _pow,
}

_COMPARES: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}

# The commonest comparison, a name with a number (``oxygen < 15``), as one closure: conditions
# are asked at every menu, and a call less per comparison is a tenth of a simulated run.
_NAME_COMPARES: dict[type[ast.cmpop], Callable[[str, Any], Fn]] = {
    ast.Eq: lambda name, c: lambda env: env[name] == c,
    ast.NotEq: lambda name, c: lambda env: env[name] != c,
    ast.Lt: lambda name, c: lambda env: env[name] < c,
    ast.LtE: lambda name, c: lambda env: env[name] <= c,
    ast.Gt: lambda name, c: lambda env: env[name] > c,
    ast.GtE: lambda name, c: lambda env: env[name] >= c,
}

FUNCTIONS: dict[str, tuple[Callable[..., Value], int, int]] = {
    # name: (function, min args, max args)
    "min": (min, 2, 8),
    "max": (max, 2, 8),
    "abs": (abs, 1, 1),
    "round": (_round, 1, 2),
    "floor": (math.floor, 1, 1),
    "ceil": (math.ceil, 1, 1),
    "clamp": (_clamp, 3, 3),
}

_OPERATOR_WORDS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}


@dataclass(frozen=True)
class Compiled:
    """A compiled expression with the names it reads, kept for analysis tools."""

    source: str
    fn: Fn
    names: frozenset[str]

    def __call__(self, env: Env) -> Value:
        try:
            return self.fn(env)
        except _MISMATCHES as exc:  # a text flag where a number belongs: `oxygen - callsign`
            raise EvaluationError(f"cannot compute `{self.source}` ({exc})") from None


class Condition(Compiled):
    """An expression whose truth gates a choice."""


class NumberExpr(Compiled):
    """An expression that yields a number (a chance, a debrief figure)."""


@dataclass(frozen=True)
class Assignment:
    """One effect statement: ``name op= expr``; ``op`` is ``=`` or ``+`` ``-`` ``*`` ``/``."""

    name: str
    op: str
    expr: Compiled
    source: str


Effects = tuple[Assignment, ...]

_AUG = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _parse(source: str, mode: str) -> ast.AST:
    if not isinstance(source, str):
        raise ExpressionError("expected text", 0)
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            f"expression is {len(source)} characters; the limit is {MAX_EXPRESSION_LENGTH}",
            0,
            "split it over several choices or flags",
        )
    if not source.strip():
        raise ExpressionError("expression is empty", 0, "write a condition such as `oxygen > 5`")
    try:
        return ast.parse(source.strip(), mode=mode)
    except SyntaxError as exc:
        offset = max((exc.offset or 1) - 1, 0)
        hint = "use `and`, `or`, `not`, `==` and numbers; text in quotes is not supported"
        if "=" in source and mode == "eval" and "==" not in source:
            hint = "to compare, write `==`; `=` is only for effects"
        raise ExpressionError(f"cannot parse `{source.strip()}`: {exc.msg}", offset, hint) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # a NUL byte (Python 3.11), absurd nesting
        message = "it contains a NUL character" if "\0" in source else "it is nested too deeply"
        raise ExpressionError(f"cannot parse the expression: {message}", 0, str(exc)[:80]) from None


class _Compiler:
    def __init__(self, known: Callable[[str], bool] | None, beat_ref: BeatRef | None = None) -> None:
        self.known = known
        self.beat_ref = beat_ref
        self.names: set[str] = set()

    def run(self, node: ast.AST) -> Fn:
        """Compile a whole expression; one nested too deeply for Python's stack is refused."""
        try:
            return self.compile(node)
        except RecursionError:
            raise ExpressionError("expression nested too deeply", 0, "split it over several flags") from None

    def fail(self, node: ast.AST, message: str, hint: str = "", unknown: str = "") -> ExpressionError:
        return ExpressionError(message, getattr(node, "col_offset", 0), hint, unknown=unknown)

    def compile(self, node: ast.AST) -> Fn:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, (bool, int, float)):
                const = _literal(value, node)
                return lambda env: const
            if isinstance(value, str):
                if len(value) > MAX_TEXT_LITERAL or "\x00" in value:
                    raise self.fail(node, f"text in quotes may be at most {MAX_TEXT_LITERAL} characters")
                text = value
                return lambda env: text
            raise self.fail(node, f"only numbers, text in quotes and true/false are allowed, not {value!r}")
        if isinstance(node, ast.Name):
            name = node.id
            if name in CONSTANTS:
                const = CONSTANTS[name]
                return lambda env: const
            if name.startswith("_"):
                raise self.fail(node, f"names may not start with an underscore: `{name}`")
            if self.known is not None and not self.known(name):
                raise self.fail(
                    node, f"unknown name `{name}`", "declare it as a meter or a flag in story.yaml", unknown=name
                )
            self.names.add(name)
            return lambda env: env[name]
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(v) for v in node.values]
            if len(parts) == 2:  # as all()/any() below: a bool, the second part asked only when needed
                first, second = parts
                if isinstance(node.op, ast.And):
                    return lambda env: bool(first(env) and second(env))
                return lambda env: bool(first(env) or second(env))
            if isinstance(node.op, ast.And):
                return lambda env: all(p(env) for p in parts)
            return lambda env: any(p(env) for p in parts)
        if isinstance(node, ast.UnaryOp):
            inner = self.compile(node.operand)
            if isinstance(node.op, ast.Not):
                return lambda env: not inner(env)
            if isinstance(node.op, ast.USub):
                return lambda env: -inner(env)
            if isinstance(node.op, ast.UAdd):
                return inner
            raise self.fail(node, "the `~` operator is not supported")
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise self.fail(node, "only + - * / // % ** are supported")
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and isinstance(side.value, str) and not isinstance(node.op, ast.Add):
                    raise self.fail(node, "text in quotes can only be joined with `+`, not used in arithmetic")
            left, right = self.compile(node.left), self.compile(node.right)
            constant = self.constant(node.right)
            if constant is not None:  # `bends / 80`: the number passed as it is, not asked for
                number = constant[0]
                return lambda env: op(left(env), number)
            return lambda env: op(left(env), right(env))
        if isinstance(node, ast.Compare):
            first = self.compile(node.left)
            rest = []
            for cmp_op, comparator in zip(node.ops, node.comparators, strict=True):
                compare = _COMPARES.get(type(cmp_op))
                if compare is None:
                    raise self.fail(node, "only == != < <= > >= comparisons are supported")
                rest.append((compare, self.compile(comparator)))
            if len(rest) == 1:
                (only, right) = rest[0]
                constant = self.constant(node.comparators[0])
                if isinstance(node.left, ast.Name) and node.left.id not in CONSTANTS and constant is not None:
                    return _NAME_COMPARES[type(node.ops[0])](node.left.id, constant[0])
                return lambda env: only(first(env), right(env))

            def chain(env: Env) -> bool:
                left = first(env)
                for compare, right_fn in rest:
                    right = right_fn(env)
                    if not compare(left, right):
                        return False
                    left = right
                return True

            return chain
        if isinstance(node, ast.IfExp):
            test, body, orelse = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)
            return lambda env: body(env) if test(env) else orelse(env)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in VISIT_FUNCTIONS:
            return self.visits(node, node.func.id)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                allowed = ", ".join(sorted([*FUNCTIONS, *VISIT_FUNCTIONS]))
                raise self.fail(node, "only these functions can be called: " + allowed)
            if node.keywords:
                raise self.fail(node, "keyword arguments are not supported")
            function, lo, hi = FUNCTIONS[node.func.id]
            if not lo <= len(node.args) <= hi:
                raise self.fail(node, f"`{node.func.id}` takes {lo}–{hi} arguments, not {len(node.args)}")
            args = [self.compile(a) for a in node.args]
            if len(args) == 1:
                (single,) = args
                return lambda env: function(single(env))
            if len(args) == 2:  # min(a, b), max(a, b), round(x, n)
                one, two = args
                return lambda env: function(one(env), two(env))
            return lambda env: function(*(a(env) for a in args))
        if isinstance(node, ast.Attribute):
            raise self.fail(node, "attribute access (`.`) is not part of the expression language")
        if isinstance(node, ast.Subscript):
            raise self.fail(node, "indexing (`[...]`) is not part of the expression language")
        kind = type(node).__name__
        raise self.fail(node, f"`{kind}` is not allowed in an expression", "use names, numbers and operators")

    @staticmethod
    def constant(node: ast.AST) -> tuple[Value] | None:
        """The number (or true/false) a node stands for when it is one written as it is, else None.

        Compiled already, so it is known to be allowed; in a tuple, so that 0 and false count.
        """
        if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float)):
            return (node.value,)
        if isinstance(node, ast.Name) and node.id in CONSTANTS:
            return (CONSTANTS[node.id],)
        return None

    def visits(self, node: ast.Call, function: str) -> Fn:
        """``visits("beat")`` / ``seen("beat")``; with no argument, the beat the expression is in."""
        if node.keywords or len(node.args) > 1:
            raise self.fail(node, f'`{function}` takes one beat name in quotes: `{function}("egress.exit")`')
        name: str | None = None
        if node.args:
            arg = node.args[0]
            if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str):
                raise self.fail(arg, f'`{function}` takes a beat name in quotes: `{function}("egress.exit")`')
            name = arg.value
        if self.beat_ref is None:
            raise self.fail(node, f"`{function}` can only be used in a story's texts, conditions and effects")
        beat = self.beat_ref(name)
        if beat is None:
            if name is None:
                raise self.fail(node, f"`{function}()` with no beat name works only inside a beat")
            raise self.fail(
                node, f"unknown beat `{name}` in `{function}`", "name a beat as `beat` or `scene.beat`", unknown=name
            )
        if function == "seen":
            return lambda env: env[VISITS_KEY].get(beat, 0) > 0
        return lambda env: env[VISITS_KEY].get(beat, 0)


def _literal(value: Value, node: ast.AST | None = None) -> Value:
    """A number written by the writer, refused unless finite and within MAX_MAGNITUDE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
        return value
    if isinstance(value, float) and math.isfinite(value) and abs(value) <= MAX_MAGNITUDE:
        return value
    offset = getattr(node, "col_offset", 0)
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError("numbers must be finite, not NaN or infinity", offset, "write an ordinary number")
    raise ExpressionError(
        f"number too large: the limit is {MAGNITUDE_TEXT}", offset, "use a smaller unit or a smaller number"
    )


# -- the common simple forms, compiled without Python's parser ------------------------------------
# Most expressions in a story are a name, a number, `not name`, `name < 10`, a few of those joined by
# `and` (or by `or`), or an effect `name op= name-or-number`; parsing each with ``ast`` was most of
# their cost and a fifth of a story's load. These functions recognise exactly those forms, written
# plainly (ASCII names, spaces or tabs between the parts, numbers as digits with at most one dot),
# and build the very functions the compiler builds for them. Anything else, and anything the
# compiler would refuse, goes to the compiler: every message comes from one place.
# (tests/test_quick_paths.py compares the two on generated expressions.)
_QUICK_NAME = r"[A-Za-z][A-Za-z0-9_]*"
_QUICK_NUMBER = r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?"
_QUICK_TERM = re.compile(
    r"(?P<nots>(?:not[ \t]+)*)"
    r"(?:(?P<call>seen|visits)\((?:\"(?P<double>[A-Za-z0-9_.]*)\"|'(?P<single>[A-Za-z0-9_.]*)')?\)"
    rf"|(?P<name>{_QUICK_NAME}))"
    rf"(?:[ \t]*(?P<op><=|>=|==|!=|<|>)[ \t]*(?P<number>{_QUICK_NUMBER}))?"
)
# `a if condition else b`, a and b a name or a number each (the condition as above).
_QUICK_CHOICE = re.compile(
    rf"(?P<body>{_QUICK_NAME}|{_QUICK_NUMBER})[ \t]+if[ \t]+(?P<test>.+?)[ \t]+else[ \t]+(?P<orelse>{_QUICK_NAME}|{_QUICK_NUMBER})"
)
_QUICK_JOINER = re.compile(r"[ \t]+(and|or)[ \t]+")
_QUICK_EFFECT = re.compile(
    rf"(?P<name>{_QUICK_NAME})[ \t]*(?P<op>[-+*/]?)=[ \t]*(?:(?P<value>{_QUICK_NAME})|(?P<number>{_QUICK_NUMBER}))"
)
_QUICK_COMPARES: dict[str, type[ast.cmpop]] = {
    "==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE,
}  # fmt: skip


def _quick_number(text: str) -> Value | None:
    """The number ``text`` (digits, at most one dot) as Python reads it, if the compiler would take it."""
    value: Value = float(text) if "." in text else int(text)
    try:
        return _literal(value)
    except ExpressionError:
        return None


def _quick_name(name: str, known: Callable[[str], bool] | None, names: set[str]) -> Fn | None:
    """What the compiler makes of a bare name, or None where it would refuse it (or it is a keyword)."""
    if iskeyword(name):
        return None
    if name in CONSTANTS:
        const = CONSTANTS[name]
        return lambda env: const
    if known is not None and not known(name):
        return None
    names.add(name)
    return lambda env: env[name]


def _quick_visits(function: str, name: str | None, beat_ref: BeatRef | None) -> Fn | None:
    """``seen("beat")`` or ``visits("beat")`` as ``_Compiler.visits`` builds it, or None where it refuses."""
    beat = beat_ref(name) if beat_ref is not None else None
    if beat is None:
        return None
    if function == "seen":
        return lambda env: env[VISITS_KEY].get(beat, 0) > 0
    return lambda env: env[VISITS_KEY].get(beat, 0)


def _quick_term(
    text: str, known: Callable[[str], bool] | None, names: set[str], beat_ref: BeatRef | None = None
) -> Fn | None:
    m = _QUICK_TERM.fullmatch(text)
    if m is None:
        return None
    name, op, number = m.group("name"), m.group("op"), m.group("number")
    if name == "not":
        return None
    if m.group("call") is not None:
        beat = m.group("double") if m.group("double") is not None else m.group("single")
        fn = _quick_visits(m.group("call"), beat, beat_ref)
    else:
        fn = _quick_name(name, known, names)
    if fn is None:
        return None
    if op is not None:
        value = _quick_number(number)
        if value is None:
            return None
        if name is None or name in CONSTANTS:  # `seen("x") == 1`, `true < 1`: the compiler compares two functions
            left = fn
            compare = _COMPARES[_QUICK_COMPARES[op]]
            fn = lambda env: compare(left(env), value)  # noqa: E731
        else:
            fn = _NAME_COMPARES[_QUICK_COMPARES[op]](name, value)
    for _ in range(len(m.group("nots").split())):
        inner = fn
        fn = lambda env, inner=inner: not inner(env)  # noqa: E731
    return fn


def _quick_expression(
    source: str, known: Callable[[str], bool] | None, beat_ref: BeatRef | None = None
) -> tuple[Fn, frozenset[str]] | None:
    """The function and names of a simple condition or number (see above), or None."""
    text = source.strip()
    if len(source) > MAX_EXPRESSION_LENGTH or not text:
        return None
    m = _QUICK_NUMBER_ONLY.fullmatch(text)
    if m is not None:
        number = _quick_number(text)
        return None if number is None else ((lambda env: number), frozenset())
    if _QUICK_ARITHMETIC.fullmatch(text) is not None:
        names_read: set[str] = set()
        total = _quick_sum(_QUICK_TOKEN.findall(text), known, names_read)
        return None if total is None else (total, frozenset(names_read))
    names: set[str] = set()
    choice = _QUICK_CHOICE.fullmatch(text)
    if choice is not None:
        if " if " in choice.group("test") or " else " in choice.group("test"):
            return None  # nested: the compiler's business
        test = _quick_condition(choice.group("test"), known, names, beat_ref)
        body = _quick_operand(choice.group("body"), known, names)
        orelse = _quick_operand(choice.group("orelse"), known, names)
        if test is None or body is None or orelse is None:
            return None
        yes, no = body[0], orelse[0]
        return (lambda env: yes(env) if test(env) else no(env)), frozenset(names)
    fn = _quick_condition(text, known, names, beat_ref)
    return None if fn is None else (fn, frozenset(names))


def _quick_condition(
    text: str, known: Callable[[str], bool] | None, names: set[str], beat_ref: BeatRef | None
) -> Fn | None:
    """Terms joined by `and` (or by `or`) as the compiler builds them, or None."""
    parts = _QUICK_JOINER.split(text)
    joiners = set(parts[1::2])
    if len(joiners) > 1:  # `a and b or c`: precedence is the compiler's business
        return None
    fns = []
    for term in parts[::2]:
        fn = _quick_term(term, known, names, beat_ref)
        if fn is None:
            return None
        fns.append(fn)
    if len(fns) == 1:
        return fns[0]
    if len(fns) == 2:
        first, second = fns
        if joiners == {"and"}:
            return lambda env: bool(first(env) and second(env))
        return lambda env: bool(first(env) or second(env))
    if joiners == {"and"}:
        return lambda env: all(p(env) for p in fns)
    return lambda env: any(p(env) for p in fns)


_QUICK_NUMBER_ONLY = re.compile(_QUICK_NUMBER)
# Arithmetic on names and numbers with + - * /: `0.1 + heart / 1000`.
_QUICK_ARITHMETIC = re.compile(
    rf"(?:{_QUICK_NAME}|{_QUICK_NUMBER})(?:[ \t]*[-+*/][ \t]*(?:{_QUICK_NAME}|{_QUICK_NUMBER}))+"
)
_QUICK_TOKEN = re.compile(rf"{_QUICK_NAME}|{_QUICK_NUMBER}|[-+*/]")
_QUICK_BINOPS: dict[str, type[ast.operator]] = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div}


def _quick_operand(
    token: str, known: Callable[[str], bool] | None, names: set[str]
) -> tuple[Fn, tuple[Value] | None] | None:
    """A name or number: its function, and its value when it is a constant (as ``_Compiler.constant``)."""
    if token[0].isdigit():
        number = _quick_number(token)
        return None if number is None else ((lambda env: number), (number,))
    fn = _quick_name(token, known, names)
    if fn is None:
        return None
    return fn, ((CONSTANTS[token],) if token in CONSTANTS else None)


def _quick_sum(tokens: list[str], known: Callable[[str], bool] | None, names: set[str]) -> Fn | None:
    """Operands and operators (alternating, checked by _QUICK_ARITHMETIC) as Python groups them:
    ``*`` and ``/`` first, then ``+`` and ``-``, each from the left; each step as the compiler builds it."""
    terms: list[tuple[str, Fn, tuple[Value] | None]] = []  # (operator before, function, constant)
    sign = "+"
    for i in range(0, len(tokens), 2):
        operand = _quick_operand(tokens[i], known, names)
        if operand is None:
            return None
        fn, constant = operand
        if terms and sign in "*/":  # joins the product being built
            before, left, _ = terms.pop()
            fn, constant = _quick_binop(sign, left, fn, constant), None
            sign = before
        terms.append((sign, fn, constant))
        sign = tokens[i + 1] if i + 1 < len(tokens) else ""
    _, total, _ = terms[0]
    for sign, fn, constant in terms[1:]:
        total = _quick_binop(sign, total, fn, constant)
    return total


def _quick_binop(sign: str, left: Fn, right: Fn, constant: tuple[Value] | None) -> Fn:
    op = _BINOPS[_QUICK_BINOPS[sign]]
    if constant is not None:  # as the compiler: a number on the right is passed as it is
        number = constant[0]
        return lambda env: op(left(env), number)
    return lambda env: op(left(env), right(env))


_QUICK_AUG = {"": "=", "+": "+", "-": "-", "*": "*", "/": "/"}


def _quick_effect(
    source: str, known: Callable[[str], bool] | None, writable: Callable[[str], bool] | None
) -> Assignment | None:
    """A simple effect (``name op= name-or-number``) compiled as the compiler would, or None."""
    text = source.strip()
    if len(source) > MAX_EXPRESSION_LENGTH:
        return None
    m = _QUICK_EFFECT.fullmatch(text)
    if m is None:
        return None
    name, op = m.group("name"), _QUICK_AUG[m.group("op")]
    if iskeyword(name) or name in CONSTANTS or (writable is not None and not writable(name)):
        return None
    names: set[str] = set()
    value = m.group("value")
    if value is not None:
        fn = _quick_name(value, known, names)
        if fn is None:
            return None
        shown = value
    else:
        number = _quick_number(m.group("number"))
        if number is None:
            return None
        fn, shown = (lambda env: number), repr(number)
    if op != "=":
        names.add(name)
    return Assignment(name, op, Compiled(shown, fn, frozenset(names)), text)


def compile_expression(
    source: str, known: Callable[[str], bool] | None = None, kind: type = Compiled, beat_ref: BeatRef | None = None
) -> Compiled:
    """Compile a condition or number; ``known`` says which names exist, ``beat_ref`` which beats."""
    if isinstance(source, (bool, int, float)):
        value = _literal(source)
        return kind(str(value).lower(), lambda env: value, frozenset())
    quick = _quick_expression(source, known, beat_ref) if isinstance(source, str) else None
    if quick is not None:
        return kind(source.strip(), *quick)
    tree = _parse(source, "eval")
    assert isinstance(tree, ast.Expression)
    compiler = _Compiler(known, beat_ref)
    fn = compiler.run(tree.body)
    return kind(source.strip(), fn, frozenset(compiler.names))


def compile_condition(
    source: str, known: Callable[[str], bool] | None = None, beat_ref: BeatRef | None = None
) -> Condition:
    result = compile_expression(source, known, Condition, beat_ref)
    assert isinstance(result, Condition)
    return result


def compile_number(
    source: str | float, known: Callable[[str], bool] | None = None, beat_ref: BeatRef | None = None
) -> NumberExpr:
    result = compile_expression(source, known, NumberExpr, beat_ref)  # type: ignore[arg-type]
    assert isinstance(result, NumberExpr)
    return result


def compile_effect(
    source: str,
    known: Callable[[str], bool] | None = None,
    writable: Callable[[str], bool] | None = None,
    beat_ref: BeatRef | None = None,
) -> Assignment:
    """Compile one effect statement such as ``oxygen -= 5`` or ``reported = true``."""
    quick = _quick_effect(source, known, writable) if isinstance(source, str) else None
    if quick is not None:
        return quick
    tree = _parse(source, "exec")
    assert isinstance(tree, ast.Module)
    if len(tree.body) != 1:
        raise ExpressionError("write one effect per list item", 0, "use a YAML list: `effects: [a = 1, b += 2]`")
    stmt = tree.body[0]
    if isinstance(stmt, ast.Assign):
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise ExpressionError("assign to a single meter or flag name", stmt.col_offset)
        name, op, value = stmt.targets[0].id, "=", stmt.value
    elif isinstance(stmt, ast.AugAssign):
        if not isinstance(stmt.target, ast.Name):
            raise ExpressionError("assign to a single meter or flag name", stmt.col_offset)
        if type(stmt.op) not in _AUG:
            raise ExpressionError("only = += -= *= /= are supported in effects", stmt.col_offset)
        name, op, value = stmt.target.id, _AUG[type(stmt.op)], stmt.value
    elif isinstance(stmt, ast.Expr):
        raise ExpressionError(
            f"`{source.strip()}` does not change anything",
            0,
            "an effect assigns: `oxygen -= 5`, `reported = true`",
        )
    else:
        raise ExpressionError("an effect must be an assignment such as `oxygen -= 5`", 0)
    if name in CONSTANTS or name.startswith("_"):
        raise ExpressionError(f"cannot assign to `{name}`", 0)
    if writable is not None and not writable(name):
        raise ExpressionError(
            f"unknown meter or flag `{name}`", 0, "declare it under `meters:` or `flags:` in story.yaml", unknown=name
        )
    compiler = _Compiler(known, beat_ref)
    fn = compiler.run(value)
    names = frozenset(compiler.names | ({name} if op != "=" else set()))
    return Assignment(name, op, Compiled(_source_of(value, source.strip()), fn, names), source.strip())


def _source_of(node: ast.expr, text: str) -> str:
    """The source of an effect's value, parsed from ``text``: as written when it is on one line
    (``ast.unparse`` of a longer one was most of compiling it), else ``ast.unparse``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and type(node.value) in (bool, int, float):
        return repr(node.value)
    if text.isascii() and node.lineno == node.end_lineno == 1 and node.end_col_offset is not None:
        return text[node.col_offset : node.end_col_offset]  # offsets count bytes: the same in ASCII
    return ast.unparse(node)


def apply_op(op: str, old: Any, new: Any) -> Any:
    """Combine an effect's value with the current one; EvaluationError when they do not fit."""
    try:
        if op == "=":
            return new
        if op == "+":
            return _add(old, new)
        if op == "-":
            return _clamp_magnitude(old - new)
        if op == "*":
            return _mul(old, new)
        return _div(old, new)
    except _MISMATCHES as exc:
        raise EvaluationError(f"cannot apply `{op}=` ({exc})") from None
