"""Immutable story data: what the loader builds and the engine plays.

Everything here is plain frozen dataclasses so a Story can be shared between
front ends, threads and simulation runs without anyone mutating it. Expressions
arrive already compiled (see ``expressions.py``) so the engine never parses
writer text while playing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from . import defaults
from .expressions import Condition, Effects, NumberExpr
from .translation import SourceText


class _Places(Protocol):
    """What can find a key's line and column in a file (a parsed ``SourceFile``)."""

    def where(self, key: tuple[str | int, ...]) -> tuple[int, int]: ...


EndingType = Literal["historical", "survived", "lost"]
ENDING_TYPES: tuple[str, ...] = ("historical", "survived", "lost")


class Where:
    """A place in a story file, 1-based, for messages a writer can jump to.

    A loaded story has one for every beat, choice, flag and ending, but only
    messages read them, so the loader may give the file's places and a key
    instead of the line and column (``Where.later``): they are worked out when
    first read (``yamlsource.Places``), and a load that reports nothing never
    works them out. Immutable, and equal to any Where of the same path, line and column.
    """

    __slots__ = ("_col", "_key", "_line", "_places", "path")
    path: Path
    _line: int
    _col: int
    _places: _Places | None
    _key: tuple[str | int, ...]

    def __init__(self, path: Path, line: int = 1, col: int = 1) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_line", line)
        object.__setattr__(self, "_col", col)
        object.__setattr__(self, "_places", None)

    @classmethod
    def later(cls, path: Path, places: _Places, key: tuple[str | int, ...]) -> Where:
        """The place of ``key`` in the file at ``path``, asked of ``places`` when first read."""
        where = cls.__new__(cls)
        object.__setattr__(where, "path", path)
        object.__setattr__(where, "_places", places)
        object.__setattr__(where, "_key", key)
        return where

    def _found(self) -> None:
        places = self._places
        if places is not None:
            line, col = places.where(self._key)
            object.__setattr__(self, "_line", line)
            object.__setattr__(self, "_col", col)
            object.__setattr__(self, "_places", None)

    @property
    def line(self) -> int:
        self._found()
        return self._line

    @property
    def col(self) -> int:
        self._found()
        return self._col

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Where is immutable: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Where):
            return NotImplemented
        return (self.path, self.line, self.col) == (other.path, other.line, other.col)

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.col))

    def __repr__(self) -> str:
        return f"Where(path={self.path!r}, line={self.line!r}, col={self.col!r})"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Meter:
    """A quantity the story tracks (oxygen, suit pressure, fuel...).

    ``rate`` is the change per minute of mission time until a beat or choice
    sets another. Thresholds are optional and one-sided or two-sided: a meter
    such as body temperature can be dangerous both low and high.
    """

    name: str
    label: str
    unit: str
    start: float
    min: float
    max: float
    rate: float = 0.0
    warn_below: float | None = None
    critical_below: float | None = None
    warn_above: float | None = None
    critical_above: float | None = None
    at_min: str | None = None
    at_max: str | None = None
    precision: int = 0
    hidden: bool = False
    description: str = ""
    where: Where | None = None

    def state(self, value: float) -> str:
        """``ok``, ``warn`` or ``critical`` for a value of this meter."""
        if (self.critical_below is not None and value <= self.critical_below) or (
            self.critical_above is not None and value >= self.critical_above
        ):
            return "critical"
        if (self.warn_below is not None and value <= self.warn_below) or (
            self.warn_above is not None and value >= self.warn_above
        ):
            return "warn"
        return "ok"

    def clamp(self, value: float) -> float:
        return self.min if value < self.min else self.max if value > self.max else value


@dataclass(frozen=True)
class Flag:
    """A named fact about this run (``reported_to_ground``, ``camera_saved``)."""

    name: str
    default: bool | int | str
    description: str = ""
    where: Where | None = None


@dataclass(frozen=True)
class HistoryNote:
    """Why a beat is true to history: fact-sheet ids plus the writer's note."""

    facts: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Outcome:
    """Where a choice leads: a beat (``scene.beat``) or an ending id."""

    target: str | None
    ending: str | None
    effects: Effects
    text: str = ""

    @property
    def destination(self) -> str:
        return self.target if self.target is not None else ending_state(self.ending or "")


@dataclass(frozen=True)
class Chance:
    """A roll that can replace a choice's normal outcome with another."""

    probability: NumberExpr
    outcome: Outcome


@dataclass(frozen=True)
class Branch:
    """One of several outcomes of a choice, or one way out of a routing beat.

    Branches with a condition are tried in order and the first that holds is
    taken; otherwise one of those without a condition is picked at random in
    proportion to ``weight`` (default 1).
    """

    outcome: Outcome
    condition: Condition | None = None
    weight: NumberExpr | None = None


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    outcome: Outcome  # with ``branches``, the last of them (it has no condition)
    condition: Condition | None = None
    disabled_reason: str = ""
    time: float = 0.0
    rates: tuple[tuple[str, float], ...] = ()
    chance: Chance | None = None
    hidden_when_disabled: bool = False
    where: Where | None = None
    branches: tuple[Branch, ...] = ()  # multi-way outcomes, the last being ``outcome``
    once: bool = False  # gone once taken
    fallback: bool = False  # shown only when nothing else is open

    @property
    def hidden_when_closed(self) -> bool:
        """Once-only and fallback choices vanish rather than showing as unavailable."""
        return self.hidden_when_disabled or self.once or self.fallback

    def outcomes(self) -> tuple[Outcome, ...]:
        """Every way this choice can turn out (for tools: graphs, analysis)."""
        extra = (self.chance.outcome,) if self.chance is not None else ()
        return (self.outcome, *extra, *(b.outcome for b in self.branches[:-1]))

    def outcome_at(self, index: int) -> Outcome:
        """The outcome a recorded step took: 0 its own (the last branch), 1 the chance, 2+i branch i."""
        if index == CHANCE_INDEX and self.chance is not None:
            return self.chance.outcome
        if index >= FIRST_BRANCH_INDEX and index - FIRST_BRANCH_INDEX < len(self.branches) - 1:
            return self.branches[index - FIRST_BRANCH_INDEX].outcome
        return self.outcome


