"""The analysis may only say "never" when no game can: play many seeded games and
check that everything they do lies inside what the range analysis allows."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from voskhod_game.authoring.flow import FALSE, analyse_flow
from voskhod_game.authoring.intervals import Interval, refine, truth_of
from voskhod_game.engine.game import Game
from voskhod_game.story import load_story

from .conftest import MINI, REPO

STORIES = [MINI, REPO / "examples" / "crevasse"]
if (REPO / "scenes" / "story.yaml").is_file():
    STORIES.append(REPO / "scenes")


@pytest.mark.parametrize("root", STORIES, ids=lambda p: p.name)
def test_every_played_state_lies_within_the_analysed_ranges(root: Path) -> None:
    story = load_story(root)
    flow = analyse_flow(story)
    pick = random.Random(7)
    for seed in range(300):
        game = Game.new(story, seed)
        while not game.ended and len(game.history) < 200:
            state = flow.entry.get(game.state)
            assert state is not None, f"{game.state} was reached but the analysis says it cannot be"
            run = game.run
            for name, value in {**run.meters, **run.flags, "elapsed": run.elapsed}.items():
                if isinstance(value, str):
                    continue  # text values have no range
                assert state.values[name].contains(float(value)), (game.state, name, value, state.values[name])
            choices = game.enabled_choices()
            for choice in choices:
                assert flow.truth(game.state, choice) != FALSE, (game.state, choice.id)
            if not choices:
                break
            game.choose(pick.choice(choices).id)
        if game.ended:
            assert game.ending_id in flow.endings


def test_conditions_over_ranges() -> None:
    env = {"oxygen": Interval(0, 45), "reported": Interval(0, 1)}
    assert truth_of("oxygen > 50", env) == FALSE
    assert truth_of("oxygen >= 0", env).always_true
    assert truth_of("oxygen > 10 and not reported", env) == Interval(0, 1)
    assert truth_of("max(oxygen, 50) > 49", env).always_true
    assert truth_of("oxygen / 0 > 1", env) == Interval(0, 1)  # division by zero: undecided, never "never"
    assert refine("oxygen < 10", env)["oxygen"].hi < 10
    assert refine("oxygen < 10", env, holds=False)["oxygen"] == Interval(10, 45)
    assert refine("oxygen > 50", env) is None
