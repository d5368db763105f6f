"""Seeded fuzz campaigns: hostile story folders, expressions and line-mode input.

Every case is generated from the seed in this process, then run in a worker
process with a memory limit and a per-case timeout: a case that does not answer
in time is a *hang* (the worker is killed and replaced), an exception that is
not one of voskhod's own clear refusals is a *traceback*, and a NaN or infinity
that escapes is a *non-finite* finding. The same seed gives the same cases, so
a finding is reproduced with ``--replay CAMPAIGN:INDEX``, which runs that one
case here and prints the traceback.

Usage (from the repository root)::

    PYTHONPATH=src python3 scripts/fuzz.py [--cases 500] [--seed 0] [--timeout 10]
        [--campaign story --campaign expressions ...] [--replay story:17] [--json FILE]

Campaigns live in ``CAMPAIGNS`` at the bottom: a campaign is a name, a
``generate(rng, index)`` that builds a picklable case (cheap, in this process)
and a ``run(case, phase)`` that exercises it in the worker and returns the
findings. Adding one (the save-file campaign, say) is one more entry.
See docs/reliability.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

BASE_STORIES = {"mini": REPO / "tests" / "fixtures" / "mini", "crevasse": REPO / "examples" / "crevasse"}
WORKER_MEMORY = 1536 * 1024 * 1024  # a case that reads /dev/zero hits this instead of the machine's limit
PACKAGE_MARK = f"{os.sep}voskhod_game{os.sep}"

# -- hostile values ------------------------------------------------------------

NUMBERS = [
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "1e400",
    "-1e400",
    "9" * 401,
    "-" + "9" * 401,
    "9223372036854775808",
    "1e11",
    "1e20",
    "-1",
    "-1e308",
    "1e308",
    "5e-324",
    "0",
    "-0.0",
    "99999",
    "1e15",
    "1e16",
    "0x7fffffff",
    "2.5",
    "100000000000",
    "-1000000",
    "1e-320",
    "12",
    "1440",
    "100000",
]
SCALARS = [
    "[]",
    "{}",
    "null",
    "~",
    "true",
    "''",
    '"[/]"',
    '"[@click=app.quit]x[/]"',
    '"<img src=x onerror=alert(1)>"',
    '"\u202e1"',
    '"\\0"',
    '"\\x00nul"',
    "9999-12-31T23:59:59Z",
    '"0001-01-01T00:00:00Z"',
    '"1965-03-18T07:00:00+23:59"',
    '"1965-03-18T07:00:00"',
    '"25:61:00"',
    '"99999999:00:00"',
    "[" * 60 + "]" * 60,
    "!!python/object/apply:os.system [echo]",
    "!!binary AAAA",
    '"=cmd|calc!A0"',
    "&anchor [1, 2]",
    "*anchor",
    "{a: {b: {c: [1, {d: 2}]}}}",
    "- nested",
    "'Ω ≠ ∞ 💥'",
]
EXPRESSION_LEAVES = [
    "0",
    "1",
    "2",
    "0.5",
    "-1",
    "5e-324",
    "1e-300",
    "1e15",
    "999999999999999",
    "1e16",
    "1e308",
    "9" * 30,
    "1000000",
    "64",
    "65",
    "-1000000000",
    "0.1",
    "true",
    "false",
    "1_000",
    "0x10",
    "1j",
    "'text'",
    "None",
]
FUNCTIONS = ["min", "max", "abs", "round", "floor", "ceil", "clamp", "pow", "int", "__import__", "print"]
OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "and", "or", "if"]
LINE_INPUTS = [
    "1",
    "2",
    "3",
    "4",
    "0",
    "-1",
    "01",
    " 2 ",
    "1.5",
    "1e400",
    "nan",
    "²",
    "⑧",
    "٣",
    "३",
    "１",
    "9" * 5000,
    "1" + "0" * 20,
    "\x00",
    "1\x00",
    "\u200f1",
    "\u202e2",
    "\u200b3",
    "\ufeff1",
    "save x",
    "load x",
    "save",
    "load",
    "load autosave",
    "saves",
    "undo",
    "undo",
    "new",
    "status",
    "look",
    "log",
    "help",
    "quit",
    "save ../../../etc/passwd",
    "save " + "a" * 300,
    "save [/]",
    "load \x00",
    "SAVE X",
    "hatch",
    "wait",
    "look " + "x" * 10000,
    "\t",
    "\r",
    "ⅷ",
    "𝟙",
    "١٢",
    "᠑",
]
RAW_BYTES = [b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00", b"\r\n"]


# -- findings --------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str  # "traceback", "hang", "non-finite" or "lost" (a damaged save written over)
    phase: str
    signature: str  # what groups findings of one cause
    detail: str = ""


def signature_of(exc: BaseException) -> str:
    """Exception type plus the innermost voskhod frame: findings with one cause share it."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if PACKAGE_MARK in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno} {ours[-1].name}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


