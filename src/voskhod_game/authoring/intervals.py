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
from dataclasses import dataclass
from functools import lru_cache

INF = math.inf


@dataclass(frozen=True)
class Interval:
    """Closed range ``[lo, hi]``; booleans are ``[0, 0]``, ``[1, 1]`` or ``[0, 1]``."""

    lo: float
    hi: float

    @staticmethod
    def point(x: float) -> Interval:
        return Interval(float(x), float(x))

    def join(self, other: Interval) -> Interval:
        return Interval(min(self.lo, other.lo), max(self.hi, other.hi))

    def meet(self, other: Interval) -> Interval | None:
        lo, hi = max(self.lo, other.lo), min(self.hi, other.hi)
        return Interval(lo, hi) if lo <= hi else None

    def contains(self, x: float) -> bool:
        return self.lo <= x <= self.hi

    @property
    def always_true(self) -> bool:
        return not self.contains(0.0)

    @property
    def always_false(self) -> bool:
        return self.lo == 0.0 and self.hi == 0.0

    def truth(self) -> Interval:
        if self.always_true:
            return TRUE
        if self.always_false:
            return FALSE
        return MAYBE


TOP = Interval(-INF, INF)
TRUE = Interval(1.0, 1.0)
FALSE = Interval(0.0, 0.0)
MAYBE = Interval(0.0, 1.0)

Env = Mapping[str, Interval]


