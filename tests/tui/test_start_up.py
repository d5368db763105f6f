"""Start-up: the title screen in the player's look from its first frame, and the story read the fast way.

A game that is not watched revives the checked story kept from an earlier start
(``story/compiled.py``) instead of checking it again; a story with errors is
never kept, so its problems are listed as a full check finds them. A writer's
``--watch`` session always checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.color import Color
from tui_support import MINI, make_app, text_of

import voskhod_game.watch as watch
from voskhod_game.story.loader import analyse_story
from voskhod_game.tui.screens.problems import ProblemsScreen
from voskhod_game.tui.screens.title import TitleScreen
from voskhod_game.tui.settings import Settings, save_settings


@pytest.mark.parametrize(("theme", "high_contrast"), [("nord", False), ("textual-light", False), ("", True)])
async def test_the_remembered_look_is_there_from_the_first_frame(
    tmp_path: Path, theme: str, high_contrast: bool
) -> None:
    save_settings(tmp_path / "saves", Settings(theme=theme or "mission-control", high_contrast=high_contrast))
    app = make_app(tmp_path)
    expected = "high-contrast" if high_contrast else theme
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        looks = app.get_theme(expected)
        assert looks is not None and app.theme == expected
        assert app.screen.styles.background == Color.parse(looks.background or "")
        assert app.has_class(f"-theme-{expected}")
        assert app.has_class("-dark-mode") == looks.dark and app.has_class("-light-mode") != looks.dark
        assert app.has_class("-high-contrast") == high_contrast
        # changing it later restyles the screen as before
        app.change_settings(theme="textual-light" if theme != "textual-light" else "nord", high_contrast=False)
        await pilot.pause()
        after = app.get_theme(app.theme)
        assert after is not None and app.screen.styles.background == Color.parse(after.background or "")
        assert not app.has_class(f"-theme-{expected}")


def observe_analysis(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record each full check the app asks for (the cached path does not ask)."""
    checked: list[Path] = []

    def analysed(root: Path, *args: object, **kwargs: object) -> object:
        checked.append(Path(root))
        return analyse_story(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watch, "analyse_story", analysed)
    return checked


async def test_a_second_start_revives_the_checked_story(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOSKHOD_CACHE", str(tmp_path / "cache"))
    story = Path(shutil.copytree(MINI, tmp_path / "mini"))
    checked = observe_analysis(monkeypatch)
    titles = []
    for _ in range(2):
        app = make_app(tmp_path, story)
        async with app.run_test() as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, TitleScreen)
            titles.append(text_of(app, "#continue-note") + text_of(app, "#story-title"))
            await pilot.press("n")  # the revived story plays
            await pilot.pause()
            assert app.game is not None and app.game.state == app.game.story.start
    assert checked == []
    assert titles[0] == titles[1] and "No autosave yet" in titles[0]
    assert list((tmp_path / "cache" / "stories").glob("*.bin"))


async def test_a_story_with_errors_lists_what_a_full_check_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOSKHOD_CACHE", str(tmp_path / "cache"))
    story = Path(shutil.copytree(MINI, tmp_path / "broken"))
    walk = story / "2_walk.yaml"
    walk.write_text(walk.read_text(encoding="utf-8").replace("target: outside", "target: nowhere"), encoding="utf-8")
    hatch = story / "1_hatch.yaml"
    hatch.write_text(hatch.read_text(encoding="utf-8").replace("target: inside", "target: insde"), encoding="utf-8")
    errors = [d for d in analyse_story(story)[1] if d.severity == "error"]
    assert len(errors) >= 2
    for _ in range(2):  # and again: a story with errors is never kept
        app = make_app(tmp_path, story)
        async with app.run_test() as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ProblemsScreen)
            listing = text_of(app, "#problems-list")
            for d in errors:
                assert f"{d.path}:{d.line}:{d.col}" in listing and d.code in listing
    assert not list((tmp_path / "cache" / "stories").glob("*.bin"))


async def test_a_watched_game_checks_the_story_from_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOSKHOD_CACHE", str(tmp_path / "cache"))
    story = Path(shutil.copytree(MINI, tmp_path / "mini"))
    app = make_app(tmp_path, story)
    async with app.run_test() as pilot:  # keeps the checked story
        await app.workers.wait_for_complete()
        await pilot.pause()
    checked = observe_analysis(monkeypatch)
    watched = make_app(tmp_path, story)
    watched.watch_story = True
    async with watched.run_test() as pilot:
        await watched.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(watched.screen, TitleScreen) and watched.story is not None
    assert checked == [story]
