"""Workload 7: save and load time and size.

A game part-way through a long play (undo history full, a long log and meter
history) is saved to a slot and loaded back with ``SaveStore``, which writes
atomically (temporary file, fsync, rename, directory fsync) and checks what it
reads. The baseline writes the same snapshot with ``json.dump`` plus one fsync
and reads it back with ``json.load``: the cost of any durable JSON save. The
autosave row is the one the TUI writes after every choice, late in a game of
the shipped story.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path

from harness import FIXTURE_STORY, SHIPPED_STORY, Row, interleave, median, time_call
from story_gen import write_story

from voskhod_game.engine.game import Game
from voskhod_game.engine.saves import SaveStore
from voskhod_game.story import load_story

STEPS = 300


def played_game(story_dir: Path) -> Game:
    """The longest of seeded games played for ``STEPS`` choices in all (most end sooner)."""
    story = load_story(story_dir)
    rng = random.Random(3)
    best = game = Game.new(story, 3)
    for _ in range(STEPS * 20):
        if game.ended:
            game = Game.new(story, rng.randrange(1 << 30))
        game.choose(rng.choice(game.enabled_choices()).id)
        if len(game.history) > len(best.history):
            best = game
        if len(best.history) >= STEPS:
            break
    return best


def shipped_game() -> Game:
    """The shipped story played as far as a seeded player gets before an ending: an autosave late in a game."""
    shipped = SHIPPED_STORY if (SHIPPED_STORY / "story.yaml").is_file() else FIXTURE_STORY
    story = load_story(shipped)
    rng = random.Random(5)
    game = Game.new(story, 5)
    while True:
        choices = game.enabled_choices()
        probe = Game.restore(story, game.snapshot())
        pick = rng.choice(choices).id
        probe.choose(pick)
        if probe.ended or not choices:
            return game
        game.choose(pick)


def plain_save(path: Path, game: Game) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(game.snapshot(), handle, separators=(",", ":"))
        handle.flush()
        os.fsync(handle.fileno())


def run(quick: bool) -> list[Row]:
    repetitions = 5 if quick else 25
    with tempfile.TemporaryDirectory(prefix="voskhod-bench-") as tmp:
        root = Path(tmp)
        game = played_game(write_story(root / "story", 200))
        store = SaveStore(root / "saves")
        plain_path = root / "plain.json"
        store.save("bench", game)
        plain_save(plain_path, game)
        saves = interleave(
            {
                "ours": lambda: time_call(lambda: store.save("bench", game)),
                "baseline": lambda: time_call(lambda: plain_save(plain_path, game)),
            },
            repetitions,
        )
        loads = interleave(
            {
                "ours": lambda: time_call(lambda: store.load("bench", game.story)),
                "baseline": lambda: time_call(lambda: json.loads(plain_path.read_bytes())),
            },
            repetitions,
        )
        loaded = store.load("bench", game.story).game
        if loaded.snapshot() != game.snapshot():
            raise AssertionError("a loaded save differs from the game that was saved")
        size = store.path("bench").stat().st_size
        plain_size = plain_path.stat().st_size
        late = shipped_game()
        store.autosave(late)
        autosaves = interleave(
            {
                "ours": lambda: time_call(lambda: store.autosave(late)),
                "baseline": lambda: time_call(lambda: plain_save(plain_path, late)),
            },
            repetitions,
        )
    note = {"steps": STEPS, "undo_entries": len(game.undo_stack), "repetitions": repetitions}
    return [
        Row(
            "saves",
            f"save, game after {len(game.history)} choices",
            median(saves["ours"]),
            median(saves["baseline"]),
            "s",
            baseline_name="json.dump + fsync",
            extra=note,
        ),
        Row(
            "saves",
            "load (read, check, restore)",
            median(loads["ours"]),
            median(loads["baseline"]),
            "s",
            baseline_name="json.loads",
            extra=note,
        ),
        Row("saves", "size on disk", float(size), float(plain_size), "B", baseline_name="compact json", extra=note),
        Row(
            "saves",
            f"autosave, shipped story after {len(late.history)} choices",
            median(autosaves["ours"]),
            median(autosaves["baseline"]),
            "s",
            baseline_name="json.dump + fsync",
            extra={"choices": len(late.history), "repetitions": repetitions},
        ),
    ]
