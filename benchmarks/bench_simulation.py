"""Workload 5: ``voskhod simulate`` play-throughs per second on one core, the real command.

The command a writer runs (``python -m voskhod_game simulate --runs N scenes``,
with its least-taken picking, its tallies and its report) is started as a
process pinned to one processor, once with many runs and once with few; the
difference of the two CPU times (the kernel's account, user + sys) divided by
the difference in runs is the cost of a run, without start-up, loading and the
report. The baseline is ``plain_fsm.py`` as a process the same way: seeded
random walks in a plain dict state machine, uniform picks, no tallies; both
play with the cyclic garbage collector paused (the simulator pauses it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness import FIXTURE_STORY, SHIPPED_STORY, Finished, Row, interleave, median, one_core, run_child

HERE = Path(__file__).resolve().parent
TARGET_RUNS_PER_SECOND = 4_000


def cpu(argv: list[str]) -> float:
    done: Finished = run_child(argv, pin=one_core())
    if done.returncode not in (0, 1):  # simulate exits 1 when a run got stuck: still a finished run
        raise RuntimeError(f"{' '.join(argv)} failed: {done.output[-400:]!r}")
    return done.cpu


def run(quick: bool) -> list[Row]:
    shipped = SHIPPED_STORY if (SHIPPED_STORY / "story.yaml").is_file() else FIXTURE_STORY
    label = "shipped story" if shipped == SHIPPED_STORY else "tests/fixtures/mini (scenes/ not present)"
    many, few = (2_000, 200) if quick else (20_000, 1_000)
    repetitions = 1 if quick else 5

    def ours(runs: int) -> list[str]:
        return [sys.executable, "-m", "voskhod_game", "simulate", "--runs", str(runs), "--json", str(shipped)]

    def plain(runs: int) -> list[str]:
        return [sys.executable, str(HERE / "plain_fsm.py"), str(shipped), str(runs)]

    samples = interleave(
        {
            "ours": lambda: (many - few) / (cpu(ours(many)) - cpu(ours(few))),
            "baseline": lambda: (many - few) / (cpu(plain(many)) - cpu(plain(few))),
        },
        repetitions,
    )
    mine, base = median(samples["ours"]), median(samples["baseline"])
    return [
        Row(
            "simulation",
            f"voskhod simulate, runs/s on one core (CPU time), {label}",
            mine,
            base,
            "runs/s",
            baseline_name="plain dict FSM, uniform picks",
            target=f"≥ {TARGET_RUNS_PER_SECOND:,} runs/s",
            met=mine >= TARGET_RUNS_PER_SECOND,
            higher_is_better=True,
            extra={"runs": [few, many], "repetitions": repetitions},
        )
    ]
