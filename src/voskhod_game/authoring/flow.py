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
from dataclasses import dataclass, field

from ..gcpause import collector_paused
from ..story.expressions import MAX_MAGNITUDE
from ..story.model import Beat, Choice, Outcome, Story
from .intervals import FALSE, INF, MAYBE, TRUE, Interval, divide, multiply, refine, truth_of, value_of

WIDEN_AFTER = 3


@dataclass
class State:
    """Ranges of every value and every meter rate on entering a beat."""

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


class _Analyser:
    def __init__(self, story: Story) -> None:
        self.story = story
        self.flow = Flow(story)
        self.joins: dict[str, int] = {}
        # Looked up once: the limits of each meter, the meters that can end the game, yes/no flags.
        self.bounds = {n: (m.min, m.max) for n, m in story.meters.items()}
        self.limits = [m for m in story.meters.values() if m.at_min or m.at_max]
        self.yes_no = {n for n, f in story.flags.items() if isinstance(f.default, bool)}

    def initial(self) -> State:
        story = self.story
        values = {n: Interval.point(m.start) for n, m in story.meters.items()}
        values.update({n: _flag_range(f.default) for n, f in story.flags.items()})
        values["elapsed"] = Interval.point(0.0)
        rates = {n: Interval.point(m.rate) for n, m in story.meters.items()}
        start = story.beats[story.start]
        rates.update({n: Interval.point(r) for n, r in start.rates})
        for effect in start.effects:
            self.apply(effect.name, effect.op, value_of(effect.expr.source, values), values)
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
            beat = story.beats[beat_id]
            state = self.flow.entry[beat_id]
            for target, new_state in self.successors(beat, state):
                if self.merge(target, new_state) and target not in queued:
                    queue.append(target)
                    queued.add(target)
        return self.flow

    def successors(self, beat: Beat, state: State) -> list[tuple[str, State]]:
        out: list[tuple[str, State]] = []
        for branch in beat.route:
            values = state.values
            if branch.condition is not None:
                narrowed = refine(branch.condition.source, values)
                if narrowed is None:
                    continue
                values = narrowed
            after = self.take(None, branch.outcome, State(dict(values), dict(state.rates)))
            if after is not None:
                out.append((branch.outcome.target, after))  # type: ignore[arg-type]
        for choice in beat.choices:
            values = state.values
            if choice.condition is not None:
                narrowed = refine(choice.condition.source, values)
                if narrowed is None:
                    continue
                values = narrowed
            outcomes: list[Outcome] = []
            if choice.chance is not None:
                p = value_of(choice.chance.probability.source, values)
                if p.hi > 0:
                    outcomes.append(choice.chance.outcome)
                if p.lo < 1:
                    outcomes.append(choice.outcome)
            else:
                outcomes.append(choice.outcome)
            branch_values = []
            for branch in choice.branches[:-1]:  # the last branch is choice.outcome, taken above
                narrowed = refine(branch.condition.source, values) if branch.condition is not None else values
                if narrowed is not None:
                    branch_values.append((branch.outcome, narrowed))
            for outcome, start in [*((o, values) for o in outcomes), *branch_values]:
                after = self.take(choice, outcome, State(dict(start), dict(state.rates)))
                if after is not None:
                    out.append((outcome.target, after))  # type: ignore[arg-type]
        return out

    def take(self, choice: Choice | None, outcome: Outcome, state: State) -> State | None:
        """Apply one outcome (of a choice, or of a route when ``choice`` is None); the state entering the target."""
        story = self.story
        values, rates = state.values, state.rates
        for name, rate in choice.rates if choice is not None else ():
            rates[name] = Interval.point(rate)
        if choice is not None and choice.time > 0:
            t = choice.time
            values["elapsed"] = Interval(values["elapsed"].lo + t, values["elapsed"].hi + t)
            bounds = self.bounds
            for name, r in rates.items():
                v = values[name]
                values[name] = _clamp(Interval(v.lo + r.lo * t, v.hi + r.hi * t), *bounds[name])
        for effect in outcome.effects:
            self.apply(effect.name, effect.op, value_of(effect.expr.source, values), values)
        if outcome.ending is not None:
            self.flow.endings.add(outcome.ending)
            return None
        certain_limit = False
        for m in self.limits:
            v = values[m.name]
            if m.at_min and v.lo <= m.min:
                self.flow.endings.add(m.at_min)
                certain_limit = certain_limit or v.hi <= m.min
            if m.at_max and v.hi >= m.max:
                self.flow.endings.add(m.at_max)
                certain_limit = certain_limit or v.lo >= m.max
        if certain_limit:
            return None
        target = story.beats[outcome.target or ""]
        for name, rate in target.rates:
            rates[name] = Interval.point(rate)
        for effect in target.effects:  # entry effects, before the player sees the beat
            self.apply(effect.name, effect.op, value_of(effect.expr.source, values), values)
        return State(values, rates)

    def apply(self, name: str, op: str, new: Interval, values: dict[str, Interval]) -> None:
        old = values[name]
        if op == "=":
            result = new
        elif op == "+":
            result = Interval(old.lo + new.lo, old.hi + new.hi)
        elif op == "-":
            result = Interval(old.lo - new.hi, old.hi - new.lo)
        else:
            result = multiply(old, new) if op == "*" else divide(old, new)
        if math.isnan(result.lo) or math.isnan(result.hi):
            result = Interval(-INF, INF)
        if max(abs(result.lo), abs(result.hi)) > MAX_MAGNITUDE:
            result = result.join(old)  # the engine skips an effect that overflows
        bounds = self.bounds.get(name)
        if bounds is not None:
            values[name] = _clamp(result, *bounds)
        elif name in self.yes_no:
            values[name] = result.truth()
        else:
            values[name] = Interval(
                float(math.trunc(result.lo)) if result.lo > -INF else -INF,
                float(math.trunc(result.hi)) if result.hi < INF else INF,
            )

    def merge(self, beat_id: str, state: State) -> bool:
        """Join ``state`` into the beat's entry; True when something grew."""
        old = self.flow.entry.get(beat_id)
        if old is None:
            self.flow.entry[beat_id] = state
            return True
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
