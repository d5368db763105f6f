"""What values meters and flags can hold at each beat: a fixpoint over ranges.

Starting from the start beat with the story's start values, every choice is
followed as the engine would follow it (rates, time, effects, meter limits),
but on :class:`~.intervals.Interval` ranges instead of numbers, and ranges
arriving at the same beat are joined. The result over-approximates every real
game: a beat missing from :attr:`Flow.entry` can never be reached, and a
condition that is false for the whole range at its beat can never be true.
Loops (a beat that adds to a counter and returns to itself) are cut off by
widening: after a few rounds a growing range jumps to the meter's limit.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..gcpause import collector_paused
from ..story.expressions import MAX_MAGNITUDE
from ..story.model import Choice, Condition, Effects, Outcome, Story
from .intervals import (
    FALSE,
    INF,
    MAYBE,
    TOP,
    TRUE,
    Evaluator,
    Interval,
    divide,
    evaluator_for,
    multiply,
    names_in,
    ranged,
    refine,
    truth_of,
    value_of,
)

WIDEN_AFTER = 3


@dataclass(slots=True)
class State:
    """Ranges of every value and every meter rate on entering a beat (slots: made by the hundred thousand)."""

    values: dict[str, Interval]
    rates: dict[str, Interval]

    def join(self, other: State) -> State:
        return State(_join(self.values, other.values), _join(self.rates, other.rates))


def _join(ours: dict[str, Interval], theirs: dict[str, Interval]) -> dict[str, Interval]:
    """Each range joined with its namesake; a range that does not grow is kept as it is
    (the same object), which makes "did anything grow?" a cheap comparison."""
    out = {}
    for name, mine in ours.items():
        other = theirs[name]
        out[name] = mine if other.lo >= mine.lo and other.hi <= mine.hi else mine.join(other)
    return out


@dataclass
class Flow:
    story: Story
    entry: dict[str, State] = field(default_factory=dict)
    endings: set[str] = field(default_factory=set)

    def reachable(self, beat_id: str) -> bool:
        return beat_id in self.entry

    def truth(self, beat_id: str, choice: Choice) -> Interval:
        """TRUE, FALSE or MAYBE: whether ``choice`` is enabled at its beat."""
        if choice.condition is None:
            return TRUE
        state = self.entry.get(beat_id)
        if state is None:
            return MAYBE
        return truth_of(choice.condition.source, state.values)

    def chance_range(self, beat_id: str, choice: Choice) -> Interval | None:
        """The range of a choice's chance probability at its beat, where it can be taken."""
        state = self.entry.get(beat_id)
        if choice.chance is None or state is None:
            return None
        values = state.values
        if choice.condition is not None:
            values = refine(choice.condition.source, values) or values
        return value_of(choice.chance.probability.source, values)


def _clamp(x: Interval, lo: float, hi: float) -> Interval:
    """``x`` limited to ``[lo, hi]`` (``min(max(v, lo), hi)`` at each end, spelled out for speed)."""
    a, b = x
    if lo <= a <= hi and lo <= b <= hi:  # the common case: nothing to limit, nothing to build
        return x
    a = lo if lo > a else a
    b = lo if lo > b else b
    return Interval(hi if hi < a else a, hi if hi < b else b)


Effect = Callable[[dict[str, Interval]], None]  # one effect, applied to the ranges in place
Narrow = Callable[[dict[str, Interval]], dict[str, Interval] | None]  # a condition: the ranges where it holds
NO_RATES: tuple[tuple[str, Interval], ...] = ()


class _Step(NamedTuple):
    """One outcome as the fixpoint follows it, looked up once rather than at every round:
    the choice's rates and time, the outcome's effects, and the target beat's entry."""

    rates: tuple[tuple[str, Interval], ...]  # set by the choice
    time: float
    effects: tuple[Effect, ...]
    ending: str | None
    target: str
    entry_rates: tuple[tuple[str, Interval], ...]  # set by the target beat on entry
    entry: tuple[Effect, ...]  # the target beat's entry effects


class _Open(NamedTuple):
    """A choice as the fixpoint follows it: its condition, chance and outcomes."""

    condition: Narrow | None
    chance: Evaluator | None
    chance_step: _Step | None
    step: _Step  # the choice's own outcome (with branches, the last one)
    branches: tuple[tuple[Narrow | None, _Step], ...]  # the other branches, tried in order


