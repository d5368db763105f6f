"""Shown instead of the game when the story does not validate: every problem, with its place.

Writers see the same ``path:line:col: CODE message`` lines as ``voskhod check``
prints, and can fix the files and press ``r`` to load the story again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...i18n import NP_, _, ngettext
from ...story.diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..app import VoskhodApp


def problems_text(diagnostics: Sequence[Diagnostic]) -> Text:
    text = Text()
    for i, d in enumerate(diagnostics):
        if i:
            text.append("\n")
        text.append(f"{d.path}:{d.line}:{d.col}: ", style="bold")
        text.append(f"{d.code} ", style="bold reverse")
        text.append(f" {d.message}")
        if d.hint:
            text.append("\n    " + _("hint: {hint}").format(hint=d.hint), style="italic")
    return text


class ProblemsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", NP_("key", "Load the story again")),
        Binding("q,escape", "app.leave(1)", NP_("key", "Quit")),
    ]

    def __init__(self, story_dir: str, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__()
        self.story_dir = story_dir
        self.diagnostics = tuple(diagnostics)

    def compose(self) -> ComposeResult:
        count = len(self.diagnostics)
        yield Static(
            ngettext(
                "The story in {folder} cannot be played: {count} problem",
                "The story in {folder} cannot be played: {count} problems",
                count,
            ).format(folder=self.story_dir, count=count),
            id="problems-title",
            markup=False,
        )
        yield Static(_("Fix these in the scene files, then press r to load the story again."), id="problems-help")
        with VerticalScroll(id="problems"):
            yield Static(problems_text(self.diagnostics), id="problems-list")
        yield Footer()

    def action_reload(self) -> None:
        cast("VoskhodApp", self.app).reload_story()
