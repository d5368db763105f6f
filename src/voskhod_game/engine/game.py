"""The game: one :class:`~.state.RunState` driven by the story's ``transitions`` Machine.

States are beats and endings, choices are triggers, and the rules are the
Machine's callbacks (see ``rules.py``). This class is what every front end
drives: it asks the Machine to fire, keeps undo marks, and turns the run into
read-only views. Menus come from the story's own beat index and the same
compiled conditions the Machine checks, never from ``get_triggers`` (see
DESIGN.md).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from ..i18n import _
from ..story.expressions import VISITS_KEY
from ..story.model import CHANCE_INDEX, ENDING_PREFIX, FIRST_BRANCH_INDEX, Beat, Choice, Scene, Story
from ..story.text import Text
from . import rules
from .clock import clock_view
from .migrations import STATE_FORMAT, load_run
from .reference import FactView, TermView, fact_view, facts_of, terms_in
from .rng import Rng, new_seed
from .state import RunState, Sample, StateError, Step, mark_to_json
from .views import (
    ChoiceResult,
    ChoiceView,
    EndingView,
    Event,
    HistoryView,
    LogEntry,
    MeterView,
    View,
    limit_message,
    start_message,
    threshold_message,
)

MAX_UNDO = 100


class GameError(Exception):
    """A request the game cannot carry out; the message is for the player."""


@dataclass(frozen=True)
class Checkpoint:
    """What :meth:`Game.rewind` needs; opaque to callers."""

    run: RunState
    undo: tuple[dict[str, Any], ...]


def initial_run(story: Story, seed: int) -> RunState:
    """A run at the story's start, before the start beat's entry rules."""
    return RunState(
        seed=seed,
        beat=story.start,
        meters={name: float(m.start) for name, m in story.meters.items()},
        flags={name: f.default for name, f in story.flags.items()},
        rates=rules.rules_for(story).start_rates,  # shared: rates are replaced, never changed in place
        rng=Rng.from_seed(seed).state,
    )


class Game:
    """A play-through of a story. Create with :meth:`new` or :meth:`restore`."""

    def __init__(self, story: Story, run: RunState) -> None:
        self.story = story
        self.run = run
        self.rules = rules.rules_for(story)
        self.undo_stack: deque[dict[str, Any]] = deque(maxlen=MAX_UNDO)  # the oldest mark drops off
        self.last_result: ChoiceResult | None = None
        # Tools that explore every outcome force one instead of rolling (see choose()).
        self.forced_chance: bool | None = None
        self.forced_branch: int | None = None
        self.pick: int | None = None  # the outcome picked for the trigger being fired (rules.picked)
        # False for the simulator: no choice history, log or meter samples are kept,
        # none of which the rules read (a point of no return only clears undo marks).
        self.records = True
        # The meters that move with time (rules.make_take), worked out for the run's rates.
        self.rate_plan: rules.RatePlan = (None, (), (), ())
        # The meters that can end the game and were changed since all of them were last found
        # off their limits (None: not known, every one is looked at on the next arrival).
        self.suspects: tuple[rules.Limit, ...] | None = None
        # The meters the callbacks changed since the choice being taken began (a name may be
        # there twice, or be back at its old value); None: not known, the run was replaced.
        # What the simulator's meter ranges look at instead of every meter at every beat.
        self.moved: tuple[str, ...] | None = None
        self.route_hops = 0  # routing beats passed through since the last choice
        self.env: dict[str, Any] = {}  # what expressions read; kept in step by the rules
        self.changed()
        self._events: list[Event] | None = None

    # -- creation ----------------------------------------------------------
    @classmethod
    def new(cls, story: Story, seed: int | None = None) -> Game:
        game = cls(story, initial_run(story, new_seed() if seed is None else seed))
        game._begin()
        return game

    def reset(self, seed: int) -> None:
        """Start a fresh play-through of the same story on this object (the simulator's loop)."""
        self.run = initial_run(self.story, seed)
        self.undo_stack.clear()
        self.last_result = None
        self.changed()
        self._begin()

    def _begin(self) -> None:
        # transitions never runs on_enter for the initial state: run its entry rules here.
        self.route_hops = 0
        self.rules.arrivals[self.story.start](self)
        if self.records:
            self._sample()
            self.run.log.append(LogEntry(0.0, "note", start_message(self.story.title), "start"))

    # -- what callbacks use --------------------------------------------------
    def changed(self) -> None:
        """The run was replaced or rewound: build the names expressions read afresh.

        Meters, flags and the clock are separate parts of the run; expressions
        read them through one dict, which the rules update as they change a
        value, so it is rebuilt only when the whole run changes.
        """
        run = self.run
        self.suspects = self.moved = None  # values may have been set by hand: look at every meter again
        self.env = {**run.meters, **run.flags, rules.ELAPSED: run.elapsed, VISITS_KEY: run.visits}

    def report(self, event: Event) -> None:
        """An event for the player, when a choice is being presented (not while simulating)."""
        if self._events is not None:
            self._events.append(event)

    # -- reading -----------------------------------------------------------
    @property
    def state(self) -> str:
        return self.run.beat

    @property
    def seed(self) -> int:
        return self.run.seed

    @property
    def ended(self) -> bool:
        return self.run.beat.startswith(ENDING_PREFIX)

    @property
    def beat(self) -> Beat | None:
        return self.story.beats.get(self.run.beat)

    @property
    def ending_id(self) -> str | None:
        return self.run.beat[len(ENDING_PREFIX) :] if self.ended else None

    @property
    def elapsed(self) -> float:
        return self.run.elapsed

    @property
    def history(self) -> list[Step]:
        return self.run.history

    @property
    def log(self) -> list[LogEntry]:
        """The mission log in the words of the story as loaded now (see ``LogEntry.ref``)."""
        return [self._reworded(entry) for entry in self.run.log]

    def _reworded(self, entry: LogEntry) -> LogEntry:
        ref, story = entry.ref, self.story
        if not ref:
            return entry
        text = entry.text
        if entry.kind == "note" and ref == "start":
            text = start_message(story.title)
        elif entry.kind == "ending" and ref in story.endings:
            text = self.render(story.endings[ref].title)
        elif entry.kind == "choice":
            beat_id, _, choice_id = ref.rpartition(":")
            beat = story.beats.get(beat_id)
            choice = next((c for c in beat.choices if c.id == choice_id), None) if beat is not None else None
            if choice is not None:
                text = self.render(choice.label)
        elif entry.kind == "event":
            kind, meter_name, state = [*ref.split(":", 2), "", ""][:3]
            meter = story.meters.get(meter_name)
            if meter is not None:
                text = threshold_message(meter.label, state) if kind == "threshold" else limit_message(meter.label)
        return LogEntry(entry.minute, entry.kind, text, ref)

    @property
    def samples(self) -> list[Sample]:
        return self.run.samples

    @property
    def milestones(self) -> dict[str, float]:
        return self.run.milestones

    def enabled(self, choice: Choice) -> tuple[bool, str]:
        """Whether a choice of the current beat is open, by the gate the Machine checks, and why not."""
        gate = self.rules.gates.get((self.run.beat, choice.id))
        if gate is None or gate(self):
            return True, ""
        return False, choice.disabled_reason or "not possible now"

    def enabled_choices(self) -> list[Choice]:
        """The choices a player can take now."""
        menu = self.rules.menus.get(self.run.beat)
        if menu is None:
            return []
        return [c for c, gate in menu if gate is None or gate(self)]

    def meter_views(self, scene: Scene | None = None) -> tuple[MeterView, ...]:
        """Every meter with its state; those the story or ``scene`` hides are marked hidden."""
        hide = scene.hide_meters if scene is not None else ()
        meters = self.run.meters
        return tuple(
            MeterView(
                name=m.name,
                label=m.label,
                unit=m.unit,
                value=meters[m.name],
                min=m.min,
                max=m.max,
                state=m.state(meters[m.name]),
                rate=self.run.rates[m.name],
                precision=m.precision,
                hidden=m.hidden or m.name in hide,
            )
            for m in self.story.meters.values()
        )

    def render(self, text: str) -> str:
        """A story text as this run shows it: conditions decided, values filled in, variants picked."""
        if isinstance(text, Text) and text.template is not None:
            return text.render(self.env, self._pick)
        return text

    def _pick(self, slot: int, count: int, mode: str) -> int:
        """Which of ``count`` variants a text shows: ``&`` cycles with visits, ``~`` is seeded.

        Computed from the run's seed and the visit count of the beat, never from
        the dice, so the same text reads the same after undo, reload and replay.
        """
        run = self.run
        visits = run.visits.get(run.beat, 1)
        if mode == "&":
            return (visits - 1) % count
        return Rng(run.seed * 0x9E3779B97F4A7C15 + slot * 0xBF58476D1CE4E5B9 + visits).below(count)

    def ending_view(self) -> EndingView | None:
        if not self.ended:
            return None
        e = self.story.endings[self.ending_id or ""]
        render = self.render
        return EndingView(e.id, e.type, render(e.title), render(e.text), render(e.debrief), e.cause)

    def view(self) -> View:
        ending = self.ending_view()
        story = self.story
        clock = clock_view(story.clock, self.elapsed)
        history = self.run.history
        if ending is not None:
            last_scene = story.scene_of(history[-1].beat) if history else story.scenes[0]
            return View(
                story.title,
                self.state,
                last_scene.id,
                self.render(last_scene.title),
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
                len(history),
            )
        beat = self.beat
        assert beat is not None
        scene = story.scene_of(beat.id)
        choices = []
        number = 0
        render = self.render
        for c in beat.choices:
            ok, reason = self.enabled(c)
            if not ok and c.hidden_when_closed:
                continue
            number += 1
            risky = c.chance is not None or any(b.condition is None for b in c.branches[:-1])
            choices.append(ChoiceView(c.id, number, render(c.label), ok, render(reason), c.time, risky))
        note = None
        if beat.history is not None:
            facts = tuple(found for f in beat.history.facts if (found := fact_view(story, f)) is not None)
            note = HistoryView(render(beat.history.note), facts)
        title, text = render(beat.title), render(beat.text)
        return View(
            story.title,
            beat.id,
            scene.id,
            render(scene.title),
            scene.number,
            len(story.scenes),
            title,
            text,
            self.meter_views(scene),
            tuple(choices),
            clock,
            None,
            note,
            self.can_undo,
            len(history),
            beat.basis,
            terms_in(story, title, text, *(c.label for c in choices)) if story.glossary else (),
        )

    def glossary(self) -> tuple[TermView, ...]:
        """The story's glossary with each definition as this run shows it."""
        return tuple(TermView(e.term, self.render(e.definition), e.forms) for e in self.story.glossary)

    def cited_facts(self) -> tuple[FactView, ...]:
        """The facts cited by the beats played so far (the current one included), each once."""
        beats = [step.beat for step in self.run.history]
        if self.beat is not None:
            beats.append(self.beat.id)
        return facts_of(self.story, beats)

    # -- acting ------------------------------------------------------------
    def choose(
        self, choice_id: str, *, force_chance: bool | None = None, force_outcome: int | None = None
    ) -> ChoiceResult:
        """Take a choice by id (or by its 1-based number as text); return what changed.

        For tools that explore every outcome, without rolling: ``force_chance``
        True makes a choice's chance outcome happen, False prevents it;
        ``force_outcome`` makes one outcome happen, by its ``Step.outcome``
        index (see :func:`~.rules.possible_outcomes`).
        """
        choice = self._open_choice(choice_id)
        run = self.run
        mark = run.mark()
        self.undo_stack.append(mark)
        before = mark["meters"]  # the undo mark's copy doubles as the "before" picture
        events: list[Event] = []
        self._events = events
        self._force(choice, force_chance, force_outcome)
        self.route_hops = 0
        try:
            fired = self.rules.fire(self, choice.id)
        finally:
            self._events = None
            self.forced_chance = self.forced_branch = None
        if not fired:  # the Machine refused: nothing happened, so nothing to undo
            self.undo_stack.pop()
            raise GameError(_("“{choice}” is not possible now").format(choice=self.render(choice.label)))
        step = run.history[-1]  # take() records it; a limit that ended the game adds none
        outcome = choice.outcome if step.outcome == 0 else choice.outcome_at(step.outcome)

        meters = self.story.meters
        deltas = {n: v - before[n] for n, v in run.meters.items() if v != before[n]}
        values = run.meters
        for name in deltas:  # a meter's state can only change with its value
            meter = meters[name]
            new_state = meter.state(values[name])
            if new_state != meter.state(before[name]):
                events.append(Event("threshold", threshold_message(meter.label, new_state), name, new_state))
        minute = run.elapsed
        log = run.log
        log.append(LogEntry(minute, "choice", result_label := self.render(choice.label), f"{step.beat}:{choice.id}"))
        for event in events:
            ref = f"{event.kind}:{event.meter}:{event.state}" if event.kind in ("threshold", "limit") else ""
            log.append(LogEntry(minute, "event", event.message, ref))
        if step.chance:
            events.insert(0, Event("chance", _("The odds went against you.")))
        ending = self.ending_view()
        if ending is not None:
            log.append(LogEntry(minute, "ending", ending.title, ending.id))
        self._sample()
        result = ChoiceResult(
            choice_id=choice.id,
            label=result_label,
            minutes=choice.time,
            result_text=self.render(outcome.text),
            deltas=deltas,
            events=tuple(events),
            ending=ending,
            chance_hit=step.chance,
            beat_id=run.beat,
        )
        self.last_result = result
        return result

    def step(self, choice_id: str) -> bool:
        """Take a choice by the same rules as :meth:`choose`, keeping no undo mark, log or result.

        The same trigger and callbacks, none of the presentation. Returns whether
        a chance outcome happened.
        """
        self.step_open(self._open_choice(choice_id))
        return self.run.history[-1].chance

    def step_open(self, choice: Choice, force_outcome: int | None = None) -> None:
        """:meth:`step` for a choice :meth:`enabled_choices` has just returned, in this same state.

        The simulator's inner loop: the choice is not looked up, and its gate is
        not asked again (it was, in this very state); the Machine's outcome
        conditions still decide. ``force_outcome`` as for :meth:`choose`.
        """
        self.route_hops = 0
        if force_outcome is not None:
            self._force(choice, None, force_outcome)
        try:
            fired = self.rules.fire(self, choice.id, True)
        finally:
            if force_outcome is not None:
                self.forced_chance = self.forced_branch = None
        if not fired:
            raise GameError(_("“{choice}” is not possible now").format(choice=self.render(choice.label)))

    def _force(self, choice: Choice, chance: bool | None, outcome: int | None) -> None:
        """Set the outcome the next trigger must have (``choose``'s force arguments)."""
        self.forced_chance, self.forced_branch = chance, None
        if outcome is None:
            return
        chance = outcome == CHANCE_INDEX and choice.chance is not None
        branch = FIRST_BRANCH_INDEX <= outcome < FIRST_BRANCH_INDEX + len(choice.branches) - 1
        if not (outcome == 0 or chance or branch):
            raise GameError(f"“{choice.id}” has no outcome {outcome}")
        self.forced_chance = outcome == CHANCE_INDEX if choice.chance is not None else None
        self.forced_branch = rules.branch_of(choice, outcome)

    def _open_choice(self, choice_id: str) -> Choice:
        beat = self.beat
        if beat is None:
            raise GameError(_("the story has ended; start a new game or undo"))
        choice = self._find(beat, choice_id)
        ok, reason = self.enabled(choice)
        if not ok:
            raise GameError(
                _("“{choice}” is not possible: {reason}").format(
                    choice=self.render(choice.label), reason=self.render(reason)
                )
            )
        return choice

    def _find(self, beat: Beat, choice_id: str) -> Choice:
        for c in beat.choices:
            if c.id == choice_id:
                return c
        if choice_id.isascii() and choice_id.isdigit() and len(choice_id) < 6:
            visible = [c for c in beat.choices if not (c.hidden_when_closed and not self.enabled(c)[0])]
            index = int(choice_id) - 1
            if 0 <= index < len(visible):
                return visible[index]
        raise GameError(_("there is no choice “{choice}” here").format(choice=choice_id))

    def _sample(self) -> None:
        run = self.run
        run.samples.append((run.elapsed, dict(run.meters)))

    # -- undo ----------------------------------------------------------------
    def checkpoint(self) -> Checkpoint:
        """A copy of where the game is, for tools that explore branches.

        Unlike undo it ignores points of no return, and any checkpoint of this
        play-through can be returned to in any order with :meth:`rewind`.
        """
        return Checkpoint(self.run.copy(), tuple(self.undo_stack))

    def rewind(self, checkpoint: Checkpoint) -> None:
        """Return to a :meth:`checkpoint` taken earlier in this same play-through."""
        self.run = checkpoint.run.copy()
        self.undo_stack = deque(checkpoint.undo, maxlen=MAX_UNDO)
        self.last_result = None
        self.changed()

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    def undo(self) -> None:
        """Take back the last choice; refuses past a point of no return."""
        if not self.undo_stack:
            beat = self.beat
            if beat is not None and beat.no_return and self.run.history:
                raise GameError(_("this is a point of no return: what is done cannot be undone"))
            raise GameError(_("nothing to undo"))
        self.run.rewind(self.undo_stack.pop())
        self.last_result = None
        self.changed()

    # -- snapshots -------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Everything needed to continue this game later, as JSON-ready data."""
        return {
            "format": STATE_FORMAT,
            "story_id": self.story.id,
            "fingerprint": self.story.fingerprint,
            "run": self.run.to_json(),
            "undo": [mark_to_json(m) for m in self.undo_stack],
        }

    @classmethod
    def restore(cls, story: Story, data: Any, notes: list[str] | None = None) -> Game:
        """Rebuild a game from :meth:`snapshot` data of any format; GameError if it does not fit.

        Older formats are upgraded and a story that changed since is reconciled
        (see ``migrations.py``); what was adjusted is added to ``notes``.
        """
        try:
            run, marks, found = load_run(story, data)
        except StateError as exc:
            raise GameError(str(exc)) from None
        game = cls(story, run)
        game.undo_stack.extend(marks)
        if notes is not None:
            notes.extend(found)
        return game


def opening_text(story: Story) -> str:
    """The story's intro as a new game shows it, for screens shown before any game starts."""
    return Game.new(story, 0).render(story.intro)
