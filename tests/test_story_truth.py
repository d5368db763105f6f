"""The story keeps out the claims the fact-check found contradicted (issue 12, FACTS.md).

Each pattern is a sentence or figure that once stood in the scenes and is wrong: the intro
calling everything "the record", fainting at 0.20-0.22 atm, valve settings the Berkut never
had, "just over an hour", "forty years later", an altitude figure, "north-east of Perm", a burn
flown from across both seats, a landing abroad, low light at 14:42 local time, the landing
itself kept secret.
"""

from __future__ import annotations

import re

import pytest

from story_paths import HISTORICAL_PATH, play, story
from test_story_content import all_player_text

CONTRADICTED = [
    r"drawn from the record",
    r"everything you read",
    r"just over an hour",
    r"forty years",
    r"three hundred kilometres",
    r"\b(300|500|310)\s*(km|kilometres|mi|miles)\b",
    r"north-east of perm",
    r"north\s*east of perm",
    r"northern urals",
    r"in the urals",
    r"from across both seats",
    r"\babroad\b",
    r"foreign (field|country)",
    r"beyond the border",
    r"light is already low",
    r"0\.3[0-9] atm",
    r"0\.2[0-6] atm(?!.{0,80}(invent|not a setting))",
    r"(stops?|no longer) keep(s|ing)? (you|a working man) conscious",
    r"too little pressure",
    r"landing .{0,40}secret",
]


@pytest.fixture(scope="module")
def s():
    return story()


@pytest.mark.parametrize("pattern", CONTRADICTED)
def test_no_contradicted_claim_appears_anywhere(s, pattern):
    hits = [where for where, text in all_player_text(s) if re.search(pattern, text, re.IGNORECASE | re.DOTALL)]
    assert hits == []


def test_the_intro_tells_record_from_imagined(s):
    assert "record" in s.intro and "imagined" in s.intro


def test_the_suit_has_only_its_two_real_settings_as_settings(s):
    labels = [c.label for b in s.beats.values() for c in b.choices if "atm" in c.label]
    for label in labels:
        assert "0.40" in label or "0.27" in label or "invented" in label, label


def test_no_ending_lands_the_crew_outside_the_country(s):
    assert "abroad" not in s.endings
    for ending in s.endings.values():
        assert not re.search(r"abroad|foreign|border", ending.text + ending.debrief, re.IGNORECASE), ending.id


def test_the_attitude_meter_reads_as_fuel(s):
    assert "fuel" in s.meters["fuel"].label.lower()


def test_the_historical_path_lights_the_fire_the_helicopter_crews_saw(s):
    game = play(s, HISTORICAL_PATH)
    assert game.env["fire_lit"]


def test_the_historical_path_leaves_told_the_ground_at_no(s):
    game = play(s, HISTORICAL_PATH)
    assert not game.env["reported"]
