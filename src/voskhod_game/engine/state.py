"""The state of one play-through, held in one typed structure.

Everything that changes while a story is played lives in :class:`RunState`:
the beat, meters, flags, the clock, rates, the dice, visit counts, the choice
history, the log, the meter samples and the milestones reached. Undo marks,
checkpoints, saves, the classroom's stored game and the simulator all hold
RunState values, so a new piece of state is one field here (with its kind in
``_KINDS``) plus a step in ``migrations.py``.

Reading a RunState back from JSON validates every part of it before any of it
is trusted: a damaged save is refused with a message, never half-loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from ..story.model import CHANCE_INDEX
from .views import LogEntry

FlagValue = bool | int | str
Sample = tuple[float, dict[str, float]]

# Bounds on what a saved game may hold; far above any real play-through, low
# enough that a hostile file cannot make loading slow or huge.
MAX_ENTRIES = 200_000
MAX_TEXT = 20_000
MAX_MINUTES = 1e9
MAX_FLAG_INT = 10**15


class StateError(ValueError):
    """A saved run that cannot be trusted; the message says where and why."""


@dataclass(slots=True)
class Step:
    """One choice taken: where, which, when, and which of its outcomes happened."""

    beat: str
    choice: str
    minute: float
    outcome: int = 0  # which outcome: see Choice.outcome_at

    @property
    def chance(self) -> bool:
        """Whether the choice's chance roll went against the player."""
        return self.outcome == CHANCE_INDEX


# How each field is copied for an undo mark. "value": immutable, kept as is;
# "copy": a dict changed in place, copied; "shared": replaced, never changed in
# place, so marks share it; "append": a list only ever appended to (and cut
# back by undo), so a mark keeps its length.
_KINDS = {
    "seed": "value",
    "beat": "value",
    "elapsed": "value",
    "rng": "value",
    "meters": "copy",
    "flags": "copy",
    "visits": "copy",
    "taken": "copy",
    "rates": "shared",
    "milestones": "shared",
    "history": "append",
    "log": "append",
    "samples": "append",
}


_KEPT = tuple(n for n, kind in _KINDS.items() if kind in ("value", "shared"))
_COPIED = tuple(n for n, kind in _KINDS.items() if kind == "copy")
_APPENDED = tuple(n for n, kind in _KINDS.items() if kind == "append")


@dataclass(slots=True)
class RunState:
    """One play-through. The engine changes it only through the Machine's callbacks."""

    seed: int
    beat: str  # the Machine's state: a beat id or ``end:<ending>``
    meters: dict[str, float]
    flags: dict[str, FlagValue]
    elapsed: float = 0.0  # minutes of mission time
    rates: dict[str, float] = field(default_factory=dict)  # per minute; replaced, never changed in place
    rng: int = 0
    visits: dict[str, int] = field(default_factory=dict)  # beat id -> times entered
    taken: dict[str, int] = field(default_factory=dict)  # "beat:choice" -> times taken (once-only choices)
    milestones: dict[str, float] = field(default_factory=dict)  # beat id -> minute first reached; replaced
    history: list[Step] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)

    # -- undo marks and checkpoints --------------------------------------------
    def mark(self) -> dict[str, Any]:
        """Where the run is now, small enough to take before every choice."""
        out = {name: getattr(self, name) for name in _KEPT}
        for name in _COPIED:
            out[name] = getattr(self, name).copy()
        for name in _APPENDED:
            out[name] = len(getattr(self, name))
        return out

    def rewind(self, mark: dict[str, Any]) -> None:
        """Go back to a :meth:`mark` taken earlier in this same run."""
        for name, kind in _KINDS.items():
            value = mark[name]
            if kind == "copy":
                setattr(self, name, dict(value))
            elif kind == "append":
                del getattr(self, name)[value:]
            else:
                setattr(self, name, value)

    def copy(self) -> RunState:
        """A full copy: it can be returned to from any branch, in any order."""
        copy = RunState(**{f.name: getattr(self, f.name) for f in fields(self)})
        for name, kind in _KINDS.items():
            if kind in ("copy", "append"):
                setattr(copy, name, type(getattr(self, name))(getattr(self, name)))
        return copy

    # -- JSON ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "beat": self.beat,
            "meters": dict(self.meters),
            "flags": dict(self.flags),
            "elapsed": self.elapsed,
            "rates": dict(self.rates),
            "rng": self.rng,
            "visits": dict(self.visits),
            "taken": dict(self.taken),
            "milestones": dict(self.milestones),
            "history": [[s.beat, s.choice, s.minute, s.outcome] for s in self.history],
            "log": [[e.minute, e.kind, e.text, e.ref] for e in self.log],
            "samples": [[t, dict(v)] for t, v in self.samples],
        }

    @classmethod
    def from_json(cls, data: Any) -> RunState:
        """A RunState from :meth:`to_json` data, every part checked; StateError if damaged."""
        d = _obj(data, "run")
        run = cls(
            seed=_int(d.get("seed"), "seed", lo=-(2**63), hi=2**63),
            beat=_text(d.get("beat"), "beat"),
            meters=_map(d.get("meters"), "meters", _number),
            flags=_map(d.get("flags"), "flags", _flag),
            elapsed=_minutes(d.get("elapsed"), "elapsed"),
            rates=_map(d.get("rates"), "rates", _number),
            rng=_int(d.get("rng"), "rng", lo=0, hi=2**64 - 1),
            visits=_map(d.get("visits", {}), "visits", _count),
            taken=_map(d.get("taken", {}), "taken", _count),
            milestones=_map(d.get("milestones"), "milestones", _minutes),
            history=[_step(s, f"history[{i}]") for i, s in enumerate(_list(d.get("history"), "history"))],
            log=[_log_entry(e, f"log[{i}]") for i, e in enumerate(_list(d.get("log"), "log"))],
            samples=[_sample(s, f"samples[{i}]") for i, s in enumerate(_list(d.get("samples"), "samples"))],
        )
        return run

    @classmethod
    def mark_from_json(cls, data: Any, where: str) -> dict[str, Any]:
        """An undo mark from JSON, checked like a run (lists are lengths)."""
        d = _obj(data, where)
        checkers = {
            "seed": lambda v, w: _int(v, w, lo=-(2**63), hi=2**63),
            "beat": _text,
            "elapsed": _minutes,
            "rng": lambda v, w: _int(v, w, lo=0, hi=2**64 - 1),
            "meters": lambda v, w: _map(v, w, _number),
            "flags": lambda v, w: _map(v, w, _flag),
            "visits": lambda v, w: _map(v, w, _count),
            "taken": lambda v, w: _map(v if v is not None else {}, w, _count),
            "rates": lambda v, w: _map(v, w, _number),
            "milestones": lambda v, w: _map(v, w, _minutes),
        }
        mark: dict[str, Any] = {}
        for name, kind in _KINDS.items():
            where_name = f"{where}.{name}"
            if kind == "append":
                mark[name] = _int(d.get(name), where_name, lo=0, hi=MAX_ENTRIES)
            else:
                mark[name] = checkers[name](d.get(name), where_name)
        return mark


