"""What front ends see: read-only snapshots of a game, built by ``Game.view()``.

Views are frozen. The per-choice records (``Event``, ``ChoiceResult``,
``LogEntry``) are plain slotted dataclasses instead, because one of each is
built on every choice and frozen dataclasses cost several times more to create;
front ends treat them as read-only all the same.

Front ends render these and call ``Game.choose()``; they never reach into the
engine's state, so the TUI, line mode, classroom and tools cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import N_, _
from ..story.markup import format_value
from .clock import ClockView
from .reference import FactView

# A meter's state in words, spelled out so it is not only a colour (every front end and the events use these).
STATE_WORDS = {"ok": "", "warn": N_("WARN"), "critical": N_("CRITICAL")}


def state_word(state: str) -> str:
    """``WARN`` or ``CRITICAL`` in the current language; empty when the meter is fine."""
    if state not in STATE_WORDS:
        return state.upper()
    return _(STATE_WORDS[state]) if STATE_WORDS[state] else ""


@dataclass(frozen=True)
class MeterView:
    name: str
    label: str
    unit: str
    value: float
    min: float
    max: float
    state: str  # ok | warn | critical
    rate: float
    precision: int = 0
    hidden: bool = False

    @property
    def display(self) -> str:
        """The value with its unit as the story writes it (``0.40 atm``), whatever the language.

        Front ends show :func:`voskhod_game.present.meters.meter_value` instead,
        which writes the number as the player's language does (``0,40 атм``).
        """
        text = format_value(self.value, self.precision)
        return f"{text} {self.unit}".strip()

    @property
    def fraction(self) -> float:
        span = self.max - self.min
        return 0.0 if span <= 0 else (self.value - self.min) / span


@dataclass(frozen=True)
class ChoiceView:
    id: str
    number: int  # 1-based position among the visible choices
    label: str
    enabled: bool
    reason: str = ""
    minutes: float = 0.0
    risky: bool = False  # has a chance of another outcome


@dataclass(frozen=True)
class EndingView:
    id: str
    type: str  # historical | survived | lost
    title: str
    text: str
    debrief: str = ""
    cause: str = ""


@dataclass(frozen=True)
class HistoryView:
    """A beat's history note and the facts it cites, each with its sources."""

    note: str
    facts: tuple[FactView, ...] = ()


@dataclass(frozen=True)
class View:
    story_title: str
    beat_id: str
    scene_id: str
    scene_title: str
    scene_number: int
    scene_count: int
    title: str
    text: str
    meters: tuple[MeterView, ...]
    choices: tuple[ChoiceView, ...]
    clock: ClockView
    ending: EndingView | None = None
    history: HistoryView | None = None
    can_undo: bool = False
    turn: int = 0
    basis: str = ""  # how true the beat is: record | dramatised | invented, "" when not said
    terms: tuple[str, ...] = ()  # glossary terms this beat's text uses, in order of first use

    @property
    def visible_meters(self) -> tuple[MeterView, ...]:
        return tuple(m for m in self.meters if not m.hidden)

    def meter(self, name: str) -> MeterView:
        return next(m for m in self.meters if m.name == name)


@dataclass(slots=True)
class Event:
    """Something the player should notice: a threshold crossed, a roll, an ending."""

    kind: str  # threshold | chance | limit | error
    message: str
    meter: str = ""
    state: str = ""  # new meter state for threshold events


@dataclass(slots=True)
class ChoiceResult:
    choice_id: str
    label: str
    minutes: float
    result_text: str
    deltas: dict[str, float] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    ending: EndingView | None = None
    chance_hit: bool = False
    beat_id: str = ""


@dataclass(slots=True)
class LogEntry:
    minute: float
    kind: str  # choice | event | ending | note
    text: str
    # What the entry is about, in ids rather than words ("beat:choice", an ending id,
    # "threshold:meter:state", "limit:meter", "start"), so a saved log reads in the
    # language the story is loaded in now, not the one it was played in.
    ref: str = ""


def threshold_message(label: str, state: str) -> str:
    """``Heart rate: WARN``; a meter back in its normal range says so rather than naming no state."""
    if state == "ok":
        return _("{meter}: back to normal").format(meter=label)
    return f"{label}: {state_word(state)}"


def limit_message(label: str) -> str:
    return _("{meter} reached its limit").format(meter=label)


def start_message(title: str) -> str:
    return _("Mission start: {title}").format(title=title)
