"""The story language: every construct, played on a story written for the test (not Voskhod-2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voskhod_game.engine import Game
from voskhod_game.story import Story, load_story
from voskhod_game.story.loader import analyse_story

LANG = Path(__file__).parent / "fixtures" / "lang"


@pytest.fixture(scope="module")
def lang() -> Story:
    return load_story(LANG)


def choices(game: Game) -> list[str]:
    return [c.id for c in game.view().choices if c.enabled]


def test_conditional_blocks_visits_and_cycling_variants(lang: Story) -> None:
    game = Game.new(lang, seed=1)
    first = game.view().text
    assert first.startswith("The first cup of the night.")
    assert "The log is open at an empty page." in first and "Nothing yet" not in first
    assert "{" not in first and "\n\n\n" not in first
    game.choose("log")
    second = game.view().text
    assert second.startswith("A second cup.") and "Nothing yet." in second
    assert "empty page" not in second


def test_values_are_formatted_in_every_text(lang: Story) -> None:
    game = Game.new(lang, seed=1)
    view = game.view()
    assert "Battery 30\u00a0%." in view.text
    assert next(c for c in view.choices if c.id == "tune").label == "Tune the radio (30% left)"
    result = game.choose("log")
    assert result.result_text == "Yesterday's operator signed off as Kestrel."


def test_entry_effects_run_each_time_the_beat_is_entered(lang: Story) -> None:
    game = Game.new(lang, seed=1)
    assert game.run.flags["cups"] == 1
    game.choose("log")
    assert game.run.flags["cups"] == 2 and game.run.visits["desk.start"] == 2


def test_once_only_choices_vanish_and_text_values_change(lang: Story) -> None:
    game = Game.new(lang, seed=1)
    game.choose("log")
    assert "log" not in [c.id for c in game.view().choices]
    game.choose("rename")
    assert game.run.flags["callsign"] == "Falcon"
    assert "rename" not in [c.id for c in game.view().choices]  # `hide: true` once its condition fails


def test_the_fallback_choice_shows_only_when_nothing_else_is_open(lang: Story) -> None:
    game = Game.new(lang, seed=1)
    assert "dawn" not in [c.id for c in game.view().choices]
    game.choose("log")
    game.choose("rename")
    game.run.meters["battery"] = 5.0  # what a long night would leave
    game.changed()
    view = game.view()
    tune = next(c for c in view.choices if c.id == "tune")
    assert not tune.enabled and tune.reason == "The set needs 5% more charge"
    assert choices(game) == ["dawn"]
    assert game.choose("dawn").ending is not None and game.ending_id == "dawn"


def test_multi_way_outcomes_are_conditional_first_then_weighted_and_seeded(lang: Story) -> None:
    reached = set()
    for seed in range(60):
        game = Game.new(lang, seed)
        result = game.choose("tune")
        reached.add(game.state)
        again = Game.new(lang, seed)
        assert again.choose("tune").result_text == result.result_text  # the same seed, the same outcome
    assert reached == {"desk.static", "desk.voice"}
    low = Game.new(lang, seed=3)
    low.run.meters["battery"] = 12.0
    low.changed()
    assert low.choose("tune").result_text == "Only static at this charge."


def test_routing_beats_move_on_by_themselves_and_record_no_choice(lang: Story) -> None:
    for seed in range(40):
        game = Game.new(lang, seed)
        game.choose("tune")
        if game.state != "desk.voice":
            continue
        assert game.view().text == '"Kestrel, Kestrel, this is the Aurora."'
        game.choose("answer")
        assert game.ending_id == "contact"
        assert [s.choice for s in game.run.history] == ["tune", "answer"]
        assert game.run.visits["desk.check"] == 1
        ending = game.view().ending
        assert ending is not None and ending.title == "Contact, Kestrel"
        assert ending.text.endswith("after 1 cup of tea.")
        return
    pytest.fail("no seed heard the voice")


def test_random_variants_are_stable_under_undo_reload_and_replay(lang: Story) -> None:
    def intro(game: Game) -> str:
        return game.render(lang.intro)

    seen = {intro(Game.new(lang, seed)) for seed in range(30)}
    assert len(seen) == 3  # every variant turns up
    game = Game.new(lang, seed=11)
    before = intro(game)
    game.choose("log")
    game.undo()
    assert intro(game) == before
    assert intro(Game.restore(lang, game.snapshot())) == before
    assert intro(Game.new(lang, seed=11)) == before


def test_the_fast_path_and_play_agree_on_every_construct(lang: Story) -> None:
    import random

    for seed in range(40):
        slow, fast = Game.new(lang, seed), Game.new(lang, seed)
        pick = random.Random(seed)
        while not slow.ended and len(slow.run.history) < 30:
            choice = pick.choice(slow.enabled_choices()).id
            assert [c.id for c in fast.enabled_choices()] == [c.id for c in slow.enabled_choices()]
            slow.choose(choice)
            fast.step(choice)
            assert (fast.run.beat, fast.run.flags, fast.run.visits, fast.run.taken) == (
                slow.run.beat,
                slow.run.flags,
                slow.run.visits,
                slow.run.taken,
            )


BREAKS = {
    "unknown name in the intro": ("story.yaml", "You are {callsign}", "You are {callsig}", "V302", "callsig}", 0),
    "unknown name in a reason": ("desk.yaml", "needs {10 - battery:.0}%", "needs {10 - batery:.0}%", "V302", "batery", 0),
    "unclosed brace": ("desk.yaml", "Battery {battery:unit}.", "Battery {battery:unit.", "V304", "{battery:unit.", 0),
    "end without if": ("desk.yaml", "off as {callsign}.", "off as {callsign}. {end}", "V304", "{callsign}. {end}", 0),
    "unit of a non-meter": ("desk.yaml", "Battery {battery:unit}.", "Battery {cups:unit}.", "V301", "{cups:unit}", 0),
    "unknown beat in seen()": ("desk.yaml", 'seen("voice"): You', 'seen("vocie"): You', "V302", "vocie", 0),
    "last route branch with a condition": ("desk.yaml", "      - target: start\n", "      - if: heard\n        target: start\n", "V103", "- if: heard", 0),
    "outcomes and a target": ("desk.yaml", "        outcomes:\n", "        target: start\n        outcomes:\n", "V104", "outcomes:", -1),
    "routing circle": ("desk.yaml", "      - target: start\n", "      - target: check\n", "V205", "- id: check", 0),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_mistakes_are_reported_at_their_place(case: str, tmp_path: Path) -> None:
    name, old, new, code, marker, delta = BREAKS[case]
    root = tmp_path / "lang"
    shutil.copytree(LANG, root)
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if marker in row) + delta
    story, problems = analyse_story(root)
    errors = [d for d in problems if d.severity == "error"]
    assert story is None and errors, case
    assert (errors[0].code, errors[0].path.name, errors[0].line) == (code, name, line), [d.format() for d in errors]
    assert errors[0].hint