def crash(phase: str, exc: BaseException) -> Finding:
    text = "".join(traceback.format_exception(exc))
    return Finding("traceback", phase, signature_of(exc), text[-3000:])


def is_usable_value(value: Any) -> bool:
    """A value the language may return: a bool, an int, a finite float, or text (text flags)."""
    if isinstance(value, (bool, int, str)):
        return True
    return isinstance(value, float) and math.isfinite(value)


# -- the story campaign ----------------------------------------------------------


@dataclass
class StoryCase:
    base: str
    files: dict[str, bytes | str]  # name -> contents, or a special kind: "fifo", "devzero", "dir", "loop"
    mutations: list[str] = field(default_factory=list)
    seed: int = 0
    inputs: bytes = b""


def _numbers_in(text: str) -> list[tuple[int, int]]:
    import re

    return [m.span(1) for m in re.finditer(r"(?:[:\[,-] )(-?\d+(?:\.\d+)?)(?=\s*(?:[,\]}#]|$))", text, re.M)]


def _values_in(text: str) -> list[tuple[int, int]]:
    import re

    return [m.span(2) for m in re.finditer(r"^(\s*(?:- )?[A-Za-z_]+: )(.+)$", text, re.M)]


def random_expression(rng: random.Random, names: list[str], depth: int = 0) -> str:
    """A random, often invalid, often hostile expression over ``names``."""
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(EXPRESSION_LEAVES + names * 3)
    kind = rng.random()
    if kind < 0.45:
        op = rng.choice(OPERATORS)
        a, b = random_expression(rng, names, depth + 1), random_expression(rng, names, depth + 1)
        if op == "if":
            return f"({a} if {random_expression(rng, names, depth + 1)} else {b})"
        return f"({a} {op} {b})"
    if kind < 0.75:
        fn = rng.choice(FUNCTIONS[:7] if rng.random() < 0.9 else FUNCTIONS)
        args = [random_expression(rng, names, depth + 1) for _ in range(rng.choice([1, 2, 2, 3, 3, 9]))]
        return f"{fn}({', '.join(args)})"
    if kind < 0.85:
        return f"{rng.choice(['-', 'not ', '+', '~'])}{random_expression(rng, names, depth + 1)}"
    if kind < 0.95:
        return rng.choice(
            [
                "round(1, -1000000000)",
                "round(1, 1000000000)",
                "1/5e-324",
                "1e15 * 1e15",
                "(-8) ** 0.5",
                "1e6 ** 64",
                "2 ** 64 * 2 ** 64",
                "round(5e-324, 400)",
                "floor(1e15 / 5e-324)",
                "-1e15 // 5e-324",
                "clamp(1, 2)",
                "max()",
                "9" * 600,
                "x.y",
                "a[0]",
                "lambda: 1",
                "(yield)",
                "f'{1}'",
                "a if b",
            ]
        )
    text = random_expression(rng, names, depth + 1)
    pos = rng.randrange(len(text) + 1)
    return text[:pos] + rng.choice(["(", ")", ",", "=", "\x00", "\u202e", "**", "  ", "é"]) + text[pos:]


PLAUSIBLE_NUMBERS = ["0", "1", "-1", "0.5", "2", "10", "59", "1440", "0.0001", "1000000", "999999999999999", "-5"]
STORY_NAMES = {
    "mini": ["oxygen", "pressure", "heart", "outside", "looks", "elapsed"],
    "crevasse": ["fuel", "warmth", "probed", "heavy", "elapsed"],
}


