"""The debrief at an ending: outcome, the story's summary of the run, your timeline beside the real one,
meter charts; the full fact list with its sources is one key away (f).

The figures come from ``engine.debrief.build_debrief`` and the words from
``present.debrief``, so they match line mode and the classroom; this screen only
lays them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from ...engine.debrief import build_debrief
from ...engine.game import Game
from ...i18n import NP_, _
from ...present.debrief import DebriefRows, debrief_rows
from ...present.reference import FACTS_TITLE
from ..reference import facts_text
from ..text import story_text
from ..widgets.meter_chart import MeterChart

if TYPE_CHECKING:
    from ..app import VoskhodApp


def comparison_table(rows: DebriefRows) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column("", style="bold", ratio=2)
    table.add_column(_("You"), justify="right", no_wrap=True)
    table.add_column(Text(rows.reference_label), justify="right", no_wrap=True)
    table.add_column("", style="italic", ratio=3)
    for c in rows.comparisons:
        table.add_row(Text(c.label), Text(c.yours), Text(c.reference), Text(c.note))
    return table


def timeline_table(rows: DebriefRows) -> Table:
    """Milestones with your time and the real one; the zone is in the heading, not every cell."""
    table = Table(box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column(_("Milestone"), style="bold", ratio=1)
    table.add_column(_("You"), justify="right", no_wrap=True)
    table.add_column(Text(rows.reference_label), justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for t in rows.timeline:
        table.add_row(Text(t.label), Text(t.yours), Text(t.reference), Text(t.difference))
    return table


class DebriefScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "replay", NP_("key", "Replay")),
        Binding("n", "app.new_game", NP_("key", "New game")),
        Binding("u", "undo", NP_("key", "Undo")),
        Binding("f", "facts", NP_("key", "Facts")),
        Binding("escape", "app.to_title", NP_("key", "Title")),
        Binding("q", "app.request_quit", NP_("key", "Quit")),
        Binding("up", "scroll('up')", "Scroll up", show=False),
        Binding("down", "scroll('down')", "Scroll down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
        Binding("home", "scroll('home')", "Top", show=False),
        Binding("end", "scroll('end')", "Bottom", show=False),
    ]

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game
        self.debrief = build_debrief(game)
        self.rows = debrief_rows(self.debrief, game.story)

    @property
    def voskhod(self) -> VoskhodApp:
        return cast("VoskhodApp", self.app)

    def compose(self) -> ComposeResult:
        d = self.debrief
        rows = self.rows
        game = self.game
        with VerticalScroll(id="debrief"):
            yield Static(Text(f"{rows.kind.upper()} · {rows.title}"), id="outcome", classes=f"-{d.ending.type}")
            if rows.points:
                yield Static(Text(rows.points_heading), classes="debrief-heading")
                summary = Text()
                for i, point in enumerate(rows.points):
                    summary.append("\n• " if i else "• ")
                    summary.append_text(story_text(point))
                yield Static(summary, id="debrief-points", classes="debrief-text")
            yield Static(story_text(d.ending.text), classes="debrief-text")
            yield Static(rows.summary, classes="debrief-summary", markup=False)
            if d.ending.debrief:
                yield Static(_("What really happened"), classes="debrief-heading")
                yield Static(story_text(d.ending.debrief), classes="debrief-text")
            if rows.timeline:
                yield Static(rows.timeline_heading, classes="debrief-heading", markup=False)
                yield Static(timeline_table(rows), classes="debrief-table")
            if rows.comparisons:
                yield Static(rows.comparison_heading, classes="debrief-heading", markup=False)
                yield Static(comparison_table(rows), classes="debrief-table")
            yield Static(_("Your meters over the mission"), classes="debrief-heading")
            for meter in game.story.meters.values():
                if meter.hidden:
                    continue
                points = [(t, v[meter.name]) for t, v in d.samples if meter.name in v]
                yield MeterChart(meter, points, classes="debrief-chart")
        with Horizontal(id="debrief-buttons"):
            yield Button(_("Replay"), id="replay", variant="primary")
            yield Button(_("New game"), id="new")
            yield Button(_("Undo last choice"), id="undo", disabled=not game.can_undo)
            if rows.facts or rows.sources:
                yield Button(_("Facts and sources"), id="facts")
            yield Button(_("Title"), id="title")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#replay", Button).focus()

    def relabel(self) -> None:
        """The language changed: the debrief's words again in the new one."""
        self.rows = debrief_rows(self.debrief, self.game.story)
        self.refresh(recompose=True)
        self.call_after_refresh(lambda: self.query_one("#replay", Button).focus())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "replay": self.action_replay,
            "new": self.voskhod.new_game,
            "undo": self.action_undo,
            "facts": self.action_facts,
        }
        actions.get(event.button.id or "", self.voskhod.action_to_title)()

    def action_scroll(self, how: str) -> None:
        """The debrief scrolls from the keyboard while focus stays on the buttons."""
        pane = self.query_one("#debrief", VerticalScroll)
        getattr(pane, f"scroll_{how}")(animate=False)

    def action_replay(self) -> None:
        self.voskhod.new_game(seed=self.game.seed)

    def action_facts(self) -> None:
        from ..modals.text_modal import TextModal

        self.app.push_screen(TextModal(_(FACTS_TITLE), facts_text(self.rows.facts, self.rows.sources)))

    def action_undo(self) -> None:
        self.voskhod.action_undo()
