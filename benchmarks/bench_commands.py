"""Workload: the writer's and the line-mode player's commands, as whole processes.

* ``voskhod check DIR`` (load, validate, analyse the flow, print warnings);
* ``voskhod graph DIR -o FILE.dot``;
* ``voskhod play --plain``: until the first prompt (stdin is empty, so the
  command prints its first prompt and ends: its CPU time is the wait).

Each is timed as a process against ``csafe_load.py``: Python started, PyYAML's
C loader parsing the same files with the garbage collector paused, a prompt
printed. Figures are CPU seconds (user + sys, the kernel's account of the
child): on a quiet machine the wall time of a one-threaded command; the wall
time is kept in the JSON. Line mode runs cold (an empty cache folder) and warm
(the cache a previous run left), each in a cache folder of its own.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from harness import FIXTURE_STORY, SHIPPED_STORY, Row, child_env, interleave, median, run_child
from story_gen import write_story

HERE = Path(__file__).resolve().parent
BASELINE = "CSafeLoader process, GC paused"
CHECK_TARGETS = {1_000: 1.0, 10_000: 8.0}


Cache = Path | Callable[[], Path]


def process(argv: list[str], cache: Cache, ok: tuple[int, ...] = (0,)) -> Callable[[], tuple[float, float]]:
    """A call that runs ``argv`` once: (CPU, wall) seconds. ``cache`` is a folder, or makes a new one each time."""

    def call() -> tuple[float, float]:
        folder = cache() if callable(cache) else cache
        done = run_child(argv, env=child_env(VOSKHOD_CACHE=str(folder)))
        if done.returncode not in ok:
            raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.output[-400:]!r}")
        return done.cpu, done.wall

    return call


def fresh(root: Path) -> Callable[[], Path]:
    """A new empty cache folder on every call (a cold start)."""

    def make() -> Path:
        return Path(tempfile.mkdtemp(dir=root))

    return make


def measure(
    ours: Callable[[], tuple[float, float]], story: Path, cache: Cache, reps: int
) -> tuple[float, float, dict[str, float]]:
    base = process([sys.executable, str(HERE / "csafe_load.py"), str(story)], cache)
    samples = interleave({"ours": ours, "baseline": base}, reps)
    walls = {name: median([s[1] for s in values]) for name, values in samples.items()}
    return median([s[0] for s in samples["ours"]]), median([s[0] for s in samples["baseline"]]), walls


def run(quick: bool) -> list[Row]:
    shipped = SHIPPED_STORY if (SHIPPED_STORY / "story.yaml").is_file() else FIXTURE_STORY
    label = "shipped story" if shipped == SHIPPED_STORY else "tests/fixtures/mini"
    sizes = [1_000] if quick else [1_000, 10_000]
    reps = 1 if quick else 5
    big_reps = 1 if quick else 3
    python = [sys.executable, "-m", "voskhod_game"]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="voskhod-bench-") as tmp:
        root = Path(tmp)
        stories = {label: shipped}
        for beats in sizes:
            stories[f"{beats:,} beats"] = write_story(root / f"story{beats}", beats)
        (root / "cold").mkdir()
        cold = fresh(root / "cold")

        def add(metric: str, argv: list[str], name: str, story: Path, cache: Cache, ok: tuple[int, ...] = (0,)) -> Row:
            n = big_reps if "10,000" in name else reps
            ours, base, walls = measure(process(argv, cache, ok), story, cache, n)
            row = Row(
                "commands",
                f"{metric}, {name} (CPU)",
                ours,
                base,
                "s",
                baseline_name=BASELINE,
                extra={"repetitions": n, "wall": walls},
            )
            rows.append(row)
            return row

        for name, story in stories.items():
            # check exits 1 when it reports warnings; the generated stories have none, the shipped one none.
            row = add("voskhod check", [*python, "check", str(story)], name, story, cold, ok=(0, 1))
            beats = next((b for b in CHECK_TARGETS if name.startswith(f"{b:,}")), None)
            if beats is not None:
                row.target = f"< {CHECK_TARGETS[beats]:g} s"
                row.met = row.ours is not None and row.ours < CHECK_TARGETS[beats]
        for name, story in stories.items():
            if "10,000" in name or (quick and story != shipped):
                continue
            out = root / "graph.dot"
            add("voskhod graph -o FILE.dot", [*python, "graph", str(story), "-o", str(out)], name, story, cold)
        for name, story in stories.items():
            if quick and story != shipped:
                continue
            saves = root / "saves"
            argv = [*python, "play", "--plain", "--story", str(story), "--seed", "1", "--saves", str(saves)]
            cache = root / f"cache-{len(rows)}"
            cache.mkdir()
            add("line mode, first prompt, cold cache", argv, name, story, cold)
            process(argv, cache)()  # warm the cache once
            add("line mode, first prompt, warm cache", argv, name, story, cache)
            shutil.rmtree(saves, ignore_errors=True)
    return rows
