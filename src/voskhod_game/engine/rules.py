"""The rules of play, registered as callbacks on the story's ``transitions`` Machine.

The Machine is the authority on what a choice does. Its model is the game's
:class:`~.state.RunState` (the state attribute is ``beat``); every callback is
called with the :class:`~.game.Game` that fired the trigger, so one Machine
serves every game of a story::

    choose("wait")  ──►  trigger "wait" from the current beat
      conditions   choice_open   the choice's own condition
                   rolled        a chance outcome's roll (its transition is listed first)
      before       take          rates, time passes, the outcome's effects, the step is recorded
      state change               RunState.beat = destination
      on_enter     enter_beat    a meter at its limit fires "!at_min:<meter>" (to an ending);
                                 otherwise rates, point of no return, milestone, visit count

Triggers are dispatched through the Machine's own transition table
(:meth:`Rules.dispatch`): the transitions registered for the trigger and the
current state, their conditions in order, their ``before`` callbacks, the state
change and the destination's ``on_enter``, exactly as ``transitions`` runs them
but without its per-event bookkeeping (logging, EventData), which alone cost
more than the whole step budget (``choose()`` at 8.3x a plain dict FSM through
``Event.trigger``, 4x through the table; docs/performance.md). With
``Rules.through_library`` set, the same triggers go through ``Event.trigger``
itself; tests play seeded games both ways on every story and require identical
runs, so the table and the library cannot disagree.
"""

from __future__ import annotations

import gc
import math
import threading
import weakref
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from transitions import Machine

from ..i18n import _
from ..story.expressions import CLOCK_NAME, Effects, EvaluationError, apply_op
from ..story.model import (
    CHANCE_INDEX,
    FIRST_BRANCH_INDEX,
    MACHINE_STATE_ATTRIBUTE,
    Beat,
    Branch,
    Choice,
    Meter,
    Outcome,
    Story,
    ending_state,
)
from .rng import draw
from .state import FlagValue, Step
from .views import Event, limit_message

if TYPE_CHECKING:
    from .game import Game

EVAL_ERRORS = (EvaluationError, ArithmeticError, TypeError, ValueError)
ELAPSED = CLOCK_NAME
ROUTE_TRIGGER = "!route"  # fired by a routing beat on entry; not a valid choice id
MAX_ROUTE_HOPS = 100  # the loader refuses routing circles (V205); this only guards against a bug


def limit_trigger(meter: str, bound: str) -> str:
    # Not a valid choice id (those are [a-z0-9_]), so it can never clash with one.
    return f"!{bound}:{meter}"


# -- the callbacks ------------------------------------------------------------------
def choice_open(choice: Choice, game: Game) -> bool:
    """Condition: the choice can be taken now (also what menus show).

    Its own ``if:``; a once-only choice not taken yet here; a fallback only
    while no other choice of the beat is open.
    """
    condition = choice.condition
    if condition is not None:
        try:
            if not condition(game.env):
                return False
        except EVAL_ERRORS:
            return False
    run = game.run
    if choice.once and run.taken.get(f"{run.beat}:{choice.id}"):
        return False
    if choice.fallback:
        beat = game.story.beats[run.beat]
        return not any(choice_open(c, game) for c in beat.choices if not c.fallback)
    return True


def picked(branches: tuple[Branch, ...], index: int, game: Game) -> bool:
    """Condition of one of several outcomes (or route branches): is it the one picked?

    The pick is made once per trigger: the first branch whose condition holds,
    else one of the unconditional branches by weight (a roll of the run's dice).
    """
    pick = game.pick
    if pick is None:
        pick = game.pick = pick_branch(branches, game)
    return pick == index


def pick_branch(branches: tuple[Branch, ...], game: Game) -> int:
    env = game.env
    for i, branch in enumerate(branches):
        if branch.condition is not None:
            try:
                if branch.condition(env):
                    return i
            except EVAL_ERRORS:
                continue
    weighted: list[tuple[int, float]] = []
    for i, branch in enumerate(branches):
        if branch.condition is None:
            weight = 1.0
            if branch.weight is not None:
                try:
                    weight = float(branch.weight(env))
                except EVAL_ERRORS as exc:
                    weight = 0.0
                    game.report(Event("error", _("weight could not be computed ({problem})").format(problem=exc)))
            weighted.append((i, weight if math.isfinite(weight) and weight > 0 else 0.0))
    total = sum(w for _, w in weighted)
    if len(weighted) == 1 or total <= 0:
        return weighted[-1][0]
    run = game.run
    run.rng, x = draw(run.rng)
    target = x * total
    for i, weight in weighted:
        target -= weight
        if target < 0:
            return i
    return weighted[-1][0]