def _safe(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def multiply(a: Interval, b: Interval) -> Interval:
    products = [_safe(x * y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return Interval(min(products), max(products))


def divide(a: Interval, b: Interval) -> Interval:
    if b.contains(0.0):
        return TOP  # division by zero disables or skips at run time; the rest is unbounded
    return multiply(a, Interval(1.0 / b.hi, 1.0 / b.lo))


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


def _compare(op: ast.cmpop, a: Interval, b: Interval) -> Interval:
    """Truth of ``a op b`` for every pair of values in the two ranges."""
    if isinstance(op, ast.Lt):
        return TRUE if a.hi < b.lo else FALSE if a.lo >= b.hi else MAYBE
    if isinstance(op, ast.LtE):
        return TRUE if a.hi <= b.lo else FALSE if a.lo > b.hi else MAYBE
    if isinstance(op, ast.Gt):
        return _compare(ast.Lt(), b, a)
    if isinstance(op, ast.GtE):
        return _compare(ast.LtE(), b, a)
    disjoint = a.hi < b.lo or b.hi < a.lo
    same_point = a.lo == a.hi == b.lo == b.hi
    if isinstance(op, ast.Eq):
        return TRUE if same_point else FALSE if disjoint else MAYBE
    if isinstance(op, ast.NotEq):
        return FALSE if same_point else TRUE if disjoint else MAYBE
    return MAYBE


def _and(parts: list[Interval]) -> Interval:
    if any(p.always_false for p in parts):
        return FALSE
    if all(p.always_true for p in parts):
        return TRUE
    return MAYBE


def _or(parts: list[Interval]) -> Interval:
    if any(p.always_true for p in parts):
        return TRUE
    if all(p.always_false for p in parts):
        return FALSE
    return MAYBE


@lru_cache(maxsize=4096)
def parse(source: str) -> ast.expr:
    """The expression tree of compiled source text (already validated by the loader)."""
    tree = ast.parse(source.strip(), mode="eval")
    return tree.body


def evaluate(node: ast.expr, env: Env) -> Interval:
    """An interval holding every value ``node`` can take when names lie in ``env``."""
    if isinstance(node, ast.Constant):
        value = node.value
        return Interval.point(float(value)) if isinstance(value, (int, float)) else TOP
    if isinstance(node, ast.Name):
        if node.id in ("true", "True"):
            return TRUE
        if node.id in ("false", "False"):
            return FALSE
        return env.get(node.id, TOP)
    if isinstance(node, ast.BoolOp):
        parts = [evaluate(v, env) for v in node.values]
        # In a number context `a and b` yields one of its operands: the join covers it.
        joined = parts[0]
        for p in parts[1:]:
            joined = joined.join(p)
        truth = _and([p.truth() for p in parts]) if isinstance(node.op, ast.And) else _or([p.truth() for p in parts])
        if all(p.lo >= 0 and p.hi <= 1 for p in parts):
            return truth
        return joined
    if isinstance(node, ast.UnaryOp):
        inner = evaluate(node.operand, env)
        if isinstance(node.op, ast.Not):
            t = inner.truth()
            return FALSE if t == TRUE else TRUE if t == FALSE else MAYBE
        if isinstance(node.op, ast.USub):
            return Interval(-inner.hi, -inner.lo)
        return inner
    if isinstance(node, ast.BinOp):
        a, b = evaluate(node.left, env), evaluate(node.right, env)
        if isinstance(node.op, ast.Add):
            return Interval(_safe(a.lo + b.lo), _safe(a.hi + b.hi))
        if isinstance(node.op, ast.Sub):
            return Interval(_safe(a.lo - b.hi), _safe(a.hi - b.lo))
        if isinstance(node.op, ast.Mult):
            return multiply(a, b)
        if isinstance(node.op, ast.Div):
            return divide(a, b)
        if isinstance(node.op, ast.FloorDiv):
            q = divide(a, b)
            return TOP if q == TOP else _floor(q)
        if isinstance(node.op, ast.Mod) and b.lo > 0:
            return Interval(0.0, b.hi)
        return TOP
    if isinstance(node, ast.Compare):
        left = evaluate(node.left, env)
        results = []
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = evaluate(comparator, env)
            results.append(_compare(op, left, right))
            left = right
        return _and(results)
    if isinstance(node, ast.IfExp):
        test = evaluate(node.test, env).truth()
        if test == TRUE:
            return evaluate(node.body, env)
        if test == FALSE:
            return evaluate(node.orelse, env)
        return evaluate(node.body, env).join(evaluate(node.orelse, env))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = [evaluate(a, env) for a in node.args]
        name = node.func.id
        if name == "min":
            return Interval(min(a.lo for a in args), min(a.hi for a in args))
        if name == "max":
            return Interval(max(a.lo for a in args), max(a.hi for a in args))
        if name == "abs":
            return _abs(args[0])
        if name == "floor":
            return _floor(args[0])
        if name == "ceil":
            return _ceil(args[0])
        if name == "round":
            return Interval(args[0].lo - 1, args[0].hi + 1)
        if name == "clamp" and len(args) == 3:
            return args[0].join(args[1]).join(args[2])  # the result is one of the three
    return TOP


def truth_of(source: str, env: Env) -> Interval:
    """TRUE, FALSE or MAYBE for a condition's source text."""
    return evaluate(parse(source), env).truth()


def value_of(source: str, env: Env) -> Interval:
    return evaluate(parse(source), env)


def names_in(source: str) -> set[str]:
    """Every meter or flag name an expression reads (constants and functions excluded)."""
    tree = parse(source)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and id(n) not in called and n.id not in ("true", "false", "True", "False")
    }


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
    return _cases(parse(source), dict(env), holds)


def _join_all(cases: list[dict[str, Interval]]) -> dict[str, Interval] | None:
    if not cases:
        return None
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


def _cases(node: ast.expr, env: dict[str, Interval], holds: bool) -> list[dict[str, Interval]]:
    truth = evaluate(node, env).truth()
    if truth == (FALSE if holds else TRUE):
        return []
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _cases(node.operand, env, not holds)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And) == holds:  # every part must hold (or every part fail)
            current = [env]
            for part in node.values:
                current = cap_cases([c for e in current for c in _cases(part, dict(e), holds)])
                if not current:
                    return []
            return current
        return cap_cases([c for part in node.values for c in _cases(part, dict(env), holds)])
    if isinstance(node, ast.Name) and node.id in env:
        known = env[node.id]
        narrowed = known.meet(FALSE) if not holds else (TRUE if known == MAYBE else known)
        if narrowed is None:
            return []
        env[node.id] = narrowed
        return [env]
    if isinstance(node, ast.Compare):
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if holds or len(node.ops) == 1:
                narrowed_env = _narrow_compare(left, op, right, env, holds)
                if narrowed_env is None:
                    return []
                env = narrowed_env
            left = right
        return [env]
    return [env]


def _narrow_compare(
    left: ast.expr, op: ast.cmpop, right: ast.expr, env: dict[str, Interval], holds: bool
) -> dict[str, Interval] | None:
    if not holds:
        op = _NEGATE[type(op)]()
    for name_node, other, the_op in ((left, right, op), (right, left, _FLIP[type(op)]())):
        if isinstance(name_node, ast.Name) and name_node.id in env:
            bound = evaluate(other, env)
            current = env[name_node.id]
            narrowed: Interval | None = current
            # Strict comparisons exclude the bound itself: the next float below (above) it.
            if isinstance(the_op, ast.Lt):
                narrowed = current.meet(Interval(-INF, math.nextafter(bound.hi, -INF)))
            elif isinstance(the_op, ast.LtE):
                narrowed = current.meet(Interval(-INF, bound.hi))
            elif isinstance(the_op, ast.Gt):
                narrowed = current.meet(Interval(math.nextafter(bound.lo, INF), INF))
            elif isinstance(the_op, ast.GtE):
                narrowed = current.meet(Interval(bound.lo, INF))
            elif isinstance(the_op, ast.Eq):
                narrowed = current.meet(bound)
            if narrowed is None:
                return None
            env = dict(env)
            env[name_node.id] = narrowed
    return env
