"""A crash inside the Textual app exits 3 (internal error), like every command; a story that cannot be played exits 1.

The game runs as a real process in a pseudo-terminal, the way a player starts it,
with a failure injected into the engine: the player sees one short message and
the name of the file holding the traceback, not Textual's screens of locals.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from tui_support import MINI

from voskhod_game.cli import EXIT_INTERNAL_ERROR

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
from pty_app import PtyApp, plain  # noqa: E402  (the benchmarks' terminal driver: one place for it)

DEADLINE = 60.0
# The game with Game.choose broken: the first choice raises.
BROKEN_GAME = """
import sys
from voskhod_game.engine.game import Game
def choose(self, choice_id):
    raise RuntimeError("injected failure")
Game.choose = choose
from voskhod_game.cli import main
sys.exit(main(sys.argv[1:]))
"""


def exit_status(term: PtyApp) -> int:
    """Wait (bounded) for the game to end, reading what it prints meanwhile."""
    deadline = time.monotonic() + DEADLINE
    while term.proc.poll() is None and time.monotonic() < deadline:
        term.drain(0.2)
    term.drain(0.1)
    return term.proc.wait(timeout=1)


def shown(term: PtyApp) -> str:
    return plain(term.everything).decode("utf-8", "replace")


def game_env(tmp_path: Path) -> dict[str, str]:
    """The game's saves, settings (no text reveal: a key would only finish it) and crash reports in ``tmp_path``."""
    (tmp_path / "saves").mkdir()
    (tmp_path / "saves" / ".settings.json").write_text('{"reveal": false}', encoding="utf-8")
    return dict(
        VOSKHOD_DEBUG="",  # the traceback goes to a file, as a player would see it
        TMPDIR=str(tmp_path),
        VOSKHOD_SAVES=str(tmp_path / "saves"),
        VOSKHOD_CACHE="off",
        LANG="C.UTF-8",
    )


def test_a_crash_in_the_game_exits_3_with_a_short_message_and_a_report_file(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", BROKEN_GAME, "play", "--story", str(MINI), "--seed", "7"]
    with PtyApp(argv, env=game_env(tmp_path)) as term:
        term.wait_for("No autosave yet", DEADLINE)
        term.send(b"n")
        term.wait_for("Scene 1", DEADLINE)
        term.send(b"1")
        status = exit_status(term)
        printed = shown(term)
    assert status == EXIT_INTERNAL_ERROR == 3
    assert "voskhod play: internal error, a bug in voskhod" in printed and "RuntimeError: injected" in printed
    assert "Traceback" not in printed and "locals" not in printed
    report = Path(re.search(r"The details are in (\S+?):", printed.replace("\r\n", "")).group(1))  # type: ignore[union-attr]
    assert report.parent == tmp_path
    assert "injected failure" in report.read_text() and "Traceback" in report.read_text()


def test_a_story_that_cannot_be_played_still_exits_1(tmp_path: Path) -> None:
    story = tmp_path / "story"
    story.mkdir()
    (story / "story.yaml").write_text("id: [", encoding="utf-8")
    argv = [sys.executable, "-m", "voskhod_game", "play", "--story", str(story)]
    with PtyApp(argv, env=game_env(tmp_path)) as term:
        term.wait_for("Load the story again", DEADLINE)  # the problems screen's footer
        term.send(b"q")
        status = exit_status(term)
        printed = shown(term)
    assert status == 1
    assert "internal error" not in printed
