"""The transitions Machine drives play: conditions, callbacks and limits are registered on it.

Each test uses a small story written here, not Voskhod-2: the engine carries no story.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from conftest import play_trace
from voskhod_game.engine import Game, GameError
from voskhod_game.engine.saves import SaveStore
from voskhod_game.story import Story, load_story

MANIFEST = """\
id: cave
title: The Cave
start: cave.mouth
meters:
  lamp:
    label: Lamp oil
    start: 10
    min: 0
    max: 10
    warn_below: 6
    at_min: dark
flags:
  rope: false
endings:
  - {id: dark, type: lost, title: Darkness, text: The lamp goes out.}
  - {id: out, type: survived, title: Daylight, text: You climb out.}
debrief:
  milestones:
    - {beat: cave.deep, label: The deep hall, real: "00:30:00"}
clock:
  start: "2001-01-01T00:00:00Z"
"""

SCENE = """\
id: cave
title: The cave
beats:
  - id: mouth
    text: A cold mouth of rock.
    choices:
      - {id: climb, label: Climb down, target: deep, time: 4, rates: {lamp: -1}}
      - {id: tie, label: Tie the rope, target: mouth, time: 1, effects: [rope = true]}
      - {id: descend, label: Abseil, target: deep, if: rope, reason: You have no rope tied}
      - {id: blaze, label: Turn the wick up, target: mouth, effects: ["lamp = 1/5e-324"]}
  - id: deep
    text: The deep hall, lamp at {lamp}.
    choices:
      - {id: wait, label: Wait, target: deep, time: 2}
      - {id: leave, label: Leave, ending: out}
      - {id: spill, label: Spill the oil, target: deep, effects: [lamp -= 10]}
"""


@pytest.fixture
def cave(tmp_path: Path) -> Story:
    root = tmp_path / "cave"
    root.mkdir()
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "cave.yaml").write_text(SCENE, encoding="utf-8")
    return load_story(root)


def test_a_choices_condition_is_its_transitions_condition(cave: Story) -> None:
    game = Game.new(cave, seed=1)
    transitions = game.rules.machine.events["descend"].transitions["cave.mouth"]
    assert len(transitions) == 1 and len(transitions[0].conditions) == 1
    before = game.snapshot()
    assert game.rules.machine.events["descend"].trigger(game.run, game) is False  # refused by the Machine
    assert game.snapshot() == before
    with pytest.raises(GameError, match="no rope tied"):
        game.choose("descend")
    game.choose("tie")
    assert game.rules.machine.events["descend"].trigger(game.run, game) is True
    assert game.state == "cave.deep"


def test_entering_a_beat_runs_its_on_enter_visits_and_milestones(cave: Story) -> None:
    game = Game.new(cave, seed=1)
    assert game.run.visits == {"cave.mouth": 1}
    game.choose("climb")
    game.choose("wait")
    assert game.run.visits == {"cave.mouth": 1, "cave.deep": 2}
    assert game.run.milestones == {"cave.deep": 4.0}
    assert game.run.rates["lamp"] == -1  # the choice's rate, set by its before-callback


def test_a_meter_at_its_limit_ends_the_game_through_the_machine_before_the_beat_is_entered(cave: Story) -> None:
    game = Game.new(cave, seed=1)
    game.choose("climb")  # lamp 10 -> 6 on the way down
    game.choose("wait")  # 6 -> 4
    game.choose("wait")  # 4 -> 2
    result = game.choose("wait")  # 2 -> 0
    assert game.ending_id == "dark"
    assert [e.kind for e in result.events] == ["limit"]
    assert game.run.visits["cave.deep"] == 3  # not entered for the wait that ran the lamp dry
    game.undo()
    assert game.state == "cave.deep" and game.run.meters["lamp"] == 2


@pytest.mark.parametrize("through_library", [False, True])
def test_a_meter_at_its_limit_ends_the_game_whatever_put_it_there(
    cave: Story, through_library: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = Game.new(cave, seed=1)
    monkeypatch.setattr(game.rules, "through_library", through_library)
    game.choose("climb")
    assert game.choose("spill").ending is not None and game.ending_id == "dark"  # an effect
    game.undo()
    assert game.choose("wait").ending is None and game.state == "cave.deep"
    # Set by hand (a tool, a save whose meter was clamped): the next beat entered looks at
    # every meter, even though the choice taken changes none of them.
    game = Game.new(cave, seed=1)
    assert game.choose("tie").ending is None
    game.run.meters["lamp"] = 0.0
    game.changed()
    assert game.choose("tie").ending is not None and game.ending_id == "dark"
    game.undo()
    assert game.run.meters["lamp"] == 0.0 and game.choose("tie").ending is not None


def test_an_effect_that_is_not_finite_is_skipped_and_never_reaches_a_save(cave: Story, tmp_path: Path) -> None:
    game = Game.new(cave, seed=1)
    result = game.choose("blaze")
    assert [e.kind for e in result.events] == ["error"] and "skipped" in result.events[0].message
    assert game.run.meters["lamp"] == 10 and all(math.isfinite(v) for v in game.run.meters.values())
    store = SaveStore(tmp_path / "saves")
    info = store.autosave(game)
    assert store.load("autosave", cave).game.run.meters == game.run.meters
    assert "Infinity" not in info.path.read_text() and json.loads(info.path.read_text())


def test_simulation_dispatch_and_play_run_the_same_callbacks(cave: Story) -> None:
    for seed in range(20):
        slow, fast = Game.new(cave, seed), Game.new(cave, seed)
        for choice in ("tie", "climb", "wait", "wait"):
            if slow.ended:
                break
            slow.choose(choice)
            fast.step(choice)
            assert fast.run.meters == slow.run.meters and fast.run.visits == slow.run.visits
            assert fast.run.history == slow.run.history and fast.state == slow.state


@pytest.mark.parametrize("folder", ["tests/fixtures/mini", "examples/crevasse", "scenes"])
def test_the_machines_table_and_transitions_itself_play_identically(
    folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = load_story(Path(__file__).resolve().parent.parent / folder)
    rules = Game.new(story, 0).rules
    table = [play_trace(story, seed) for seed in range(25)]
    monkeypatch.setattr(rules, "through_library", True)
    library = [play_trace(story, seed) for seed in range(25)]
    assert library == table