def rolled(choice: Choice, game: Game) -> bool:
    """Condition of a chance outcome: roll the dice (or obey a tool's forced result)."""
    if game.forced_chance is not None:
        return game.forced_chance
    assert choice.chance is not None
    try:
        p = float(choice.chance.probability(game.env))
    except EVAL_ERRORS as exc:
        p = 0.0
        game.report(Event("error", _("chance could not be computed ({problem})").format(problem=exc)))
    run = game.run
    run.rng, x = draw(run.rng)
    return x < p


def take(choice: Choice, outcome: Outcome, index: int, game: Game) -> None:
    """Before the state changes: the choice's rates, its time, the outcome's effects, the step."""
    run = game.run
    if choice.rates:
        run.rates = {**run.rates, **dict(choice.rates)}  # copy on write: undo marks share the old dict
    if choice.time > 0:
        pass_time(game, choice.time)
    if outcome.effects:
        apply_effects(game, outcome.effects)
    run.history.append(Step(run.beat, choice.id, run.elapsed, index))
    if choice.once:
        key = f"{run.beat}:{choice.id}"
        run.taken[key] = run.taken.get(key, 0) + 1


def follow(outcome: Outcome, game: Game) -> None:
    """Before a routing beat moves on: the branch's effects."""
    if outcome.effects:
        apply_effects(game, outcome.effects)


def enter_beat(beat: Beat, game: Game) -> None:
    """on_enter of a beat: a meter at its limit ends the game instead; else the beat's entry rules."""
    if not end_at_limit(game):
        arrive(beat, game)


def end_at_limit(game: Game) -> bool:
    """A meter at its limit fires its limit trigger (to an ending); True if it did."""
    limit = game.rules.limit_reached(game)
    if limit is None:
        return False
    meter, trigger = limit
    game.report(Event("limit", limit_message(meter.label), meter.name, "critical"))
    game.rules.fire(game, trigger)
    return True


def arrive(beat: Beat, game: Game) -> None:
    """The entry rules of a beat (also run for the start beat, which transitions never enters)."""
    run = game.run
    if beat.rates:
        run.rates = {**run.rates, **dict(beat.rates)}  # copy on write, as in take
    if beat.no_return and (not run.history or run.history[-1].beat != beat.id):
        game.undo_stack.clear()
    if beat.id in game.rules.milestone_beats and beat.id not in run.milestones:
        run.milestones = {**run.milestones, beat.id: run.elapsed}  # copy on write
    run.visits[beat.id] = run.visits.get(beat.id, 0) + 1
    if beat.effects:
        apply_effects(game, beat.effects)
        if end_at_limit(game):
            return
    if beat.route:
        game.route_hops += 1
        if game.route_hops > MAX_ROUTE_HOPS:
            game.report(
                Event(
                    "error",
                    _("stopped after {count} routing beats in a row at {beat}").format(
                        count=MAX_ROUTE_HOPS, beat=beat.id
                    ),
                )
            )
            return
        game.rules.fire(game, ROUTE_TRIGGER)


# -- what the callbacks do to the run -----------------------------------------------
def pass_time(game: Game, minutes: float) -> None:
    run = game.run
    env = game.env
    run.elapsed += minutes
    env[ELAPSED] = run.elapsed
    meters = run.meters
    bounds = game.rules.bounds
    for name, rate in run.rates.items():
        if rate:
            lo, hi = bounds[name]  # Meter.clamp, inlined: this runs for every meter on every choice
            value = meters[name] + rate * minutes
            env[name] = meters[name] = lo if value < lo else hi if value > hi else value


