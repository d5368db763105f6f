"""Helpers for the TUI tests: a deterministic app on the mini story, and notification capture."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from voskhod_game.engine.game import Game
from voskhod_game.engine.saves import SaveStore
from voskhod_game.tui.app import VoskhodApp

MINI = Path(__file__).resolve().parent.parent / "fixtures" / "mini"
SEED = 7
FIXED_SAVED_AT = "1965-03-19 09:00:00 UTC"


def make_app(tmp_path: Path, story: Path = MINI, *, seed: int = SEED, load: str | None = None) -> VoskhodApp:
    """The app with its saves (and settings) in ``tmp_path``, fixed dice and no text reveal."""
    return VoskhodApp(story, tmp_path / "saves", seed=seed, load=load, reveal=False)


def record_notifications(app: VoskhodApp) -> list[tuple[str, str, str]]:
    """Capture (title, message, severity) of every notification the app raises."""
    seen: list[tuple[str, str, str]] = []
    original = app.notify

    def notify(message: str, *, title: str = "", severity: str = "information", **kwargs: object) -> None:
        seen.append((title, message, severity))
        original(message, title=title, severity=severity, **kwargs)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return seen


def text_of(app: VoskhodApp, selector: str) -> str:
    """The plain text a Static shows, or a widget that draws itself (a meter row) renders."""
    widget = app.screen.query_one(selector)
    content = widget.content if isinstance(widget, Static) else widget.render()
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as cap:
        console.print(content, markup=False)
    return cap.get()


def fixed_save(store: SaveStore, slot: str, game: Game, age: int = 0) -> None:
    """A save whose date and file time do not depend on when the test runs."""
    info = store.save(slot, game)
    data = json.loads(info.path.read_text(encoding="utf-8"))
    data["saved_at"] = FIXED_SAVED_AT
    info.path.write_text(json.dumps(data), encoding="utf-8")
    stamp = 1_000_000_000 - age
    os.utime(info.path, (stamp, stamp))
