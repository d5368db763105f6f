"""A terminal app in a pseudo-terminal, watched the way a person watches a screen.

The app is spawned in a fresh pseudo-terminal (100×32, xterm-256color); the
benchmark waits until a known text is drawn (its output with escape sequences
stripped contains it), sends keys, and times from the key (or the spawn, or a
file write) until the next known text is drawn. Only output that arrived after
the key counts, so a text already on screen never answers early. Bounded: every
wait has a deadline, and the app's process group is killed whatever happens.
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
import termios
import time
from collections.abc import Callable

from harness import child_env, rss_bytes

WAIT_TIMEOUT = 30.0
COLUMNS, LINES = 100, 32
ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")


def plain(output: bytes) -> bytes:
    """Terminal output without escape sequences: what a person reads, in drawing order."""
    return ESCAPES.sub(b"", output)


class PtyApp:
    """One app process in a pseudo-terminal; use as a context manager so it is always killed."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> None:
        self.argv = argv
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        environment = child_env(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES), **(env or {}))
        environment.pop("TEXTUAL", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=environment, cwd=cwd, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.seen = b""  # output since the last mark
        self.everything = b""  # for error messages

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def mark(self) -> float:
        """Forget the output so far (read what is pending first); return the time."""
        self.drain(0.0)
        self.seen = b""
        return time.perf_counter()

    def send(self, keys: bytes) -> float:
        """Type ``keys`` after forgetting the output so far; return the time they were sent."""
        start = self.mark()
        os.write(self.master, keys)
        return start

    def wait_for(self, marker: str, timeout: float = WAIT_TIMEOUT) -> float:
        """The time at which ``marker`` was first drawn since the last mark."""
        needle = marker.encode()
        deadline = time.perf_counter() + timeout
        while needle not in plain(self.seen):
            left = deadline - time.perf_counter()
            if left <= 0:
                tail = plain(self.everything)[-600:]
                raise TimeoutError(f"{marker!r} not drawn within {timeout:g} s by {' '.join(self.argv)}: {tail!r}")
            if not self._read(left):
                raise RuntimeError(f"exited before drawing {marker!r}: {plain(self.everything)[-600:]!r}")
        return time.perf_counter()

    def until(self, marker: str, start: float, timeout: float = WAIT_TIMEOUT) -> float:
        """Seconds from ``start`` until ``marker`` was drawn."""
        return self.wait_for(marker, timeout) - start

    def drain(self, seconds: float) -> None:
        """Keep reading for ``seconds`` (at least what is pending), so the app never blocks on a full pty."""
        end = time.perf_counter() + seconds
        while True:
            left = max(0.0, end - time.perf_counter())
            if not select.select([self.master], [], [], min(left, 0.05))[0]:
                if left <= 0:
                    return
                continue
            if not self._read(0.0):
                return

    def _read(self, timeout: float) -> bool:
        """Read one chunk; False when the app exited and the pty closed."""
        if not select.select([self.master], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        self.seen += chunk
        self.everything = (self.everything + chunk)[-20000:]
        return True

    def peak_rss(self) -> int:
        return rss_bytes(self.proc.pid, peak=True)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        with contextlib.suppress(OSError):
            os.close(self.master)


def timed_write(app: PtyApp, write: Callable[[], None]) -> float:
    """Forget the output so far, do ``write`` (a file edit) and return the time it was done."""
    start = app.mark()
    write()
    return start
