"""The TUI baseline: the smallest Textual app with the widget types of the game screen.

A header, the beat text in a scrolling ``Static``, meters as ``ProgressBar`` with
labels, the choices in an ``OptionList`` and a footer with key bindings: what the
game's first screen shows, without loading a story or running the engine. The
benchmark spawns it in a pseudo-terminal and waits for ``MARKER`` to be drawn.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Label, OptionList, ProgressBar, Static

MARKER = "You float in the airlock"
TEXT = f"{MARKER}. The hatch is *closed*. Oxygen: 20 min."


class MinimalApp(App[None]):
    TITLE = "Mini Mission"
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll():
                yield Static(TEXT)
                yield OptionList("1. Open the hatch", "2. Wait and breathe", "3. Rush out with a racing heart")
            with Vertical():
                for name in ("Oxygen", "Suit pressure", "Heart rate"):
                    yield Label(name)
                    yield ProgressBar(total=100, show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        for bar, value in zip(self.query(ProgressBar), (44, 80, 40), strict=False):
            bar.progress = value


if __name__ == "__main__":
    MinimalApp().run()
