"""Interval arithmetic over the story expression language.

The analyser needs to say "this condition can never be true" and be right
every time it says so. It does that by evaluating expressions over ranges
instead of numbers: every value is an :class:`Interval` that contains every
value the real game could produce there. A condition whose interval is exactly
``[0, 0]`` is false in every game; anything wider is "maybe" and stays silent.

Expressions are re-parsed from their source text with :mod:`ast` (the same
whitelisted grammar the loader compiled), so nothing here executes writer text.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from typing import NamedTuple

INF = math.inf


class Interval(NamedTuple):
    """Closed range ``[lo, hi]``; booleans are ``[0, 0]``, ``[1, 1]`` or ``[0, 1]``.

    A tuple rather than a dataclass: the analysis makes and compares millions of
    them on a large story, and a tuple is built and compared in C.
    """

    lo: float
    hi: float

    @staticmethod
    def point(x: float) -> Interval:
        return Interval(float(x), float(x))

    def join(self, other: Interval) -> Interval:
        # min() and max() spelled out: the same result (ties keep the first), without the calls.
        lo, hi = self
        olo, ohi = other
        return ranged((olo if olo < lo else lo, ohi if ohi > hi else hi))

    def meet(self, other: Interval) -> Interval | None:
        lo, hi = max(self[0], other[0]), min(self[1], other[1])
        return ranged((lo, hi)) if lo <= hi else None

    def contains(self, x: float) -> bool:
        return self.lo <= x <= self.hi

    @property
    def always_true(self) -> bool:
        return not self.lo <= 0.0 <= self.hi

    @property
    def always_false(self) -> bool:
        return self.lo == 0.0 and self.hi == 0.0

    def truth(self) -> Interval:
        lo, hi = self
        if not lo <= 0.0 <= hi:
            return TRUE
        if lo == 0.0 and hi == 0.0:
            return FALSE
        return MAYBE


# ``Interval((lo, hi))`` built by ``tuple.__new__`` itself, without the Python-level ``__new__``
# of a NamedTuple (half the cost): for the loops that build ranges by the hundred thousand.
ranged: Callable[[tuple[float, float]], Interval] = partial(tuple.__new__, Interval)

TOP = Interval(-INF, INF)
TRUE = Interval(1.0, 1.0)
FALSE = Interval(0.0, 0.0)
MAYBE = Interval(0.0, 1.0)

Env = Mapping[str, Interval]
Evaluator = Callable[[Env], Interval]


def _safe(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def multiply(a: Interval, b: Interval) -> Interval:
    alo, ahi = a
    blo, bhi = b
    # The four corner products, NaN (0 times infinity) as 0 (as _safe; spelled out for speed).
    p, q, r, s = alo * blo, alo * bhi, ahi * blo, ahi * bhi
    p, q, r, s = (p if p == p else 0.0), (q if q == q else 0.0), (r if r == r else 0.0), (s if s == s else 0.0)
    return ranged((min(p, q, r, s), max(p, q, r, s)))


def divide(a: Interval, b: Interval) -> Interval:
    blo, bhi = b
    if blo <= 0.0 <= bhi:
        return TOP  # division by zero disables or skips at run time; the rest is unbounded
    return multiply(a, ranged((1.0 / bhi, 1.0 / blo)))


def _whole(round_to: Callable[[float], int], x: float) -> float:
    """``x`` rounded to a whole number; an infinite end of a range stays infinite."""
    return float(round_to(x)) if math.isfinite(x) else x


def _floor(a: Interval) -> Interval:
    return Interval(_whole(math.floor, a.lo), _whole(math.floor, a.hi))


def _ceil(a: Interval) -> Interval:
    return Interval(_whole(math.ceil, a.lo), _whole(math.ceil, a.hi))


def _abs(a: Interval) -> Interval:
    if a.lo >= 0:
        return a
    if a.hi <= 0:
        return Interval(-a.hi, -a.lo)
    return Interval(0.0, max(-a.lo, a.hi))


def _lt(a: Interval, b: Interval) -> Interval:
    return TRUE if a.hi < b.lo else FALSE if a.lo >= b.hi else MAYBE


def _le(a: Interval, b: Interval) -> Interval:
    return TRUE if a.hi <= b.lo else FALSE if a.lo > b.hi else MAYBE


def _eq(a: Interval, b: Interval) -> Interval:
    if a.lo == a.hi == b.lo == b.hi:
        return TRUE
    return FALSE if a.hi < b.lo or b.hi < a.lo else MAYBE


def _ne(a: Interval, b: Interval) -> Interval:
    if a.lo == a.hi == b.lo == b.hi:
        return FALSE
    return TRUE if a.hi < b.lo or b.hi < a.lo else MAYBE


def _maybe(a: Interval, b: Interval) -> Interval:
    return MAYBE


_COMPARISONS: dict[type, Callable[[Interval, Interval], Interval]] = {
    ast.Lt: _lt,
    ast.LtE: _le,
    ast.Gt: lambda a, b: _lt(b, a),
    ast.GtE: lambda a, b: _le(b, a),
    ast.Eq: _eq,
    ast.NotEq: _ne,
}


def _compare(op: ast.cmpop, a: Interval, b: Interval) -> Interval:
    """Truth of ``a op b`` for every pair of values in the two ranges."""
    return _COMPARISONS.get(type(op), _maybe)(a, b)


def _and(parts: list[Interval]) -> Interval:
    """FALSE when a part is, TRUE when all are, else MAYBE (loops rather than any()/all(): a hot path)."""
    every = True
    for lo, hi in parts:
        if lo == 0.0 and hi == 0.0:
            return FALSE
        if every and lo <= 0.0 <= hi:
            every = False
    return TRUE if every else MAYBE


def _or(parts: list[Interval]) -> Interval:
    none = True
    for lo, hi in parts:
        if not lo <= 0.0 <= hi:
            return TRUE
        if none and not (lo == 0.0 and hi == 0.0):
            none = False
    return FALSE if none else MAYBE


PARSED_SOURCES = 1 << 15  # far more distinct expressions than a 10,000-beat story holds


@lru_cache(maxsize=PARSED_SOURCES)
def parse(source: str) -> ast.expr:
    """The expression tree of compiled source text (already validated by the loader)."""
    tree = ast.parse(source.strip(), mode="eval")
    return tree.body


_EVALUATOR = "_voskhod_interval"  # the attribute of a tree node that keeps its compiled evaluator


def evaluate(node: ast.expr, env: Env) -> Interval:
    """An interval holding every value ``node`` can take when names lie in ``env``."""
    return _evaluator(node)(env)


def _evaluator(node: ast.expr) -> Evaluator:
    """``node`` turned into a function of the ranges, once per tree node.

    The analysis evaluates the same few thousand expressions over and over (at
    every beat, every round of the fixpoint); walking the tree each time was most
    of its cost. The function is kept on the node, which the parse cache keeps.
    """
    fn: Evaluator | None = getattr(node, _EVALUATOR, None)
    if fn is None:
        fn = _compile(node)
        setattr(node, _EVALUATOR, fn)
    return fn


def _constant(value: Interval) -> Evaluator:
    return lambda env: value


def _compile(node: ast.expr) -> Evaluator:
    if isinstance(node, ast.Constant):
        value = node.value
        return _constant(Interval.point(float(value)) if isinstance(value, (int, float)) else TOP)
    if isinstance(node, ast.Name):
        if node.id in ("true", "True"):
            return _constant(TRUE)
        if node.id in ("false", "False"):
            return _constant(FALSE)
        name = node.id
        return lambda env: env.get(name, TOP)
    if isinstance(node, ast.BoolOp):
        return _bool_op(isinstance(node.op, ast.And), [_evaluator(v) for v in node.values])
    if isinstance(node, ast.UnaryOp):
        inner = _evaluator(node.operand)
        if isinstance(node.op, ast.Not):

            def negated(env: Env) -> Interval:
                t = inner(env).truth()
                return FALSE if t == TRUE else TRUE if t == FALSE else MAYBE

            return negated
        if isinstance(node.op, ast.USub):

            def minus(env: Env) -> Interval:
                a = inner(env)
                return Interval(-a.hi, -a.lo)

            return minus
        return inner
    if isinstance(node, ast.BinOp):
        return _binary(node.op, _evaluator(node.left), _evaluator(node.right))
    if isinstance(node, ast.Compare):
        return _comparison(
            _evaluator(node.left),
            [
                (_COMPARISONS.get(type(op), _maybe), _evaluator(c))
                for op, c in zip(node.ops, node.comparators, strict=True)
            ],
        )
    if isinstance(node, ast.IfExp):
        test, body, orelse = _evaluator(node.test), _evaluator(node.body), _evaluator(node.orelse)

        def choose(env: Env) -> Interval:
            t = test(env).truth()
            if t == TRUE:
                return body(env)
            if t == FALSE:
                return orelse(env)
            return body(env).join(orelse(env))

        return choose
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        call = _CALLS.get(node.func.id)
        if call is not None and (node.func.id != "clamp" or len(node.args) == 3):
            args = [_evaluator(a) for a in node.args]
            return lambda env: call([a(env) for a in args])
    return _constant(TOP)


def _bool_op(conjunction: bool, parts: list[Evaluator]) -> Evaluator:
    combine = _and if conjunction else _or

    def boolean(env: Env) -> Interval:
        values = [p(env) for p in parts]
        # In a number context `a and b` yields one of its operands: the join covers it.
        # (_and and _or read a range as its truth would: no need to take the truths first.)
        for lo, hi in values:
            if not (lo >= 0 and hi <= 1):
                break
        else:
            return combine(values)
        joined = values[0]
        for v in values[1:]:
            joined = joined.join(v)
        return joined

    return boolean


def _binary(op: ast.operator, left: Evaluator, right: Evaluator) -> Evaluator:
    if isinstance(op, ast.Add):
        return lambda env: _add(left(env), right(env))
    if isinstance(op, ast.Sub):
        return lambda env: _sub(left(env), right(env))
    if isinstance(op, ast.Mult):
        return lambda env: multiply(left(env), right(env))
    if isinstance(op, ast.Div):
        return lambda env: divide(left(env), right(env))
    if isinstance(op, ast.FloorDiv):

        def floor_divide(env: Env) -> Interval:
            q = divide(left(env), right(env))
            return TOP if q == TOP else _floor(q)

        return floor_divide
    if isinstance(op, ast.Mod):

        def modulo(env: Env) -> Interval:
            b = right(env)
            return Interval(0.0, b.hi) if b.lo > 0 else TOP

        return modulo
    return _constant(TOP)


def _add(a: Interval, b: Interval) -> Interval:
    lo, hi = a[0] + b[0], a[1] + b[1]
    return ranged((0.0 if lo != lo else lo, 0.0 if hi != hi else hi))  # NaN (inf - inf) as 0, as _safe


def _sub(a: Interval, b: Interval) -> Interval:
    lo, hi = a[0] - b[1], a[1] - b[0]
    return ranged((0.0 if lo != lo else lo, 0.0 if hi != hi else hi))  # NaN (inf - inf) as 0, as _safe


def _comparison(first: Evaluator, rest: list[tuple[Callable[[Interval, Interval], Interval], Evaluator]]) -> Evaluator:
    if len(rest) == 1:
        ((compare, second),) = rest
        return lambda env: compare(first(env), second(env))

    def chain(env: Env) -> Interval:
        left = first(env)
        results = []
        for compare, comparator in rest:
            right = comparator(env)
            results.append(compare(left, right))
            left = right
        return _and(results)

    return chain


_CALLS: dict[str, Callable[[list[Interval]], Interval]] = {
    "min": lambda args: Interval(min(a.lo for a in args), min(a.hi for a in args)),
    "max": lambda args: Interval(max(a.lo for a in args), max(a.hi for a in args)),
    "abs": lambda args: _abs(args[0]),
    "floor": lambda args: _floor(args[0]),
    "ceil": lambda args: _ceil(args[0]),
    "round": lambda args: Interval(args[0].lo - 1, args[0].hi + 1),
    "clamp": lambda args: args[0].join(args[1]).join(args[2]),  # the result is one of the three
}


@lru_cache(maxsize=PARSED_SOURCES)
def evaluator_for(source: str) -> Evaluator:
    """The range of an expression's source text as a function of the ranges of its names
    (kept: the fixpoint looks it up once per outcome, not at every round)."""
    return _evaluator(parse(source))


def truth_of(source: str, env: Env) -> Interval:
    """TRUE, FALSE or MAYBE for a condition's source text."""
    return evaluator_for(source)(env).truth()


