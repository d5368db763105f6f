"""Mutated story folders never get a traceback from the loader or `check`: always diagnostics.

Hypothesis (seeded, bounded) takes the small test story or examples/crevasse,
changes one value, line or byte, and checks that loading answers with coded
diagnostics at a real place, and that a story which loads also analyses and
plays a few choices without an exception.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI, REPO
from voskhod_game.authoring.analysis import analyse
from voskhod_game.engine.game import Game
from voskhod_game.story import analyse_story
from voskhod_game.story.diagnostics import CODES

BASES = [MINI, REPO / "examples" / "crevasse"]
HOSTILE = [
    ".nan",
    ".inf",
    "-.inf",
    "1.0e+400",
    "9" * 401,
    "9223372036854775808",
    "-1",
    "0",
    "1.0e+11",
    "[]",
    "{}",
    "null",
    "true",
    "''",
    '"[/]"',
    '"oxygen ** 99"',
    '"round(1, -1000000000)"',
    '"1/5e-324"',
    '"x" * 3',
    "9999-12-31T23:59:59Z",
    "[[[[[[[[]]]]]]]]",
    "*nothing",
    "!!python/object/apply:os.system [true]",
]
VALUE = re.compile(r"^(\s*(?:- )?[A-Za-z_]+: )(.+)$", re.M)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Path, str, bytes]:
    base = draw(st.sampled_from(BASES))
    name = draw(st.sampled_from(sorted(p.name for p in base.glob("*.yaml"))))
    raw = (base / name).read_bytes()
    kind = draw(st.sampled_from(["value", "value", "line", "bytes", "truncate"]))
    if kind == "value":
        text = raw.decode()
        spans = [m.span(2) for m in VALUE.finditer(text)]
        a, b = draw(st.sampled_from(spans))
        return base, name, (text[:a] + draw(st.sampled_from(HOSTILE)) + text[b:]).encode()
    if kind == "line":
        lines = raw.split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "indent"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines[i] = b"  " + lines[i]
        return base, name, b"\n".join(lines)
    if kind == "bytes":
        at = draw(st.integers(0, len(raw)))
        return base, name, raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return base, name, raw[: draw(st.integers(0, len(raw)))]


@settings(max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.integers(0, 2**16))
def test_a_mutated_story_gets_diagnostics_or_loads_and_plays(case: tuple[Path, str, bytes], seed: int) -> None:
    base, name, content = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "story"
        shutil.copytree(base, root)
        (root / name).write_bytes(content)
        story, diags = analyse_story(root)
        for d in diags:
            assert d.code in CODES and d.line >= 1 and d.col >= 1 and d.path.is_relative_to(root), d.format()
            d.format().encode("utf-8", "backslashreplace")
        errors = [d for d in diags if d.severity == "error"]
        assert not errors or story is None, "a story with errors must not be played"
        if story is None:
            assert errors or diags, "an unusable story must say why"
            return
        analyse(story)
        game = Game.new(story, seed)
        for _ in range(20):
            choices = game.enabled_choices()
            if game.ended or not choices:
                break
            game.choose(choices[seed % len(choices)].id)
