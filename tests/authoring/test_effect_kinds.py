"""Effects that do not fit what they change: refused by check (V303), or reported while playing."""

from __future__ import annotations

from pathlib import Path

import pytest

from voskhod_game.commands.check import check_dir
from voskhod_game.engine.game import Game
from voskhod_game.story import load_story

from .conftest import edit, line_of

COUNTER = "  signalled: false\n"


def _with_counter(root: Path, effect: str) -> None:
    """A whole-number flag `attempts` and ``effect`` on the harbour's `fetch_oil` choice."""
    edit(root, "story.yaml", COUNTER, COUNTER + "  attempts: 0\n")
    edit(root, "1_harbour.yaml", "effects: [lamp_oil += 30]", f"effects: [lamp_oil += 30, {effect}]")


@pytest.mark.parametrize(
    ("effect", "words"),
    [
        ("signalled += 1", "yes/no flag; `+=`"),
        ("signalled -= 1", "yes/no flag; `-=`"),
        ("signalled = 5", "yes/no flag; `5` is a number"),
        ("attempts = 2.75", "whole numbers; 2.75 is not one"),
        ("attempts += 0.5", "whole numbers; 0.5 is not one"),
        ("attempts *= 1.5", "whole numbers; 1.5 is not one"),
        ("attempts /= 2", "`/=` can leave a fraction"),
        ("elapsed = 5", "`elapsed` is the mission clock"),
        ("elapsed += 5", "`elapsed` is the mission clock"),
    ],
)
def test_check_refuses_an_effect_that_does_not_fit(clean_story: Path, effect: str, words: str) -> None:
    _with_counter(clean_story, effect)
    found = check_dir(clean_story)
    assert [d.code for d in found] == ["V303"], [d.format() for d in found]
    (hit,) = found
    assert words in hit.message and effect in hit.message
    assert (hit.path.name, hit.line) == ("1_harbour.yaml", line_of(clean_story, "1_harbour.yaml", effect))
    assert "did you mean" not in hit.hint and hit.hint


@pytest.mark.parametrize(
    "effect", ["attempts += 1", "attempts = 2.0", "attempts = attempts // 2", "signalled = not signalled"]
)
def test_effects_that_fit_pass(clean_story: Path, effect: str) -> None:
    _with_counter(clean_story, effect)
    assert [d.format() for d in check_dir(clean_story) if d.severity == "error"] == []


def test_a_fraction_known_only_while_playing_is_reported_and_not_cut_off(clean_story: Path) -> None:
    _with_counter(clean_story, "attempts = lamp_oil / 7")
    story = load_story(clean_story)
    game = Game.new(story, seed=1)
    result = game.choose("fetch_oil")  # lamp oil 60 -> 90; 90 / 7 is not whole
    errors = [e.message for e in result.events if e.kind == "error"]
    assert errors == ["effect `attempts = lamp_oil / 7` skipped (`attempts` holds whole numbers, not 12.8571)"]
    assert game.run.flags["attempts"] == 0
    assert game.run.meters["lamp_oil"] == 90  # the effects before it still ran


def test_a_whole_value_computed_while_playing_is_stored(clean_story: Path) -> None:
    _with_counter(clean_story, "attempts = lamp_oil / 9")
    game = Game.new(load_story(clean_story), seed=1)
    result = game.choose("fetch_oil")
    assert not [e for e in result.events if e.kind == "error"]
    assert game.run.flags["attempts"] == 10


def test_a_text_value_is_not_taken_for_a_whole_number(clean_story: Path) -> None:
    edit(clean_story, "story.yaml", COUNTER, COUNTER + "  keeper: Nobody\n")
    edit(clean_story, "1_harbour.yaml", "effects: [lamp_oil += 30]", "effects: [lamp_oil += 30, 'keeper = \"Ada\"']")
    edit(clean_story, "2_tower.yaml", "The reservoir is {lamp_oil}% full.", "{keeper} checks the reservoir.")
    assert [d.format() for d in check_dir(clean_story) if d.severity == "error"] == []
    game = Game.new(load_story(clean_story), seed=1)
    game.choose("fetch_oil")
    assert game.run.flags["keeper"] == "Ada"