def value_of(source: str, env: Env) -> Interval:
    return evaluator_for(source)(env)


@lru_cache(maxsize=PARSED_SOURCES)
def names_in(source: str) -> frozenset[str]:
    """Every meter or flag name an expression reads (constants and functions excluded)."""
    tree = parse(source)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return frozenset(
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and id(n) not in called and n.id not in ("true", "false", "True", "False")
    )


_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
_NEGATE = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}


MAX_CASES = 64


def complementary(sources: list[str]) -> bool:
    """True when two of the conditions are each other's negation (``c`` and
    ``not c``, ``x < 5`` and ``x >= 5``): then one of them always holds, which
    ranges alone cannot see for ``!=``."""
    seen = {ast.dump(parse(s)) for s in sources}
    for source in sources:
        node = parse(source)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            negated: ast.expr = node.operand
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            negated = ast.Compare(node.left, [_NEGATE[type(node.ops[0])]()], node.comparators)
        else:
            negated = ast.UnaryOp(ast.Not(), node)
        if ast.dump(negated) in seen:
            return True
    return False


def refine(source: str, env: Mapping[str, Interval], holds: bool = True) -> dict[str, Interval] | None:
    """Narrow ``env`` to the values where the condition is ``holds``; None if none are left.

    Only simple shapes are narrowed (``name op number``, chains, ``and``,
    ``or``, ``not``, a bare flag name); anything else keeps ``env`` as it is,
    which is always sound because it is wider than the truth.
    """
    return _join_all(refine_cases(source, env, holds))