def apply_effects(game: Game, effects: Effects) -> None:
    """Each effect in order, each seeing the ones before; one that cannot be computed is skipped."""
    run = game.run
    env = game.env
    value: FlagValue | float
    for effect, name, combine, expr, kind, bounds in game.rules.appliers(effects):
        try:
            new = combine(env[name], expr(env))
            if bounds is not None:
                number = float(new)
                if not math.isfinite(number):
                    raise EvaluationError(f"{number} is not a usable value")
                lo, hi = bounds
                value = run.meters[name] = lo if number < lo else hi if number > hi else number
            else:
                value = run.flags[name] = kind(new)
        except (*EVAL_ERRORS, OverflowError) as exc:
            game.report(
                Event("error", _("effect `{effect}` skipped ({problem})").format(effect=effect.source, problem=exc))
            )
            continue
        env[name] = value


# -- the Machine ----------------------------------------------------------------------
Callback = Callable[..., Any]
Applier = tuple[Any, str, Callable[[Any, Any], Any], Callable[[Any], Any], type, tuple[float, float] | None]
Compiled = tuple[tuple[tuple[Callback, bool], ...], tuple[Callback, ...], str, tuple[Callback, ...]]


class Rules:
    """A story's Machine with its callbacks registered, shared by every game of the story."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.milestone_beats = frozenset(m.beat for m in story.milestones)
        # What an effect stores into each name: meters hold floats, flags their declared type.
        self.value_kinds: dict[str, type] = {name: float for name in story.meters}
        self.value_kinds.update({name: type(f.default) for name, f in story.flags.items()})
        self.bounds = {name: (m.min, m.max) for name, m in story.meters.items()}
        self._appliers: dict[int, tuple[Effects, tuple[Applier, ...]]] = {}
        # The meters that can end the game, in the order they are checked: per
        # meter, its minimum before its maximum.
        self.limits = tuple(
            (m, bound == "at_min", limit_trigger(m.name, bound))
            for m in story.meters.values()
            for bound in ("at_min", "at_max")
            if getattr(m, bound)
        )
        # Building a Machine makes many small objects; with the collector paused
        # it is several times faster on a large story (see docs/performance.md).
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.machine = build_machine(story)
        finally:
            if collecting:
                gc.enable()
        self._table: dict[tuple[str, str], tuple[Compiled, ...]] = {}

    def appliers(self, effects: Effects) -> tuple[Applier, ...]:
        """Each effect with what applying it needs looked up once: its combining function, the
        compiled expression's function, the value's kind and, for a meter, its bounds."""
        kept = self._appliers.get(id(effects))
        if kept is not None and kept[0] is effects:  # the tuple is kept with them, so its id is not reused
            return kept[1]
        found = tuple(
            (
                e,
                e.name,
                partial(apply_op, e.op),
                e.expr.fn,
                self.value_kinds[e.name],
                self.bounds.get(e.name) if self.value_kinds[e.name] is float else None,
            )
            for e in effects
        )
        self._appliers[id(effects)] = (effects, found)
        return found

    def limit_reached(self, game: Game) -> tuple[Meter, str] | None:
        meters = game.run.meters
        for meter, at_min, trigger in self.limits:
            value = meters[meter.name]
            if value <= meter.min if at_min else value >= meter.max:
                return meter, trigger
        return None

    through_library = False  # tests set it to check the table against transitions itself

    def fire(self, game: Game, trigger: str) -> bool:
        """Fire ``trigger`` on the game's run; False if no transition's conditions hold."""
        game.pick = None  # each trigger picks among its outcomes afresh
        if self.through_library:
            return bool(self.machine.events[trigger].trigger(game.run, game))
        return self.dispatch(game, trigger)

    def dispatch(self, game: Game, trigger: str) -> bool:
        """What ``transitions`` does for a trigger, read from its own table, without its bookkeeping."""
        run = game.run
        key = (trigger, run.beat)
        compiled = self._table.get(key)
        if compiled is None:
            compiled = self._table[key] = self._compile(trigger, run.beat)
        for conditions, before, dest, enter in compiled:
            for func, target in conditions:
                if func(game) != target:
                    break
            else:
                for func in before:
                    func(game)
                run.beat = dest
                for func in enter:
                    func(game)
                return True
        return False

    def _compile(self, trigger: str, source: str) -> tuple[Compiled, ...]:
        machine = self.machine
        out = []
        for t in machine.events[trigger].transitions[source]:
            # Only the callback kinds build_machine registers are replayed; a test
            # checks the Machine has no others.
            assert not t.prepare and not t.after and not machine.get_state(source).on_exit
            # build_machine registers only callables (never names) and no internal transitions.
            dest = cast(str, t.dest)
            conditions = tuple((cast(Callback, c.func), bool(c.target)) for c in t.conditions)
            before = tuple(cast(Callback, f) for f in t.before)
            enter = tuple(cast(Callback, f) for f in machine.get_state(dest).on_enter)
            out.append((conditions, before, dest, enter))
        return tuple(out)


def build_machine(story: Story) -> Machine:
    """The Machine of a story: beats and endings are states, choices are triggers."""
    states: list[dict[str, Any]] = [{"name": b.id, "on_enter": [partial(enter_beat, b)]} for b in story.beats.values()]
    states += [{"name": ending_state(e)} for e in story.endings]
    transitions: list[dict[str, Any]] = []
    for beat in story.beats.values():
        for i, branch in enumerate(beat.route):
            transitions.append(
                {
                    "trigger": ROUTE_TRIGGER,
                    "source": beat.id,
                    "dest": branch.outcome.destination,
                    "conditions": [partial(picked, beat.route, i)],
                    "before": [partial(follow, branch.outcome)],
                }
            )
        for choice in beat.choices:
            gated = choice.condition is not None or choice.once or choice.fallback
            opened = [partial(choice_open, choice)] if gated else []
            if choice.chance is not None:
                transitions.append(
                    {
                        "trigger": choice.id,
                        "source": beat.id,
                        "dest": choice.chance.outcome.destination,
                        "conditions": [*opened, partial(rolled, choice)],
                        "before": [partial(take, choice, choice.chance.outcome, CHANCE_INDEX)],
                    }
                )
            last = len(choice.branches) - 1
            for i, branch in enumerate(choice.branches[:-1]):
                transitions.append(
                    {
                        "trigger": choice.id,
                        "source": beat.id,
                        "dest": branch.outcome.destination,
                        "conditions": [*opened, partial(picked, choice.branches, i)],
                        "before": [partial(take, choice, branch.outcome, FIRST_BRANCH_INDEX + i)],
                    }
                )
            transitions.append(
                {
                    "trigger": choice.id,
                    "source": beat.id,
                    "dest": choice.outcome.destination,
                    "conditions": [*opened, partial(picked, choice.branches, last)] if last > 0 else opened,
                    "before": [partial(take, choice, choice.outcome, 0)],
                }
            )
    for meter in story.meters.values():
        for bound in ("at_min", "at_max"):
            ending = getattr(meter, bound)
            if ending:
                transitions.append(
                    {"trigger": limit_trigger(meter.name, bound), "source": "*", "dest": ending_state(ending)}
                )
    return Machine(
        model=None,
        states=states,
        transitions=transitions,
        initial=story.start,
        auto_transitions=False,
        ignore_invalid_triggers=False,
        send_event=False,
        model_attribute=MACHINE_STATE_ATTRIBUTE,
    )


# One Rules per live Story, shared by its games. Building the Machine costs about
# as much as 2,000 choices for a 1,000-beat story, so the simulator's play-throughs
# must not each build one. Keyed by id() because Story holds dicts and is
# unhashable; the weak reference guards against a reused id.
_RULES: dict[int, tuple[weakref.ref[Story], Rules]] = {}
_RULES_LOCK = threading.Lock()


def rules_for(story: Story) -> Rules:
    """The shared Rules (and Machine) of ``story``, built on first use."""
    entry = _RULES.get(id(story))
    if entry is not None and entry[0]() is story:
        return entry[1]
    with _RULES_LOCK:
        entry = _RULES.get(id(story))
        if entry is not None and entry[0]() is story:
            return entry[1]
        rules = Rules(story)
        _RULES[id(story)] = (weakref.ref(story), rules)
        weakref.finalize(story, _RULES.pop, id(story), None)
    return rules
