"""The debrief as rows: the run beside the story's reference figures, the timeline, the summary.

The engine's :func:`~voskhod_game.engine.debrief.build_debrief` computes the
figures; this module words them. The reference column is headed by the story's
``reference_label`` (``1965`` for Voskhod-2, ``history`` by default), never by a
year written in Python, and a stage the run never reached reads ``—``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.debrief import ComparisonLine, Debrief
from ..i18n import N_, NO, YES, _, ngettext
from ..story.model import Story
from .durations import format_elapsed, signed_minutes
from .endings import ending_kind
from .meters import quantity
from .reference import FactRow, SourceRow, fact_rows, source_rows, summary_points

NOT_REACHED = "—"
ELAPSED_ZONE = N_("time since the start")


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    yours: str
    reference: str
    note: str


@dataclass(frozen=True)
class TimelineRow:
    label: str
    yours: str  # the clock time without the zone (the heading names it), or NOT_REACHED
    reference: str
    difference: str  # "on time", "4 min late", "not reached"


@dataclass(frozen=True)
class DebriefRows:
    kind: str  # "As it happened", "Survived", "Lost"
    title: str
    reference_label: str
    zone: str  # the timeline's clock, e.g. "UTC"; ELAPSED_ZONE for a story without a clock
    comparisons: tuple[ComparisonRow, ...]
    timeline: tuple[TimelineRow, ...]
    mission_time: str  # "T+03:12:00"
    choices: int
    cause: str
    points: tuple[str, ...] = ()  # the story's summary of this run, one point each; it leads the debrief
    facts: tuple[FactRow, ...] = ()  # the full fact list, one key or link away
    sources: tuple[SourceRow, ...] = ()

    @property
    def points_heading(self) -> str:
        return _("Your run against {reference}").format(reference=self.reference_label)

    @property
    def comparison_heading(self) -> str:
        return _("Your run beside {reference}").format(reference=self.reference_label)

    @property
    def timeline_heading(self) -> str:
        return _("Your timeline and the real one ({zone})").format(zone=self.zone)

    @property
    def summary(self) -> str:
        """``Mission time T+03:12:00 · 14 choices · cause: hypoxia``."""
        parts = [
            _("Mission time {time}").format(time=self.mission_time),
            ngettext("{n} choice", "{n} choices", self.choices).format(n=self.choices),
        ]
        if self.cause:
            parts.append(_("cause: {cause}").format(cause=self.cause))
        return " · ".join(parts)


def comparison_value(line: ComparisonLine, value: float | None) -> str:
    """One cell of the comparison table: ``12,2 мин``, ``yes``, or ``—`` when the run has no figure."""
    if value is None:
        return NOT_REACHED
    if line.kind == "yes_no":
        return _(YES) if value else _(NO)
    return quantity(value, line.precision, line.unit)


def debrief_rows(debrief: Debrief, story: Story) -> DebriefRows:
    zone = story.clock.zones[0].label if story.clock is not None and story.clock.zones else ""

    def cell(text: str) -> str:
        return text.removeprefix(f"{zone} ") if zone else text

    ending = debrief.ending
    return DebriefRows(
        kind=ending_kind(ending.type),
        title=ending.title,
        reference_label=story.reference_label,
        zone=zone or _(ELAPSED_ZONE),
        comparisons=tuple(
            ComparisonRow(c.label, comparison_value(c, c.yours), comparison_value(c, c.real), c.note)
            for c in debrief.comparisons
        ),
        timeline=tuple(
            TimelineRow(
                t.label,
                NOT_REACHED if t.yours_minute is None else cell(t.yours_clock),
                cell(t.real_clock),
                signed_minutes(t.difference),
            )
            for t in debrief.timeline
        ),
        mission_time=format_elapsed(debrief.minutes),
        choices=len(debrief.path),
        cause=ending.cause,
        points=tuple(summary_points(debrief.summary)),
        facts=fact_rows(debrief.facts),
        sources=source_rows(debrief.sources),
    )
