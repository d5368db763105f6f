"""The story's prose reads cleanly on every path (issue 12, "Writing").

The first story repeated the status bar in its prose ("Bends risk {bends}%.", "Heart
{heart_rate}."), leaned on stock phrases, glued conditional sentences together and said the
shadow was coming after the ship was already in it. These tests keep those faults out.
"""

from __future__ import annotations

import random
import re

import pytest

from story_paths import HISTORICAL_PATH, SCENES, play, story, until
from test_story_content import all_player_text
from voskhod_game.engine.game import Game
from voskhod_game.story import load_story

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:[:.][^}]*)?\}")

# Phrases the first draft wore out; each may not come back.
STOCK = [r"near enough", r"\byou hope\b", r"it helps a little", r"\bthe needle (keeps climbing|climbs)\b"]


@pytest.fixture(scope="module")
def s():
    return story()


def test_no_line_only_reads_out_a_meter_the_screen_already_shows(s):
    shown = {name for name, meter in s.meters.items() if not meter.hidden}
    bare = []
    for where, text in all_player_text(s):
        for line in text.splitlines():
            names = set(PLACEHOLDER.findall(line)) & shown
            words = re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub(" ", line))
            if names and len(words) <= 4:
                bare.append((where, line.strip()))
    assert bare == []


@pytest.mark.parametrize("pattern", STOCK)
def test_worn_out_phrases_stay_out(s, pattern):
    hits = [where for where, text in all_player_text(s) if re.search(pattern, text, re.IGNORECASE)]
    assert hits == []


def _rendered(game: Game) -> str:
    return game.view().text


# A sentence glued to the next ("wet.Your"), or a dash glued to the word before ("цели— так").
GLUED = re.compile(r"[a-zа-яё][.!?][A-ZА-ЯЁ]|[\w,]—")


@pytest.mark.parametrize("lang", ["", "ru"])
def test_sentences_never_run_together_on_any_path(lang):
    """Conditional text and placeholders leave a space between sentences, on random paths too."""
    s = load_story(SCENES, lang)
    glued = GLUED
    seen: set[str] = set()
    for seed in range(300 if not lang else 150):
        rng = random.Random(seed)
        game = Game.new(s, seed=seed)
        while not game.ended:
            text = _rendered(game)
            assert not glued.search(text), (game.state, text)
            assert "{" not in text and "}" not in text, (game.state, text)
            seen.add(game.state)
            result = game.choose(rng.choice(game.enabled_choices()).id)
            assert not glued.search(result.result_text), (game.state, result.result_text)
        ending = game.ending_view()
        assert ending is not None and not glued.search(ending.text), (game.ending_id, ending.text)
    assert len(seen) > 60  # the random paths went nearly everywhere


def test_a_wet_night_without_boots_names_both_in_separate_sentences(s):
    path = [*until(HISTORICAL_PATH, "wave_arms"), "stay_put", "keep_wet"]
    game = play(s, path)
    assert game.state == "taiga.night1"
    text = " ".join(_rendered(game).split())
    assert "Your clothes are still wet. Your feet have nothing but the suit's boots." in text


LATE = ["describe", "linger", "one_more", "take_in", "pull_in", "head_back"]  # past the shadow at 08:48


def test_a_walk_that_runs_late_is_not_told_the_shadow_is_still_coming(s):
    before = until(HISTORICAL_PATH, "reach_switch")
    for tail in (["report"], ["say_nothing", "bleed_027"], ["force_fit"]):
        late = play(s, [*before, *LATE, *tail])
        assert late.elapsed >= 108, tail
        text = _rendered(late)
        assert not re.search(r"shadow (is coming|line is close|line racing)", text), (late.state, text)
        assert re.search(r"shadow|night|dark", text), (late.state, text)


def test_on_time_the_shadow_is_still_ahead(s):
    game = play(s, until(HISTORICAL_PATH, "bleed_027"))
    assert game.state == "inflation.bends_watch"
    assert "shadow line is close" in _rendered(game)


def test_the_voice_of_the_best_line_is_kept(s):
    assert "The hatch is sixty-five centimetres wide, and you are not." in s.beats["inflation.balloon"].text
