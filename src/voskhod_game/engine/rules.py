"""The rules of play, registered as callbacks on the story's ``transitions`` Machine.

The Machine is the authority on what a choice does. Its model is the game's
:class:`~.state.RunState` (the state attribute is ``beat``); every callback is
called with the :class:`~.game.Game` that fired the trigger, so one Machine
serves every game of a story::

    choose("wait")  ──►  trigger "wait" from the current beat
      conditions   gate          the choice is open: its if, once-only, fallback
                   rolled        a chance outcome's roll (its transition is listed first)
                   picked        which of several outcomes (the first that holds, else by weight)
      before       take          rates, time passes, the outcome's effects, the step is recorded
      state change               RunState.beat = destination
      on_enter     arrive        a meter at its limit fires "!at_min:<meter>" (to an ending);
                                 otherwise the beat's rates, point of no return, milestone,
                                 visit count, entry effects, a routing beat fires "!route"

Each ``gate``, ``take`` and ``arrive`` is compiled once per choice, transition
or beat when its beat is added to the Machine, keeping only the steps that
choice or beat uses, so a trigger costs what it does and no more. A beat is
added when a game first reaches it (:meth:`Rules.ensure`), so the first prompt
of a large story builds a few beats, not all of them.

Triggers are dispatched through the Machine's own transition table
(:meth:`Rules.fire`, :func:`run_transitions`): the transitions registered for the trigger and the
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

import math
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

from transitions import Machine

from ..gcpause import collector_paused
from ..i18n import _
from ..story.expressions import CLOCK_NAME, Effects, EvaluationError, apply_op
from ..story.limits import MAX_MAGNITUDE
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
K = TypeVar("K")
V = TypeVar("V")
MAX_KEPT = 4096  # rate plans and merged rates kept per story (restored games bring dicts of their own)


def limit_trigger(meter: str, bound: str) -> str:
    # Not a valid choice id (those are [a-z0-9_]), so it can never clash with one.
    return f"!{bound}:{meter}"


# -- the callbacks --------------------------------------------------------------------
# Each transition and each beat gets its callbacks compiled once, when the Machine is
# built: what a choice or beat does not use (rates, time, effects, once-only, a
# milestone) costs nothing when it is fired, which is what keeps a simulated run fast.
Callback = Callable[..., Any]
# How an effect is applied (see Rules.appliers): mode, name, its constant, a meter's bounds, and
# what computing it needs: whether it is a meter, the effect, the combining function (None for
# ``=``), the expression's function and the kind of value it stores.
Applier = tuple[
    int, str, Any, float, float, tuple[bool, Any, Callable[[Any, Any], Any] | None, Callable[[Any], Any], type]
]
# Compute the expression; add a constant to a meter; store a constant in a meter, in a flag.
EVAL, ADD, SET_METER, SET_FLAG = 0, 1, 2, 3
# A meter that can end the game: its name, the values that end it (see Rules.limits), the meter.
Limit = tuple[str, float, float, Meter]
# The meters that move as time passes under a dict of rates: the dict, (meter, rate, min, max)
# of each, those of them that can end the game, and their names.
RatePlan = tuple[Any, tuple[tuple[str, float, float, float], ...], tuple[Limit, ...], tuple[str, ...]]
Entry = tuple[
    tuple[tuple[Callback, bool], ...],
    tuple[tuple[Callback, bool], ...],
    tuple[Callback, ...],
    str,
    tuple[Callback, ...],
]


def make_gate(beat: Beat, choice: Choice, others: tuple[Callback | None, ...]) -> Callback | None:
    """The condition of a choice's transitions: it can be taken now (also what menus show).

    Its own ``if:``; a once-only choice not taken yet here; a fallback only
    while no other choice of the beat (``others``, their gates) is open. None
    for a choice that is always open, so nobody spends a call asking.
    """
    if choice.condition is None and not choice.once and not choice.fallback:
        return None
    condition = choice.condition.fn if choice.condition is not None else None
    once_key = f"{beat.id}:{choice.id}" if choice.once else None
    siblings = others if choice.fallback else None

    def gate(game: Game) -> bool:
        if condition is not None:
            try:
                if not condition(game.env):
                    return False
            except EVAL_ERRORS:
                return False
        if once_key is not None and game.run.taken.get(once_key):
            return False
        if siblings is not None:
            return not any(other is None or other(game) for other in siblings)
        return True

    return gate


def picked(branches: tuple[Branch, ...], index: int, game: Game) -> bool:
    """Condition of one of several outcomes (or route branches): is it the one picked?

    The pick is made once per trigger: the first branch whose condition holds,
    else one of the unconditional branches by weight (a roll of the run's dice),
    unless a tool forced one (:meth:`Game.choose` ``force_outcome``).
    """
    pick = game.pick
    if pick is None:
        pick = game.forced_branch
        if pick is None:
            pick = pick_branch(branches, game)
        game.pick = pick
    return pick == index


def branch_odds(branches: tuple[Branch, ...], game: Game) -> tuple[int | None, list[tuple[int, float]]]:
    """The first branch whose condition holds (or None), and each unconditional branch's weight now."""
    env = game.env
    for i, branch in enumerate(branches):
        if branch.condition is not None:
            try:
                if branch.condition(env):
                    return i, []
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
    return None, weighted


def pick_branch(branches: tuple[Branch, ...], game: Game) -> int:
    held, weighted = branch_odds(branches, game)
    if held is not None:
        return held
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


def chance_probability(choice: Choice, game: Game) -> float:
    """The chance outcome's probability now; one that cannot be computed is 0 (and said)."""
    assert choice.chance is not None
    try:
        return float(choice.chance.probability(game.env))
    except EVAL_ERRORS as exc:
        game.report(Event("error", _("chance could not be computed ({problem})").format(problem=exc)))
        return 0.0


def rolled(choice: Choice, game: Game) -> bool:
    """Condition of a chance outcome: roll the dice (or obey a tool's forced result)."""
    forced = game.forced_chance
    if forced is not None:
        return forced
    p = chance_probability(choice, game)
    run = game.run
    run.rng, x = draw(run.rng)
    return x < p


def possible_outcomes(choice: Choice, game: Game) -> list[tuple[int, float]]:
    """Every outcome the choice can have from here, as (``Step.outcome`` index, probability).

    By the same rules as the Machine's conditions (:func:`rolled`,
    :func:`picked`), for tools that explore each outcome once with
    ``force_outcome`` instead of rolling dice until each turns up.
    """
    out: list[tuple[int, float]] = []
    rest = 1.0
    if choice.chance is not None:
        p = chance_probability(choice, game)
        p = min(1.0, p) if p > 0 else 0.0  # NaN, negative: never
        if p > 0:
            out.append((CHANCE_INDEX, p))
        rest -= p
    if rest <= 0:
        return out
    if not choice.branches:
        return [*out, (0, rest)]
    last = len(choice.branches) - 1
    held, weighted = branch_odds(choice.branches, game)
    if held is not None:
        picks = [(held, 1.0)]
    else:
        total = sum(w for _, w in weighted)
        if len(weighted) == 1 or total <= 0:
            picks = [(weighted[-1][0], 1.0)]
        else:
            picks = [(i, w / total) for i, w in weighted if w > 0]
    return [*out, *((0 if i == last else FIRST_BRANCH_INDEX + i, rest * p) for i, p in picks)]


def branch_of(choice: Choice, outcome: int) -> int | None:
    """Which of a choice's branches a ``Step.outcome`` index is (None: its chance, or no branches)."""
    if not choice.branches or outcome == CHANCE_INDEX:
        return None
    return len(choice.branches) - 1 if outcome == 0 else outcome - FIRST_BRANCH_INDEX


def make_take(rules: Rules, beat_id: str, choice: Choice, outcome: Outcome, index: int) -> Callback:
    """The ``before`` callback of one choice transition: the choice's rates, its time, the
    outcome's effects, the step recorded (unless the game keeps no records: the simulator),
    a once-only choice counted."""
    rates = dict(choice.rates) if choice.rates else None
    minutes = choice.time if choice.time > 0 else 0.0
    effects = rules.appliers(outcome.effects)
    changes, written = rules.touched(effects)
    once_key = f"{beat_id}:{choice.id}" if choice.once else None
    choice_id = choice.id

    def take(game: Game) -> None:
        run = game.run
        if rates is not None:
            run.rates = game.rules.merged_rates(run.rates, rates)
        suspects, moved = changes, written
        if minutes:  # time passes: the clock, and every meter with a rate, clamped to its bounds
            env = game.env
            env[ELAPSED] = run.elapsed = run.elapsed + minutes
            plan = game.rate_plan
            if plan[0] is not run.rates:  # rates are replaced, never changed in place: same dict, same plan
                plan = game.rate_plan = game.rules.rate_plan(run.rates)
            meters = run.meters
            _, moves, limited, moving = plan
            for name, rate, lo, hi in moves:
                value = meters[name] + rate * minutes
                env[name] = meters[name] = lo if value < lo else hi if value > hi else value
            if moving:
                suspects, moved = limited + changes, moving + written
        if game.suspects is not None:  # else every meter is checked on arrival anyway
            game.suspects = suspects
        game.moved = moved  # a choice begins here
        if effects:
            apply_effects(game, effects)
        if game.records:
            run.history.append(Step(beat_id, choice_id, run.elapsed, index))
        if once_key is not None:
            run.taken[once_key] = run.taken.get(once_key, 0) + 1

    return take


def make_follow(rules: Rules, outcome: Outcome) -> Callback:
    """The ``before`` callback of a routing beat's branch: its effects."""
    effects = rules.appliers(outcome.effects)
    changes, written = rules.touched(effects)

    def follow(game: Game) -> None:
        if game.suspects is not None:
            game.suspects = changes
        if effects:
            apply_effects(game, effects)
            moved_too(game, written)

    return follow


def make_arrive(rules: Rules, beat: Beat, on_enter: bool = True) -> Callback:
    """The ``on_enter`` callback of a beat: a meter at its limit ends the game instead; else the
    beat's entry rules: its rates, a point of no return, a milestone, the visit count, entry
    effects, a route on. ``on_enter`` False: the entry rules alone, for the start beat (which
    transitions never enters)."""
    checks_limits = on_enter and bool(rules.limits)
    beat_id = beat.id
    rates = dict(beat.rates) if beat.rates else None
    no_return = beat.no_return
    milestone = beat_id in rules.milestone_beats
    effects = rules.appliers(beat.effects)
    changes, written = rules.touched(effects)
    route = bool(beat.route)

    def arrive(game: Game) -> None:
        if checks_limits:
            suspects = game.suspects
            if (suspects is None or suspects) and end_at_limit(game, suspects):  # () changed none
                return
        run = game.run
        if rates is not None:
            run.rates = game.rules.merged_rates(run.rates, rates)
        if no_return and (not run.history or run.history[-1].beat != beat_id):
            game.undo_stack.clear()
        if milestone and beat_id not in run.milestones:
            run.milestones = {**run.milestones, beat_id: run.elapsed}  # copy on write
        visits = run.visits
        visits[beat_id] = visits.get(beat_id, 0) + 1
        if effects:
            apply_effects(game, effects)
            moved_too(game, written)
            if end_at_limit(game, changes if game.suspects is not None else None):
                return
        if route:
            route_on(beat_id, game)

    return arrive


def moved_too(game: Game, written: tuple[str, ...]) -> None:
    """Entry or route effects changed ``written`` meters: add them to ``Game.moved`` (unless unknown)."""
    moved = game.moved
    if written and moved is not None:
        game.moved = moved + written


def end_at_limit(game: Game, suspects: tuple[Limit, ...] | None) -> bool:
    """A meter at its limit fires its limit trigger (to an ending); True if it did.

    Only the ``suspects`` are looked at: the meters that can end the game and
    were changed since every one was last found off its limits (the callbacks
    that change meters say which, see ``Game.suspects``). None: look at every
    one (a new, rewound or restored run), and remember that all were clear.
    """
    if suspects is None:
        suspects = game.rules.limits
        game.suspects = ()
    elif not suspects:
        return False
    meters = game.run.meters
    for name, lo, hi, _meter in suspects:
        value = meters[name]
        if value <= lo or value >= hi:
            break
    else:
        return False
    limit = game.rules.limit_reached(game)
    assert limit is not None
    meter, trigger = limit
    game.report(Event("limit", limit_message(meter.label), meter.name, "critical"))
    game.rules.fire(game, trigger)
    return True


def route_on(beat_id: str, game: Game) -> None:
    """A routing beat moves on at once: fire its route trigger (the Machine picks the branch)."""
    game.route_hops += 1
    if game.route_hops > MAX_ROUTE_HOPS:
        game.report(
            Event(
                "error",
                _("stopped after {count} routing beats in a row at {beat}").format(count=MAX_ROUTE_HOPS, beat=beat_id),
            )
        )
        return
    game.forced_chance = game.forced_branch = None  # a tool forces the choice's outcome, not the routes after it
    game.rules.fire(game, ROUTE_TRIGGER)


# -- what the callbacks do to the run -----------------------------------------------
def apply_effects(game: Game, effects: tuple[Applier, ...]) -> None:
    """Each effect in order, each seeing the ones before; one that cannot be computed is skipped.

    Most effects add a number to a meter or set a value written in the story;
    :meth:`Rules.appliers` worked those out when the story was loaded, so here
    they are one addition and a clamp, or one store.
    """
    run = game.run
    env = game.env
    meters = run.meters
    value: FlagValue | float
    for mode, name, constant, lo, hi, general in effects:
        if mode == ADD:
            number = env[name] + constant
            if lo <= number <= hi:  # the bounds are within MAX_MAGNITUDE (see appliers)
                env[name] = meters[name] = number
                continue
            if -MAX_MAGNITUDE <= number <= MAX_MAGNITUDE:  # else computed below, to say why it is skipped
                env[name] = meters[name] = lo if number < lo else hi
                continue
        elif mode == SET_METER:
            env[name] = meters[name] = constant
            continue
        elif mode == SET_FLAG:
            env[name] = run.flags[name] = constant
            continue
        is_meter, effect, combine, expr, kind = general
        try:
            new = expr(env) if combine is None else combine(env[name], expr(env))
            if is_meter:
                number = float(new)
                if not math.isfinite(number):
                    raise EvaluationError(f"{number} is not a usable value")
                value = meters[name] = lo if number < lo else hi if number > hi else number
            else:
                value = run.flags[name] = kind(new)
        except (*EVAL_ERRORS, OverflowError) as exc:
            game.report(
                Event("error", _("effect `{effect}` skipped ({problem})").format(effect=effect.source, problem=exc))
            )
            continue
        env[name] = value


def run_transitions(entries: tuple[Entry, ...], game: Game, opened: bool) -> bool:
    """Fire one trigger from a compiled table entry: what ``transitions`` does, without its bookkeeping.

    The transitions registered for the trigger and the current state are tried
    in order: the first whose conditions all hold runs its ``before``
    callbacks, changes the state and runs the destination's ``on_enter``.
    ``opened``: the choice's gate was checked in this very state (a menu just
    listed it), so it is not asked again; the outcome conditions still decide.
    """
    game.pick = None  # each trigger picks among its outcomes afresh
    for conditions, ungated, before, dest, enter in entries:
        for func, target in ungated if opened else conditions:
            if func(game) != target:
                break
        else:
            for func in before:
                func(game)
            game.run.beat = dest
            for func in enter:
                func(game)
            return True
    return False


Runner = Callable[["Game", bool], bool]


def make_runner(entries: tuple[Entry, ...]) -> Runner:
    """How a trigger is fired from one state: :func:`run_transitions` over its table entries, or,
    for one transition whose only condition is the choice's gate (most choices), its gate, its
    ``before`` callback, the state change and the ``on_enter`` callback called straight."""
    if len(entries) == 1:
        conditions, ungated, before, dest, enter = entries[0]
        if not ungated and len(before) == 1 and len(enter) <= 1:
            (take,) = before
            arrive = enter[0] if enter else None

            def run_one(game: Game, opened: bool) -> bool:
                if not opened:
                    for func, target in conditions:
                        if func(game) != target:
                            return False
                take(game)
                game.run.beat = dest
                if arrive is not None:
                    arrive(game)
                return True

            return run_one
    return partial(run_transitions, entries)


# -- the Machine ----------------------------------------------------------------------
class Rules:
    """A story's Machine with its callbacks registered, shared by every game of the story."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.milestone_beats = frozenset(m.beat for m in story.milestones)
        # What an effect stores into each name: meters hold floats, flags their declared type.
        self.value_kinds: dict[str, type] = {name: float for name in story.meters}
        self.value_kinds.update({name: type(f.default) for name, f in story.flags.items()})
        self.bounds = {name: (m.min, m.max) for name, m in story.meters.items()}
        # The meters that can end the game, in the order they are checked, each
        # with the values that end it (a side without an ending never does).
        self.limits: tuple[Limit, ...] = tuple(
            (m.name, m.min if m.at_min else -math.inf, m.max if m.at_max else math.inf, m)
            for m in story.meters.values()
            if m.at_min or m.at_max
        )
        # Per beat, its choices with their gates (None: always open), the choices
        # themselves when none is gated (a menu that never changes), and its entry
        # rules for the start of a game. A beat's parts, its state and its
        # transitions are added to the Machine when a game first reaches it (or a
        # look-up asks for it: see ensure), so the first prompt of a large story
        # does not wait for every beat to be built.
        self.gates: PerBeat[tuple[str, str], Callback | None] = PerBeat(self, itemgetter(0))
        self.menus: PerBeat[str, tuple[tuple[Choice, Callback | None], ...]] = PerBeat(self)
        self.always_open: PerBeat[str, tuple[Choice, ...]] = PerBeat(self)
        self.arrivals: PerBeat[str, Callback] = PerBeat(self)
        self._ready: set[str] = set()  # beats whose parts and transitions are in
        self._states: set[str] = set()  # beats whose state is in the Machine
        self._lock = threading.RLock()  # the TUI builds a beat on one thread while a game may play on another
        with collector_paused():
            self.machine = build_machine(self)
            self.ensure(story.start)
        self._table: dict[tuple[str, str], tuple[Entry, ...]] = {}
        self._runners: dict[tuple[str, str], Runner] = {}
        # Rates dicts are replaced, never changed in place: what is worked out from one is kept.
        self.start_rates = {name: m.rate for name, m in story.meters.items()}
        self._plans: dict[int, RatePlan] = {}
        self._merged: dict[tuple[int, int], tuple[dict[str, float], dict[str, float], dict[str, float]]] = {}

    def ensure(self, beat_id: str) -> None:
        """Add the beat ``beat_id`` to the Machine, if it is not in yet: its menu and entry rules,
        its transitions, and the states they lead to (so ``transitions`` itself can fire them).
        An ending (or any name that is not a beat) has nothing to add."""
        if beat_id not in self._ready and beat_id in self.story.beats:
            with self._lock, collector_paused():
                if beat_id not in self._ready:
                    self._take_in([self.story.beats[beat_id]])

    def ensure_all(self) -> None:
        """Every beat in the Machine (a walk over all of them: the simulator's menus), in one go."""
        if len(self._ready) < len(self.story.beats):
            with self._lock, collector_paused():
                self._take_in([beat for beat in self.story.beats.values() if beat.id not in self._ready])

    def _take_in(self, beats: list[Beat]) -> None:
        """Add ``beats``: their parts, their transitions, and the states of the beats and of those they lead to.

        A beat's state is entered through its rules (``on_enter``) and has the
        limits that end the game from it.
        """
        moves: list[dict[str, Any]] = []
        leads: dict[str, None] = {}
        for beat in beats:
            self._menu(beat)
            self.arrivals.data[beat.id] = make_arrive(self, beat, on_enter=False)
            leads[beat.id] = None
            out = beat_transitions(self, beat)
            leads.update((m["dest"], None) for m in out)
            moves += out
        beat_ids = self.story.beats
        new = [beat_ids[name] for name in leads if name not in self._states and name in beat_ids]
        machine = self.machine
        machine.add_states([{"name": b.id, "on_enter": [make_arrive(self, b)]} for b in new])
        machine.add_transitions(limit_transitions(self.story, [b.id for b in new]))
        machine.add_transitions(moves)
        self._states.update(b.id for b in new)
        self._ready.update(b.id for b in beats)

    def _menu(self, beat: Beat) -> None:
        plain = [c for c in beat.choices if not c.fallback]
        others = tuple(make_gate(beat, c, ()) for c in plain)
        gates = dict(zip((c.id for c in plain), others, strict=True))
        for c in beat.choices:
            if c.fallback:
                gates[c.id] = make_gate(beat, c, others)
        menu = tuple((c, gates[c.id]) for c in beat.choices)
        self.menus.data[beat.id] = menu
        self.gates.data.update(((beat.id, c.id), gate) for c, gate in menu)
        if all(gate is None for _, gate in menu):
            self.always_open.data[beat.id] = beat.choices

    def appliers(self, effects: Effects) -> tuple[Applier, ...]:
        """Each effect with what applying it needs worked out once (see :func:`apply_effects`).

        An expression that reads no name (``5``, ``true``, ``"Zarya"``) has the
        same value every time: ``meter += 5`` becomes an addition (ADD) and
        ``flag = true`` a store of the value already converted and clamped
        (SET_METER, SET_FLAG). Anything else, or a constant that would not convert, is computed
        when applied (EVAL), so it fails, and is reported, exactly as before.
        """
        out = []
        for e in effects:
            kind = self.value_kinds[e.name]
            bounds = self.bounds.get(e.name) if kind is float else None
            general = (None if e.op == "=" else partial(apply_op, e.op), e.expr.fn, kind)
            mode, constant = EVAL, None
            try:
                value = e.expr.fn({})  # reads no name: a constant (the language has only pure functions)
            except Exception:
                value = None
            if (
                value is not None
                and e.op in "+-"
                and bounds is not None
                and type(value) in (int, float)
                and bounds[0] >= -MAX_MAGNITUDE
                and bounds[1] <= MAX_MAGNITUDE
            ):
                mode, constant = ADD, value if e.op == "+" else -value
            elif value is not None and e.op == "=":
                try:
                    if bounds is not None:
                        number = float(value)
                        if math.isfinite(number):
                            lo, hi = bounds
                            mode, constant = SET_METER, lo if number < lo else hi if number > hi else number
                    else:
                        mode, constant = SET_FLAG, kind(value)
                except (TypeError, ValueError, OverflowError):
                    pass
            lo, hi = bounds if bounds is not None else (-math.inf, math.inf)
            out.append((mode, e.name, constant, lo, hi, (bounds is not None, e, *general)))
        return tuple(out)

    def touched(self, effects: tuple[Applier, ...]) -> tuple[tuple[Limit, ...], tuple[str, ...]]:
        """What ``effects`` change: the meters among them that can end the game (for
        ``Game.suspects``) and every meter, not flags (for ``Game.moved``), each once."""
        names = {a[1] for a in effects}
        limits = tuple(limit for limit in self.limits if limit[0] in names)
        return limits, tuple(dict.fromkeys(a[1] for a in effects if a[5][0]))

    def rate_plan(self, rates: dict[str, float]) -> RatePlan:
        """The meters that move as time passes under ``rates`` (see RatePlan), kept per dict."""
        kept = self._plans.get(id(rates))
        if kept is not None and kept[0] is rates:  # the dict is kept with it, so its id is not reused
            return kept
        bounds = self.bounds
        moves = tuple((name, rate, *bounds[name]) for name, rate in rates.items() if rate)
        limited = tuple(limit for limit in self.limits if rates.get(limit[0]))
        plan = (rates, moves, limited, tuple(move[0] for move in moves))
        if len(self._plans) < MAX_KEPT:
            self._plans[id(rates)] = plan
        return plan

    def merged_rates(self, rates: dict[str, float], changes: dict[str, float]) -> dict[str, float]:
        """``rates`` with a beat's or choice's ``changes``, as a new dict: copy on write, since undo
        marks share the old one. The same two dicts give back the same merged one, so games
        following the same path share their rates and :meth:`rate_plan` is worked out once."""
        key = (id(rates), id(changes))
        kept = self._merged.get(key)
        if kept is not None and kept[0] is rates and kept[1] is changes:
            return kept[2]
        merged = {**rates, **changes}
        if len(self._merged) < MAX_KEPT:
            self._merged[key] = (rates, changes, merged)
        return merged

    def limit_reached(self, game: Game) -> tuple[Meter, str] | None:
        """The first meter at a limit that ends the game, and its trigger (its minimum before its maximum)."""
        meters = game.run.meters
        for name, lo, hi, meter in self.limits:
            value = meters[name]
            if value <= lo or value >= hi:
                return meter, limit_trigger(name, "at_min" if value <= lo else "at_max")
        return None

    through_library = False  # tests set it to check the table against transitions itself

    def fire(self, game: Game, trigger: str, opened: bool = False) -> bool:
        """Fire ``trigger`` on the game's run; False if no transition's conditions hold.

        ``opened``: see :func:`run_transitions`.
        """
        if self.through_library:
            self.ensure(game.run.beat)  # (the table's runner does it when it is made)
            game.pick = None  # as run_transitions does
            return bool(self.machine.events[trigger].trigger(game.run, game))
        return self.runner(trigger, game.run.beat)(game, opened)

    def runner(self, trigger: str, source: str) -> Runner:
        """:func:`make_runner` for a trigger from a state, made once and kept."""
        found = self._runners.get((trigger, source))
        if found is None:
            found = self._runners[trigger, source] = make_runner(self.entries(trigger, source))
        return found

    def entries(self, trigger: str, source: str) -> tuple[Entry, ...]:
        """The transitions ``transitions`` has registered for a trigger from a state, read from its
        own table once and kept (conditions, the same without the choice's gate, before, dest, on_enter)."""
        found = self._table.get((trigger, source))
        if found is not None:
            return found
        self.ensure(source)
        machine = self.machine
        gate = self.gates.get((source, trigger))
        out = []
        for t in machine.events[trigger].transitions[source]:
            # Only the callback kinds Rules registers are replayed; a test
            # checks the Machine has no others.
            assert not t.prepare and not t.after and not machine.get_state(source).on_exit
            # Rules registers only callables (never names) and no internal transitions.
            dest = cast(str, t.dest)
            conditions = tuple((cast(Callback, c.func), bool(c.target)) for c in t.conditions)
            ungated = tuple((func, target) for func, target in conditions if gate is None or func is not gate)
            before = tuple(cast(Callback, f) for f in t.before)
            enter = tuple(cast(Callback, f) for f in machine.get_state(dest).on_enter)
            out.append((conditions, ungated, before, dest, enter))
        found = self._table[trigger, source] = tuple(out)
        return found


def build_machine(rules: Rules) -> Machine:
    """The Machine of a story: beats and endings are states, choices are triggers.

    It starts with the endings and the start beat's state; :meth:`Rules.ensure`
    adds each other beat, its transitions (:func:`beat_transitions`) and the
    limits that end the game from it (:func:`limit_transitions`) when first needed.
    """
    story = rules.story
    start = story.beats[story.start]
    machine = Machine(
        model=None,
        states=[{"name": start.id, "on_enter": [make_arrive(rules, start)]}]
        + [{"name": ending_state(e)} for e in story.endings],
        transitions=limit_transitions(story, [ending_state(e) for e in story.endings]),
        initial=story.start,
        auto_transitions=False,
        ignore_invalid_triggers=False,
        send_event=False,
        model_attribute=MACHINE_STATE_ATTRIBUTE,
    )
    machine.add_transitions(limit_transitions(story, start.id))
    rules._states.add(start.id)
    return machine


def limit_transitions(story: Story, source: str | list[str]) -> list[dict[str, Any]]:
    """From ``source`` (a state or several) to the ending of each meter's limit (fired by the limit
    check on entering a beat)."""
    return [
        {"trigger": limit_trigger(meter.name, bound), "source": source, "dest": ending_state(ending)}
        for meter in story.meters.values()
        for bound in ("at_min", "at_max")
        if (ending := getattr(meter, bound))
    ]


def beat_transitions(rules: Rules, beat: Beat) -> list[dict[str, Any]]:
    """The transitions out of ``beat``: its routes, and each choice's chance and outcomes, in the order they are tried."""
    transitions: list[dict[str, Any]] = []
    for i, branch in enumerate(beat.route):
        transitions.append(
            {
                "trigger": ROUTE_TRIGGER,
                "source": beat.id,
                "dest": branch.outcome.destination,
                "conditions": [partial(picked, beat.route, i)],
                "before": [make_follow(rules, branch.outcome)],
            }
        )
    for choice in beat.choices:
        gate = rules.gates[beat.id, choice.id]
        opened = [gate] if gate is not None else []
        if choice.chance is not None:
            transitions.append(
                {
                    "trigger": choice.id,
                    "source": beat.id,
                    "dest": choice.chance.outcome.destination,
                    "conditions": [*opened, partial(rolled, choice)],
                    "before": [make_take(rules, beat.id, choice, choice.chance.outcome, CHANCE_INDEX)],
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
                    "before": [make_take(rules, beat.id, choice, branch.outcome, FIRST_BRANCH_INDEX + i)],
                }
            )
        transitions.append(
            {
                "trigger": choice.id,
                "source": beat.id,
                "dest": choice.outcome.destination,
                "conditions": [*opened, partial(picked, choice.branches, last)] if last > 0 else opened,
                "before": [make_take(rules, beat.id, choice, choice.outcome, 0)],
            }
        )
    return transitions


_MISSING: Any = object()


class PerBeat(Mapping[K, V]):
    """Parts of the Machine kept per beat (a menu, gates, entry rules), added by :meth:`Rules.ensure`.

    Looking one up adds its beat first if it is not in; going over all of them
    (the simulator reads every menu) adds every beat. ``data`` is filled by
    :class:`Rules` only.
    """

    def __init__(self, rules: Rules, beat_of: Callable[[Any], str] = str) -> None:
        self.rules = rules
        self.beat_of = beat_of  # the beat a key belongs to
        self.data: dict[K, V] = {}

    def get(self, key: K, default: Any = None) -> Any:
        found = self.data.get(key, _MISSING)
        if found is _MISSING:
            self.rules.ensure(self.beat_of(key))
            found = self.data.get(key, default)
        return found

    def __getitem__(self, key: K) -> V:
        found = self.get(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return cast(V, found)

    def __contains__(self, key: object) -> bool:
        return self.get(key, _MISSING) is not _MISSING  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[K]:
        self.rules.ensure_all()
        return iter(self.data)

    def __len__(self) -> int:
        self.rules.ensure_all()
        return len(self.data)


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
