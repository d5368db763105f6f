"""A dialog that shows a piece of text: how to play, the mission log, history notes, the glossary."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...i18n import N_, _


class TextModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", N_("Close")),
        Binding("up", "scroll('up')", "Scroll up", show=False),
        Binding("down", "scroll('down')", "Scroll down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
    ]

    def __init__(self, title: str, body: RenderableType, *, end: bool = False) -> None:
        super().__init__(classes="modal")
        self._title = title
        self._body = body
        self._end = end

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Static(Text(self._title), classes="dialog-title")  # titles can carry story words
            with VerticalScroll(classes="dialog-scroll", id="text-scroll"):
                yield Static(self._body)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()
        if self._end:
            self.query_one("#text-scroll", VerticalScroll).scroll_end(animate=False)

    def action_scroll(self, how: str) -> None:
        """Scroll the text while focus stays on the Close button."""
        getattr(self.query_one("#text-scroll", VerticalScroll), f"scroll_{how}")(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
