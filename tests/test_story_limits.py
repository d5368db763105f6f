"""Every number in a story has a checked range: `check` reports it instead of passing a story that crashes.

Each case is a value that once passed `check` (or crashed it) and then failed
while playing: NaN and infinite times, a clock in year 9999, a zone offset of
1e20, a 401-digit integer, an expression literal above 1e15.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from test_loader import line_of, only, problems, replace
from voskhod_game.cli import main
from voskhod_game.story import analyse_story
from voskhod_game.story.expressions import ExpressionError, compile_number

HUGE = "9" * 401

# (file, text in the fixture, replacement, what the message names)
OUT_OF_RANGE = [
    ("1_hatch.yaml", "        time: 5\n", "        time: .nan\n", "`time` is not a number"),
    ("1_hatch.yaml", "        time: 5\n", "        time: .inf\n", "`time` is infinite"),
    ("1_hatch.yaml", "        time: 5\n", "        time: 9223372036854775808\n", "`time` is a 19-digit number"),
    ("1_hatch.yaml", "        time: 5\n", "        time: -1\n", "`time` is -1"),
    ("1_hatch.yaml", "        time: 5\n", f"        time: {HUGE}\n", "`time` is a 401-digit number"),
    ("story.yaml", "    start: 20\n", f"    start: {HUGE}\n", "`start` is a 401-digit number"),
    ("story.yaml", "    rate: -1\n", "    rate: -.inf\n", "`rate` is minus infinite"),
    ("story.yaml", "    max: 45\n", "    max: 1.0e+300\n", "`max` is 1e+300"),
    ("story.yaml", "    precision: 2\n", "    precision: 100000000000\n", "`precision` is 100000000000"),
    ("story.yaml", "    precision: 2\n", "    precision: -1\n", "`precision` is -1"),
    ("story.yaml", "{label: Moscow, offset: 180}", f"{{label: Moscow, offset: {HUGE}}}", "`offset` is a 401"),
    ("story.yaml", "{label: Moscow, offset: 180}", "{label: Moscow, offset: 1441}", "`offset` is 1441"),
    ("story.yaml", "real: 10, unit: min", "real: .nan, unit: min", "`real` is not a number"),
    ("story.yaml", "  looks: 0\n", f"  looks: {HUGE}\n", "`looks` is a 401-digit number"),
    ("2_walk.yaml", "          p: 0.25\n", "          p: 1.5\n", "`p` is 1.5"),
    ("2_walk.yaml", "        time: 1\n", "        time: 1.0e+20\n", "`time` is 1e+20"),
]


@pytest.mark.parametrize(("name", "old", "new", "says"), OUT_OF_RANGE, ids=[c[2].strip()[:30] for c in OUT_OF_RANGE])
def test_numbers_outside_their_range_are_reported_where_they_are(
    mini_copy: Path, name: str, old: str, new: str, says: str
) -> None:
    path = mini_copy / name
    replace(path, old, new)
    d = only(problems(mini_copy), "V104")
    assert d.path == path and d.line == line_of(path, new.strip()[:12]), d.format()
    assert says in d.message and "it must be a number from" in d.message, d.message
    assert d.hint


def test_clock_start_leaves_room_for_the_story(mini_copy: Path) -> None:
    manifest = mini_copy / "story.yaml"
    replace(manifest, '"1965-03-18T08:00:00Z"', '"9999-12-31T23:00:00Z"')
    d = only(problems(mini_copy), "V104")
    assert "year 9999 is outside 1..5000" in d.message and d.line == line_of(manifest, "9999-12-31")


def test_a_zone_offset_that_moves_the_clock_before_year_one_is_reported(mini_copy: Path) -> None:
    manifest = mini_copy / "story.yaml"
    replace(manifest, '"1965-03-18T08:00:00Z"', '"0001-01-01T00:00:00Z"')
    replace(manifest, "{label: Moscow, offset: 180}", "{label: Moscow, offset: -180}")
    d = only(problems(mini_copy), "V104")
    assert "zone `Moscow` (-180 min) puts the clock before year 1" in d.message
    assert d.line == line_of(manifest, "offset: -180")


@pytest.mark.parametrize(
    "expression", ["oxygen + 1e16", f"oxygen > {'9' * 30}", "heart * 1e400", "round(oxygen, 1e20)"]
)
def test_expression_literals_beyond_the_limit_are_diagnostics_not_crashes(mini_copy: Path, expression: str) -> None:
    scene = mini_copy / "2_walk.yaml"
    replace(scene, "if: pressure > 0.3", f'if: "{expression}"')
    diags = problems(mini_copy)
    d = only(diags, "V301")
    assert d.path == scene and d.line == line_of(scene, expression[:10])


def test_a_number_given_for_an_expression_is_checked_too() -> None:
    for value in (float("nan"), float("inf"), 10**400):
        with pytest.raises(ExpressionError):
            compile_number(value)


def test_check_reports_an_absurd_number_and_exits_1(mini_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace(mini_copy / "1_hatch.yaml", "        time: 5\n", "        time: .nan\n")
    assert main(["check", str(mini_copy)]) == 1
    out = capsys.readouterr().out
    assert f"{mini_copy / '1_hatch.yaml'}:" in out and "V104 `time` is not a number (.nan)" in out
    assert "hint:" in out


def test_the_ranges_are_published_in_the_json_schema() -> None:
    from voskhod_game.story.schema import json_schema

    scene = json_schema("scene")["$defs"]
    assert scene["choice"]["properties"]["time"]["minimum"] == 0
    assert scene["meter"]["properties"]["precision"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 12,
        "description": "Decimal places shown.",
        "default": 0,
    }


@pytest.mark.parametrize("root", ["scenes", "examples/crevasse", "tests/fixtures/mini"])
def test_the_shipped_stories_are_within_every_range(root: str) -> None:
    story, diags = analyse_story(REPO / root)
    assert story is not None and not [d for d in diags if d.severity == "error"], [d.format() for d in diags]
