"""The load dialog: every slot with its scene, mission time and date.

Slots that cannot be loaded (damaged files, saves of another story, other
formats) are listed too, dimmed, with the reason, so a player never wonders
where a save went.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ...engine.saves import SaveInfo
from ...i18n import N_, _


def usable(info: SaveInfo, story_id: str) -> tuple[bool, str]:
    if not info.ok:
        return False, info.problem
    if info.story_id != story_id:
        return False, _("a save of another story (“{title}”)").format(title=info.story_title or info.story_id)
    return True, ""


def slot_prompt(info: SaveInfo, story_id: str) -> Text:
    ok, reason = usable(info, story_id)
    text = Text()
    text.append(info.slot, style="bold")
    if ok:
        where = _("Ended") if info.ended else (info.scene_title or info.beat)
        saved = _("saved {when}").format(when=info.saved_at)
        text.append(f"\n  {where} · {info.mission_time} · {saved}")
    else:
        text.append("\n  ✗ " + _("cannot be loaded: {reason}").format(reason=reason), style="italic")
    return text


class LoadModal(ModalScreen[str | None]):
    """Dismisses with the chosen slot name, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, infos: Sequence[SaveInfo], story_id: str, directory: str) -> None:
        super().__init__(classes="modal")
        self._infos = tuple(infos)
        self._story_id = story_id
        self._directory = directory

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Static(_("Load a saved game"), classes="dialog-title")
            if self._infos:
                options = [
                    Option(slot_prompt(i, self._story_id), id=i.slot, disabled=not usable(i, self._story_id)[0])
                    for i in self._infos
                ]
                yield OptionList(*options, id="slots")
            else:
                yield Static(
                    _("No saves yet in {folder}.").format(folder=self._directory), classes="dialog-detail", markup=False
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        lists = self.query("#slots").results(OptionList)
        slots = next(lists, None)
        if slots is not None:
            slots.focus()
        else:
            self.query_one("#cancel", Button).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
