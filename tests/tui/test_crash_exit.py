"""A crash inside the Textual app exits 3 (internal error), like every command; a story that cannot be played exits 1.

The game runs as a real process in a pseudo-terminal, the way a player starts it,
with a failure injected into the engine: the player sees one short message and
the name of the file holding the traceback, not Textual's screens of locals.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tui_support import MINI

from voskhod_game.cli import EXIT_INTERNAL_ERROR

SRC = Path(__file__).resolve().parents[2] / "src"
ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
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


class Terminal:
    """One process in a 100x32 pseudo-terminal; everything it draws, without escape sequences."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.master = master
        self.output = ""

    def _read(self, timeout: float) -> bool:
        if not select.select([self.master], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return False
        self.output += chunk.decode("utf-8", "replace")
        return bool(chunk)

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + DEADLINE
        while text not in ESCAPES.sub("", self.output):
            assert time.monotonic() < deadline, f"{text!r} never drawn: {ESCAPES.sub('', self.output)[-500:]!r}"
            assert self._read(0.2), f"exited before {text!r}: {ESCAPES.sub('', self.output)[-500:]!r}"

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def exit_status(self) -> int:
        deadline = time.monotonic() + DEADLINE
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        while self._read(0.05) and select.select([self.master], [], [], 0)[0]:
            pass
        return self.proc.wait(timeout=1)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.master)


def game_env(tmp_path: Path) -> dict[str, str]:
    """The game's saves, settings (no text reveal: a key would only finish it) and crash reports in ``tmp_path``."""
    (tmp_path / "saves").mkdir()
    (tmp_path / "saves" / ".settings.json").write_text('{"reveal": false}', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("VOSKHOD_DEBUG", "TEXTUAL")}
    env.update(
        PYTHONPATH=str(SRC),
        TERM="xterm-256color",
        TMPDIR=str(tmp_path),
        VOSKHOD_SAVES=str(tmp_path / "saves"),
        VOSKHOD_CACHE="off",
        LANG="C.UTF-8",
    )
    return env


def test_a_crash_in_the_game_exits_3_with_a_short_message_and_a_report_file(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", BROKEN_GAME, "play", "--story", str(MINI), "--seed", "7"]
    term = Terminal(argv, game_env(tmp_path))
    try:
        term.wait_for("No autosave yet")
        term.send("n")
        term.wait_for("Scene 1")
        term.send("1")
        status = term.exit_status()
    finally:
        term.close()
    shown = ESCAPES.sub("", term.output)
    assert status == EXIT_INTERNAL_ERROR == 3
    assert "voskhod play: internal error, a bug in voskhod" in shown and "RuntimeError: injected" in shown
    assert "Traceback" not in shown and "locals" not in shown
    report = Path(re.search(r"The details are in (\S+?):", shown.replace("\r\n", "")).group(1))  # type: ignore[union-attr]
    assert report.parent == tmp_path
    assert "injected failure" in report.read_text() and "Traceback" in report.read_text()


def test_a_story_that_cannot_be_played_still_exits_1(tmp_path: Path) -> None:
    story = tmp_path / "story"
    story.mkdir()
    (story / "story.yaml").write_text("id: [", encoding="utf-8")
    argv = [sys.executable, "-m", "voskhod_game", "play", "--story", str(story)]
    term = Terminal(argv, game_env(tmp_path))
    try:
        term.wait_for("Load the story again")  # the problems screen's footer
        term.send("q")
        status = term.exit_status()
    finally:
        term.close()
    assert status == 1
    assert "internal error" not in ESCAPES.sub("", term.output)