def refine_cases(source: str, env: Mapping[str, Interval], holds: bool = True) -> list[dict[str, Interval]]:
    """Like :func:`refine` but keeps the sides of an ``or`` apart (up to a limit),
    so that ``a or b`` followed by ``not a`` is still narrowed to ``b``."""
    return _source_refiner(source, holds)(dict(env))


def _join_all(cases: list[dict[str, Interval]]) -> dict[str, Interval] | None:
    if not cases:
        return None
    if len(cases) == 1:
        return cases[0]  # every case is a dict of its own (see _refiner): no copy needed
    merged = dict(cases[0])
    for case in cases[1:]:
        for k in merged:
            merged[k] = merged[k].join(case.get(k, TOP))
    return merged


def cap_cases(cases: list[dict[str, Interval]]) -> list[dict[str, Interval]]:
    if len(cases) <= MAX_CASES:
        return cases
    joined = _join_all(cases)
    return [joined] if joined is not None else []


Refiner = Callable[[dict[str, Interval]], list[dict[str, Interval]]]
_REFINERS = ("_voskhod_refine_false", "_voskhod_refine_true")  # attributes keeping a node's refiners, by ``holds``


@lru_cache(maxsize=PARSED_SOURCES)
def _source_refiner(source: str, holds: bool) -> Refiner:
    return _refiner(parse(source), holds)


