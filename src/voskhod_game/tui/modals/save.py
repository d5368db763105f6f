"""The save dialog: name a slot; a refused or failed save is shown here, not lost.

The save itself runs inside the dialog so that when it fails (a damaged slot
the store refuses to overwrite, a full disk) the player reads why and can pick
another name while the old slot stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ...engine.saves import SaveError, SaveInfo, check_slot_name
from ...i18n import N_, _


class SaveModal(ModalScreen[SaveInfo | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, save: Callable[[str], SaveInfo], suggestion: str = "", existing: tuple[str, ...] = ()) -> None:
        super().__init__(classes="modal")
        self._save = save
        self._suggestion = suggestion
        self._existing = existing

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Save the game"), classes="dialog-title")
            yield Static(_("Slot name: letters, digits, '-', '_' or '.'"), classes="dialog-detail")
            yield Input(value=self._suggestion, placeholder=_("e.g. before-retrofire"), id="slot")
            yield Static("", id="save-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#slot", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        name = event.value.strip()
        note = self.query_one("#save-error", Static)
        note.set_class(False, "-error")
        note.update(_("Replaces the save “{slot}”.").format(slot=name) if name in self._existing else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._attempt(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._attempt(self.query_one("#slot", Input).value)
        else:
            self.dismiss(None)

    def _attempt(self, name: str) -> None:
        note = self.query_one("#save-error", Static)
        try:
            info = self._save(check_slot_name(name))
        except SaveError as exc:
            note.set_class(True, "-error")
            note.update(_("Not saved: {reason}").format(reason=exc))
            field = self.query_one("#slot", Input)
            field.focus()
            field.select_all()  # typing a new name replaces the refused one
            return
        self.dismiss(info)