class _Plan(NamedTuple):
    """Everything leaving one beat."""

    route: tuple[tuple[Narrow | None, _Step], ...]
    choices: tuple[_Open, ...]


class _Analyser:
    def __init__(self, story: Story) -> None:
        self.story = story
        self.flow = Flow(story)
        self.joins: dict[str, int] = {}
        # Looked up once: the limits of each meter, the meters that can end the game, yes/no flags.
        self.bounds = {n: (m.min, m.max) for n, m in story.meters.items()}
        self.limits = [
            (m.name, m.at_min, m.min, m.at_max, m.max) for m in story.meters.values() if m.at_min or m.at_max
        ]
        self.yes_no = {n for n, f in story.flags.items() if isinstance(f.default, bool)}
        self.plans: dict[str, _Plan] = {}
        self.narrowings: dict[str, Narrow] = {}
        self.entries: dict[str, tuple[tuple[tuple[str, Interval], ...], tuple[Effect, ...]]] = {}
        self.made: dict[tuple[str, str, str], Effect] = {}

    def initial(self) -> State:
        story = self.story
        values = {n: Interval.point(m.start) for n, m in story.meters.items()}
        values.update({n: _flag_range(f.default) for n, f in story.flags.items()})
        values["elapsed"] = Interval.point(0.0)
        rates = {n: Interval.point(m.rate) for n, m in story.meters.items()}
        start = story.beats[story.start]
        rates.update({n: Interval.point(r) for n, r in start.rates})
        for effect in self.effects(start.effects):
            effect(values)
        return State(values, rates)

    def run(self) -> Flow:
        story = self.story
        if story.start not in story.beats:
            return self.flow
        self.flow.entry[story.start] = self.initial()
        queue: deque[str] = deque([story.start])
        queued = {story.start}
        while queue:
            beat_id = queue.popleft()
            queued.discard(beat_id)
            state = self.flow.entry[beat_id]
            for target, new_state in self.successors(self.plan(beat_id), state):
                if self.merge(target, new_state) and target not in queued:
                    queue.append(target)
                    queued.add(target)
        return self.flow

    # -- what leaves a beat, looked up once ----------------------------------------
    def plan(self, beat_id: str) -> _Plan:
        plan = self.plans.get(beat_id)
        if plan is None:
            beat = self.story.beats[beat_id]
            route = tuple((self.narrow(b.condition), self.step(None, b.outcome)) for b in beat.route)
            plan = self.plans[beat_id] = _Plan(route, tuple(self.open(c) for c in beat.choices))
        return plan

    def open(self, choice: Choice) -> _Open:
        chance = choice.chance
        return _Open(
            self.narrow(choice.condition),
            evaluator_for(chance.probability.source) if chance is not None else None,
            self.step(choice, chance.outcome) if chance is not None else None,
            self.step(choice, choice.outcome),
            tuple((self.narrow(b.condition), self.step(choice, b.outcome)) for b in choice.branches[:-1]),
        )

    def narrow(self, condition: Condition | None) -> Narrow | None:
        """:func:`~.intervals.refine` for one condition, remembering its answers.

        The answer depends only on the ranges of the names the condition reads,
        and the fixpoint asks again and again with those unchanged (only some
        other range grew): most answers are found rather than worked out.
        """
        if condition is None:
            return None
        source = condition.source
        known = self.narrowings.get(source)
        if known is not None:
            return known
        names = tuple(names_in(source))
        answers: dict[tuple[Interval | None, ...], tuple[tuple[str, Interval], ...] | None] = {}

        def narrowed(values: dict[str, Interval]) -> dict[str, Interval] | None:
            key = tuple([values.get(name) for name in names])
            try:
                answer = answers[key]
            except KeyError:
                cases = refine(source, values)
                answer = answers[key] = (
                    None if cases is None else tuple((name, cases[name]) for name in names if name in cases)
                )
            if answer is None:
                return None
            out = dict(values)
            out.update(answer)
            return out

        self.narrowings[source] = narrowed
        return narrowed

    def step(self, choice: Choice | None, outcome: Outcome) -> _Step:
        entry_rates, entry = self.entry(outcome.target or "") if outcome.ending is None else (NO_RATES, ())
        return _Step(
            _points(choice.rates) if choice is not None else NO_RATES,
            choice.time if choice is not None else 0.0,
            self.effects(outcome.effects),
            outcome.ending,
            outcome.target or "",
            entry_rates,
            entry,
        )

    def entry(self, beat_id: str) -> tuple[tuple[tuple[str, Interval], ...], tuple[Effect, ...]]:
        """The rates a beat sets and the effects it applies on entry (once per beat, however many lead there)."""
        known = self.entries.get(beat_id)
        if known is None:
            beat = self.story.beats.get(beat_id)
            known = self.entries[beat_id] = (
                (_points(beat.rates), self.effects(beat.effects)) if beat else (NO_RATES, ())
            )
        return known

    def effects(self, effects: Effects) -> tuple[Effect, ...]:
        return tuple(self.effect(e.name, e.op, e.expr.source) for e in effects)

    def effect(self, name: str, op: str, source: str) -> Effect:
        """One effect on the ranges, as the engine applies it: the range of ``name op= expr``,
        an overflow skipped, then limited to the meter's bounds, yes/no, or a whole number.
        Made once for each distinct effect: a story repeats ``attempts += 1`` many times."""
        key = (name, op, source)
        known = self.made.get(key)
        if known is None:
            known = self.made[key] = self._effect(name, op, evaluator_for(source))
        return known

    def _effect(self, name: str, op: str, expr: Evaluator) -> Effect:
        bounds = self.bounds.get(name)
        yes_no = name in self.yes_no

        def apply(values: dict[str, Interval]) -> None:
            new = expr(values)
            old = values[name]
            if op == "=":
                result = new
            elif op == "+":
                result = ranged((old[0] + new[0], old[1] + new[1]))
            elif op == "-":
                result = ranged((old[0] - new[1], old[1] - new[0]))
            else:
                result = multiply(old, new) if op == "*" else divide(old, new)
            lo, hi = result
            if lo != lo or hi != hi:  # NaN
                result = lo, hi = TOP
            if max(abs(lo), abs(hi)) > MAX_MAGNITUDE:
                result = result.join(old)  # the engine skips an effect that overflows
            if bounds is not None:
                values[name] = _clamp(result, *bounds)
            elif yes_no:
                values[name] = result.truth()
            else:
                lo, hi = result
                values[name] = ranged(
                    (
                        float(math.trunc(lo)) if lo > -INF else -INF,
                        float(math.trunc(hi)) if hi < INF else INF,
                    )
                )

        return apply

    # -- one round ----------------------------------------------------------------
    def successors(self, plan: _Plan, state: State) -> list[tuple[str, State]]:
        out: list[tuple[str, State]] = []
        take = self.take
        for condition, step in plan.route:
            values = state.values
            if condition is not None:
                narrowed = condition(values)
                if narrowed is None:
                    continue
                values = narrowed
            after = take(step, values, state.rates)
            if after is not None:
                out.append((step.target, after))
        for choice in plan.choices:
            values = state.values
            if choice.condition is not None:
                narrowed = choice.condition(values)
                if narrowed is None:
                    continue
                values = narrowed
            if choice.chance is not None:
                p = choice.chance(values)
                if p.hi > 0:
                    after = take(choice.chance_step, values, state.rates)  # type: ignore[arg-type]
                    if after is not None:
                        out.append((choice.chance_step.target, after))  # type: ignore[union-attr]
                if p.lo < 1:
                    after = take(choice.step, values, state.rates)
                    if after is not None:
                        out.append((choice.step.target, after))
            else:
                after = take(choice.step, values, state.rates)
                if after is not None:
                    out.append((choice.step.target, after))
            if choice.branches:
                # Each branch from the ranges its own condition leaves (none: it is never taken).
                starts = [
                    (step, condition(values) if condition is not None else values)
                    for condition, step in choice.branches
                ]
                for step, start in starts:
                    if start is not None:
                        after = take(step, start, state.rates)
                        if after is not None:
                            out.append((step.target, after))
        return out

    def take(self, step: _Step, start: dict[str, Interval], rates: dict[str, Interval]) -> State | None:
        """Follow one outcome from the ranges ``start`` (not changed); the state entering the target."""
        values = dict(start)
        if step.rates:
            rates = dict(rates)
            for name, rate in step.rates:
                rates[name] = rate
        t = step.time
        if t > 0:
            lo, hi = values["elapsed"]
            values["elapsed"] = ranged((lo + t, hi + t))
            bounds = self.bounds
            for name, (rate_lo, rate_hi) in rates.items():
                lo, hi = values[name]
                least, most = bounds[name]
                lo += rate_lo * t
                hi += rate_hi * t
                # Limited to the meter's bounds (as _clamp, spelled out: this is the innermost loop).
                lo = least if least > lo else lo
                hi = least if least > hi else hi
                values[name] = ranged((most if most < lo else lo, most if most < hi else hi))
        for effect in step.effects:
            effect(values)
        endings = self.flow.endings
        if step.ending is not None:
            endings.add(step.ending)
            return None
        certain_limit = False
        for name, at_min, least, at_max, most in self.limits:
            lo, hi = values[name]
            if at_min and lo <= least:
                endings.add(at_min)
                certain_limit = certain_limit or hi <= least
            if at_max and hi >= most:
                endings.add(at_max)
                certain_limit = certain_limit or lo >= most
        if certain_limit:
            return None
        if step.entry_rates:
            if not step.rates:
                rates = dict(rates)
            for name, rate in step.entry_rates:
                rates[name] = rate
        elif step.target not in self.story.beats:
            raise KeyError(step.target)  # the loader lets no outcome lead nowhere
        for effect in step.entry:  # entry effects, before the player sees the beat
            effect(values)
        return State(values, rates)

    def merge(self, beat_id: str, state: State) -> bool:
        """Join ``state`` into the beat's entry; True when something grew."""
        old = self.flow.entry.get(beat_id)
        if old is None:
            self.flow.entry[beat_id] = state
            return True
        if _within(state.values, old.values) and _within(state.rates, old.rates):
            return False  # the common case: nothing grows, nothing to build
        joined = old.join(state)
        if joined == old:
            return False
        count = self.joins[beat_id] = self.joins.get(beat_id, 0) + 1
        if count > WIDEN_AFTER:
            joined = self.widen(old, joined)
        self.flow.entry[beat_id] = joined
        return True

    def widen(self, old: State, new: State) -> State:
        values = {}
        for name, v in new.values.items():
            was = old.values[name]
            meter = self.story.meters.get(name)
            lo_limit, hi_limit = (meter.min, meter.max) if meter is not None else (-INF, INF)
            if name in self.story.flags and isinstance(self.story.flags[name].default, bool):
                lo_limit, hi_limit = 0.0, 1.0
            values[name] = Interval(lo_limit if v.lo < was.lo else v.lo, hi_limit if v.hi > was.hi else v.hi)
        return State(values, new.rates)


def _within(theirs: dict[str, Interval], ours: dict[str, Interval]) -> bool:
    """Whether every range of ``theirs`` lies inside its namesake in ``ours`` (joining would change nothing)."""
    for name, (lo, hi) in theirs.items():
        mine = ours[name]
        if not (lo >= mine[0] and hi <= mine[1]):
            return False
    return True


def _points(rates: tuple[tuple[str, float], ...]) -> tuple[tuple[str, Interval], ...]:
    return tuple((name, Interval.point(rate)) for name, rate in rates) if rates else NO_RATES


def _flag_range(default: bool | int | str) -> Interval:
    """A flag's start as a range; text values are not ranges (anything may hold)."""
    if isinstance(default, str):
        return Interval(-INF, INF)
    return Interval.point(float(default))


def analyse_flow(story: Story) -> Flow:
    """Ranges at every reachable beat, and the endings some game can reach.

    The fixpoint makes and drops ranges and dicts by the million on a large
    story, none of them in cycles: the garbage collector is paused meanwhile.
    """
    with collector_paused():
        return _Analyser(story).run()


__all__ = ["FALSE", "MAYBE", "TRUE", "Flow", "State", "analyse_flow"]
