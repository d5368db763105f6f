"""Workload 3: loading and validating a story vs ``yaml.CSafeLoader`` parsing the same files.

The baseline reads every YAML file of the story and parses it with PyYAML's C
loader into plain data: the least any loader must do. Both run with the cyclic
garbage collector paused (the loader pauses it; so does the baseline). Ours also records the
position of every value, checks the schema, compiles every expression and
cross-checks every name and target.
"""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

import yaml
from harness import FIXTURE_STORY, SHIPPED_STORY, Row, gc_paused, interleave, median, time_call
from story_gen import write_story

from voskhod_game.story import load_story

TARGET_RATIO = 1.3


def parse_with_csafeloader(root: Path) -> None:
    """The baseline, with the garbage collector paused as the loader pauses it: the same policy."""
    with gc_paused():
        for path in sorted(root.glob("*.yaml")):
            yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)


def measure(name: str, root: Path, repetitions: int, seconds_limit: float | None = None) -> Row:
    load_story(root)  # warm the imports and caches once; a broken story fails here, loudly
    gc.collect()
    samples = interleave(
        {
            "ours": lambda: time_call(lambda: load_story(root)),
            "baseline": lambda: time_call(lambda: parse_with_csafeloader(root)),
        },
        repetitions,
    )
    ours, base = median(samples["ours"]), median(samples["baseline"])
    target = f"≤ {TARGET_RATIO:g}× CSafeLoader"
    met = ours / base <= TARGET_RATIO
    if seconds_limit is not None:
        target += f", < {seconds_limit:g} s"
        met = met and ours < seconds_limit
    files = len(list(root.glob("*.yaml")))
    size = sum(p.stat().st_size for p in root.glob("*.yaml"))
    return Row(
        "story_load",
        name,
        ours,
        base,
        "s",
        baseline_name="yaml.CSafeLoader, same files",
        target=target,
        met=met,
        extra={"files": files, "bytes": size, "repetitions": repetitions},
    )


def run(quick: bool) -> list[Row]:
    rows = []
    shipped = SHIPPED_STORY if (SHIPPED_STORY / "story.yaml").is_file() else FIXTURE_STORY
    label = "shipped story" if shipped == SHIPPED_STORY else "tests/fixtures/mini (scenes/ not present)"
    rows.append(measure(label, shipped, 5 if quick else 30))
    with tempfile.TemporaryDirectory(prefix="voskhod-bench-") as tmp:
        sizes = [(1_000, 3)] if quick else [(1_000, 9), (10_000, 5)]
        for beats, reps in sizes:
            root = write_story(Path(tmp) / f"story{beats}", beats)
            rows.append(measure(f"generated {beats:,} beats", root, reps))
    return rows
