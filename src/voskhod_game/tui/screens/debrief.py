"""The debrief at an ending: outcome, your timeline beside 1965, meter charts, the facts.

Everything shown comes from ``engine.debrief.build_debrief`` so it matches the
line mode and the classroom; this screen only lays it out.
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

from ...engine.clock import format_elapsed
from ...engine.debrief import Debrief, build_debrief
from ...engine.game import Game
from ..text import story_text
from ..widgets.meter_chart import MeterChart

if TYPE_CHECKING:
    from ..app import VoskhodApp

OUTCOME = {"historical": "AS IT HAPPENED", "survived": "SURVIVED", "lost": "LOST"}


def signed_minutes(minutes: float | None) -> str:
    if minutes is None:
        return "not reached"
    if abs(minutes) < 0.5:
        return "on time"
    return f"{abs(minutes):.0f} min {'late' if minutes > 0 else 'early'}"


def comparison_table(d: Debrief) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column("", style="bold", ratio=2)
    table.add_column("You", justify="right", no_wrap=True)
    table.add_column("1965", justify="right", no_wrap=True)
    table.add_column("", style="italic", ratio=3)
    for c in d.comparisons:
        table.add_row(c.label, c.yours_text(), c.real_text(), c.note)
    return table


def timeline_table(d: Debrief, zone: str) -> Table:
    """Milestones with your time and the real one; the zone is in the heading, not every cell."""

    def clock(text: str) -> str:
        return text.removeprefix(f"{zone} ")

    table = Table(box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column("Milestone", style="bold", ratio=1)
    table.add_column("You", justify="right", no_wrap=True)
    table.add_column("1965", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for t in d.timeline:
        table.add_row(t.label, clock(t.yours_clock), clock(t.real_clock), signed_minutes(t.difference))
    return table


class DebriefScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "replay", "Replay"),
        Binding("n", "app.new_game", "New game"),
        Binding("u", "undo", "Undo"),
        Binding("escape", "app.to_title", "Title"),
        Binding("q", "app.request_quit", "Quit"),
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

    @property
    def voskhod(self) -> VoskhodApp:
        return cast("VoskhodApp", self.app)

    def compose(self) -> ComposeResult:
        d = self.debrief
        game = self.game
        with VerticalScroll(id="debrief"):
            yield Static(
                Text(f"{OUTCOME[d.ending.type]} · {d.ending.title}"), id="outcome", classes=f"-{d.ending.type}"
            )
            yield Static(story_text(d.ending.text), classes="debrief-text")
            summary = f"Mission time {format_elapsed(d.minutes)} · {len(d.path)} choices"
            if d.ending.cause:
                summary += f" · cause: {d.ending.cause}"
            yield Static(summary, classes="debrief-summary", markup=False)
            if d.ending.debrief:
                yield Static("What really happened", classes="debrief-heading")
                yield Static(story_text(d.ending.debrief), classes="debrief-text")
            if d.timeline:
                zone = game.story.clock.zones[0].label if game.story.clock.zones else ""
                yield Static(f"Your timeline and the real one ({zone})", classes="debrief-heading", markup=False)
                yield Static(timeline_table(d, zone), classes="debrief-table")
            if d.comparisons:
                yield Static("Your run beside 1965", classes="debrief-heading")
                yield Static(comparison_table(d), classes="debrief-table")
            yield Static("Your meters over the mission", classes="debrief-heading")
            for meter in game.story.meters.values():
                if meter.hidden:
                    continue
                points = [(t, v[meter.name]) for t, v in d.samples if meter.name in v]
                yield MeterChart(meter, points, classes="debrief-chart")
            if d.facts:
                yield Static("The record", classes="debrief-heading")
                facts = Text()
                for i, (fid, fact) in enumerate(d.facts):
                    if i:
                        facts.append("\n")
                    facts.append(f"[{fid}] ", style="bold")
                    facts.append(fact)
                yield Static(facts, classes="debrief-text")
        with Horizontal(id="debrief-buttons"):
            yield Button("Replay", id="replay", variant="primary")
            yield Button("New game", id="new")
            yield Button("Undo last choice", id="undo", disabled=not game.can_undo)
            yield Button("Title", id="title")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#replay", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"replay": self.action_replay, "new": self.voskhod.new_game, "undo": self.action_undo}
        actions.get(event.button.id or "", self.voskhod.action_to_title)()

    def action_scroll(self, how: str) -> None:
        """The debrief scrolls from the keyboard while focus stays on the buttons."""
        pane = self.query_one("#debrief", VerticalScroll)
        getattr(pane, f"scroll_{how}")(animate=False)

    def action_replay(self) -> None:
        self.voskhod.new_game(seed=self.game.seed)

    def action_undo(self) -> None:
        self.voskhod.action_undo()
