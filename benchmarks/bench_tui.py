"""Workload 2: TUI first paint and memory vs a minimal Textual app with the same widgets.

Each app is spawned in a fresh pseudo-terminal (100×32, xterm-256color); the
time to first paint runs from the spawn until a known text of the first screen
appears in the terminal output (escape sequences stripped). Memory is the
child's peak resident set half a second after that. The game's TUI plays the
test fixture story (its title screen's first menu entry is the marker) with saves
in a temporary directory, so nothing of the user's is read or written.
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
import tempfile
import termios
import time
from pathlib import Path

from harness import FIXTURE_STORY, SRC, Row, child_env, interleave, median, rss_bytes, skipped
from minimal_app import MARKER

# `voskhod play` opens on the title screen (issue 4), so the game's first paint is
# the title menu; its first entry is the marker. The baseline keeps its own marker.
GAME_MARKER = "New game"

HERE = Path(__file__).resolve().parent
PAINT_TIMEOUT = 20.0
SETTLE = 0.5
TARGET_RATIO = 1.5
TARGET_RSS = 60 * 1024 * 1024
ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")


def first_paint(argv: list[str], marker: str, saves: str) -> tuple[float, int]:
    """Seconds from spawn to ``marker`` on screen, and peak RSS in bytes shortly after."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
    env = child_env(TERM="xterm-256color", COLUMNS="100", LINES="32", VOSKHOD_SAVES=saves)
    env.pop("TEXTUAL", None)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    seen = b""
    needle = marker.encode()
    try:
        deadline = start + PAINT_TIMEOUT
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no first paint within {PAINT_TIMEOUT:g} s: {' '.join(argv)}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child exited and the pty closed
                raise RuntimeError(f"exited before painting: {ESCAPES.sub(b'', seen)[-400:]!r}") from None
            seen += chunk
            if needle in ESCAPES.sub(b"", seen):
                painted = time.perf_counter() - start
                break
        end = time.perf_counter() + SETTLE
        while time.perf_counter() < end:  # keep draining so the app never blocks on a full pty
            if select.select([master], [], [], 0.05)[0]:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)
        return painted, rss_bytes(proc.pid, peak=True)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        os.close(master)


def tui_present() -> bool:
    return (SRC / "voskhod_game" / "tui" / "app.py").is_file()


def run(quick: bool) -> list[Row]:
    repetitions = 3 if quick else 11
    minimal = [sys.executable, str(HERE / "minimal_app.py")]
    game = [sys.executable, "-m", "voskhod_game", "play", "--story", str(FIXTURE_STORY), "--seed", "1"]
    with tempfile.TemporaryDirectory(prefix="voskhod-bench-") as saves:
        runs = {"baseline": lambda: first_paint(minimal, MARKER, saves)}
        if tui_present():
            runs["ours"] = lambda: first_paint(game, GAME_MARKER, saves)
        samples = interleave(runs, repetitions)  # type: ignore[arg-type]
    base_paint = median([s[0] for s in samples["baseline"]])
    base_rss = median([s[1] for s in samples["baseline"]])
    extra = {
        "repetitions": repetitions,
        "terminal": "100x32 xterm-256color",
        "marker": MARKER,
        "game_marker": GAME_MARKER,
    }
    paint_target = f"≤ {TARGET_RATIO:g}× minimal app"
    rss_target = f"< {TARGET_RSS >> 20} MB"
    if "ours" not in samples:
        rows = [
            skipped("tui_first_paint", "first paint (pty)", "TUI not present", paint_target),
            skipped("tui_first_paint", "peak RSS", "TUI not present", rss_target),
        ]
        for row, value, unit in ((rows[0], base_paint, "s"), (rows[1], base_rss, "B")):
            row.baseline, row.unit, row.baseline_name, row.extra = value, unit, "minimal Textual app", extra
        return rows
    paint = median([s[0] for s in samples["ours"]])
    rss = median([s[1] for s in samples["ours"]])
    return [
        Row(
            "tui_first_paint",
            "first paint (pty)",
            paint,
            base_paint,
            "s",
            "minimal Textual app",
            paint_target,
            paint <= TARGET_RATIO * base_paint,
            extra=extra,
        ),
        Row(
            "tui_first_paint",
            "peak RSS",
            float(rss),
            float(base_rss),
            "B",
            "minimal Textual app",
            rss_target,
            rss < TARGET_RSS,
            extra=extra,
        ),
    ]