def plausible_expression(rng: random.Random, names: list[str], depth: int = 0) -> str:
    """A well-formed expression over the story's own names: it loads, so the engine has to run it."""
    if depth > 2 or rng.random() < 0.35:
        return rng.choice(PLAUSIBLE_NUMBERS + names * 2)
    roll = rng.random()
    if roll < 0.6:
        a, b = plausible_expression(rng, names, depth + 1), plausible_expression(rng, names, depth + 1)
        return f"({a} {rng.choice(OPERATORS[:-1])} {b})"
    if roll < 0.85:
        fn, arity = rng.choice([("min", 2), ("max", 3), ("abs", 1), ("round", 2), ("floor", 1), ("clamp", 3)])
        return f"{fn}({', '.join(plausible_expression(rng, names, depth + 1) for _ in range(arity))})"
    a, b, c = (plausible_expression(rng, names, depth + 1) for _ in range(3))
    return f"({a} if {b} else {c})"


def _plausible_mutation(rng: random.Random, text: str, names: list[str]) -> tuple[str, str]:
    """A change that often still loads: an ordinary number, or a valid expression, in a new place."""
    import re

    if rng.random() < 0.5:
        spans = _numbers_in(text)
        if spans:
            a, b = rng.choice(spans)
            new = rng.choice(PLAUSIBLE_NUMBERS)
            return text[:a] + new + text[b:], f"number {text[a:b]!r} -> {new!r}"
    spans = [m.span(2) for m in re.finditer(r"^(\s*(?:- )?(?:if|p|yours): )(.+)$", text, re.M)]
    spans += [m.span(1) for m in re.finditer(r"effects: \[(.+)\]", text)]
    if not spans:
        return text, "nothing to change"
    a, b = rng.choice(spans)
    if text[:a].endswith("["):  # an effect list
        target = rng.choice([n for n in names if n != "elapsed"])
        new = f"{target} {rng.choice(['=', '+=', '-=', '*=', '/='])} {plausible_expression(rng, names)}"
    else:
        new = plausible_expression(rng, names)
    return text[:a] + json.dumps(new) + text[b:], f"expression -> {new[:40]!r}"


def _mutate_text(rng: random.Random, text: str, names: list[str]) -> tuple[str, str]:
    lines = text.split("\n")
    op = rng.choice(
        ["number", "number", "number", "value", "value", "expression", "delete", "duplicate", "swap", "indent", "date"]
    )
    if op == "number":
        spans = _numbers_in(text)
        if spans:
            a, b = rng.choice(spans)
            new = rng.choice(NUMBERS)
            return text[:a] + new + text[b:], f"number {text[a:b]!r} -> {new[:20]!r}"
    if op in ("value", "number"):
        spans = _values_in(text)
        if spans:
            a, b = rng.choice(spans)
            new = rng.choice(SCALARS + NUMBERS)
            return text[:a] + new + text[b:], f"value {text[a:b][:20]!r} -> {new[:20]!r}"
    if op == "expression":
        import re

        spans = [m.span(2) for m in re.finditer(r"^(\s*(?:- )?(?:if|p|yours): )(.+)$", text, re.M)]
        spans += [m.span(1) for m in re.finditer(r"effects: \[(.+)\]", text)]
        if spans:
            a, b = rng.choice(spans)
            new = random_expression(rng, names)
            quoted = json.dumps(new, ensure_ascii=False)
            return text[:a] + quoted + text[b:], f"expression -> {new[:40]!r}"
    if op == "date":
        import re

        spans = [m.span(1) for m in re.finditer(r'start: "?([0-9T:Z-]+)"?', text)]
        if spans:
            a, b = rng.choice(spans)
            new = rng.choice(["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1965-03-18T07:00:00+14:00", "x"])
            return text[:a] + new + text[b:], f"date -> {new}"
    i = rng.randrange(len(lines))
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines[i] = ("  " + lines[i]) if rng.random() < 0.5 else lines[i][2:]
        op = "indent"
    return "\n".join(lines), f"{op} line {i + 1}"


