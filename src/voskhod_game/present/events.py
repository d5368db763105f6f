"""Which events of a choice a person is told about, and how gravely.

A threshold crossed, a limit reached, a chance that went against the player and
an error (an effect or a chance that could not be computed) are all announced,
in every front end: the TUI's notification and story pane, line mode's ``!``
lines and the classroom's round result read the same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..engine.views import ChoiceResult, Event
from ..i18n import N_
from .durations import format_duration

Severity = Literal["information", "warning", "error"]

ANNOUNCED = frozenset({"chance", "threshold", "limit", "error"})
HEADING = N_("What happened")  # over a group of announcements shown together (the TUI's notification)
SEVERITIES: tuple[Severity, ...] = ("information", "warning", "error")


@dataclass(frozen=True)
class Announcement:
    """One line a person is told after a choice."""

    kind: str  # chance | threshold | limit | error
    text: str
    severity: Severity
    state: str = ""  # the meter's new state, for threshold events ("warn", "critical")

    @property
    def line(self) -> str:
        """The announcement as one line of text, marked so it stands out from the story."""
        return f"! {self.text}"


def _severity(event: Event) -> Severity:
    if event.kind == "limit" or event.state == "critical":
        return "error"
    if event.kind == "error" or event.state == "warn":
        return "warning"
    return "information"


def announcements(events: Iterable[Event]) -> tuple[Announcement, ...]:
    """The events worth telling, in the order they happened."""
    return tuple(
        Announcement(e.kind, e.message, _severity(e), e.state) for e in events if e.kind in ANNOUNCED and e.message
    )


def gravest(found: Iterable[Announcement]) -> Severity:
    """The severity of a group of announcements shown together: the gravest one's."""
    return max((a.severity for a in found), key=SEVERITIES.index, default="information")


def choice_heading(result: ChoiceResult) -> str:
    """What was chosen and what it cost: ``› [13 min 13 s] Open the hatch``."""
    cost = format_duration(result.minutes)
    return f"› [{cost}] {result.label}" if cost else f"› {result.label}"


def result_lines(result: ChoiceResult) -> list[str]:
    """A choice's outcome as paragraphs of story text then the announcements, one per line."""
    lines = [result.result_text.strip()] if result.result_text.strip() else []
    lines += [a.line for a in announcements(result.events)]
    return lines
