"""The fan-out harness shared by the classroom server and its bare aiohttp baseline.

One client process (this one) holds N student websockets and one controlling
connection (the sender for the bare server, the teacher's host connection for
the classroom). Each round the controller makes one state change and we time
until the *last* student has a ``state`` message newer than the one it had: the
slowest student is the one a class waits for. Both servers run as child
processes, so the server's RSS (from /proc) is its own, and both go through
exactly this code, so the client side costs the same for both.

Everything is bounded: a timeout per round, per join and for a whole
measurement, and the server is stopped in ``finally`` whatever happened.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import aiohttp
from harness import child_env, median, percentile, rss_bytes

HERE = Path(__file__).resolve().parent
ROUND_TIMEOUT = 10.0
CONNECT_TIMEOUT = 60.0
MEASURE_TIMEOUT = 240.0
# The pause after each round, so one round's traffic never overlaps the next. The
# classroom's host connections take turns so each stays under its 8 messages a second.
ROUND_GAP = 0.02
CONNECT_BATCH = 50

# Both servers start a state message with its type and an increasing version number.
VERSION = re.compile(rb'^\{"type":"state","version":(\d+)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen[str]) -> None:
    """Stop a server child: politely first (SIGTERM / stdin closed), then for sure."""
    if proc.poll() is None:
        if proc.stdin:
            proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream and not stream.closed:
            stream.close()


class Target(Protocol):
    """A server under test, running in a child process."""

    pid: int
    ws_url: str

    async def connect_students(
        self, session: aiohttp.ClientSession, count: int
    ) -> list[aiohttp.ClientWebSocketResponse]:
        """Connect ``count`` students, each ready to receive broadcasts."""

    async def connect_controller(self, session: aiohttp.ClientSession) -> None:
        """Open the connection that makes the state changes."""

    async def change(self, number: int) -> None:
        """Make one state change (round ``number``); every student gets a newer ``state``."""

    def version(self) -> int:
        """The newest state version the controller knows of (the students' starting point)."""

    async def settle(self, version: int) -> None:
        """Wait until the controller has seen state ``version`` (so its next change fits)."""

    def payload_bytes(self) -> int:
        """Size of the last state message broadcast (0 when unknown)."""

    def join_message(self, number: int) -> str:
        """What student ``number`` sends to join; the server answers with a welcome and the state."""

    def stop(self) -> None: ...


class BareTarget:
    """``bare_broadcast.py``: a sender's change message is relayed as a state to everyone.

    ``size_of`` gives the state size to send each round (the real server's current
    one, so the baseline moves the same bytes).
    """

    def __init__(self, size_of: Callable[[], int]) -> None:
        port = free_port()
        self.ws_url = f"ws://127.0.0.1:{port}/ws"
        self.size_of = size_of
        self.size = 0
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "bare_broadcast.py"), str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_env(),
            text=True,
        )
        self.pid = self.proc.pid
        self.sender: aiohttp.ClientWebSocketResponse | None = None
        self._version = 0
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError("the bare broadcast server did not start")

    async def connect_students(
        self, session: aiohttp.ClientSession, count: int
    ) -> list[aiohttp.ClientWebSocketResponse]:
        sockets: list[aiohttp.ClientWebSocketResponse] = []
        for start in range(0, count, CONNECT_BATCH):
            batch = range(start, min(count, start + CONNECT_BATCH))
            sockets += await asyncio.gather(*(session.ws_connect(self.ws_url) for _ in batch))
        return sockets

    async def connect_controller(self, session: aiohttp.ClientSession) -> None:
        self.sender = await session.ws_connect(self.ws_url)

    async def change(self, number: int) -> None:
        assert self.sender is not None
        self._version += 1
        self.size = self.size_of() or 850
        await self.sender.send_str(f'{{"type":"change","version":{self._version},"size":{self.size}}}')

    def version(self) -> int:
        return self._version

    async def settle(self, version: int) -> None:
        return None

    def payload_bytes(self) -> int:
        return self.size

    def join_message(self, number: int) -> str:
        return json.dumps({"type": "join", "name": f"bench{number}", "size": self.size_of() or 850})

    def stop(self) -> None:
        stop_process(self.proc)


class Listeners:
    """The students of one target: which state version each has, and when the last one got a change."""

    def __init__(self, students: int) -> None:
        self.newest = [0] * students
        self.threshold = 1 << 62  # a student "has it" once its newest version passes this
        self.pending = 0
        self.last_arrival = 0.0
        self.all_in = asyncio.Event()

    def arm(self, known: int) -> None:
        """A change is about to be made; every student must now get a version above ``known``."""
        self.threshold = max(known, *self.newest)
        self.pending = len(self.newest)
        self.all_in.clear()

    async def listen(self, index: int, ws: aiohttp.ClientWebSocketResponse) -> None:
        loop = asyncio.get_running_loop()
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            raw = msg.data.encode() if isinstance(msg.data, str) else msg.data
            found = VERSION.match(raw)
            if found is None:
                continue
            version = int(found.group(1))
            had = self.newest[index]
            if version > had:
                self.newest[index] = version
                if had <= self.threshold < version:
                    self.pending -= 1
                    if self.pending == 0:
                        self.last_arrival = loop.time()
                        self.all_in.set()