def generate_story(rng: random.Random, index: int) -> StoryCase:
    base = "mini" if index % 3 else "crevasse"
    root = BASE_STORIES[base]
    files: dict[str, bytes | str] = {p.name: p.read_bytes() for p in sorted(root.glob("*.yaml"))}
    names = ["oxygen", "pressure", "heart", "outside", "looks", "elapsed", "fuel", "warmth", "probed", "heavy"]
    case = StoryCase(base, files, seed=rng.randrange(2**31))
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        name = rng.choice(sorted(n for n, v in files.items() if isinstance(v, bytes)) or ["story.yaml"])
        raw = files.get(name)
        roll = rng.random()
        if not isinstance(raw, bytes):
            continue
        if index % 2:  # every other case changes only what can still load, so it gets played
            text = raw.decode("utf-8", "replace")
            new_text, what = _plausible_mutation(rng, text, STORY_NAMES[base])
            files[name] = new_text.encode("utf-8")
            case.mutations.append(f"{name}: {what}")
        elif roll < 0.75:
            text = raw.decode("utf-8", "replace")
            new_text, what = _mutate_text(rng, text, names)
            files[name] = new_text.encode("utf-8")
            case.mutations.append(f"{name}: {what}")
        elif roll < 0.83:
            cut = rng.randrange(len(raw) + 1)
            files[name] = raw[:cut]
            case.mutations.append(f"{name}: truncated at byte {cut}")
        elif roll < 0.9:
            pos = rng.randrange(len(raw) + 1)
            junk = rng.choice(RAW_BYTES)
            files[name] = raw[:pos] + junk + raw[pos:]
            case.mutations.append(f"{name}: inserted {junk!r} at byte {pos}")
        else:
            kind = rng.choice(["fifo", "devzero", "dir", "loop", "nonutf8", "extra_fifo", "extra_devzero", "empty"])
            if kind == "nonutf8":
                files[os.fsdecode(b"\xff\xfe-" + name.encode())] = files.pop(name)
            elif kind.startswith("extra_"):
                files["zz_extra.yaml"] = kind[len("extra_") :]
            elif kind == "empty":
                files[name] = b""
            else:
                files[name] = kind
            case.mutations.append(f"{name}: {kind}")
    case.inputs = b"".join(rng.choice([b"1\n", b"2\n", b"3\n", b"undo\n", b"status\n", b"log\n"]) for _ in range(30))
    return case


def build_folder(case: StoryCase, where: Path) -> Path:
    root = where / "story"
    root.mkdir()
    for name, content in case.files.items():
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content == "fifo":
            os.mkfifo(path)
        elif content == "devzero":
            path.symlink_to("/dev/zero")
        elif content == "dir":
            path.mkdir()
        elif content == "loop":
            path.symlink_to(root / (name + ".other.yaml"))
            (root / (name + ".other.yaml")).symlink_to(path)
    return root


def run_cli(argv: list[str]) -> int:
    """Run one ``voskhod`` command without the safety net of ``cli.main``, so crashes surface.

    stdout and stderr are strict UTF-8, like a desktop terminal; the command's
    own stream setup (if the CLI has one) runs first, as ``main`` would run it.
    """
    from voskhod_game import cli

    parser = cli.build_parser()
    args = parser.parse_args(argv)
    saved = sys.stdout, sys.stderr
    sys.stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    sys.stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    try:
        setup = getattr(cli, "tolerant_streams", None)
        if setup is not None:
            setup()
        result = int(args.func(args) or 0)
        sys.stdout.flush()
        sys.stderr.flush()
        return result
    finally:
        sys.stdout, sys.stderr = saved


