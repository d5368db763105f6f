"""``voskhod play --watch`` in the TUI: edits to the story reach the running game."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

from tui_support import MINI, record_notifications, text_of

from voskhod_game.tui.app import VoskhodApp
from voskhod_game.tui.screens.game import GameScreen
from voskhod_game.tui.screens.problems import ProblemsScreen
from voskhod_game.tui.screens.title import TitleScreen


def story_copy(tmp_path: Path) -> Path:
    target = tmp_path / "story"
    shutil.copytree(MINI, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))  # a visibly newer file


def watching_app(tmp_path: Path, story: Path) -> VoskhodApp:
    return VoskhodApp(story, tmp_path / "saves", seed=7, reveal=False, watch=True)


async def poll(app: VoskhodApp, pilot) -> None:  # type: ignore[no-untyped-def]
    app.watcher.interval = 0  # look at the disk now rather than on the next half-second tick
    app.poll_story()
    await app.workers.wait_for_complete()  # the story is read in a thread worker
    await pilot.pause()


async def test_saved_edit_reloads_and_stays_on_the_same_beat(tmp_path: Path) -> None:
    story = story_copy(tmp_path)
    app = watching_app(tmp_path, story)
    notes = record_notifications(app)
    async with app.run_test() as pilot:
        await pilot.press("n", "1")
        assert app.game.state == "walk.outside"
        edit(story / "2_walk.yaml", "The Earth turns below.", "The Black Sea turns below.")
        await poll(app, pilot)
        assert isinstance(app.screen, GameScreen)
        assert app.game.state == "walk.outside"
        assert [s.choice for s in app.game.history] == ["open"]
        assert "The Black Sea turns below." in text_of(app, "#story-text")
        assert any(title == "Story reloaded" for title, _, _ in notes)


async def test_broken_edit_is_reported_and_the_old_story_keeps_playing(tmp_path: Path) -> None:
    story = story_copy(tmp_path)
    app = watching_app(tmp_path, story)
    notes = record_notifications(app)
    async with app.run_test() as pilot:
        await pilot.press("n")
        edit(story / "1_hatch.yaml", "target: walk.outside", "target: walk.nowhere")
        await poll(app, pilot)
        assert isinstance(app.screen, GameScreen)
        failure = [message for title, message, _ in notes if title == "The edited story does not load"]
        assert failure and "V202" in failure[0] and "1_hatch.yaml" in failure[0]
        await pilot.press("1")  # the previous version still plays
        assert app.game.state == "walk.outside"


async def test_problems_screen_updates_and_clears_when_the_story_is_fixed(tmp_path: Path) -> None:
    story = story_copy(tmp_path)
    edit(story / "2_walk.yaml", "target: outside", "target: nowhere")
    app = watching_app(tmp_path, story)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        edit(story / "2_walk.yaml", "target: nowhere", "target: outside")
        await poll(app, pilot)
        assert isinstance(app.screen, TitleScreen)


async def test_the_collector_waits_during_a_reload_and_runs_again_once_it_is_drawn(tmp_path: Path) -> None:
    """Garbage collection is held from the save being noticed until the new text is on the
    terminal (one collection of a large story costs more than the reload), and never left off,
    whether the edit loads or not."""
    from voskhod_game.tui.app import RELOAD_DRAWN_GRACE

    story = story_copy(tmp_path)
    app = watching_app(tmp_path, story)
    async with app.run_test() as pilot:
        await pilot.press("n", "1")
        for old, new in [("The Earth turns below.", "The Moon turns below."), ("target: outside", "target: nowhere")]:
            edit(story / "2_walk.yaml", old, new)
            app.watcher.interval = 0
            app.poll_story()
            assert not gc.isenabled()  # the reload is on its way
            await app.workers.wait_for_complete()
            for _ in range(100):  # the release comes a moment after the new screen is drawn
                await pilot.pause(RELOAD_DRAWN_GRACE)
                if gc.isenabled():
                    break
            assert gc.isenabled()
        assert "The Moon turns below." in text_of(app, "#story-text")