def mark_to_json(mark: dict[str, Any]) -> dict[str, Any]:
    return {name: dict(value) if isinstance(value, dict) else value for name, value in mark.items()}


# -- checking JSON data ---------------------------------------------------------
def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StateError(f"{where} is not an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise StateError(f"{where} is not a list")
    if len(value) > MAX_ENTRIES:
        raise StateError(f"{where} has {len(value):,} entries, more than any game makes")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise StateError(f"{where} is not text")
    if len(value) > MAX_TEXT or "\x00" in value:
        raise StateError(f"{where} is not usable text")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StateError(f"{where} is not a number")
    try:
        number = float(value)
    except OverflowError:
        raise StateError(f"{where} is far too large") from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise StateError(f"{where} is not a usable number ({value!r:.40})")
    return number


def _minutes(value: Any, where: str) -> float:
    number = _number(value, where)
    if not 0 <= number <= MAX_MINUTES:
        raise StateError(f"{where} is not a possible mission time ({number:g})")
    return number


def _int(value: Any, where: str, *, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StateError(f"{where} is not a whole number")
    if not lo <= value <= hi:
        raise StateError(f"{where} is out of range")
    return value


def _count(value: Any, where: str) -> int:
    return _int(value, where, lo=0, hi=MAX_FLAG_INT)


def _flag(value: Any, where: str) -> FlagValue:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _int(value, where, lo=-MAX_FLAG_INT, hi=MAX_FLAG_INT)
    if isinstance(value, str):
        return _text(value, where)
    raise StateError(f"{where} is not yes/no, a whole number or text")


def _map(value: Any, where: str, check: Any) -> dict[str, Any]:
    d = _obj(value, where)
    if len(d) > MAX_ENTRIES:
        raise StateError(f"{where} has far too many entries")
    return {_text(k, f"{where} key"): check(v, f"{where}.{k}") for k, v in d.items()}


def _step(value: Any, where: str) -> Step:
    if not isinstance(value, list) or len(value) != 4:
        raise StateError(f"{where} is not a step [beat, choice, minute, outcome]")
    beat, choice, minute, outcome = value
    return Step(
        _text(beat, f"{where}.beat"),
        _text(choice, f"{where}.choice"),
        _minutes(minute, f"{where}.minute"),
        _int(outcome, f"{where}.outcome", lo=0, hi=1000),
    )


def _log_entry(value: Any, where: str) -> LogEntry:
    if not isinstance(value, list) or len(value) not in (3, 4):
        raise StateError(f"{where} is not a log entry [minute, kind, text, ref]")
    minute, kind, text, *ref = value
    return LogEntry(
        _minutes(minute, f"{where}.minute"),
        _text(kind, f"{where}.kind"),
        _text(text, f"{where}.text"),
        _text(ref[0], f"{where}.ref") if ref else "",
    )


def _sample(value: Any, where: str) -> Sample:
    if not isinstance(value, list) or len(value) != 2:
        raise StateError(f"{where} is not a sample [minute, meters]")
    minute, meters = value
    return (_minutes(minute, f"{where}.minute"), _map(meters, f"{where}.meters", _number))
