"""Starting a host: open the database, resume or create the session, serve it.

``run_headless`` is the ``--headless`` mode (no screen; one JSON line on
stdout); the teacher's Textual screen lives in ``teacher.py`` and uses the same
pieces inside its own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from pathlib import Path

from ..i18n import _
from ..story.model import Story
from .nicknames import NameFilter
from .protocol import WRONG_CODES_PER_MINUTE
from .rules import Classroom
from .server import LOOPBACK_WARNING, Hub, freeze_heap, loopback_only, start_server, startup_line
from .store import Store, StoreError


def default_db_path() -> Path:
    """A new file per session, beside the save slots, so starting twice never mixes two classes."""
    from ..paths import saves_dir

    return saves_dir() / "classroom" / time.strftime("session-%Y%m%d-%H%M%S.sqlite3")


def open_classroom(
    story: Story, db: str | None, *, seed: int | None, max_students: int, names: NameFilter | None = None
) -> Classroom:
    """The session in ``db`` (resumed) or a new one; StoreError with a message when it cannot be used."""
    store = Store(db or default_db_path())
    try:
        room = Classroom.open(story, store, seed=seed, max_students=max_students, names=names)
    except StoreError:
        store.close()
        raise
    if room.ended:
        store.close()
        raise StoreError(
            f"the session in {store.path} has ended; export it with `voskhod classroom export {store.path}`"
            " or start a new one with another --db"
        )
    return room


async def serve_headless(
    room: Classroom,
    host: str,
    port: int,
    url: str | None,
    wrong_codes_per_minute: int = WRONG_CODES_PER_MINUTE,
    resume: str = "",
) -> int:
    hub = Hub(room, wrong_codes_per_minute=wrong_codes_per_minute)
    try:
        runner = await start_server(hub, host, port, url)
    except OSError as exc:
        print(f"voskhod classroom: {exc}", file=sys.stderr)
        return 1
    freeze_heap()
    print(startup_line(hub, resume), flush=True)
    if loopback_only(host):
        print(f"voskhod classroom: {_(LOOPBACK_WARNING).format(host=host)}", file=sys.stderr)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on the main thread or platform
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    return 0


def run_headless(
    room: Classroom,
    host: str,
    port: int,
    url: str | None = None,
    wrong_codes_per_minute: int = WRONG_CODES_PER_MINUTE,
    resume: str = "",
) -> int:
    try:
        return asyncio.run(serve_headless(room, host, port, url, wrong_codes_per_minute, resume))
    finally:
        room.store.close()