def strict_stdin(data: bytes) -> io.TextIOWrapper:
    """Input as a strict UTF-8 locale delivers it: invalid bytes are an error unless handled."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="strict")


def run_story(case: StoryCase, phase: Callable[[str], None]) -> list[Finding]:
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="voskhod-fuzz-") as tmp:
        root = build_folder(case, Path(tmp))
        phase("check")
        try:
            status = run_cli(["check", str(root)])
            run_cli(["check", "--format", "json", str(root)])
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            return [crash("check", exc)]
        if status == 3:
            findings.append(Finding("traceback", "check", "check exited 3 (internal error)"))
        from voskhod_game.story.loader import analyse_story

        try:
            story, diagnostics = analyse_story(root)
        except Exception as exc:
            return [*findings, crash("check", exc)]
        if story is None or any(d.severity == "error" for d in diagnostics):
            return findings
        phase("play")
        findings += play_story(story, case, Path(tmp))
    return findings


def play_story(story: Any, case: StoryCase, tmp: Path) -> list[Finding]:
    """A story that passed check: graph, simulate, a random walk with snapshots, line mode."""
    from voskhod_game.engine.debrief import build_debrief
    from voskhod_game.engine.game import Game, GameError
    from voskhod_game.engine.saves import SaveStore
    from voskhod_game.plain import run_plain

    findings: list[Finding] = []
    root = str(story.root)
    for argv in (["graph", root], ["simulate", root, "--runs", "25", "--seed", str(case.seed % 1000)]):
        try:
            if run_cli(argv) == 3:
                findings.append(Finding("traceback", "play", f"{argv[0]} exited 3 (internal error)"))
        except Exception as exc:
            findings.append(crash("play", exc))
    rng = random.Random(case.seed)
    try:
        game = Game.new(story, case.seed)
        for _ in range(120):
            game.view()
            document = game.snapshot()
            try:
                json.dumps(document, allow_nan=False)
            except ValueError:
                findings.append(Finding("non-finite", "play", "a NaN or infinity in the game state (autosave)"))
                break
            if game.ended:
                build_debrief(game)
                break
            choices = game.enabled_choices()
            if not choices:
                break
            if game.can_undo and rng.random() < 0.1:
                game.undo()
                continue
            with contextlib.suppress(GameError):
                game.choose(rng.choice(choices).id)
    except Exception as exc:
        findings.append(crash("play", exc))
    try:
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
        run_plain(story, SaveStore(tmp / "saves"), seed=case.seed, stdin=strict_stdin(case.inputs), stdout=out)
    except Exception as exc:
        findings.append(crash("play", exc))
    return findings


# -- the expression campaign -----------------------------------------------------


@dataclass
class ExpressionCase:
    mode: str  # "condition", "number" or an effect operator such as "+="
    source: str
    env: dict[str, float | int | bool | str]


ENV_VALUES: list[float | int | bool | str] = [
    0.0,
    1.0,
    -1.0,
    0.5,
    5e-324,
    1e15,
    -1e15,
    1e-300,
    42,
    0,
    True,
    False,
    7.25,
]


def generate_expression(rng: random.Random, index: int) -> ExpressionCase:
    names = ["a", "b", "c", "flag", "count", "elapsed", "callsign"]
    env = {n: rng.choice(ENV_VALUES) for n in names}
    env["callsign"] = rng.choice(["Almaz", "", "x" * 200])  # a text flag
    env["flag"] = rng.random() < 0.5
    env["count"] = rng.choice([0, 1, 7, -3, 10**15])
    mode = rng.choice(["condition", "number", "number", "=", "+=", "-=", "*=", "/="])
    return ExpressionCase(mode, random_expression(rng, names), env)


def run_expression(case: ExpressionCase, phase: Callable[[str], None]) -> list[Finding]:
    from voskhod_game.authoring import intervals
    from voskhod_game.story.expressions import (
        EvaluationError,
        ExpressionError,
        apply_op,
        compile_condition,
        compile_effect,
        compile_number,
    )

    known = set(case.env).__contains__
    phase("compile")
    try:
        if case.mode == "condition":
            compiled: Any = compile_condition(case.source, known)
        elif case.mode == "number":
            compiled = compile_number(case.source, known)
        else:
            compiled = compile_effect(f"a {case.mode} {case.source}", known, known)
    except ExpressionError:
        return []
    except Exception as exc:
        return [crash("compile", exc)]
    phase("evaluate")
    findings: list[Finding] = []
    expr = compiled if case.mode in ("condition", "number") else compiled.expr
    try:
        value = expr(dict(case.env))
        if compiled is not expr:
            value = apply_op(compiled.op, case.env["a"], value)
        if not is_usable_value(value):
            findings.append(Finding("non-finite", "evaluate", f"result {value!r} ({type(value).__name__})"))
    except EvaluationError:
        pass
    except Exception as exc:
        findings.append(crash("evaluate", exc))
    phase("intervals")
    try:
        env = {k: intervals.TOP if isinstance(v, str) else intervals.Interval.point(v) for k, v in case.env.items()}
        intervals.value_of(expr.source, env)
        intervals.truth_of(expr.source, env)
        intervals.refine(expr.source, env)
        intervals.names_in(expr.source)
    except Exception as exc:
        findings.append(crash("intervals", exc))
    return findings


# -- the line-mode campaign ------------------------------------------------------


def generate_line_input(rng: random.Random, index: int) -> bytes:
    parts: list[bytes] = []
    for _ in range(rng.randrange(1, 30)):
        roll = rng.random()
        if roll < 0.75:
            parts.append(rng.choice(LINE_INPUTS).encode("utf-8") + b"\n")
        elif roll < 0.9:
            parts.append(rng.choice(RAW_BYTES) + rng.choice(LINE_INPUTS[:5]).encode() + b"\n")
        else:
            parts.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))) + b"\n")
    if rng.random() < 0.2:
        parts.append(b"2")  # no newline at the end
    return b"".join(parts)


_MINI_STORY: Any = None


def run_line_input(data: bytes, phase: Callable[[str], None]) -> list[Finding]:
    global _MINI_STORY
    from voskhod_game.engine.saves import SaveStore
    from voskhod_game.plain import run_plain
    from voskhod_game.story import load_story

    if _MINI_STORY is None:
        _MINI_STORY = load_story(BASE_STORIES["mini"])
    phase("play")
    with tempfile.TemporaryDirectory(prefix="voskhod-fuzz-") as tmp:
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
        try:
            run_plain(_MINI_STORY, SaveStore(Path(tmp)), seed=1, stdin=strict_stdin(data), stdout=out)
        except Exception as exc:
            return [crash("play", exc)]
    return []


# -- the save-file campaign ---------------------------------------------------------

SAVE_VALUES: list[Any] = [
    None, True, -1, 0, 5, 2**64, -(2**63) - 1, 1e308, -1e308, 1e-320, "", "x" * 50_000, "[/]", "\x00",
    "\u202e", [], {}, [1, 2], {"a": 1}, "1e400", "NaN", "Infinity",
]  # fmt: skip
SAVE_SPECIALS = ("fifo", "devzero", "dir", "dangling", "truncate", "bytes", "deep", "huge")


@dataclass
class SaveCase:
    """A real save of the mini story, damaged: JSON paths to change, or a special kind of file."""

    steps: int
    edits: list[tuple[int, int, int]]  # (path choice, value choice, how) drawn when the save exists
    special: str = ""
    seed: int = 0


def generate_save(rng: random.Random, index: int) -> SaveCase:
    special = rng.choice(SAVE_SPECIALS) if rng.random() < 0.25 else ""
    edits = [
        (rng.randrange(1 << 30), rng.randrange(len(SAVE_VALUES)), rng.randrange(4)) for _ in range(rng.randrange(1, 4))
    ]
    return SaveCase(rng.randrange(0, 6), edits, special, rng.randrange(1 << 30))


def _json_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _json_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:20]):
            yield from _json_paths(v, (*path, i))


def damage_save(case: SaveCase, path: Path) -> None:
    """Damage the save at ``path`` as ``case`` says (the file exists and is good before)."""
    if case.special == "fifo":
        path.unlink()
        os.mkfifo(path)
        return
    if case.special == "devzero":
        path.unlink()
        path.symlink_to("/dev/zero")
        return
    if case.special == "dir":
        path.unlink()
        path.mkdir()
        return
    if case.special == "dangling":
        path.unlink()
        path.symlink_to(path.parent / "nowhere.json")
        return
    raw = path.read_bytes()
    if case.special == "truncate":
        path.write_bytes(raw[: len(raw) // (2 + case.seed % 5)])
        return
    if case.special == "bytes":
        path.write_bytes(raw[:100] + b"\xff\xfe\x00" + raw[103:])
        return
    if case.special == "deep":
        path.write_text('{"app": "voskhod", "format": 2, "game": ' + "[" * 1000 + "]" * 1000 + "}")
        return
    if case.special == "huge":
        path.write_bytes(raw + b" " * (6 * 1024 * 1024))
        return
    document = json.loads(raw)
    for pick, value, how in case.edits:
        paths = [p for p in _json_paths(document) if p]
        target = paths[pick % len(paths)]
        parent: Any = document
        for step in target[:-1]:
            parent = parent[step]
        last = target[-1]
        if how == 0 and isinstance(parent, dict):
            del parent[last]
        else:
            parent[last] = SAVE_VALUES[value]
    text = json.dumps(document)
    path.write_text(text.replace('"1e400"', "1e400").replace('"NaN"', "NaN").replace('"Infinity"', "Infinity"))


def run_save(case: SaveCase, phase: Callable[[str], None]) -> list[Finding]:
    """List, show, load and save over a damaged save: no traceback, and nothing unreadable overwritten."""
    global _MINI_STORY
    from voskhod_game.engine.game import Game
    from voskhod_game.engine.saves import SaveError, SaveStore
    from voskhod_game.plain import run_plain
    from voskhod_game.story import load_story

    if _MINI_STORY is None:
        _MINI_STORY = load_story(BASE_STORIES["mini"])
    story = _MINI_STORY
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="voskhod-fuzz-") as tmp:
        folder = Path(tmp) / "saves"
        store = SaveStore(folder)
        game = Game.new(story, case.seed)
        for _ in range(case.steps):
            if game.ended:
                break
            game.choose(game.enabled_choices()[0].id)
        path = store.save("slot", game).path
        store.autosave(game)
        auto = store.path("autosave-mini")
        damage_save(case, path)
        damage_save(case, auto) if case.seed % 3 == 0 and not case.special else None
        for name, argv in (
            ("list", ["saves", "--saves", str(folder), "list"]),
            ("show", ["saves", "--saves", str(folder), "show", "slot"]),
        ):
            phase(name)
            try:
                run_cli(argv)
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                findings.append(crash(name, exc))
        phase("load")
        for slot in ("slot", "autosave"):
            try:
                run_plain(story, store, load=slot, stdin=io.StringIO("1\nundo\n1\nquit\n"), stdout=io.StringIO())
            except Exception as exc:
                findings.append(crash("load", exc))
        phase("save")
        for target in (path, auto):
            readable = store.inspect(target).ok if target.exists() or target.is_symlink() else True
            before = _snapshot(target)
            try:
                store.save(target.stem, Game.new(story, 1))
            except SaveError:
                pass
            except Exception as exc:
                findings.append(crash("save", exc))
            if not readable and _snapshot(target) != before:
                findings.append(Finding("lost", "save", "an unreadable save was written over"))
    return findings


def _snapshot(path: Path) -> Any:
    """What a save slot holds, to tell whether it was written over (without reading devices)."""
    try:
        st = path.lstat()
    except OSError:
        return None
    if path.is_symlink() or not path.is_file():
        return (st.st_mode, st.st_ino)
    return path.read_bytes()


# -- campaigns and the runner ----------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    name: str
    about: str
    generate: Callable[[random.Random, int], Any]
    run: Callable[[Any, Callable[[str], None]], list[Finding]]
    weight: float = 1.0  # cases relative to --cases


CAMPAIGNS: dict[str, Campaign] = {
    c.name: c
    for c in [
        Campaign("story", "mutated story folders through check, then play and simulate", generate_story, run_story),
        Campaign(
            "expressions",
            "random and hostile expressions: compile, evaluate, ranges",
            generate_expression,
            run_expression,
            weight=4.0,
        ),
        Campaign(
            "line-input",
            "hostile line-mode input streams under a strict UTF-8 locale",
            generate_line_input,
            run_line_input,
        ),
        Campaign(
            "saves",
            "damaged save files: list, show, load and save over them",
            generate_save,
            run_save,
        ),
    ]
}


def case_rng(seed: int, campaign: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{campaign}:{index}")


def _worker(conn: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    os.environ.pop("VOSKHOD_DEBUG", None)
    while True:
        job = conn.recv()
        if job is None:
            return
        name, case = job
        try:
            findings = CAMPAIGNS[name].run(case, lambda p: conn.send(("phase", p)))
        except BaseException as exc:  # the campaign's own harness failed: still a finding
            findings = [crash("harness", exc)]
        conn.send(("done", findings))


class Worker:
    """A child process that runs cases; replaced when one hangs."""

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("fork")
        self.start()

    def start(self) -> None:
        self.conn, child = self.context.Pipe()
        self.process = self.context.Process(target=_worker, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()

    def run(self, name: str, case: Any, timeout: float) -> tuple[list[Finding], list[str]]:
        """Findings of one case and the phases it reached."""
        self.conn.send((name, case))
        phases: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.conn.poll(left):
                self.stop()
                self.start()
                return [Finding("hang", phases[-1] if phases else "?", f"no answer in {timeout:g} s")], phases
            try:
                kind, payload = self.conn.recv()
            except (EOFError, OSError):  # the worker died (memory limit, a signal)
                code = self.process.exitcode
                self.stop()
                self.start()
                return [Finding("traceback", phases[-1] if phases else "?", f"worker died ({code})")], phases
            if kind == "phase":
                phases.append(payload)
            else:
                return payload, phases


@dataclass
class Tally:
    cases: Counter = field(default_factory=Counter)  # (campaign, phase) -> cases that reached it
    findings: Counter = field(default_factory=Counter)  # (campaign, phase, kind) -> count
    signatures: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (campaign, signature) -> cases
    examples: dict[tuple[str, str], Finding] = field(default_factory=dict)

    def add(self, campaign: str, index: int, phases: list[str], findings: list[Finding]) -> None:
        for phase in dict.fromkeys(phases):
            self.cases[campaign, phase] += 1
        for f in findings:
            self.findings[campaign, f.phase, f.kind] += 1
            key = (campaign, f"{f.kind}: {f.signature}")
            self.signatures.setdefault(key, []).append(f"{campaign}:{index}")
            self.examples.setdefault(key, f)

    def rows(self) -> Iterator[tuple[str, str, int, int, int, int, int]]:
        for (campaign, phase), cases in self.cases.items():
            yield (
                campaign,
                phase,
                cases,
                self.findings[campaign, phase, "traceback"],
                self.findings[campaign, phase, "hang"],
                self.findings[campaign, phase, "non-finite"],
                self.findings[campaign, phase, "lost"],
            )

    def table(self) -> str:
        lines = [
            "| campaign | phase | cases | traceback | hang | non-finite | data lost |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [f"| {c} | {p} | {n:,} | {t} | {h} | {x} | {lost} |" for c, p, n, t, h, x, lost in self.rows()]
        return "\n".join(lines)


def run_campaigns(names: list[str], cases: int, seed: int, timeout: float, progress: bool) -> Tally:
    tally = Tally()
    worker = Worker()
    try:
        for name in names:
            campaign = CAMPAIGNS[name]
            count = max(1, round(cases * campaign.weight))
            for index in range(count):
                case = campaign.generate(case_rng(seed, name, index), index)
                findings, phases = worker.run(name, case, timeout)
                tally.add(name, index, phases or ["?"], findings)
                if progress and (index + 1) % 50 == 0:
                    print(f"\r{name}: {index + 1:,}/{count:,}", end="", file=sys.stderr, flush=True)
            if progress:
                print(f"\r{name}: {count:,}/{count:,} done", file=sys.stderr)
    finally:
        worker.conn.send(None)
        worker.process.join(2)
        worker.stop()
    return tally


def replay(spec: str, seed: int) -> int:
    name, _, index_text = spec.partition(":")
    index = int(index_text)
    campaign = CAMPAIGNS[name]
    case = campaign.generate(case_rng(seed, name, index), index)
    print(f"case {spec} (seed {seed}):")
    if isinstance(case, StoryCase):
        print(f"  base {case.base}; " + "; ".join(case.mutations))
    else:
        print(f"  {case!r}"[:2000])
    findings = campaign.run(case, lambda p: print(f"  phase {p}"))
    for f in findings:
        print(f"{f.kind} in {f.phase}: {f.signature}\n{f.detail}")
    print(f"{len(findings)} finding(s)")
    return 1 if findings else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=500, help="cases per campaign (expressions run 4x)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a case counts as a hang")
    parser.add_argument("--campaign", action="append", choices=sorted(CAMPAIGNS), help="default: all")
    parser.add_argument("--replay", metavar="CAMPAIGN:INDEX", help="run one case here and print its traceback")
    parser.add_argument("--json", metavar="FILE", help="also write the counts and signatures as JSON")
    parser.add_argument("--show", type=int, default=20, help="distinct signatures to list (default 20)")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.seed)
    names = args.campaign or list(CAMPAIGNS)
    started = time.monotonic()
    tally = run_campaigns(names, args.cases, args.seed, args.timeout, progress=sys.stderr.isatty())
    print(tally.table())
    signatures = sorted(tally.signatures.items(), key=lambda item: -len(item[1]))
    if signatures:
        print(f"\n{len(signatures)} distinct finding(s):")
        for (campaign, sig), where in signatures[: args.show]:
            print(f"  {len(where):5} x {campaign}: {sig}  (e.g. --replay {where[0]})")
    print(f"\n{time.monotonic() - started:.0f} s, seed {args.seed}")
    if args.json:
        document = {
            "seed": args.seed,
            "rows": [
                dict(zip(["campaign", "phase", "cases", "traceback", "hang", "non_finite", "lost"], r, strict=True))
                for r in tally.rows()
            ],
            "findings": [{"campaign": c, "signature": s, "count": len(w), "cases": w[:10]} for (c, s), w in signatures],
        }
        Path(args.json).write_text(json.dumps(document, indent=2), encoding="utf-8")
    return 1 if signatures else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
