"""Workload 2: what a player waits for in the TUI, on the shipped story, vs a minimal Textual app.

Each session spawns the app in a fresh pseudo-terminal (``pty_app.py``) and
times, as a person sees it:

* **title usable**: from the spawn until the title screen says the story is
  loaded (its note changes from "Loading the story…" to "No autosave yet");
* **new game**: from the ``n`` key until the first game screen is drawn;
* **choice**: from a choice's number key until the next beat's text is drawn,
  for several choices in a row (seeded, so the engine here predicts each text).

The baseline (``minimal_app.py``) is a Textual app with the same screens and
widget types showing the same words, from a script written here, with no story,
engine or saves behind it. The game runs with ``--seed 1``, its saves (and an
autosave after each choice, fsync included) in a fresh temporary folder per
session, the text reveal off (it is a deliberate half-second effect; with it on
the text is still drawn at once, letter by letter). Peak RSS is the
process's high-water mark at the end of a session.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness import FIXTURE_STORY, SHIPPED_STORY, SRC, Row, child_env, interleave, median, run_child, skipped
from pty_app import PtyApp

HERE = Path(__file__).resolve().parent
TITLE_READY = "No autosave yet"  # the title screen's note once the story is loaded
MENU = ["N  New game", "C  Continue", "L  Load", "H  How to play", "S  Settings", "Q  Quit"]
MARKER_CHARS = 24
SETTLE = 0.3  # idle time before each key, so the previous screen's work is done
TARGET_TITLE = 1.3
TARGET_CHOICE = 2.0
TARGET_RSS = 80 * 1024 * 1024


def tui_present() -> bool:
    return (SRC / "voskhod_game" / "tui" / "app.py").is_file()


def marker_of(text: str) -> str:
    """The first words of a text's first line: drawn at the top of the story pane."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:MARKER_CHARS].rstrip()


def plan(story_dir: Path, choices: int) -> dict[str, Any]:
    """What the game will show for ``--seed 1`` taking the first open choice each time.

    Returns the minimal app's script (the same words on each page) and, per page,
    the key that leads to it and the marker that says it is drawn.
    """
    from voskhod_game.engine.game import Game
    from voskhod_game.story import load_story
    from voskhod_game.tui.screens.game import result_text
    from voskhod_game.tui.text import story_text
    from voskhod_game.tui.widgets.mission_log import log_text

    story = load_story(story_dir)
    game = Game.new(story, 1)

    def page(result: Any) -> dict[str, Any]:
        view = game.view()
        parts = []
        if story.intro and not game.history:
            parts.append(story_text(story.intro).plain)
        if result is not None:
            parts.append(result_text(result).plain)
        parts.append((view.title + "\n" if view.title else "") + story_text(view.text).plain)
        return {
            "scene": f"Scene {view.scene_number} of {view.scene_count}  {view.scene_title}",
            "clock": view.clock.elapsed,
            "text": "\n\n".join(parts),
            "choices": [f"{c.number}. {c.label}" for c in view.choices],
            "meters": [[m.label, m.value, m.min, m.max] for m in view.meters if not m.hidden],
            "log": log_text(game.log, 200).plain,
        }

    pages = [page(None)]
    keys: list[str] = []
    markers = [pages[0]["scene"][:MARKER_CHARS]]  # the game screen's top bar: not on the title screen
    for _ in range(choices):
        view = game.view()
        choice = next((c for c in view.choices if c.enabled), None)
        if choice is None:
            break
        result = game.choose(choice.id)
        if result.ending is not None:
            break
        new = page(result)
        marker = marker_of(new["text"])
        if not marker or marker == marker_of(pages[-1]["text"]):
            break
        pages.append(new)
        keys.append(str(choice.number))
        markers.append(marker)
    script = {"title": story.title, "menu": MENU, "note": "No autosave yet: start a new game.", "pages": pages}
    return {"script": script, "keys": keys, "markers": markers}


def session(argv: list[str], keys: list[str], markers: list[str], saves_root: Path) -> dict[str, Any]:
    """One app run: title usable, new game, then each choice; seconds, and peak RSS."""
    saves = Path(tempfile.mkdtemp(dir=saves_root))
    (saves / ".settings.json").write_text(json.dumps({"reveal": False}), encoding="utf-8")
    env = {"VOSKHOD_SAVES": str(saves), "VOSKHOD_CACHE": str(saves_root / "cache")}
    with PtyApp(argv, env=env) as app:
        title = app.until(TITLE_READY, app.started)
        app.drain(SETTLE)
        new_game = app.until(markers[0], app.send(b"n"))
        choices = []
        for key, marker in zip(keys, markers[1:], strict=True):
            app.drain(SETTLE)
            choices.append(app.until(marker, app.send(key.encode())))
        app.drain(SETTLE)
        return {"title": title, "new_game": new_game, "choices": choices, "rss": app.peak_rss()}


def run(quick: bool) -> list[Row]:
    repetitions = 2 if quick else 9
    shipped = SHIPPED_STORY if (SHIPPED_STORY / "story.yaml").is_file() else FIXTURE_STORY
    label = "shipped story" if shipped == SHIPPED_STORY else "tests/fixtures/mini"
    titles = {
        "title": f"title usable (story loaded), {label}",
        "new_game": "new game to first game screen",
        "choice": "choice key to next beat drawn",
        "rss": "peak RSS",
    }
    targets = {
        "title": f"≤ {TARGET_TITLE:g}× minimal app",
        "choice": f"≤ {TARGET_CHOICE:g}× minimal app",
        "rss": f"< {TARGET_RSS >> 20} MB",
    }
    if not tui_present():
        return [skipped("tui", titles[k], "TUI not present", targets.get(k, "")) for k in titles]
    with tempfile.TemporaryDirectory(prefix="voskhod-bench-") as tmp:
        root = Path(tmp)
        walk = plan(shipped, 3 if quick else 8)
        script = root / "script.json"
        script.write_text(json.dumps(walk["script"]), encoding="utf-8")
        minimal = [sys.executable, str(HERE / "minimal_app.py"), str(script)]
        game = [sys.executable, "-m", "voskhod_game", "play", "--story", str(shipped), "--seed", "1"]
        # A player has started the game before: its parsed files are in the cache.
        run_child(
            [sys.executable, "-m", "voskhod_game", "check", str(shipped)],
            env=child_env(VOSKHOD_CACHE=str(root / "cache")),
        )
        samples = interleave(
            {
                "ours": lambda: session(game, walk["keys"], walk["markers"], root),
                "baseline": lambda: session(minimal, walk["keys"], walk["markers"], root),
            },
            repetitions,
        )
    extra = {"repetitions": repetitions, "terminal": "100x32 xterm-256color", "choices": len(walk["keys"])}

    def figure(name: str, key: str) -> float:
        values = samples[name]
        if key == "choice":
            return median([c for s in values for c in s["choices"]])
        return median([s[key] for s in values])

    rows = []
    for key, unit in (("title", "s"), ("new_game", "s"), ("choice", "s"), ("rss", "B")):
        ours, base = figure("ours", key), figure("baseline", key)
        met = None
        if key in ("title", "choice"):
            met = ours <= (TARGET_TITLE if key == "title" else TARGET_CHOICE) * base
        elif key == "rss":
            met = ours < TARGET_RSS
        rows.append(
            Row("tui", titles[key], ours, base, unit, "minimal Textual app", targets.get(key, ""), met, extra=extra)
        )
    return rows
