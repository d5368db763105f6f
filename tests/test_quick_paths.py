"""The quick paths for simple expressions and texts build what the compiler and the text parser build
(Hypothesis, seeded and bounded).

A story's conditions and effects are mostly a name, a number, `not name`, `name < 10`, a few of
those joined by `and` or `or`, or `name op= value`; those are compiled without Python's parser.
Every generated source is compiled both ways: both refuse it, or both give the same text, the same
names and the same value (or the same kind of failure) in every generated state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voskhod_game.story import expressions, text
from voskhod_game.story.expressions import (
    VISITS_KEY,
    ExpressionError,
    compile_condition,
    compile_effect,
    compile_number,
)

NAMES = ["a", "b", "flag", "count", "true", "false", "not", "and", "None", "True", "unknown", "_hidden", "a1_b"]
KNOWN = {"a", "b", "flag", "count", "a1_b"}.__contains__
WRITABLE = {"a", "b", "flag", "count", "a1_b", "true"}.__contains__
NUMBERS = ["0", "1", "10", "0.5", "2.50", "007", "1.", ".5", "1e3", "123456789012345", "1" * 17, "9" * 15 + ".5"]
OPS = ["<", "<=", ">", ">=", "==", "!=", "=", "=<", "<>"]
SPACES = ["", " ", "  ", "\t", "\n"]
JOINERS = ["and", "or", "and", "or", "xor", "and\t"]


CALLS = ['seen("a")', "seen('s.b')", 'visits("a")', "visits()", 'seen("nowhere")', 'seen("")', 'seen( "a" )', "seen(a)"]


def beat_ref(name: str | None) -> str | None:
    """Beats `s.a` and `s.b`, and `s.here` (the beat an expression is in)."""
    if name is None:
        return "s.here"
    qid = name if "." in name else f"s.{name}"
    return qid if qid in {"s.a", "s.b", "s.here"} else None


@st.composite
def terms(draw: st.DrawFn) -> str:
    nots = "not " * draw(st.integers(0, 2))
    name = draw(st.sampled_from(NAMES + CALLS))
    if draw(st.booleans()):
        op, space = draw(st.sampled_from(OPS)), draw(st.sampled_from(SPACES))
        return f"{nots}{name}{space}{op}{space}{draw(st.sampled_from(NUMBERS))}"
    return nots + name


@st.composite
def conditions(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(NUMBERS))
    if draw(st.integers(0, 4)) == 0:  # `a if condition else b`
        body = draw(st.sampled_from(NAMES + NUMBERS))
        orelse = draw(st.sampled_from([*NAMES, *NUMBERS, "x if y else z"]))
        joiner = draw(st.sampled_from(["and", "or"]))
        return f"{body} if {draw(terms())} {joiner} {draw(terms())} else {orelse}"
    parts = draw(st.lists(terms(), min_size=1, max_size=4))
    text = parts[0]
    for part in parts[1:]:
        joiner = draw(st.sampled_from(JOINERS))
        text += f" {joiner} {part}"
    return draw(st.sampled_from(SPACES)) + text + draw(st.sampled_from(SPACES))


@st.composite
def sums(draw: st.DrawFn) -> str:
    """Arithmetic on names and numbers, now and then with an operator the quick path leaves alone."""
    operands = draw(st.lists(st.sampled_from(NAMES + NUMBERS), min_size=1, max_size=5))
    text = operands[0]
    for operand in operands[1:]:
        op = draw(st.sampled_from(["+", "-", "*", "/", "+", "-", "*", "/", "//", "**", "%", "* -"]))
        text += draw(st.sampled_from(SPACES[:4])) + op + draw(st.sampled_from(SPACES[:4])) + operand
    return text


@st.composite
def effects(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    op = draw(st.sampled_from(["=", "+=", "-=", "*=", "/=", "//=", "==", "%="]))
    value = draw(st.sampled_from(NAMES + NUMBERS))
    space = draw(st.sampled_from(SPACES))
    return f"{space}{name}{space}{op}{space}{value}{draw(st.sampled_from(SPACES))}"


STATES: list[dict[str, Any]] = [
    {"a": 0, "b": 1, "flag": True, "count": 10, "a1_b": 2.5, VISITS_KEY: {}},
    {"a": 5, "b": -3.5, "flag": False, "count": 0, "a1_b": 10, VISITS_KEY: {"s.a": 2, "s.here": 1}},
    {"a": 10, "b": 10, "flag": True, "count": 2, "a1_b": "call sign", VISITS_KEY: {"s.b": 1}},  # a text flag
]


def outcome(fn: Callable[[dict[str, Any]], Any], env: dict[str, Any]) -> Any:
    try:
        return ("value", fn(env))
    except Exception as exc:  # the same kind of failure on both sides
        return ("raised", type(exc))


def both(compile_it: Callable[[], Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """What ``compile_it`` gives with the quick path, and with the compiler alone."""
    results = []
    for quick in (True, False):
        with monkeypatch.context() as patch:
            if not quick:
                patch.setattr(expressions, "_quick_expression", lambda *args: None)
                patch.setattr(expressions, "_quick_effect", lambda *args: None)
            try:
                results.append(compile_it())
            except ExpressionError as exc:
                results.append(("refused", exc.message, exc.offset, exc.hint, exc.code))
    return results[0], results[1]


SETTINGS = settings(
    max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(source=conditions())
def test_a_condition_or_number_compiles_as_the_compiler_compiles_it(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for compile_one in (compile_condition, compile_number):
        quick, full = both(lambda compile_one=compile_one: compile_one(source, KNOWN, beat_ref), monkeypatch)
        if isinstance(full, tuple):
            assert quick == full
            continue
        assert (quick.source, quick.names, type(quick)) == (full.source, full.names, type(full))
        for env in STATES:
            assert outcome(quick.fn, env) == outcome(full.fn, env), (source, env)


@SETTINGS
@given(source=sums())
def test_arithmetic_compiles_as_the_compiler_compiles_it(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    quick, full = both(lambda: compile_number(source, KNOWN), monkeypatch)
    if isinstance(full, tuple):
        assert quick == full
        return
    assert (quick.source, quick.names) == (full.source, full.names)
    for env in STATES:
        assert outcome(quick.fn, env) == outcome(full.fn, env), (source, env)


@SETTINGS
@given(source=effects())
def test_an_effect_compiles_as_the_compiler_compiles_it(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    quick, full = both(lambda: compile_effect(source, KNOWN, WRITABLE), monkeypatch)
    if isinstance(full, tuple):
        assert quick == full
        return
    assert (quick.name, quick.op, quick.source) == (full.name, full.op, full.source)
    assert (quick.expr.source, quick.expr.names) == (full.expr.source, full.expr.names)
    for env in STATES:
        assert outcome(quick.expr.fn, env) == outcome(full.expr.fn, env), (source, env)


@pytest.mark.parametrize(
    "source",
    [
        "oxygen < 10 and not reported",
        "not film_saved",
        "oxygen",
        "0.25",
        "a >= 1 or b == 2 or c != 3",
        "0.1 + heart / 1000",
        'not seen("a")',
        "visits() == 1",
        "1 if strapped and not cg_off else 0",
    ],
)
def test_the_common_forms_take_the_quick_path(source: str) -> None:
    assert expressions._quick_expression(source, None, beat_ref) is not None
    assert expressions._quick_effect("heart += 5", None, None) is not None
    assert expressions._quick_effect("reported = true", None, None) is not None


@st.composite
def texts(draw: st.DrawFn) -> str:
    pieces = draw(
        st.lists(
            st.sampled_from(
                [
                    "words ",
                    "\n",
                    "{a}",
                    "{count}",
                    "{else}",
                    "{end}",
                    "{if}",
                    "{unknown}",
                    "{a:.1}",
                    "{{",
                    "}}",
                    "{ a }",
                    "{_x}",
                ]
            ),
            min_size=1,
            max_size=6,
        )
    )
    return "".join(pieces)


def rendered(source: str) -> Any:
    def value(expr: str, offset: int, fmt: text.Format) -> Callable[[Any], str]:
        if expr not in ("a", "count"):
            raise ExpressionError(f"unknown name `{expr}`", offset)
        return lambda env: f"<{env[expr]}|{fmt}|{offset}>"

    def condition(expr: str, offset: int) -> Callable[[Any], Any]:
        return lambda env: bool(env.get(expr))

    try:
        compiled = text.compile_text(source, value, condition)
    except (text.TextError, ExpressionError) as exc:
        return ("refused", type(exc), str(exc), getattr(exc, "offset", None))
    return [compiled.render(env, lambda offset, n, mode: 0) for env in STATES]


@SETTINGS
@given(source=texts())
def test_a_text_of_placeholders_is_built_as_the_parser_builds_it(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    quick = rendered(source)
    monkeypatch.setattr(text, "_placeholders", lambda *args: None)
    assert quick == rendered(source)


def test_a_text_of_placeholders_takes_the_quick_path() -> None:
    assert text._placeholders("The needle reads {pressure} atm; {oxygen} left.", lambda *a: lambda env: "") is not None
