"""The title screen: the story's art (or its title in large letters), its title, and the menu."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...i18n import N_, _
from ..lettering import large_title

if TYPE_CHECKING:
    from ..app import VoskhodApp

MENU = (  # the key is the English initial in every language, as the help and docs say
    ("new", N_("New game"), "n"),
    ("continue", N_("Continue"), "c"),
    ("load", N_("Load"), "l"),
    ("howto", N_("How to play"), "h"),
    ("settings", N_("Settings"), "s"),
    ("quit", N_("Quit"), "q"),
)


def emblem(art: str) -> str:
    """The art with every line the same width, so centring moves it as one block."""
    lines = art.strip("\n").splitlines()
    width = max((len(line) for line in lines), default=0)
    return "\n".join(line.ljust(width) for line in lines)


class TitleScreen(Screen[None]):
    """The menu shows each entry's key, so the footer does not repeat them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "menu('new')", "New game", show=False),
        Binding("c", "menu('continue')", "Continue", show=False),
        Binding("l", "menu('load')", "Load", show=False),
        Binding("h", "menu('howto')", "How to play", show=False),
        Binding("s", "menu('settings')", "Settings", show=False),
        Binding("q", "menu('quit')", "Quit", show=False),
    ]

    @property
    def voskhod(self) -> VoskhodApp:
        return cast("VoskhodApp", self.app)

    _tagline_of: object = None  # the story whose opening words the tagline shows

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Static("", id="emblem")
            yield Static("", id="story-title", markup=False)
            yield Static("", id="tagline", markup=False)
            with Center():
                yield OptionList(id="menu")
            yield Static("", id="continue-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_menu()

    def on_screen_resume(self) -> None:
        self.refresh_menu()

    def refresh_menu(self) -> None:
        """Rebuild the menu; Continue is dimmed when there is no autosave to continue."""
        app = self.voskhod
        story = app.story
        self.query_one("#emblem", Static).update(
            Text(emblem(story.title_art or large_title(story.title)) if story else "")
        )
        self.query_one("#story-title", Static).update(story.title if story else "")
        if story is not None and story is not self._tagline_of:
            self.call_after_refresh(self._show_tagline)  # after the menu is usable: rendering starts a game
        note = ""
        can_continue = False
        info = app.store.latest_autosave(story) if story else None
        if story is None:
            note = _("Loading the story…")
        elif info is None:
            note = _("No autosave yet: start a new game.")
        elif not info.ok:
            note = _("The autosave cannot be loaded: {problem}").format(problem=info.problem)
        else:
            can_continue = True
            where = _("an ending") if info.ended else info.scene_title
            note = _("Continue: {where}, {time}").format(where=where, time=info.mission_time)
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        options = []
        for key, label, shortcut in MENU:
            prompt = Text.assemble((shortcut.upper(), "bold underline"), "  ", _(label))
            options.append(Option(prompt, id=key, disabled=key == "continue" and not can_continue))
        menu.set_options(options)
        menu.highlighted = highlighted if highlighted is not None else (1 if can_continue else 0)
        self.query_one("#continue-note", Static).update(note)
        menu.focus()

    def _show_tagline(self) -> None:
        """The story's opening words under its title, as a new game would show them."""
        from ...engine.game import opening_text
        from ...present.text import first_paragraph

        story = self.voskhod.story
        taglines = list(self.query("#tagline").results(Static))  # none once a game replaced this screen
        if story is not None and story is not self._tagline_of and taglines:
            self._tagline_of = story
            taglines[0].update(first_paragraph(opening_text(story)))

    def relabel(self) -> None:
        """The language changed: the menu and the note in the new one."""
        self.refresh_menu()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_menu(event.option.id or "")

    def action_menu(self, key: str) -> None:
        app = self.voskhod
        if key == "new":
            app.new_game()
        elif key == "continue":
            app.continue_game()
        elif key == "load":
            app.action_load()
        elif key == "howto":
            app.action_how_to_play()
        elif key == "settings":
            app.action_settings()
        elif key == "quit":
            app.exit(0)
