"""Snapshots of the TUI at 80×24 and 120×40 (pytest-textual-snapshot).

Deterministic: fixed seed, saves in tmp_path with fixed dates, no text reveal,
notifications cleared, and nothing shown that depends on the wall clock.
Update after an intended change with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_support import MINI, fixed_save, make_app

from voskhod_game.engine.game import Game
from voskhod_game.engine.saves import SaveStore
from voskhod_game.i18n import set_language
from voskhod_game.story import load_story
from voskhod_game.tui.app import VoskhodApp

CREVASSE = Path(__file__).resolve().parents[2] / "examples" / "crevasse"

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def playing(*keys: str):  # type: ignore[no-untyped-def]
    """A run_before that presses ``keys`` and then clears the notifications they raised,
    so snapshots show the screen, not toasts that would be gone in a few seconds."""

    async def run(pilot: Pilot) -> None:
        await pilot.press(*keys)
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES)
def test_title(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=playing())


@pytest.mark.parametrize("size", SIZES)
def test_game_start_all_meters_ok(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=playing("n"))


@pytest.mark.parametrize("size", SIZES)
def test_game_with_ok_warn_and_critical_meters(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # oxygen ok, suit pressure warn, heart rate critical
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=playing("n", "3", "2", "1", "1", "1"))


@pytest.mark.parametrize("size", SIZES)
def test_load_modal(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = SaveStore(tmp_path / "saves")
    game = Game.new(load_story(MINI), seed=7)
    fixed_save(store, "at-the-hatch", game, age=0)
    game.choose("open")
    fixed_save(store, "outside", game, age=10)
    (store.directory / "damaged.json").write_text("{", encoding="utf-8")
    import os

    os.utime(store.directory / "damaged.json", (999_999_000, 999_999_000))
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=playing("l"))


@pytest.mark.parametrize("size", SIZES)
def test_debrief(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=playing("n", "3", "1", "3"))


@pytest.mark.parametrize("size", SIZES)
def test_settings(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=playing("s"))


@pytest.mark.parametrize("size", SIZES)
def test_game_in_russian(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The footer's keys in Russian still fit 80 columns (shorter words in the ``key`` context)."""
    set_language("ru")
    app = VoskhodApp(CREVASSE, tmp_path / "saves", seed=5, reveal=False, lang="ru")
    assert snap_compare(app, terminal_size=size, run_before=playing("n"))
