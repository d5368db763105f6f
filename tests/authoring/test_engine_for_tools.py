"""Engine additions the tools rely on: reset, checkpoint/rewind, forced chance outcomes."""

from __future__ import annotations

from voskhod_game.engine.game import Game
from voskhod_game.story import load_story

from .conftest import MINI


def _comparable(game: Game) -> dict:
    data = game.snapshot()
    data.pop("undo")
    return data


def test_reset_gives_the_same_game_as_new() -> None:
    story = load_story(MINI)
    game = Game.new(story, 11)
    game.choose("open")
    game.choose("look")
    game.reset(5)
    fresh = Game.new(story, 5)
    assert _comparable(game) == _comparable(fresh)
    assert game.view() == fresh.view()
    for g in (game, fresh):
        g.choose("rush")
        g.choose("look")
        g.choose("go_back")
    assert _comparable(game) == _comparable(fresh)


def test_rewind_crosses_a_point_of_no_return() -> None:
    game = Game.new(load_story(MINI), 1)
    start = game.checkpoint()
    game.choose("open")  # walk.outside is a point of no return: undo is refused there
    assert not game.can_undo
    after_open = game.checkpoint()
    game.choose("look")
    game.rewind(start)
    assert game.state == "hatch.inside" and game.history == [] and game.env["outside"] is False
    game.rewind(after_open)
    assert game.state == "walk.outside" and [s.choice for s in game.history] == ["open"]


def test_force_chance_takes_the_branch_asked_for() -> None:
    story = load_story(MINI)
    game = Game.new(story, 1)
    game.choose("open")
    game.choose("look")
    here = game.checkpoint()
    game.choose("go_back", force_chance=True)
    assert game.ending_id == "drifted"
    game.rewind(here)
    game.choose("go_back", force_chance=False)
    assert game.ending_id == "home"


def test_threshold_events_still_reported() -> None:
    game = Game.new(load_story(MINI), 1)
    result = game.choose("rush")  # heart 80 -> 130: warn_above 120
    assert [(e.kind, e.meter, e.state) for e in result.events] == [("threshold", "heart", "warn")]