async def fan_out(targets: dict[str, Target], students: int, rounds: int) -> dict[str, dict[str, float]]:
    """Connect ``students`` to every target, then run ``rounds`` timed changes on each, interleaved.

    Rounds alternate between the targets (rotating who goes first), so a slow
    moment on a shared machine hits both alike. Per target: median and p99
    seconds until the last student has a change, the server's RSS growth per
    student in bytes (before the students join, and after they joined and one
    warm-up change went out), and the state message size.
    """
    loop = asyncio.get_running_loop()
    names = list(targets)
    listeners = {name: Listeners(students) for name in names}
    latencies: dict[str, list[float]] = {name: [] for name in names}
    memory: dict[str, float] = {}
    readers: list[asyncio.Task[None]] = []
    sockets: list[aiohttp.ClientWebSocketResponse] = []

    async def one_round(name: str, number: int) -> float:
        target, group = targets[name], listeners[name]
        group.arm(target.version())
        start = loop.time()
        await target.change(number)
        try:
            await asyncio.wait_for(group.all_in.wait(), ROUND_TIMEOUT)
        except TimeoutError:
            raise RuntimeError(
                f"{name}, round {number}: {group.pending} of {students} students had no new state"
                f" after {ROUND_TIMEOUT:g} s"
            ) from None
        await target.settle(max(group.newest))
        return group.last_arrival - start

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        try:
            for name in names:
                target = targets[name]
                await target.connect_controller(session)
                await asyncio.sleep(0.2)
                rss_before = rss_bytes(target.pid)
                mine = await asyncio.wait_for(target.connect_students(session, students), CONNECT_TIMEOUT)
                sockets += mine
                readers += [asyncio.create_task(listeners[name].listen(i, ws)) for i, ws in enumerate(mine)]
                await asyncio.sleep(0.3)  # welcome messages and coalesced tallies settle
                await one_round(name, 0)  # warm-up, not counted
                await asyncio.sleep(0.2)
                memory[name] = max(0, rss_bytes(target.pid) - rss_before) / students
            for number in range(1, rounds + 1):
                shift = number % len(names)
                for name in names[shift:] + names[:shift]:
                    latencies[name].append(await one_round(name, number))
                    await asyncio.sleep(ROUND_GAP)
        finally:
            for task in readers:
                task.cancel()
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return {
        name: {
            "median": median(latencies[name]),
            "p99": percentile(latencies[name], 99),
            "per_student": memory[name],
            "payload_bytes": targets[name].payload_bytes(),
        }
        for name in names
    }


async def storm(target: Target, students: int) -> tuple[float, int]:
    """Seconds from ``students`` connecting at once until the last of them has a welcome and the
    state, and the size of that state message."""
    loop = asyncio.get_running_loop()
    connector = aiohttp.TCPConnector(limit=0)
    sockets: list[aiohttp.ClientWebSocketResponse] = []
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(number: int) -> tuple[float, int]:
            ws = await session.ws_connect(target.ws_url)
            sockets.append(ws)
            await ws.send_str(target.join_message(number))
            welcomed = False
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                raw = msg.data.encode() if isinstance(msg.data, str) else msg.data
                if raw.startswith(b'{"type":"welcome"'):
                    welcomed = True
                elif raw.startswith(b'{"type":"error"'):
                    raise RuntimeError(f"student {number} could not join: {raw[:200]!r}")
                elif welcomed and VERSION.match(raw):
                    return loop.time(), len(raw)
            raise RuntimeError(f"student {number} was disconnected while joining")

        start = loop.time()
        try:
            arrivals = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(students))), CONNECT_TIMEOUT)
        finally:
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return max(t for t, _ in arrivals) - start, max(n for _, n in arrivals)


def measure_storm(target: Target, students: int) -> tuple[float, int]:
    """One bounded join storm into a fresh server, which is stopped whatever happens."""
    try:
        return asyncio.run(storm(target, students))
    finally:
        target.stop()


def measure(targets: dict[str, Target], students: int, rounds: int) -> dict[str, dict[str, float]]:
    """One bounded, interleaved measurement; every server is stopped whatever happens."""
    try:
        return asyncio.run(asyncio.wait_for(fan_out(targets, students, rounds), MEASURE_TIMEOUT))
    finally:
        for target in targets.values():
            target.stop()
