"""The TUI baseline: the smallest Textual app with the game's screens and widget types.

A title screen (the story's title, the menu in an ``OptionList``, a note) and a
game screen (a top bar, the beat text in a scrolling ``Static``, the choices in
an ``OptionList``, meters as ``Label`` + ``ProgressBar``, a log, a footer).
It shows the same words the game shows, from a script the benchmark writes
(``python minimal_app.py SCRIPT.json``): ``n`` opens the first page, a number
key shows the next page. It loads no story and runs no engine, keeps no save,
and updates only what a page changes: the floor for drawing these screens.
"""

from __future__ import annotations

import json
import sys
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, ProgressBar, Static


def load_script(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class GameScreen(Screen[None]):
    BINDINGS: ClassVar = [(str(n), "next_page", f"Choice {n}") for n in range(1, 10)] + [("q", "app.quit", "Quit")]

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        super().__init__()
        self.pages = pages
        self.page = 0

    def compose(self) -> ComposeResult:
        first = self.pages[0]
        with Horizontal(id="topbar"):
            yield Static(first["scene"], markup=False)
            yield Static(first["clock"], markup=False)
        with Horizontal():
            with Vertical():
                with VerticalScroll():
                    yield Static(Text(first["text"]), id="text")
                yield OptionList(*first["choices"], id="choices")
            with Vertical(id="side"):
                self.bars = []
                self.values = []
                for label, value, lo, hi in first["meters"]:
                    yield Label(label)
                    self.values.append(Label(f"{value:g}"))
                    yield self.values[-1]
                    bar = ProgressBar(total=hi - lo, show_eta=False)
                    bar.progress = value - lo
                    self.bars.append(bar)
                    yield bar
                with VerticalScroll():
                    yield Static(Text(first["log"]), id="log")
        yield Footer()

    def action_next_page(self) -> None:
        self.page = (self.page + 1) % len(self.pages)
        page = self.pages[self.page]
        self.query_one("#text", Static).update(Text(page["text"]))
        self.query_one("#choices", OptionList).set_options(page["choices"])
        for (_, value, lo, _), bar, shown in zip(page["meters"], self.bars, self.values, strict=False):
            bar.progress = value - lo
            shown.update(f"{value:g}")
        self.query_one("#log", Static).update(Text(page["log"]))


class TitleScreen(Screen[None]):
    BINDINGS: ClassVar = [("n", "new_game", "New game"), ("q", "app.quit", "Quit")]

    def __init__(self, script: dict[str, Any]) -> None:
        super().__init__()
        self.script = script

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.script["title"], markup=False)
            yield OptionList(*self.script["menu"])
            yield Static(self.script["note"], markup=False)
        yield Footer()

    def action_new_game(self) -> None:
        self.app.switch_screen(GameScreen(self.script["pages"]))


class MinimalApp(App[None]):
    def __init__(self, script: dict[str, Any]) -> None:
        super().__init__()
        self.script = script

    def on_mount(self) -> None:
        self.title = self.script["title"]
        self.push_screen(TitleScreen(self.script))


if __name__ == "__main__":
    MinimalApp(load_script(sys.argv[1])).run()
