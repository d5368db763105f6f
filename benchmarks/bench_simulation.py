"""Workload 5: play-throughs per second of the shipped story.

Seeded random walks from a new game to an ending, choosing among
``enabled_choices()`` and playing with ``step()`` on one game that is
``reset()`` between runs: the loop ``voskhod simulate`` runs. The baseline is the same walks in the plain dict FSM, to show
what the engine's bookkeeping costs on top of the story's rules.
"""

from __future__ import annotations

import gc
import random

from harness import FIXTURE_STORY, SHIPPED_STORY, Row, interleave, median, time_call
from plain_fsm import PlainFsm

from voskhod_game.engine.game import Game
from voskhod_game.story import load_story
from voskhod_game.story.model import Story

TARGET_RUNS_PER_SECOND = 2_000
MAX_STEPS = 1_000  # a walk that has not ended by then is cut off (and counted)


def play_engine(story: Story, runs: int, seed: int) -> None:
    rng = random.Random(seed)
    game = Game.new(story, 0)
    for _ in range(runs):
        game.reset(rng.randrange(1 << 30))
        steps = 0
        while not game.ended and steps < MAX_STEPS:
            game.step(rng.choice(game.enabled_choices()).id)
            steps += 1


def play_plain(story: Story, fsm: PlainFsm, runs: int, seed: int) -> None:
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


def run(quick: bool) -> list[Row]:
    shipped = SHIPPED_STORY if (SHIPPED_STORY / "story.yaml").is_file() else FIXTURE_STORY
    label = "shipped story" if shipped == SHIPPED_STORY else "tests/fixtures/mini (scenes/ not present)"
    story = load_story(shipped)
    fsm = PlainFsm(story)
    runs = 100 if quick else 500
    repetitions = 3 if quick else 9
    play_engine(story, 10, 0)  # warm up
    gc.collect()
    samples = interleave(
        {
            "ours": lambda: time_call(lambda: play_engine(story, runs, 1)),
            "baseline": lambda: time_call(lambda: play_plain(story, fsm, runs, 1)),
        },
        repetitions,
    )
    ours = runs / median(samples["ours"])
    base = runs / median(samples["baseline"])
    return [
        Row(
            "simulation",
            f"play-throughs/s, {label}",
            ours,
            base,
            "runs/s",
            baseline_name="plain dict FSM",
            target=f"≥ {TARGET_RUNS_PER_SECOND:,} runs/s",
            met=ours >= TARGET_RUNS_PER_SECOND,
            higher_is_better=True,
            extra={"runs": runs, "repetitions": repetitions},
        )
    ]
