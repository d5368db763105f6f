"""The game: one ``transitions.Machine`` over a Story plus meters, clock and dice.

States are beats and endings; each choice is a trigger. Meters, flags, the
mission clock and the random source live beside the machine (never in the state
space). The machine is built with ``auto_transitions=False`` and menus come from
the engine's own beat index rather than ``get_triggers``, both for speed (see
DESIGN.md). Every front end drives a game only through this class.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

from transitions import Machine

from ..story.expressions import EvaluationError, apply_op
from ..story.markup import fill_values
from ..story.model import ENDING_PREFIX, Beat, Choice, Outcome, Scene, Story, ending_state
from .clock import clock_view
from .rng import Rng, new_seed
from .views import ChoiceResult, ChoiceView, EndingView, Event, HistoryView, LogEntry, MeterView, View

SNAPSHOT_FORMAT = 1
MAX_UNDO = 100


class GameError(Exception):
    """A request the game cannot carry out; the message is for the player."""


class _Pilot:
    """The machine's model: it only holds the state and the pending dice roll."""

    state: str

    def __init__(self) -> None:
        self.rolled = False

    def chance_hit(self) -> bool:
        return self.rolled


@dataclass(slots=True)
class _Mark:
    """What undo needs to rewind one choice; small, so every choice can push one."""

    state: str
    values: dict[str, Any]
    rates: dict[str, float]
    rng: int
    steps: int
    log: int
    samples: int
    milestones: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True)
class Checkpoint:
    """What :meth:`Game.rewind` needs; opaque to callers."""

    mark: _Mark
    undo: list[_Mark]
    steps: list[dict[str, Any]]
    log: list[LogEntry]
    samples: list[tuple[float, dict[str, float]]]


def _limit_trigger(meter: str, bound: str) -> str:
    # Not a valid choice id (those are [a-z0-9_]), so it can never clash with one.
    return f"!{bound}:{meter}"


def build_machine(story: Story) -> Machine:
    """The Machine of a story, with no model bound to it.

    Chance outcomes are a conditional transition listed before the normal one,
    so transitions picks the first that passes; the condition is named, so it
    is looked up on whichever game's model fires the trigger. Games fire
    triggers through ``machine.events`` and set states with ``set_state``, and
    neither needs the model registered, so one Machine serves every game of a
    story (see :func:`machine_for`).
    """
    states = list(story.beats) + [ending_state(e) for e in story.endings]
    transitions: list[dict[str, Any]] = []
    for beat in story.beats.values():
        for choice in beat.choices:
            if choice.chance is not None:
                transitions.append(
                    {
                        "trigger": choice.id,
                        "source": beat.id,
                        "dest": choice.chance.outcome.destination,
                        "conditions": ["chance_hit"],
                    }
                )
            transitions.append({"trigger": choice.id, "source": beat.id, "dest": choice.outcome.destination})
    for meter in story.meters.values():
        for bound in ("at_min", "at_max"):
            ending = getattr(meter, bound)
            if ending:
                transitions.append(
                    {"trigger": _limit_trigger(meter.name, bound), "source": "*", "dest": ending_state(ending)}
                )
    return Machine(
        model=None,
        states=states,
        transitions=transitions,
        initial=story.start,
        auto_transitions=False,
        ignore_invalid_triggers=False,
        send_event=False,
    )


# One Machine per live Story, shared by its games. Building one costs about as
# much as 2,000 choices for a 1,000-beat story (65 ms), which made the
# simulator's play-throughs (a new Game each) spend nearly all their time there.
# Keyed by id() because Story holds dicts and is unhashable; the weak reference
# guards against a reused id, and the entry goes when the story does.
_MACHINES: dict[int, tuple[weakref.ref[Story], Machine]] = {}
_MACHINES_LOCK = threading.Lock()


def machine_for(story: Story) -> Machine:
    """The shared Machine of ``story``, built on first use."""
    entry = _MACHINES.get(id(story))
    if entry is not None and entry[0]() is story:
        return entry[1]
    machine = build_machine(story)
    with _MACHINES_LOCK:
        entry = _MACHINES.get(id(story))
        if entry is not None and entry[0]() is story:
            return entry[1]
        _MACHINES[id(story)] = (weakref.ref(story), machine)
        weakref.finalize(story, _MACHINES.pop, id(story), None)
    return machine


