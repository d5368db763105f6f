"""Settings: theme, high contrast and the text reveal; applied at once and remembered."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static, Switch

from ...i18n import _

if TYPE_CHECKING:
    from ..app import VoskhodApp


class SettingsModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self) -> None:
        super().__init__(classes="modal")

    @property
    def voskhod(self) -> VoskhodApp:
        return cast("VoskhodApp", self.app)

    def compose(self) -> ComposeResult:
        settings = self.voskhod.settings
        themes = sorted(self.app.available_themes)
        with Vertical(classes="dialog"):
            yield Static(_("Settings"), classes="dialog-title")
            with Horizontal(classes="setting"):
                yield Static(_("Theme"), classes="setting-label")
                yield Select(
                    [(name, name) for name in themes],
                    value=settings.theme if settings.theme in themes else "mission-control",
                    allow_blank=False,
                    id="theme",
                )
            with Horizontal(classes="setting"):
                yield Static(_("High contrast"), classes="setting-label")
                yield Switch(value=settings.high_contrast, id="high-contrast")
            with Horizontal(classes="setting"):
                yield Static(_("Type out new text"), classes="setting-label")
                yield Switch(value=settings.reveal, id="reveal")
            yield Static(
                _("High contrast replaces the theme while it is on. Settings are kept with your saves."),
                id="settings-note",
                classes="dialog-detail",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), id="close", variant="primary")

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.voskhod.change_settings(theme=event.value)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        if event.switch.id == "high-contrast":
            self.voskhod.change_settings(high_contrast=event.value)
        elif event.switch.id == "reveal":
            self.voskhod.change_settings(reveal=event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
