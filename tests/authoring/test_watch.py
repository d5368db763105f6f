"""Hot reload: edits while playing reload the story, keep the beat, and never crash."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

from voskhod_game.engine.game import Game
from voskhod_game.engine.saves import SaveStore
from voskhod_game.plain import run_plain
from voskhod_game.story import load_story
from voskhod_game.watch import StoryWatcher, carry_over, reload_story

from .conftest import edit


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def touch_later(path: Path) -> None:
    """Make the change visible even on file systems with coarse timestamps."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


class ScriptedInput(io.StringIO):
    """stdin for line mode that runs an action (an edit) before handing out a given line."""

    def __init__(self, lines: list[str], actions: dict[int, Callable[[], None]]) -> None:
        super().__init__()
        self.lines = lines
        self.actions = actions
        self.count = 0

    def readline(self, *_: object) -> str:  # type: ignore[override]
        if self.count >= len(self.lines):
            return ""
        action = self.actions.get(self.count)
        if action is not None:
            action()
        line = self.lines[self.count]
        self.count += 1
        return line + "\n"


def test_watcher_notices_a_save_once_and_respects_its_interval(clean_story: Path) -> None:
    clock = FakeClock()
    watcher = StoryWatcher(clean_story, interval=0.5, clock=clock)
    assert not watcher.poll()
    path = clean_story / "2_tower.yaml"
    path.write_text(path.read_text() + "\n")
    touch_later(path)
    assert not watcher.poll()  # too soon after the last look
    clock.now = 1.0
    assert watcher.poll()
    clock.now = 2.0
    assert not watcher.poll()  # nothing new since


def test_carry_over_keeps_the_beat_and_the_meters(clean_story: Path) -> None:
    game = Game.new(load_story(clean_story), seed=3)
    game.choose("fetch_oil")
    game.choose("climb")
    edit(clean_story, "2_tower.yaml", "The wick is black.", "The wick is black and cold.")
    reloaded = reload_story(clean_story)
    assert reloaded.ok
    moved, message = carry_over(game, reloaded.story)
    assert moved.state == "tower.lamp_room" and "still at tower.lamp_room" in message
    assert moved.env["lamp_oil"] == game.env["lamp_oil"] == 90
    assert "black and cold" in moved.view().text
    assert len(moved.history) == 2


def test_carry_over_restarts_when_the_beat_is_gone(clean_story: Path) -> None:
    game = Game.new(load_story(clean_story), seed=3)
    game.choose("climb")
    edit(clean_story, "2_tower.yaml", "  - id: lamp_room", "  - id: lantern_room")
    edit(clean_story, "1_harbour.yaml", "target: tower.lamp_room", "target: tower.lantern_room")
    moved, message = carry_over(game, reload_story(clean_story).story)
    assert moved.state == "harbour.quay"
    assert "starting again from the beginning" in message and "tower.lamp_room" in message


def test_line_mode_reloads_on_save_and_survives_a_broken_edit(clean_story: Path, tmp_path: Path) -> None:
    clock = FakeClock()
    watcher = StoryWatcher(clean_story, interval=0.0, clock=clock)
    tower = clean_story / "2_tower.yaml"

    def improve() -> None:
        edit(clean_story, "2_tower.yaml", "The wick is black.", "The wick is black and cold.")
        touch_later(tower)

    def break_it() -> None:
        edit(
            clean_story,
            "2_tower.yaml",
            "        target: watch\n        time: 5",
            "        target: wach\n        time: 5",
        )
        touch_later(tower)

    def fix_it() -> None:
        edit(clean_story, "2_tower.yaml", "target: wach", "target: watch")
        touch_later(tower)

    stdin = ScriptedInput(["1", "look", "look", "look", "1"], {1: improve, 2: break_it, 3: fix_it})
    out = io.StringIO()
    status = run_plain(
        load_story(clean_story), SaveStore(tmp_path / "saves"), seed=1, stdin=stdin, stdout=out, watch=watcher
    )
    text = out.getvalue()
    assert status == 0
    assert "Watching" in text
    assert "Reloaded the story; you are still at tower.lamp_room." in text
    assert "The wick is black and cold." in text
    # the broken save is reported with its place and hint, and the old story keeps playing
    assert "still playing the previous version" in text
    assert "2_tower.yaml:" in text and "V202 target `wach` does not exist" in text
    assert "did you mean `tower.watch`?" in text
    # after the fix, choice 1 (light the lamp) leads to the watch beat of the fixed story
    assert text.count("Reloaded the story") == 2
    assert "The long watch" in text.split("Reloaded the story")[-1]


def test_line_mode_holds_the_collector_only_while_it_reloads(clean_story: Path, tmp_path: Path) -> None:
    import gc

    import voskhod_game.watch as watch

    seen: list[bool] = []
    real = watch.reload_story

    def observed(*args: object, **kwargs: object) -> watch.Reloaded:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    watch.reload_story = observed  # type: ignore[assignment]
    try:
        watcher = StoryWatcher(clean_story, interval=0.0, clock=FakeClock())

        def improve() -> None:
            edit(clean_story, "2_tower.yaml", "The wick is black.", "The wick is black and cold.")
            touch_later(clean_story / "2_tower.yaml")

        stdin = ScriptedInput(["1", "look"], {1: improve})
        out = io.StringIO()
        run_plain(
            load_story(clean_story), SaveStore(tmp_path / "saves"), seed=1, stdin=stdin, stdout=out, watch=watcher
        )
    finally:
        watch.reload_story = real  # type: ignore[assignment]
    assert seen == [False]
    assert gc.isenabled()
    assert "The wick is black and cold." in out.getvalue()
