"""Workload 3: loading and validating a story vs ``yaml.CSafeLoader`` parsing the same files.

The baseline reads every YAML file of the story and parses it with PyYAML's C
loader into plain data: the least any loader must do. Both sides are timed in
CPU seconds of this process (one thread): on the shared machines we run on,
wall time grew ten-fold with others' load, CPU time much less. Both run with the cyclic
garbage collector paused (the loader pauses it; so does the baseline). Ours also notes YAML 1.1
surprises, refuses duplicate keys, checks the schema, compiles every text and
expression and cross-checks every name and target (the line and column of each
value are found from the same bytes only when a message needs one).
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml
from harness import FIXTURE_STORY, SHIPPED_STORY, Row, cpu_call, interleave, median
from story_gen import write_story

from voskhod_game.gcpause import collector_paused  # the loader's own pause: the same policy on both sides
from voskhod_game.story import load_story
from voskhod_game.story.loader import forget_built
from voskhod_game.story.parsed import ParsedFiles

TARGET_RATIO = 1.3
TARGET_WARM_10K = 0.5


def cold(root: Path) -> None:
    """A first load in a process with no cache: every file parsed, every beat built."""
    forget_built()
    load_story(root, files=ParsedFiles())


def warm_from_disk(root: Path, folder: Path) -> None:
    """A new process's load with the cache folder a previous run left: the checked story revived
    (story/compiled.py), nothing parsed or checked, each beat built when first asked for."""
    forget_built()
    load_story(root, files=ParsedFiles(folder))


def parse_with_csafeloader(root: Path) -> None:
    """The baseline, with the garbage collector paused as the loader pauses it: the same policy."""
    with collector_paused():
        for path in sorted(root.glob("*.yaml")):
            yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)


def measure(
    name: str, root: Path, repetitions: int, load: Callable[[], None] | None = None, seconds_limit: float | None = None
) -> Row:
    cold(root)  # warm the imports once; a broken story fails here, loudly
    ours_load = load or (lambda: cold(root))
    ours_load()
    gc.collect()
    samples = interleave(
        {
            "ours": lambda: cpu_call(ours_load),
            "baseline": lambda: cpu_call(lambda: parse_with_csafeloader(root)),
        },
        repetitions,
    )
    ours, base = median(samples["ours"]), median(samples["baseline"])
    target = f"≤ {TARGET_RATIO:g}× CSafeLoader"
    met = ours / base <= TARGET_RATIO
    if seconds_limit is not None:
        target = f"< {seconds_limit:g} s"
        met = ours < seconds_limit
    elif load is not None:
        target, met = "", None
    files = len(list(root.glob("*.yaml")))
    size = sum(p.stat().st_size for p in root.glob("*.yaml"))
    return Row(
        "story_load",
        f"{name} (CPU)",
        ours,
        base,
        "s",
        baseline_name="yaml.CSafeLoader, same files",
        target=target,
        met=met,
        extra={"files": files, "bytes": size, "repetitions": repetitions},
    )


def language_cost(root: Path, lang: str, repetitions: int) -> Row:
    """What reading a story in a translation costs (issue 14): the same cold load in ``lang``
    (its catalogue read, every text looked up and checked against its source) against the
    story in its own language."""
    cold(root)

    def load_in(language: str) -> None:
        forget_built()
        load_story(root, lang=language, files=ParsedFiles())

    load_in(lang)  # a missing or broken catalogue fails here, loudly
    gc.collect()
    samples = interleave(
        {"ours": lambda: cpu_call(lambda: load_in(lang)), "baseline": lambda: cpu_call(lambda: load_in(""))},
        repetitions,
    )
    return Row(
        "story_load",
        f"shipped story in a translation ({lang}), cold (CPU)",
        median(samples["ours"]),
        median(samples["baseline"]),
        "s",
        baseline_name="the same load in the story's own language",
        extra={"repetitions": repetitions},
    )


def run(quick: bool) -> list[Row]:
    rows = []
    shipped = SHIPPED_STORY if (SHIPPED_STORY / "story.yaml").is_file() else FIXTURE_STORY
    label = "shipped story" if shipped == SHIPPED_STORY else "tests/fixtures/mini (scenes/ not present)"
    rows.append(measure(f"{label}, cold", shipped, 5 if quick else 30))
    if (shipped / "locales" / "ru.po").is_file():
        rows.append(language_cost(shipped, "ru", 5 if quick else 30))
    with tempfile.TemporaryDirectory(prefix="voskhod-bench-") as tmp:
        sizes = [(1_000, 3)] if quick else [(1_000, 9), (10_000, 5)]
        for beats, reps in sizes:
            root = write_story(Path(tmp) / f"story{beats}", beats)
            rows.append(measure(f"generated {beats:,} beats, cold", root, reps))
            if beats == 10_000 or quick:
                folder = Path(tmp) / f"cache{beats}"
                limit = TARGET_WARM_10K if beats == 10_000 else None
                rows.append(
                    measure(
                        f"generated {beats:,} beats, warm (checked story on disk)",
                        root,
                        reps,
                        lambda root=root, folder=folder: warm_from_disk(root, folder),
                        limit,
                    )
                )
                rows.append(
                    measure(
                        f"generated {beats:,} beats, reload of an unchanged story (--watch)",
                        root,
                        reps,
                        lambda root=root: load_story(root),
                    )
                )
    return rows
