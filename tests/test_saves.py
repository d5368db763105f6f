"""Saves are atomic, and damaged or foreign saves are reported and kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from voskhod_game.engine import Game
from voskhod_game.engine.saves import SaveError, SaveStore
from voskhod_game.story import Story, load_story


def test_save_and_load_round_trip(mini: Story, store: SaveStore) -> None:
    game = Game.new(mini, seed=3)
    game.choose("wait")
    info = store.save("first", game)
    assert info.ok and info.scene_title == "The hatch"
    loaded = store.load("first", mini)
    assert loaded.game.snapshot() == game.snapshot() and loaded.warnings == ()


def test_autosave_and_its_alias(mini: Story, store: SaveStore) -> None:
    game = Game.new(mini, seed=3)
    store.autosave(game)
    assert store.latest_autosave(mini) is not None
    assert store.load("autosave", mini).game.state == game.state


def test_autosave_reads_back_only_a_file_it_did_not_write(
    mini: Story, store: SaveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = Game.new(mini, seed=3)
    store.autosave(game)
    read_back: list[Path] = []
    inspect = store.inspect
    monkeypatch.setattr(store, "inspect", lambda path: read_back.append(path) or inspect(path))
    game.choose("wait")
    store.autosave(game)  # the file there is the one this store wrote: not read again
    assert read_back == []
    slot = store.path(store.resolve("autosave", mini))
    slot.write_text('{"app": "voskhod", "format": 1, "game": {')  # damaged meanwhile, in place
    with pytest.raises(SaveError, match="not overwritten"):
        store.autosave(game)
    assert read_back == [slot] and slot.read_text().endswith('"game": {')


def test_crash_mid_write_leaves_the_old_save_intact(
    mini: Story, store: SaveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = Game.new(mini, seed=3)
    store.save("slot", game)
    before = (store.directory / "slot.json").read_bytes()
    game.choose("open")

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(SaveError, match="previous save is intact"):
        store.save("slot", game)
    monkeypatch.undo()
    assert (store.directory / "slot.json").read_bytes() == before
    assert [p.name for p in store.directory.iterdir()] == ["slot.json"]  # no temp file left behind


def test_corrupt_save_is_reported_and_kept(mini: Story, store: SaveStore) -> None:
    store.directory.mkdir(parents=True)
    bad = store.directory / "broken.json"
    bad.write_text('{"app": "voskhod", "format": 1, "game": {')
    with pytest.raises(SaveError, match="damaged"):
        store.load("broken", mini)
    listed = {i.slot: i for i in store.list()}
    assert not listed["broken"].ok and "damaged" in listed["broken"].problem
    with pytest.raises(SaveError, match="not overwritten"):
        store.save("broken", Game.new(mini, seed=1))
    assert bad.read_text() == '{"app": "voskhod", "format": 1, "game": {'


def test_save_from_another_story_is_reported_and_kept(mini: Story, store: SaveStore, mini_copy: Path) -> None:
    text = (mini_copy / "story.yaml").read_text().replace("id: mini", "id: other", 1)
    (mini_copy / "story.yaml").write_text(text)
    other = load_story(mini_copy)
    store.save("theirs", Game.new(other, seed=1))
    with pytest.raises(SaveError, match="is a save of the story"):
        store.load("theirs", mini)
    with pytest.raises(SaveError, match="not overwritten"):
        store.save("theirs", Game.new(mini, seed=1))
    assert store.load("theirs", other).game.story.id == "other"


def test_old_format_is_reported_not_loaded(mini: Story, store: SaveStore) -> None:
    store.save("old", Game.new(mini, seed=1))
    path = store.directory / "old.json"
    data = json.loads(path.read_text())
    data["format"] = 0
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="format 0"):
        store.load("old", mini)
    assert json.loads(path.read_text())["format"] == 0


def test_changed_story_with_the_beat_still_there_loads_with_a_note(
    mini: Story, store: SaveStore, mini_copy: Path
) -> None:
    original = load_story(mini_copy)
    store.save("s", Game.new(original, seed=1))
    scene = mini_copy / "1_hatch.yaml"
    scene.write_text(scene.read_text().replace("Wait and breathe", "Wait and breathe slowly"))
    changed = load_story(mini_copy)
    loaded = store.load("s", changed)
    assert loaded.game.state == "hatch.inside"
    assert any("changed" in w for w in loaded.warnings)


def test_save_whose_beat_was_removed_is_reported_and_kept(store: SaveStore, mini_copy: Path) -> None:
    original = load_story(mini_copy)
    game = Game.new(original, seed=1)
    game.choose("open")
    store.save("s", game)
    scene = mini_copy / "2_walk.yaml"
    scene.write_text(
        scene.read_text().replace("id: outside", "id: outdoors").replace("target: outside", "target: outdoors")
    )
    for other in mini_copy.glob("*.yaml"):
        other.write_text(other.read_text().replace("walk.outside", "walk.outdoors"))
    changed = load_story(mini_copy)
    with pytest.raises(SaveError, match="no longer exists"):
        store.load("s", changed)
    assert (store.directory / "s.json").exists()


def test_bad_slot_names_are_refused(mini: Story, store: SaveStore) -> None:
    for name in ["../escape", "", "a/b", ".hidden", "x" * 41]:
        with pytest.raises(SaveError, match="slot name"):
            store.save(name, Game.new(mini, seed=1))


def test_delete_removes_only_that_slot(mini: Story, store: SaveStore) -> None:
    store.save("a", Game.new(mini, seed=1))
    store.save("b", Game.new(mini, seed=1))
    store.delete("a")
    assert [i.slot for i in store.list()] == ["b"]
    with pytest.raises(SaveError, match="no save called"):
        store.delete("a")
