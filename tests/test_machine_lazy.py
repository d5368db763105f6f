"""The Machine grows as a game goes: a beat is added when a game first reaches it (or a walk asks for all).

So a large story's first prompt does not wait for every beat to be built.
The stories are written here (a long corridor) or are the fixtures: the engine
carries no story. Play must be the same whichever beats happen to be in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import play_trace
from voskhod_game.engine import Game, GameError
from voskhod_game.engine.rules import Rules
from voskhod_game.story import Story, load_story
from voskhod_game.story.compiled import LazyBeats
from voskhod_game.story.loader import forget_built
from voskhod_game.story.model import ending_state
from voskhod_game.story.parsed import ParsedFiles

ROOT = Path(__file__).resolve().parent.parent
ROOMS = 60

MANIFEST = """\
id: corridor
title: The Corridor
start: hall.r0
meters:
  lamp: {label: Lamp oil, start: 100, min: 0, max: 100, at_min: dark}
endings:
  - {id: dark, type: lost, title: Darkness, text: The lamp goes out.}
  - {id: out, type: survived, title: Daylight, text: You walk out.}
"""


def corridor(root: Path) -> Path:
    """Rooms in a row: each leads on by one or by two, and spends a little oil; the last one leads out."""
    beats = []
    for i in range(ROOMS):
        on, skip = f"r{i + 1}", f"r{min(i + 2, ROOMS - 1)}"
        if i == ROOMS - 1:
            choices = "      - {id: leave, label: Leave, ending: out}\n"
        else:
            choices = (
                f"      - {{id: walk, label: Walk on, target: {on}, effects: [lamp -= 1]}}\n"
                f"      - {{id: run, label: Run, target: {skip}, effects: [lamp -= 3]}}\n"
            )
        beats.append(f"  - id: r{i}\n    text: Room {i}.\n    choices:\n{choices}")
    root.mkdir()
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "hall.yaml").write_text("id: hall\ntitle: The hall\nbeats:\n" + "".join(beats), encoding="utf-8")
    return root


def states(game: Game) -> set[str]:
    return set(game.rules.machine.states)


def test_a_game_adds_only_the_beats_it_reaches_and_a_walk_adds_them_all(tmp_path: Path) -> None:
    story = load_story(corridor(tmp_path / "corridor"))
    game = Game.new(story, 1)
    endings = {ending_state("dark"), ending_state("out")}
    assert endings <= states(game)
    assert states(game) - endings == {"hall.r0", "hall.r1", "hall.r2"}  # here, and where its choices lead
    game.choose("walk")
    game.choose("run")
    assert [c.label for c in game.view().choices] == ["Walk on", "Run"]
    assert states(game) - endings == {f"hall.r{i}" for i in range(6)}
    assert game.state == "hall.r3" and game.run.meters["lamp"] == 96
    assert len(list(game.rules.menus)) == ROOMS  # the simulator walks every menu: all are in
    assert states(game) - endings == {f"hall.r{i}" for i in range(ROOMS)}


def test_a_revived_story_builds_only_the_beats_the_first_prompt_needs(tmp_path: Path) -> None:
    root = corridor(tmp_path / "corridor")
    folder = tmp_path / "cache"
    forget_built()
    load_story(root, "", ParsedFiles(folder))  # checked and kept
    forget_built()
    story = load_story(root, "", ParsedFiles(folder))
    assert isinstance(story.beats, LazyBeats)
    game = Game.new(story, 1)
    view = game.view()
    assert [c.label for c in view.choices] == ["Walk on", "Run"]
    assert 0 < len(story.beats._beats) <= 3  # the start and the beats its choices lead to


def fresh(folder: str) -> Story:
    forget_built()
    return load_story(ROOT / folder)


@pytest.mark.parametrize("folder", ["tests/fixtures/mini", "examples/crevasse", "scenes"])
@pytest.mark.parametrize("through_library", [False, True])
def test_play_is_the_same_whether_beats_are_added_as_reached_or_all_at_first(
    folder: str, through_library: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Rules, "through_library", through_library)
    grown = [play_trace(fresh(folder), seed) for seed in range(12)]  # a new story each time: nothing added before
    whole = fresh(folder)
    Game.new(whole, 0).rules.ensure_all()
    assert [play_trace(whole, seed) for seed in range(12)] == grown


@pytest.mark.parametrize("through_library", [False, True])
def test_a_game_at_an_ending_refuses_choices_as_before(tmp_path: Path, through_library: bool) -> None:
    story = load_story(corridor(tmp_path / "corridor"))
    game = Game.new(story, 1)
    game.rules.through_library = through_library
    game.run.meters["lamp"] = 2.0
    game.changed()
    game.choose("run")  # 2 - 3: the lamp goes out on the way
    assert game.ended and game.ending_id == "dark"
    assert game.rules.menus.get(game.state) is None and game.view().choices == ()
    with pytest.raises(GameError):
        game.choose("walk")
