"""Workload 4: ``Game.choose()`` over a long seeded walk vs the plain dict FSM.

A seeded random walk through a generated 1,000-beat story is recorded once
(starting a new game whenever one ends); then the real engine and the plain FSM
replay exactly the same choices, interleaved, and only the steps are timed.
After each replay the two must agree on every game's final beat and values, so
the baseline provably does the same work the story asks for.
"""

from __future__ import annotations

import gc
import random
import tempfile
import time
from pathlib import Path

from harness import Row, interleave, median
from plain_fsm import PlainFsm
from story_gen import write_story

from voskhod_game.engine.game import Game
from voskhod_game.story import load_story
from voskhod_game.story.model import Story

TARGET_RATIO = 5.0


def record_walk(story: Story, steps: int, seed: int) -> list[tuple[int, list[str]]]:
    """Seeded random play: (game seed, choices) for each game until ``steps`` choices in all."""
    rng = random.Random(seed)
    games: list[tuple[int, list[str]]] = []
    total = 0
    while total < steps:
        game_seed = rng.randrange(1 << 30)
        game = Game.new(story, game_seed)
        picks: list[str] = []
        while not game.ended and total < steps:
            choice = rng.choice(game.enabled_choices())
            game.choose(choice.id)
            picks.append(choice.id)
            total += 1
        games.append((game_seed, picks))
    return games


def replay_engine(story: Story, walk: list[tuple[int, list[str]]], finals: list | None = None) -> float:
    spent = 0.0
    for seed, picks in walk:
        game = Game.new(story, seed)
        choose = game.choose
        start = time.perf_counter()
        for pick in picks:
            choose(pick)
        spent += time.perf_counter() - start
        if finals is not None:
            run = game.run
            values = {**run.meters, **run.flags, "elapsed": run.elapsed}
            finals.append((game.state, {k: round(float(v), 9) for k, v in values.items()}))
    return spent


def replay_plain(fsm: PlainFsm, walk: list[tuple[int, list[str]]], finals: list | None = None) -> float:
    spent = 0.0
    for seed, picks in walk:
        game = fsm.new(seed)
        step = fsm.step
        start = time.perf_counter()
        for pick in picks:
            step(game, pick)
        spent += time.perf_counter() - start
        if finals is not None:
            finals.append((game["state"], {k: round(float(v), 9) for k, v in game["values"].items()}))
    return spent


def run(quick: bool) -> list[Row]:
    steps = 3_000 if quick else 20_000
    repetitions = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="voskhod-bench-") as tmp:
        story = load_story(write_story(Path(tmp) / "story", 1_000))
    walk = record_walk(story, steps, seed=7)
    fsm = PlainFsm(story)

    ours_finals: list = []
    plain_finals: list = []
    replay_engine(story, walk, ours_finals)
    replay_plain(fsm, walk, plain_finals)
    if ours_finals != plain_finals:
        bad = next(i for i, (a, b) in enumerate(zip(ours_finals, plain_finals, strict=True)) if a != b)
        raise AssertionError(
            f"plain FSM disagrees with the engine in game {bad}: {ours_finals[bad]} vs {plain_finals[bad]}"
        )

    gc.collect()
    samples = interleave(
        {"ours": lambda: replay_engine(story, walk) / steps, "baseline": lambda: replay_plain(fsm, walk) / steps},
        repetitions,
    )
    ours, base = median(samples["ours"]), median(samples["baseline"])
    return [
        Row(
            "engine_step",
            f"choose(), {steps:,}-step walk, 1,000 beats",
            ours,
            base,
            "s",
            baseline_name="plain dict FSM",
            target=f"≤ {TARGET_RATIO:g}× plain FSM",
            met=ours / base <= TARGET_RATIO,
            extra={"steps": steps, "games": len(walk), "repetitions": repetitions},
        )
    ]
