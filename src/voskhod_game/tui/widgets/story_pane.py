"""The story pane: what just happened, then the current beat, revealed briefly.

New text types out over about half a second so a turn feels like a report
coming in; any key shows the rest at once. The reveal is off when Textual's
animations are off (``TEXTUAL_ANIMATIONS=none``) or the player turned it off.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

REVEAL_SECONDS = 0.6
REVEAL_FRAMES = 30


class StoryPane(VerticalScroll):
    """A scrollable pane holding one Static that may be revealing its text."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._full = Text()
        self._shown = 0
        self._timer: Timer | None = None
        self.reveal_enabled = True
        self._static = Static(id="story-text")

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._static

    @property
    def revealing(self) -> bool:
        return self._timer is not None

    def show(self, text: Text) -> None:
        """Replace the pane's text, typing it out if the reveal is on."""
        self._stop()
        self._full = text
        self.scroll_home(animate=False)
        if not self.reveal_enabled or self.app.animation_level == "none" or len(text) == 0:
            self._shown = len(text)
            self._static.update(text)
            return
        self._shown = 0
        step = max(1, len(text) // REVEAL_FRAMES + 1)
        self._timer = self.set_interval(REVEAL_SECONDS / REVEAL_FRAMES, lambda: self._advance(step))

    def _advance(self, step: int) -> None:
        self._shown = min(len(self._full), self._shown + step)
        self._static.update(self._full[: self._shown])
        if self._shown >= len(self._full):
            self._stop()

    def finish(self) -> bool:
        """Show all of the text now; True if a reveal was cut short."""
        if self._timer is None:
            return False
        self._stop()
        self._shown = len(self._full)
        self._static.update(self._full)
        return True

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
