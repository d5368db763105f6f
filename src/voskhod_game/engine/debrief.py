"""The debrief at an ending: the player's run set beside the real mission.

Everything here is computed from the story's data (comparisons, milestones)
and the game's record (steps, samples), so a writer's own story gets a debrief
without code, and every front end shows the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..i18n import format_day
from ..story.expressions import EvaluationError
from ..story.model import Source
from .clock import format_elapsed, real_time
from .game import Game
from .reference import FactView, facts_of
from .views import EndingView


@dataclass(frozen=True)
class ComparisonLine:
    label: str
    yours: float | None
    real: float
    unit: str
    precision: int
    note: str
    kind: str = "number"  # or "yes_no"; present/debrief.py words the figures in the player's language


@dataclass(frozen=True)
class TimelineLine:
    label: str
    real_minute: float
    yours_minute: float | None
    real_clock: str  # "UTC 08:34"
    yours_clock: str  # "UTC 08:36" or "—"

    @property
    def difference(self) -> float | None:
        return None if self.yours_minute is None else self.yours_minute - self.real_minute


@dataclass(frozen=True)
class Debrief:
    ending: EndingView
    comparisons: tuple[ComparisonLine, ...]
    timeline: tuple[TimelineLine, ...]
    samples: tuple[tuple[float, dict[str, float]], ...]
    path: tuple[str, ...]  # the labels of the choices taken
    minutes: float
    facts: tuple[FactView, ...]  # every fact the run's beats cited
    summary: str = ""  # the story's summary of this run against history, rendered at the end
    sources: tuple[Source, ...] = ()  # every source the story names, for the full fact list

    def series(self, meter: str) -> list[float]:
        """One meter's values over the mission, for charts and sparklines."""
        return [values[meter] for _, values in self.samples if meter in values]


def _clock(game: Game, minute: float) -> str:
    """``UTC 08:34:51``, with the date in front once the mission is past its first day;
    ``T+01:34:51`` for a story without a clock."""
    clock = game.story.clock
    if clock is None:
        return format_elapsed(minute)
    zone = clock.zones[0]
    try:
        when = real_time(clock, minute) + timedelta(minutes=zone.offset_minutes)
        first_day = (real_time(clock, 0) + timedelta(minutes=zone.offset_minutes)).date()
    except OverflowError:  # past the calendar's end (year 9999): the elapsed time still reads
        return format_elapsed(minute)
    day = "" if when.date() == first_day else format_day(when.date(), with_year=False) + " "
    return f"{zone.label} {day}{when:%H:%M:%S}"


def build_debrief(game: Game) -> Debrief:
    """The debrief of a game that has reached an ending."""
    ending = game.ending_view()
    if ending is None:
        raise ValueError("the game has not ended")
    story = game.story
    comparisons = []
    for c in story.comparisons:
        try:
            reached = c.when is None or bool(c.when(game.env))
            yours: float | None = float(c.yours(game.env)) if reached else None
        except (EvaluationError, ArithmeticError, TypeError):
            yours = None
        comparisons.append(ComparisonLine(c.label, yours, c.real, c.unit, c.precision, c.note, c.kind))
    timeline = []
    for m in story.milestones:
        mine = game.milestones.get(m.beat)
        timeline.append(
            TimelineLine(
                m.label, m.real_minute, mine, _clock(game, m.real_minute), "—" if mine is None else _clock(game, mine)
            )
        )
    labels = []
    for step in game.history:
        beat = story.beats.get(step.beat)
        if beat is None:
            continue
        choice = next((c for c in beat.choices if c.id == step.choice), None)
        labels.append(game.render(choice.label) if choice else step.choice)
    return Debrief(
        ending=ending,
        comparisons=tuple(comparisons),
        timeline=tuple(timeline),
        samples=tuple(game.samples),
        path=tuple(labels),
        minutes=game.elapsed,
        facts=facts_of(story, [step.beat for step in game.history]),
        summary=game.render(story.debrief_summary),
        sources=tuple(story.sources.values()),
    )
