"""The keys, listed from ``keys.KEYS`` so the help cannot drift from the bindings."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...i18n import N_, _
from ..keys import KEYS


def keys_table() -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column("where", style="bold", no_wrap=True)
    table.add_column("keys", style="bold", no_wrap=True)
    table.add_column("action", ratio=1)
    last = ""
    for k in KEYS:
        table.add_row(_(k.where) if k.where != last else "", k.keys, _(k.action))
        last = k.where
    return table


class HelpModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss(None)", N_("Close")),
        Binding("up", "scroll('up')", "Scroll up", show=False),
        Binding("down", "scroll('down')", "Scroll down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="modal")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Static(_("Keys"), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll", id="help-scroll"):
                yield Static(keys_table())
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def action_scroll(self, how: str) -> None:
        """Scroll the text while focus stays on the Close button."""
        getattr(self.query_one("#help-scroll", VerticalScroll), f"scroll_{how}")(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