CHANCE_INDEX = 1  # Step.outcome of a choice's chance outcome; 0 is its own outcome
FIRST_BRANCH_INDEX = 2  # Step.outcome of branch i is FIRST_BRANCH_INDEX + i (the last branch is 0)


@dataclass(frozen=True)
class Beat:
    """One screenful of story: text and the choices that leave it."""

    id: str  # fully qualified: ``scene.beat``
    scene: str
    text: str
    choices: tuple[Choice, ...]
    title: str = ""
    rates: tuple[tuple[str, float], ...] = ()
    history: HistoryNote | None = None
    no_return: bool = False
    where: Where | None = None
    basis: str = ""  # how true it is: record | dramatised | invented, or "" when the writer does not say
    effects: Effects = ()  # applied each time the beat is entered
    route: tuple[Branch, ...] = ()  # a routing beat: no choices, the first branch that holds

    @property
    def is_route(self) -> bool:
        return bool(self.route)


@dataclass(frozen=True)
class Scene:
    id: str
    title: str
    beats: tuple[str, ...]  # qualified beat ids, in file order
    number: int  # 1-based position among the story's scenes
    summary: str = ""
    hide_meters: tuple[str, ...] = ()  # tracked but not shown while in this scene
    where: Where | None = None
    questions: tuple[str, ...] = ()  # about the history of this scene, for a class


@dataclass(frozen=True)
class Ending:
    id: str
    type: EndingType
    title: str
    text: str
    debrief: str = ""
    cause: str = ""
    where: Where | None = None


@dataclass(frozen=True)
class Source:
    """Where facts come from, named for people: author, title, year, and how far to trust it."""

    id: str
    author: str
    title: str
    year: str
    reliability: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    text: str
    source: str = ""  # free text, in a story that declares no sources
    sources: tuple[str, ...] = ()  # source ids, in a story that declares them


@dataclass(frozen=True)
class GlossaryEntry:
    """A word a reader may not know, and what it means (a story text: it may use ``{expr}``)."""

    term: str
    definition: str
    forms: tuple[str, ...] = ()  # other forms found in the text (`скафандра`), in the language loaded


@dataclass(frozen=True)
class Comparison:
    """A debrief line: a figure from the player's run beside the real one."""

    label: str
    yours: NumberExpr
    real: float
    unit: str = ""
    precision: int = 0
    note: str = ""
    kind: str = "number"  # or "yes_no"
    when: Condition | None = None  # false at the end: a stage the run never reached, shown as a dash


@dataclass(frozen=True)
class Milestone:
    """A beat whose real time is known, for the timeline in the debrief."""

    beat: str
    label: str
    real_minute: float  # minutes after the clock start


@dataclass(frozen=True)
class ClockZone:
    label: str
    offset_minutes: int


@dataclass(frozen=True)
class Clock:
    start: str  # ISO 8601 with Z, e.g. 1957-11-24T06:00:00Z
    zones: tuple[ClockZone, ...]


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    version: str
    start: str
    root: Path
    meters: dict[str, Meter]
    flags: dict[str, Flag]
    scenes: tuple[Scene, ...]
    beats: Mapping[str, Beat]  # a dict, or LazyBeats for a story revived from the cache
    endings: dict[str, Ending]
    facts: dict[str, Fact] = field(default_factory=dict)
    comparisons: tuple[Comparison, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    clock: Clock | None = None  # None: only elapsed time is shown
    intro: str = ""
    title_art: str = ""  # empty: the title screen draws ``title`` in large letters
    how_to_play: str = defaults.HOW_TO_PLAY
    reference_label: str = defaults.REFERENCE_LABEL  # heads the debrief's column of real figures
    questions: tuple[str, ...] = defaults.QUESTIONS  # for a class to discuss after a session
    sources: dict[str, Source] = field(default_factory=dict)
    glossary: tuple[GlossaryEntry, ...] = ()  # in the manifest's order
    debrief_summary: str = ""  # leads every debrief: this run against history (a story text)
    fingerprint: str = ""
    renamed: dict[str, str] = field(default_factory=dict)  # old beat id -> new, so saves keep their place
    language: str = ""  # the language its texts were loaded in; empty: the story's own
    texts: Sequence[SourceText] = field(default=(), compare=False, repr=False)  # for translation templates

    scene_index: dict[str, Scene] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.scene_index.update({s.id: s for s in self.scenes})

    def scene_of(self, beat_id: str) -> Scene:
        return self.scene_index[self.beats[beat_id].scene]


ENDING_PREFIX = "end:"
# The attribute of a run that holds the Machine's state (transitions' model_attribute).
MACHINE_STATE_ATTRIBUTE = "beat"


def ending_state(ending_id: str) -> str:
    """The machine state name of an ending; keeps endings apart from beats."""
    return ENDING_PREFIX + ending_id
