"""Workload: ``voskhod play --watch``, from saving a scene file to the new text on screen.

A writer keeps the game open under ``--watch`` and edits the beat being played.
The game runs in a pseudo-terminal (``pty_app.py``) on a generated story, a new
game is started, and then the first beat's text in its scene file is changed,
again and again, to start with a new word; each sample is the time from the
file write until that word is drawn. The baseline is what any reload must at
least do: parse that one file with ``yaml.CSafeLoader`` (garbage collector
paused), timed here, interleaved with the edits.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import yaml
from harness import SRC, Row, interleave, median, skipped, time_call
from pty_app import PtyApp, timed_write
from story_gen import write_story

from voskhod_game.gcpause import collector_paused  # the loader's own pause: the same policy on both sides

TITLE_READY = "No autosave yet"
TARGETS = {1_000: 0.3, 10_000: 1.0}
LOAD_TIMEOUT = 120.0


def edit(path: Path, word: str) -> None:
    """Put ``word`` at the start of the first beat's text (its first text line in the file)."""
    text = path.read_text(encoding="utf-8")
    at = text.index("    text: |\n") + len("    text: |\n")
    end = text.index("\n", at)
    line = text[at:end].strip()
    if line.startswith("Edit"):  # the word the previous edit put there
        line = line.split(" ", 1)[1]
    path.write_text(f"{text[:at]}      {word} {line}{text[end:]}", encoding="utf-8")


def measure(beats: int, edits: int) -> dict[str, list[float]]:
    """Edits to the first beat of a generated story under ``--watch``, interleaved with parsing its file."""
    with tempfile.TemporaryDirectory(prefix="voskhod-bench-") as tmp:
        root = Path(tmp)
        story = write_story(root / "story", beats)
        scene = story / "s0001.yaml"
        saves = root / "saves"
        saves.mkdir()
        (saves / ".settings.json").write_text(json.dumps({"reveal": False}), encoding="utf-8")
        argv = [sys.executable, "-m", "voskhod_game", "play", "--story", str(story), "--seed", "1", "--watch"]
        env = {"VOSKHOD_SAVES": str(saves), "VOSKHOD_CACHE": str(root / "cache")}
        with PtyApp(argv, env=env) as app:
            app.until(TITLE_READY, app.started, timeout=LOAD_TIMEOUT)
            app.drain(0.3)
            app.until("Scene 1 of", app.send(b"n"), timeout=LOAD_TIMEOUT)
            app.drain(1.0)
            count = iter(range(1, 10_000))

            def one_edit() -> float:
                word = f"Edit{next(count)}w"
                start = timed_write(app, lambda: edit(scene, word))
                seconds = app.until(word, start, timeout=LOAD_TIMEOUT)
                app.drain(0.7)  # the reload's notification and autosave settle
                return seconds

            def parse_one() -> float:
                with collector_paused():
                    return time_call(lambda: yaml.load(scene.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader))

            return interleave({"ours": one_edit, "baseline": parse_one}, edits)


def run(quick: bool) -> list[Row]:
    sizes = [1_000] if quick else [1_000, 10_000]
    edits = 2 if quick else 9
    rows = []
    if not (SRC / "voskhod_game" / "tui" / "app.py").is_file():
        return [skipped("watch", f"edit to new text on screen, {b:,} beats", "TUI not present") for b in sizes]
    for beats in sizes:
        samples = measure(beats, edits)
        ours, base = median(samples["ours"]), median(samples["baseline"])
        limit = TARGETS[beats]
        rows.append(
            Row(
                "watch",
                f"--watch: file saved to new text on screen, {beats:,} beats",
                ours,
                base,
                "s",
                baseline_name="CSafeLoader of that one file",
                target=f"< {limit:g} s",
                met=ours < limit,
                extra={"edits": edits, "samples": samples["ours"]},
            )
        )
    return rows
