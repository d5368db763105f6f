"""Saves of every format load through migrations; a story that changed is fitted with notes;
a damaged save is reported, kept, and never overwritten."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from voskhod_game.engine import Game
from voskhod_game.engine.migrations import STATE_FORMAT
from voskhod_game.engine.saves import SaveError, SaveStore
from voskhod_game.story import Story, load_story

SAVES = Path(__file__).parent / "fixtures" / "saves"
REPO = Path(__file__).resolve().parent.parent


def _copy_fixture(name: str, store: SaveStore) -> None:
    store.directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAVES / f"{name}.json", store.directory / f"{name}.json")


def _play_to_an_end(game: Game) -> None:
    while not game.ended:
        game.choose(game.enabled_choices()[0].id)


def test_a_format_1_save_from_the_first_release_loads_and_plays_on(mini: Story, store: SaveStore) -> None:
    _copy_fixture("mini-format1", store)
    assert json.loads((SAVES / "mini-format1.json").read_text())["game"]["format"] == 1
    loaded = store.load("mini-format1", mini)
    game = loaded.game
    run = game.run
    assert game.state == "walk.outside"
    assert run.meters == {"oxygen": 13.0, "pressure": 0.4, "heart": 90.0}
    assert run.flags == {"outside": True, "looks": 1} and run.elapsed == 7.0
    assert [(s.beat, s.choice) for s in run.history] == [("hatch.inside", "open"), ("walk.outside", "look")]
    assert run.visits == {"hatch.inside": 1, "walk.outside": 2}
    game.undo()  # the old undo mark came along (the walk is past a point of no return)
    assert game.state == "walk.outside" and game.run.elapsed == 5.0 and game.run.flags["looks"] == 0
    assert len(game.run.history) == 1
    _play_to_an_end(game)
    assert game.ended
    store.save("mini-format1", game)  # saving over an old-format save writes today's format
    assert json.loads((store.directory / "mini-format1.json").read_text())["game"]["format"] == STATE_FORMAT


def test_the_first_releases_voskhod_save_loads_and_plays_on(store: SaveStore) -> None:
    story = load_story(REPO / "scenes")
    _copy_fixture("voskhod-format1", store)
    game = store.load("voskhod-format1", story).game
    assert len(game.run.history) == 12 and game.run.elapsed > 0
    _play_to_an_end(game)


def test_a_save_from_a_newer_version_is_refused_and_kept(mini: Story, store: SaveStore) -> None:
    store.save("future", Game.new(mini, seed=1))
    path = store.directory / "future.json"
    data = json.loads(path.read_text())
    data["game"]["format"] = STATE_FORMAT + 1
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="newer version"):
        store.load("future", mini)
    info = next(i for i in store.list() if i.slot == "future")
    assert not info.ok and "newer version" in info.problem
    with pytest.raises(SaveError, match="not overwritten"):
        store.save("future", Game.new(mini, seed=1))
    assert json.loads(path.read_text()) == data


def test_a_story_that_grew_a_meter_lost_a_flag_and_lowered_a_maximum_loads_with_notes(
    mini: Story, store: SaveStore, mini_copy: Path
) -> None:
    game = Game.new(mini, seed=3)
    game.choose("rush")  # heart 80 -> 130
    store.save("before", game)
    manifest = mini_copy / "story.yaml"
    text = manifest.read_text()
    text = text.replace("    max: 200\n    warn_above: 120\n    critical_above: 160\n", "    max: 100\n")
    text = text.replace("  looks: 0\n", "")
    text = text.replace("meters:\n", "meters:\n  water:\n    label: Water\n    start: 5\n", 1)
    manifest.write_text(text)
    walk = mini_copy / "2_walk.yaml"
    walk.write_text(walk.read_text().replace("looks += 1, ", "").replace("if: looks", "if: heart"))
    changed = load_story(mini_copy)
    loaded = store.load("before", changed)
    run = loaded.game.run
    assert run.meters["heart"] == 100.0 and run.meters["water"] == 5.0 and "looks" not in run.flags
    notes = " ".join(loaded.warnings)
    assert "Heart rate" in notes and "now 100" in notes
    assert "new meter, “Water”" in notes and "“looks” is no longer in the story" in notes


def test_a_renamed_beat_keeps_the_players_place(mini: Story, store: SaveStore, mini_copy: Path) -> None:
    game = Game.new(mini, seed=3)
    game.choose("open")
    store.save("walking", game)
    scene = mini_copy / "2_walk.yaml"
    scene.write_text(
        scene.read_text().replace("- id: outside", "- id: outdoors").replace("target: outside", "target: outdoors")
    )
    for path in mini_copy.glob("*.yaml"):
        path.write_text(path.read_text().replace("walk.outside", "walk.outdoors"))
    manifest = mini_copy / "story.yaml"
    manifest.write_text(manifest.read_text() + "renamed:\n  walk.outside: walk.outdoors\n")
    renamed = load_story(mini_copy)
    loaded = store.load("walking", renamed)
    assert loaded.game.state == "walk.outdoors"
    assert loaded.game.run.visits.get("walk.outdoors") == 1


def test_a_rename_to_a_missing_beat_is_a_check_error(mini_copy: Path) -> None:
    from voskhod_game.story.loader import analyse_story

    manifest = mini_copy / "story.yaml"
    manifest.write_text(manifest.read_text() + "renamed:\n  walk.old: walk.nowhere\n")
    story, problems = analyse_story(mini_copy)
    assert story is None and [d.code for d in problems if d.severity == "error"] == ["V202"]


HOSTILE_GAMES = {
    "deep": "[" * 1000 + "]" * 1000,
    "elapsed": {"run": {"elapsed": -1e308}},
    "rng": {"run": {"rng": "1e400"}},
    "nan_meter": {"run": {"meters": {"oxygen": "NaN"}}},
    "steps_number": {"run": {"history": 5}},
    "undo_bad": {"undo": [{"rng": "x"}]},
    "undo_too_long": {"undo": [{"history": 99}]},
}


def _damaged(store: SaveStore, mini: Story, name: str, change: object) -> Path:
    """A save whose outer record is intact and whose game part is damaged as ``change`` says."""
    game = Game.new(mini, seed=1)
    game.choose("wait")
    info = store.save(name, game)
    text = info.path.read_text()
    document = json.loads(text)
    if isinstance(change, str):
        text = text.replace(json.dumps(document["game"], separators=(",", ":"), ensure_ascii=False), change)
    else:
        snapshot = document["game"]
        for key, part in change.items():  # type: ignore[attr-defined]
            if isinstance(part, list):
                snapshot[key] = [{**m, **part[0]} for m in snapshot[key]] or part
            else:
                snapshot[key] = {**snapshot[key], **part}
        text = json.dumps(document).replace('"1e400"', "1e400").replace('"NaN"', "NaN")
    info.path.write_text(text)
    return info.path


def test_damaged_game_parts_are_listed_kept_and_never_overwritten(mini: Story, store: SaveStore) -> None:
    paths = {name: _damaged(store, mini, name, change) for name, change in HOSTILE_GAMES.items()}
    before = {name: p.read_bytes() for name, p in paths.items()}
    store.save("good", Game.new(mini, seed=2))
    infos = {i.slot: i for i in store.list()}  # one damaged file never breaks the listing
    assert infos["good"].ok
    for name in HOSTILE_GAMES:
        assert not infos[name].ok, name
        assert infos[name].problem, name
        with pytest.raises(SaveError):
            store.load(name, mini)
        with pytest.raises(SaveError, match="not overwritten"):
            store.save(name, Game.new(mini, seed=1))
        assert paths[name].read_bytes() == before[name]


def test_the_autosave_never_overwrites_a_damaged_autosave(mini: Story, store: SaveStore) -> None:
    game = Game.new(mini, seed=1)
    path = store.autosave(game).path
    path.write_text(path.read_text().replace('"meters":{', '"meters":{"x":"bad",'))
    damaged = path.read_bytes()
    with pytest.raises(SaveError):
        store.autosave(game)
    assert path.read_bytes() == damaged


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_dev_zero_slot_is_refused_without_blocking(mini: Story, store: SaveStore) -> None:
    store.directory.mkdir(parents=True)
    os.mkfifo(store.directory / "pipe.json")
    (store.directory / "zero.json").symlink_to("/dev/zero")
    infos = {i.slot: i for i in store.list()}
    assert not infos["pipe"].ok and "regular file" in infos["pipe"].problem
    assert not infos["zero"].ok
    for slot in ("pipe", "zero"):
        with pytest.raises(SaveError):
            store.load(slot, mini)
        with pytest.raises(SaveError, match="not overwritten"):
            store.save(slot, Game.new(mini, seed=1))


def test_leftover_temporary_files_of_killed_saves_are_cleaned(mini: Story, store: SaveStore) -> None:
    store.save("slot", Game.new(mini, seed=1))
    old = store.directory / ".slot.json.abc123.tmp"
    fresh = store.directory / ".slot.json.def456.tmp"
    old.write_text("{")
    fresh.write_text("{")  # a save in progress right now: left alone
    os.utime(old, (1, 1))
    store.list()
    assert not old.exists() and fresh.exists()


def test_saves_are_compact_json_without_nan(mini: Story, store: SaveStore) -> None:
    info = store.save("slot", Game.new(mini, seed=1))
    text = info.path.read_text()
    assert "\n" not in text and "NaN" not in text and "Infinity" not in text


def test_a_failing_autosave_is_never_silent_and_quit_tells_the_truth(
    mini: Story, store: SaveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from voskhod_game.plain import run_plain

    real_replace = os.replace
    full = {"on": False}

    def replace(src: str, dst: str) -> None:
        if full["on"]:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    out = io.StringIO()

    class Lines(io.StringIO):
        """stdin that fills the disk after the first choice and frees it before the fourth."""

        def readline(self, *args: object) -> str:  # type: ignore[override]
            line = super().readline()
            if line == "2\n" and not full["on"] and "filled" not in full:
                full["on"], full["filled"] = True, True
            elif line.startswith("status"):
                full["on"] = False
            return line

    run_plain(mini, store, seed=1, stdin=Lines("2\n2\n2\nstatus\n2\nquit\n"), stdout=out)
    text = out.getvalue()
    assert text.count("Autosave failed: could not write slot") == 1
    assert "No space left on device" in text and "Your choices are not being saved" in text
    assert "Autosave works again" in text
    assert text.rstrip().endswith("Goodbye. Your game is autosaved.")


def test_quit_says_when_the_last_choices_were_not_autosaved(
    mini: Story, store: SaveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from voskhod_game.plain import run_plain

    def full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    out = io.StringIO()
    run_plain(mini, store, seed=1, stdin=io.StringIO("2\n2\nquit\n"), stdout=out)
    text = out.getvalue()
    assert "Your game is autosaved" not in text
    assert "Your last 2 choice(s) are NOT autosaved" in text


def test_a_dangling_link_in_the_saves_folder_is_kept(mini: Story, store: SaveStore) -> None:
    store.directory.mkdir(parents=True)
    link = store.directory / "gone.json"
    link.symlink_to(store.directory / "on-a-lost-disk.json")
    with pytest.raises(SaveError, match="not overwritten"):
        store.save("gone", Game.new(mini, seed=1))
    assert link.is_symlink()


def test_the_clock_past_the_calendars_end_shows_elapsed_time_only() -> None:
    from voskhod_game.engine.clock import clock_view
    from voskhod_game.story.model import Clock, ClockZone

    clock = Clock("9999-12-31T00:00:00Z", (ClockZone("UTC", 0),))
    assert clock_view(clock, 10).zones == (("UTC", "00:10"),)
    late = clock_view(clock, 60 * 24 * 3)
    assert late.zones == () and late.date == "" and late.elapsed == "T+72:00:00"
