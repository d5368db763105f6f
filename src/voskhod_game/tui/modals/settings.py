"""Settings: theme, high contrast, the text reveal and the language; applied at once and remembered."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static, Switch

from ...i18n import N_, _, game_languages, language
from ..themes import theme_label

if TYPE_CHECKING:
    from ..app import VoskhodApp


def language_name(lang: str) -> str:
    """A language in its own words (``English``, ``Русский``), so a player finds theirs whatever is shown."""
    from babel import Locale

    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


class SettingsModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", N_("Close"))]

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
                    [(theme_label(name), name) for name in themes],
                    value=settings.theme if settings.theme in themes else "mission-control",
                    allow_blank=False,
                    id="theme",
                )
            with Horizontal(classes="setting"):
                yield Static(_("Language"), classes="setting-label")
                yield Select(
                    [(language_name(lang), lang) for lang in game_languages()],
                    value=language(),
                    allow_blank=False,
                    id="language",
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
        if not isinstance(event.value, str):
            return
        if event.select.id == "language":
            if event.value != language():
                self.voskhod.change_language(event.value)
        elif event.value != self.voskhod.settings.theme:
            self.voskhod.change_settings(theme=event.value)

    def relabel(self) -> None:
        """The language changed: this dialog again in the new one, the language still in hand."""
        self.refresh(recompose=True)
        self.call_after_refresh(lambda: self.query_one("#language", Select).focus())

    def on_switch_changed(self, event: Switch.Changed) -> None:
        if event.switch.id == "high-contrast":
            self.voskhod.change_settings(high_contrast=event.value)
        elif event.switch.id == "reveal":
            self.voskhod.change_settings(reveal=event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