def _refiner(node: ast.expr, holds: bool) -> Refiner:
    """``node`` turned into a function that narrows an environment (its own copy, which it
    may change) to where the condition is ``holds``: the cases left, none when it cannot be.

    Like the evaluators, built once per tree node: the fixpoint narrows the same
    conditions at every round, and walking the tree each time was most of its cost.
    """
    fn: Refiner | None = getattr(node, _REFINERS[holds], None)
    if fn is None:
        fn = _compile_refiner(node, holds)
        setattr(node, _REFINERS[holds], fn)
    return fn


def _compile_refiner(node: ast.expr, holds: bool) -> Refiner:
    value = _evaluator(node)
    excluded = FALSE if holds else TRUE  # the condition's truth that leaves no case

    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _refiner(node.operand, not holds)
        return lambda env: [] if value(env).truth() == excluded else inner(env)
    if isinstance(node, ast.BoolOp):
        parts = [_refiner(part, holds) for part in node.values]
        if isinstance(node.op, ast.And) == holds:  # every part must hold (or every part fail)

            def every(env: dict[str, Interval]) -> list[dict[str, Interval]]:
                if value(env).truth() == excluded:
                    return []
                current = [env]
                for part in parts:
                    current = cap_cases([c for e in current for c in part(dict(e))])
                    if not current:
                        return []
                return current

            return every

        def some(env: dict[str, Interval]) -> list[dict[str, Interval]]:
            if value(env).truth() == excluded:
                return []
            return cap_cases([c for part in parts for c in part(dict(env))])

        return some
    if isinstance(node, ast.Name):
        name = node.id

        def flag(env: dict[str, Interval]) -> list[dict[str, Interval]]:
            if value(env).truth() == excluded:
                return []
            known = env.get(name)
            if known is None:
                return [env]
            narrowed = known.meet(FALSE) if not holds else (TRUE if known == MAYBE else known)
            if narrowed is None:
                return []
            env[name] = narrowed
            return [env]

        return flag
    if isinstance(node, ast.Compare):
        # Each link of a chain narrows the names on its sides, in order; one that fails
        # (only a single comparison can be narrowed by failing) narrows nothing.
        sides: list[tuple[str, Callable[[Interval, Interval], Interval | None], Evaluator]] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if holds or len(node.ops) == 1:
                kind = type(op) if holds else _NEGATE[type(op)]
                for name_node, other, the_kind in ((left, right, kind), (right, left, _FLIP[kind])):
                    narrow = _NARROWINGS.get(the_kind)
                    if isinstance(name_node, ast.Name) and narrow is not None:  # `!=` narrows nothing
                        sides.append((name_node.id, narrow, _evaluator(other)))
            left = right

        def compare(env: dict[str, Interval]) -> list[dict[str, Interval]]:
            if value(env).truth() == excluded:
                return []
            for name, narrow, other in sides:
                known = env.get(name)
                if known is None:
                    continue
                narrowed = narrow(known, other(env))
                if narrowed is None:
                    return []
                env[name] = narrowed
            return [env]

        return compare
    return lambda env: [] if value(env).truth() == excluded else [env]


# How ``name op bound`` narrows the name's range. Strict comparisons exclude the
# bound itself: the next float below (above) it.
_NARROWINGS: dict[type, Callable[[Interval, Interval], Interval | None]] = {
    ast.Lt: lambda current, bound: current.meet(Interval(-INF, math.nextafter(bound.hi, -INF))),
    ast.LtE: lambda current, bound: current.meet(Interval(-INF, bound.hi)),
    ast.Gt: lambda current, bound: current.meet(Interval(math.nextafter(bound.lo, INF), INF)),
    ast.GtE: lambda current, bound: current.meet(Interval(bound.lo, INF)),
    ast.Eq: lambda current, bound: current.meet(bound),
}
