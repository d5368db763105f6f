"""The game screen: scene bar and clock, story pane, choices, meters and mission log.

It renders ``game.view()`` after every change and turns a ``ChoiceResult`` into
text in the story pane and notifications; the app owns the game, the saves and
the moves between screens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from ...engine.game import Game, GameError
from ...engine.views import ChoiceResult, View
from ...i18n import N_, NP_, _
from ...present.choices import choice_line
from ...present.durations import format_duration
from ...present.events import HEADING, announcements, gravest
from ...present.reference import GLOSSARY_TITLE, NOTES_TITLE, basis_label, has_notes, notes_of
from ..reference import glossary_text, notes_text
from ..text import story_text
from ..widgets.choices import ChoiceList
from ..widgets.meters import MetersPanel
from ..widgets.mission_log import log_text
from ..widgets.story_pane import StoryPane

if TYPE_CHECKING:
    from ..app import VoskhodApp

MISSION_LOG = N_("Mission log")
LOG_LINES = 200  # the panel scrolls; the full log is one key away (m)
NOTIFY_SECONDS = 5


def result_text(result: ChoiceResult) -> Text:
    """What the last choice did, shown above the new beat."""
    text = Text()
    cost = format_duration(result.minutes)
    text.append("› ", style="bold")
    if cost:
        text.append(f"[{cost}] ", style="dim")
    text.append(result.label, style="bold")
    if result.result_text.strip():
        text.append("\n")
        text.append_text(story_text(result.result_text, style="italic"))
    for announcement in announcements(result.events):
        text.append("\n")
        text.append(announcement.line, style="bold")
    return text


class GameScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"choose({n})", f"Choice {n}", show=False) for n in range(1, 10)),
        Binding("s", "app.save", NP_("key", "Save")),
        Binding("l", "app.load", "Load", show=False),  # in the palette and the keys list; the footer keeps 80 columns
        Binding("u", "app.undo", NP_("key", "Undo")),
        Binding("m", "mission_log", NP_("key", "Log")),
        Binding("h", "notes", NP_("key", "Notes")),
        Binding("g", "glossary", NP_("key", "Glossary")),
        Binding("pageup", "scroll_story(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_story(1)", "Scroll down", show=False, priority=True),
        Binding("escape", "app.to_title", NP_("key", "Title")),
        Binding("q", "app.request_quit", NP_("key", "Quit")),
    ]

    def __init__(self, game: Game, *, reveal: bool = True, intro: str = "") -> None:
        super().__init__()
        self.game = game
        self.reveal = reveal
        self.intro = intro  # shown above the first beat of a new game, until the first choice
        self._last: ChoiceResult | None = None

    @property
    def voskhod(self) -> VoskhodApp:
        return cast("VoskhodApp", self.app)

    def compose(self) -> ComposeResult:
        # The parts that change after a choice are kept, not queried each time.
        self._scene_label = Static("", id="scene-label")
        self._clock_label = Static("", id="clock-label")
        self._clock_date = Static("", id="clock-date")
        self._pane = StoryPane(id="story")
        self._choices = ChoiceList(id="choices")
        self._meters = MetersPanel(self.game.view().meters, id="meters")
        self._log = VerticalScroll(id="log")
        self._log_text = Static("", id="log-text")
        self._shown: dict[str, object] = {}  # what each Static shows now, so unchanged ones are left alone
        with Horizontal(id="topbar"):
            yield self._scene_label
            yield self._clock_label
            yield self._clock_date
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield self._pane
                yield self._choices
            with Vertical(id="side"):
                yield self._meters
                with self._log:
                    yield self._log_text
        yield Footer(compact=True)  # every key of the game fits in 80 columns

    def can_take(self, game: Game) -> bool:
        """Whether this screen can show ``game`` in place: the same meters, so the same rows."""
        return [m.name for m in game.view().meters] == [m.name for m in self.game.view().meters]

    def take_over(self, game: Game) -> None:
        """Show ``game`` (the same game carried into a reloaded story) on this screen, as a new
        screen would show it: without the intro and the last result."""
        self.game = game
        self.intro = ""
        self.render_view(game.last_result)

    def on_mount(self) -> None:
        self._pane.reveal_enabled = self.reveal
        self._log.border_title = _(MISSION_LOG)
        self.render_view(self.game.last_result)
        self._choices.focus()

    def relabel(self) -> None:
        """The language changed: the same view in the new one."""
        self._log.border_title = _(MISSION_LOG)
        self.render_view(self.game.last_result)

    def _update(self, widget: Static, content: Text | str) -> None:
        """Update a Static only when what it shows changes (an update re-lays out the screen)."""
        key = widget.id or ""
        if self._shown.get(key) != content:
            self._shown[key] = content
            widget.update(content)

    # -- showing ---------------------------------------------------------------
    def render_view(self, result: ChoiceResult | None = None) -> None:
        view = self.game.view()
        self._show_bar(view)
        self._meters.show(view.meters, self.game.samples)
        self._update(self._log_text, log_text(self.game.log, LOG_LINES))
        self.call_after_refresh(self._log.scroll_end, animate=False)  # once the new lines are laid out
        self._choices.show(view.choices)
        text = Text()
        if self.intro and not self.game.history:
            text.append_text(story_text(self.intro, style="italic"))
            text.append("\n\n")
        if result is not None:
            text.append_text(result_text(result))
            text.append("\n\n")
        if view.title:
            text.append(view.title + "\n", style="bold underline")
        tag, notes = basis_label(view.basis), has_notes(view)
        if tag:
            text.append(tag, style="dim italic")
        if notes:
            text.append("  " + _("(h: notes)") if tag else _("(h: history notes)"), style="dim")
        if tag or notes:
            text.append("\n")
        text.append_text(story_text(view.text))
        self._pane.show(text)

    def _show_bar(self, view: View) -> None:
        scene = Text()
        scene.append(
            _("Scene {number} of {count}").format(number=view.scene_number, count=view.scene_count), style="bold"
        )
        scene.append(f"  {view.scene_title}")
        self._update(self._scene_label, scene)
        clock = Text()
        clock.append(view.clock.elapsed, style="bold")
        for label, time in view.clock.zones:
            clock.append(f"  {label} {time}")
        self._update(self._clock_label, clock)
        self._update(self._clock_date, f"  {view.clock.date}")

    # -- acting ------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """Any key first finishes a reveal in progress, and does nothing else."""
        if self._pane.finish():
            event.stop()
            event.prevent_default()

    def action_choose(self, number: int) -> None:
        if self._pane.finish():
            return
        view = self.game.view()
        choice = next((c for c in view.choices if c.number == number), None)
        if choice is None:
            return
        if not choice.enabled:
            self.notify(choice_line(choice).refusal, title=_("Not possible now"), severity="warning", markup=False)
            return
        self.take(choice.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.take(event.option.id)

    def take(self, choice_id: str) -> None:
        try:
            result = self.game.choose(choice_id)
        except GameError as exc:
            self.notify(str(exc), title=_("Not possible"), severity="warning", markup=False)
            return
        self.voskhod.autosave()
        self._announce(result)
        if result.ending is not None:
            self.voskhod.show_debrief()
            return
        self.render_view(result)

    def _announce(self, result: ChoiceResult) -> None:
        """One notification per choice, however many meters moved, at the gravest severity."""
        told = announcements(result.events)
        if told:
            self.notify(
                "\n".join(a.text for a in told),
                title=_(HEADING),
                severity=gravest(told),
                timeout=NOTIFY_SECONDS,
                markup=False,
            )

    def action_scroll_story(self, direction: int) -> None:
        pane = self._pane
        if direction < 0:
            pane.scroll_page_up()
        else:
            pane.scroll_page_down()

    def action_notes(self) -> None:
        from ..modals.text_modal import TextModal

        view = self.game.view()
        title = f"{_(NOTES_TITLE)}: {view.title}" if view.title else _(NOTES_TITLE)
        self.app.push_screen(TextModal(title, notes_text(notes_of(view))))

    def action_glossary(self) -> None:
        from ..modals.text_modal import TextModal

        self.app.push_screen(TextModal(_(GLOSSARY_TITLE), glossary_text(self.game.glossary(), self.game.view().terms)))

    def action_mission_log(self) -> None:
        from ..modals.text_modal import TextModal

        self.app.push_screen(TextModal(_(MISSION_LOG), log_text(self.game.log), end=True))