class Game:
    """A play-through of a story. Create with :meth:`new` or :meth:`restore`."""

    def __init__(self, story: Story, seed: int, *, state: str | None = None) -> None:
        self.story = story
        self._pilot = _Pilot()
        self._init_run(seed)
        self._machine = machine_for(story)
        self._machine.set_state(state or story.start, model=self._pilot)
        self._events = self._machine.events
        self._precision = {name: m.precision for name, m in story.meters.items()}
        self._milestone_beats = frozenset(m.beat for m in story.milestones)
        # The meters that can end the game, in the order they are checked: per
        # meter, its minimum before its maximum. Worked out once, not every step.
        self._limits = tuple(
            (m, bound == "at_min", getattr(m, bound), _limit_trigger(m.name, bound))
            for m in story.meters.values()
            for bound in ("at_min", "at_max")
            if getattr(m, bound)
        )

    def _init_run(self, seed: int) -> None:
        story = self.story
        self.seed = seed
        self.rng = Rng.from_seed(seed)
        self.values: dict[str, Any] = {name: m.start for name, m in story.meters.items()}
        self.values.update({name: f.default for name, f in story.flags.items()})
        self.values["elapsed"] = 0.0
        self.rates: dict[str, float] = {name: m.rate for name, m in story.meters.items()}
        self.steps: list[dict[str, Any]] = []  # the choices made: beat, choice, minute, chance
        self.log: list[LogEntry] = []
        self.samples: list[tuple[float, dict[str, float]]] = []
        self.milestones: dict[str, float] = {}
        self.undo_stack: list[_Mark] = []
        self.last_result: ChoiceResult | None = None
        self._pilot.rolled = False

    # -- creation ----------------------------------------------------------
    @classmethod
    def new(cls, story: Story, seed: int | None = None) -> Game:
        game = cls(story, new_seed() if seed is None else seed)
        game._begin()
        return game

    def reset(self, seed: int) -> None:
        """Start a fresh play-through of the same story on this object.

        Same result as ``Game.new(story, seed)`` without rebuilding the state
        machine, which is most of the cost of a new game on a large story; the
        simulator plays thousands of runs with one Game.
        """
        self._init_run(seed)
        self._machine.set_state(self.story.start, model=self._pilot)
        self._begin()

    def _begin(self) -> None:
        # transitions never runs on_enter for the initial state: enter it ourselves.
        self._enter(self.story.start)
        self._sample()
        self.log.append(LogEntry(0.0, "note", f"Mission start: {self.story.title}"))

    # -- reading -----------------------------------------------------------
    @property
    def state(self) -> str:
        return self._pilot.state

    @property
    def ended(self) -> bool:
        return self._pilot.state.startswith(ENDING_PREFIX)

    @property
    def beat(self) -> Beat | None:
        return self.story.beats.get(self._pilot.state)

    @property
    def ending_id(self) -> str | None:
        return self._pilot.state[len(ENDING_PREFIX) :] if self.ended else None

    @property
    def elapsed(self) -> float:
        return float(self.values["elapsed"])

    def enabled(self, choice: Choice) -> tuple[bool, str]:
        if choice.condition is None:
            return True, ""
        try:
            ok = bool(choice.condition(self.values))
        except (EvaluationError, ArithmeticError, TypeError) as exc:
            return False, f"cannot be decided ({exc})"
        return ok, "" if ok else (choice.disabled_reason or "not possible now")

    def enabled_choices(self) -> list[Choice]:
        """The choices a player can take now (the simulator's fast path)."""
        beat = self.beat
        if beat is None:
            return []
        return [c for c in beat.choices if self.enabled(c)[0]]

    def meter_views(self, scene: Scene | None = None) -> tuple[MeterView, ...]:
        """Every meter with its state; those the story or ``scene`` hides are marked hidden."""
        hide = scene.hide_meters if scene is not None else ()
        return tuple(
            MeterView(
                name=m.name,
                label=m.label,
                unit=m.unit,
                value=float(self.values[m.name]),
                min=m.min,
                max=m.max,
                state=m.state(self.values[m.name]),
                rate=self.rates[m.name],
                precision=m.precision,
                hidden=m.hidden or m.name in hide,
            )
            for m in self.story.meters.values()
        )

    def render(self, text: str) -> str:
        return fill_values(text, self.values, self._precision)

    def ending_view(self) -> EndingView | None:
        if not self.ended:
            return None
        e = self.story.endings[self.ending_id or ""]
        return EndingView(e.id, e.type, e.title, self.render(e.text), self.render(e.debrief), e.cause)

    def view(self) -> View:
        ending = self.ending_view()
        story = self.story
        clock = clock_view(story.clock, self.elapsed)
        if ending is not None:
            last_scene = story.scene_of(self.steps[-1]["beat"]) if self.steps else story.scenes[0]
            return View(
                story.title,
                self.state,
                last_scene.id,
                last_scene.title,
                last_scene.number,
                len(story.scenes),
                ending.title,
                ending.text,
                self.meter_views(last_scene),
                (),
                clock,
                ending,
                None,
                self.can_undo,
                len(self.steps),
            )
        beat = self.beat
        assert beat is not None
        scene = story.scene_of(beat.id)
        choices = []
        number = 0
        for c in beat.choices:
            ok, reason = self.enabled(c)
            if not ok and c.hidden_when_disabled:
                continue
            number += 1
            choices.append(ChoiceView(c.id, number, c.label, ok, reason, c.time, c.chance is not None))
        history = None
        if beat.history is not None:
            facts = tuple((f, story.facts[f].text) for f in beat.history.facts if f in story.facts)
            history = HistoryView(beat.history.note, facts)
        return View(
            story.title,
            beat.id,
            scene.id,
            scene.title,
            scene.number,
            len(story.scenes),
            beat.title,
            self.render(beat.text),
            self.meter_views(scene),
            tuple(choices),
            clock,
            None,
            history,
            self.can_undo,
            len(self.steps),
        )

    # -- acting ------------------------------------------------------------
    def choose(self, choice_id: str, *, force_chance: bool | None = None) -> ChoiceResult:
        """Take a choice by id (or by its 1-based number as text); return what changed.

        ``force_chance`` is for tools that explore every outcome: True makes a
        choice's chance outcome happen, False prevents it, without rolling.
        """
        beat, choice = self._take(choice_id)
        values = self.values
        before = self._push_undo().values  # the undo mark's copy doubles as the "before" picture
        meters = self.story.meters
        events: list[Event] = []
        outcome, hit = self._advance(beat, choice, force_chance, events)

        # Meter values are always floats (start, clamp and time make them so).
        deltas = {n: values[n] - before[n] for n in meters if values[n] != before[n]}
        for name in deltas:  # a meter's state can only change with its value
            meter = meters[name]
            new_state = meter.state(values[name])
            if new_state != meter.state(before[name]):
                events.append(Event("threshold", f"{meter.label}: {new_state.upper()}", name, new_state))
        minute = values["elapsed"]
        log = self.log
        log.append(LogEntry(minute, "choice", choice.label))
        for event in events:
            log.append(LogEntry(minute, "event", event.message))
        if hit:
            events.insert(0, Event("chance", "The odds went against you."))
        ending = self.ending_view()
        if ending is not None:
            log.append(LogEntry(minute, "ending", ending.title))
        self._sample()
        result = ChoiceResult(
            choice_id=choice.id,
            label=choice.label,
            minutes=choice.time,
            result_text=self.render(outcome.text),
            deltas=deltas,
            events=tuple(events),
            ending=ending,
            chance_hit=hit,
            beat_id=self._pilot.state,
        )
        self.last_result = result
        return result

    def step(self, choice_id: str) -> bool:
        """Take a choice by the same rules as :meth:`choose`, recording only the step.

        The simulator's fast path: no undo mark, log, meter sample or result is
        built, and the machine is moved with ``set_state`` to the destination
        the choice's trigger leads to, so thousands of play-throughs a second
        stay affordable. A test plays seeded games both ways and requires the
        same states and values. Returns whether a chance outcome happened.
        """
        beat, choice = self._take(choice_id)
        return self._advance(beat, choice, None, None, fast=True)[1]

    def _take(self, choice_id: str) -> tuple[Beat, Choice]:
        beat = self.story.beats.get(self._pilot.state)
        if beat is None:
            raise GameError("the story has ended; start a new game or undo")
        choice = self._find(beat, choice_id)
        if choice.condition is not None:
            ok, reason = self.enabled(choice)
            if not ok:
                raise GameError(f"“{choice.label}” is not possible: {reason}")
        return beat, choice

    def _advance(
        self, beat: Beat, choice: Choice, force_chance: bool | None, events: list[Event] | None, fast: bool = False
    ) -> tuple[Outcome, bool]:
        """The rules of one choice: roll, rates, time, effects, transition, limits, entry."""
        values = self.values
        hit = False
        chance = choice.chance
        if chance is not None:
            if force_chance is not None:
                hit = force_chance
            else:
                try:
                    p = float(chance.probability.fn(values))
                except (EvaluationError, ArithmeticError, TypeError) as exc:
                    p = 0.0
                    if events is not None:
                        events.append(Event("error", f"chance could not be computed ({exc})"))
                hit = self.rng.random() < p
        outcome: Outcome = chance.outcome if hit and chance is not None else choice.outcome
        self._pilot.rolled = hit

        if choice.rates:
            self.rates = {**self.rates, **dict(choice.rates)}  # copy on write: undo marks share the old dict
        if choice.time > 0:
            self._pass_time(choice.time)
        if outcome.effects:
            self._apply_effects(outcome, events)

        if fast:
            # The destination the trigger would pick (build_machine makes the
            # transitions from these same fields); set_state skips transitions'
            # generic dispatch, the largest cost of a simulated step.
            dest = outcome.destination
            self._machine.set_state(dest, model=self._pilot)
        else:
            self._events[choice.id].trigger(self._pilot)
            dest = self._pilot.state
        ended = dest.startswith(ENDING_PREFIX)
        if not ended and self._limits:  # a meter at its limit overrides a beat, not an ending
            ended = self._check_limits(events) is not None
        step = {"beat": beat.id, "choice": choice.id, "minute": values["elapsed"]}
        if hit:
            step["chance"] = True
        self.steps.append(step)
        if not ended:
            self._enter(dest, came_from=beat.id)
        return outcome, hit

    def _find(self, beat: Beat, choice_id: str) -> Choice:
        for c in beat.choices:
            if c.id == choice_id:
                return c
        if choice_id.isdigit():
            visible = [c for c in beat.choices if not (c.hidden_when_disabled and not self.enabled(c)[0])]
            index = int(choice_id) - 1
            if 0 <= index < len(visible):
                return visible[index]
        raise GameError(f"there is no choice “{choice_id}” here")

    def _pass_time(self, minutes: float) -> None:
        if minutes <= 0:
            return
        values = self.values
        values["elapsed"] = values["elapsed"] + minutes
        for name, rate in self.rates.items():
            if rate:
                values[name] = self.story.meters[name].clamp(values[name] + rate * minutes)

    def _apply_effects(self, outcome: Outcome, events: list[Event] | None) -> None:
        values = self.values
        meters = self.story.meters
        flags = self.story.flags
        for effect in outcome.effects:
            name = effect.name
            try:
                new = apply_op(effect.op, values[name], effect.expr.fn(values))
            except (EvaluationError, ArithmeticError, TypeError) as exc:
                if events is not None:
                    events.append(Event("error", f"effect `{effect.source}` skipped ({exc})"))
                continue
            meter = meters.get(name)
            if meter is not None:
                values[name] = meter.clamp(float(new))
            elif isinstance(flags[name].default, bool):
                values[name] = bool(new)
            else:
                values[name] = int(new)

    def _check_limits(self, events: list[Event] | None) -> str | None:
        values = self.values
        for meter, at_min, ending, trigger in self._limits:
            value = values[meter.name]
            if value <= meter.min if at_min else value >= meter.max:
                if events is not None:
                    events.append(Event("limit", f"{meter.label} reached its limit", meter.name, "critical"))
                self._events[trigger].trigger(self._pilot)
                return ending
        return None

    def _enter(self, beat_id: str, came_from: str = "") -> None:
        beat = self.story.beats[beat_id]
        if beat.rates:
            self.rates = {**self.rates, **dict(beat.rates)}  # copy on write, as in _advance
        if beat.no_return and came_from != beat_id:
            self.undo_stack.clear()
        if beat_id in self._milestone_beats and beat_id not in self.milestones:
            self.milestones = {**self.milestones, beat_id: self.elapsed}  # copy on write

    def _sample(self) -> None:
        values = self.values
        self.samples.append((values["elapsed"], {n: values[n] for n in self.story.meters}))

    # -- undo ----------------------------------------------------------------
    def _mark(self) -> _Mark:
        """Where the game is now, small enough to take before every choice."""
        return _Mark(
            self.state,
            dict(self.values),
            self.rates,  # replaced, never changed in place, so sharing is safe
            self.rng.state,
            len(self.steps),
            len(self.log),
            len(self.samples),
            self.milestones,
        )

    def _push_undo(self) -> _Mark:
        mark = self._mark()
        self.undo_stack.append(mark)
        if len(self.undo_stack) > MAX_UNDO:
            del self.undo_stack[0]
        return mark

    def checkpoint(self) -> Checkpoint:
        """A copy of where the game is, for tools that explore branches.

        Unlike undo it ignores points of no return, and any checkpoint of this
        play-through can be returned to in any order with :meth:`rewind`.
        """
        # Built without touching the undo stack: pushing and popping would drop its oldest mark when full.
        return Checkpoint(self._mark(), list(self.undo_stack), list(self.steps), list(self.log), list(self.samples))

    def rewind(self, checkpoint: Checkpoint) -> None:
        """Return to a :meth:`checkpoint` taken earlier in this same play-through."""
        self._restore_mark(checkpoint.mark)
        self.undo_stack = list(checkpoint.undo)
        self.steps = list(checkpoint.steps)
        self.log = list(checkpoint.log)
        self.samples = list(checkpoint.samples)
        self.last_result = None

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    def undo(self) -> None:
        """Take back the last choice; refuses past a point of no return."""
        if not self.undo_stack:
            beat = self.beat
            if beat is not None and beat.no_return and self.steps:
                raise GameError("this is a point of no return: what is done cannot be undone")
            raise GameError("nothing to undo")
        mark = self.undo_stack.pop()
        self._restore_mark(mark)
        self.last_result = None

    def _restore_mark(self, mark: _Mark) -> None:
        self._machine.set_state(mark.state, model=self._pilot)
        self.values = dict(mark.values)
        self.rates = dict(mark.rates)
        self.rng.state = mark.rng
        del self.steps[mark.steps :]
        del self.log[mark.log :]
        del self.samples[mark.samples :]
        self.milestones = dict(mark.milestones)

    # -- snapshots -------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Everything needed to continue this game later, as JSON-ready data."""
        return {
            "format": SNAPSHOT_FORMAT,
            "story_id": self.story.id,
            "fingerprint": self.story.fingerprint,
            "seed": self.seed,
            "state": self.state,
            "values": dict(self.values),
            "rates": dict(self.rates),
            "rng": self.rng.state,
            "steps": [dict(s) for s in self.steps],
            "log": [[e.minute, e.kind, e.text] for e in self.log],
            "samples": [[t, dict(v)] for t, v in self.samples],
            "milestones": dict(self.milestones),
            "undo": [m.to_json() for m in self.undo_stack],
        }

    @classmethod
    def restore(cls, story: Story, data: dict[str, Any]) -> Game:
        """Rebuild a game from :meth:`snapshot` data; GameError if it does not fit."""
        try:
            if data.get("format") != SNAPSHOT_FORMAT:
                raise GameError(f"snapshot format {data.get('format')!r} is not supported (expected {SNAPSHOT_FORMAT})")
            if data["story_id"] != story.id:
                raise GameError(f"this save belongs to the story “{data['story_id']}”, not “{story.id}”")
            state = data["state"]
            if state not in story.beats and not (
                state.startswith(ENDING_PREFIX) and state[len(ENDING_PREFIX) :] in story.endings
            ):
                raise GameError(f"the saved beat “{state}” no longer exists in this story")
            game = cls(story, int(data["seed"]), state=state)
            values = dict(game.values)
            for name, value in data["values"].items():
                if name in story.meters or name == "elapsed":
                    values[name] = float(value)
                elif name in values:
                    values[name] = value
            game.values = values
            game.rates.update({k: float(v) for k, v in data["rates"].items() if k in game.rates})
            game.rng.state = int(data["rng"])
            game.steps = [dict(s) for s in data["steps"]]
            game.log = [LogEntry(float(m), str(k), str(t)) for m, k, t in data["log"]]
            game.samples = [(float(t), {k: float(x) for k, x in v.items()}) for t, v in data["samples"]]
            game.milestones = {k: float(v) for k, v in data["milestones"].items()}
            game.undo_stack = [
                _Mark(**m)
                for m in data.get("undo", [])
                if m["state"] in story.beats or m["state"].startswith(ENDING_PREFIX)
            ]
        except GameError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise GameError(f"the saved game is damaged ({type(exc).__name__}: {exc})") from None
        return game
