"""The engine-step baseline: the story's rules as a plain dict state machine.

It does what a choice means in the scene format (condition, chance roll, rates,
time passing on the clock and the meters, effects with clamping, the move, a
meter at its limit ending the game, the new beat's rates) and nothing else: no
transitions library, no undo, log, events, result text or history. It reuses
the story's compiled expressions, so the comparison measures the engine around
them rather than two expression evaluators. The benchmark checks that it ends in
the same state with the same values as the real engine, so the semantics match.

``python benchmarks/plain_fsm.py DIR RUNS`` plays RUNS seeded random
play-throughs of the story in DIR (the simulation baseline, as a process).
"""

from __future__ import annotations

import random
import sys
from typing import Any

from voskhod_game.engine.rng import Rng
from voskhod_game.story.expressions import apply_op
from voskhod_game.story.model import Outcome, Story


def _outcome(o: Outcome) -> tuple[str, list[tuple[str, str, Any]]]:
    return o.destination, [(e.name, e.op, e.expr) for e in o.effects]


class PlainFsm:
    """A play-through as dicts and tuples, built once per story."""

    def __init__(self, story: Story) -> None:
        self.table: dict[str, dict[str, tuple[Any, ...]]] = {}
        for beat in story.beats.values():
            row = {}
            for c in beat.choices:
                chance = None
                if c.chance is not None:
                    chance = (c.chance.probability, *_outcome(c.chance.outcome))
                row[c.id] = (c.condition, c.time, c.rates, chance, *_outcome(c.outcome))
            self.table[beat.id] = row
        self.beat_rates = {b.id: b.rates for b in story.beats.values()}
        self.bounds = {n: (m.min, m.max) for n, m in story.meters.items()}
        self.limits = [(n, m.min, m.max, m.at_min, m.at_max) for n, m in story.meters.items()]
        self.int_flags = {n for n, f in story.flags.items() if not isinstance(f.default, bool)}
        self.start_values = {n: m.start for n, m in story.meters.items()}
        self.start_values.update({n: f.default for n, f in story.flags.items()})
        self.start_values["elapsed"] = 0.0
        self.start_rates = {n: m.rate for n, m in story.meters.items()}
        self.start = story.start

    def new(self, seed: int) -> dict[str, Any]:
        game = {
            "state": self.start,
            "values": dict(self.start_values),
            "rates": dict(self.start_rates),
            "rng": Rng.from_seed(seed),
        }
        game["rates"].update(self.beat_rates[self.start])
        return game

    def step(self, game: dict[str, Any], choice_id: str) -> None:
        condition, minutes, rates, chance, dest, effects = self.table[game["state"]][choice_id]
        values = game["values"]
        if condition is not None and not condition(values):
            raise ValueError(f"{choice_id} is disabled")
        if chance is not None and game["rng"].random() < float(chance[0](values)):
            dest, effects = chance[1], chance[2]
        meter_rates = game["rates"]
        meter_rates.update(rates)
        bounds = self.bounds
        if minutes > 0:
            values["elapsed"] += minutes
            for name, rate in meter_rates.items():
                if rate:
                    lo, hi = bounds[name]
                    values[name] = min(hi, max(lo, values[name] + rate * minutes))
        for name, op, expr in effects:
            new = apply_op(op, values[name], expr(values))
            if name in bounds:
                lo, hi = bounds[name]
                values[name] = min(hi, max(lo, float(new)))
            else:
                values[name] = int(new) if name in self.int_flags else bool(new)
        if dest in self.beat_rates:
            for name, lo, hi, at_min, at_max in self.limits:
                if at_min and values[name] <= lo:
                    dest = "end:" + at_min
                    break
                if at_max and values[name] >= hi:
                    dest = "end:" + at_max
                    break
        game["state"] = dest
        if dest in self.beat_rates:
            meter_rates.update(self.beat_rates[dest])


MAX_STEPS = 1_000  # a walk that has not ended by then is cut off


def play_plain(story: Story, fsm: PlainFsm, runs: int, seed: int) -> None:
    """``runs`` seeded walks, each choice picked uniformly among the open ones."""
    rng = random.Random(seed)
    beats = story.beats
    for _ in range(runs):
        game = fsm.new(rng.randrange(1 << 30))
        steps = 0
        while game["state"] in beats and steps < MAX_STEPS:
            values = game["values"]
            enabled = [c for c in beats[game["state"]].choices if c.condition is None or c.condition(values)]
            if not enabled:  # a routing beat (no choices): the plain FSM models only choices, so the walk stops
                break
            fsm.step(game, rng.choice(enabled).id)
            steps += 1


if __name__ == "__main__":
    import gc

    from voskhod_game.story import load_story

    loaded = load_story(sys.argv[1])
    gc.disable()  # as `voskhod simulate` plays its runs: the same GC policy on both sides
    play_plain(loaded, PlainFsm(loaded), int(sys.argv[2]), 1)
