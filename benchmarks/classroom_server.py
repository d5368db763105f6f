"""The real classroom server as a fan-out target: started the way a teacher starts it.

``voskhod classroom host --headless`` runs in a child process with a fresh
session database; the start line gives the join code and the host secret.
Students join with the code, all from 127.0.0.1, with the defaults (only wrong
codes are limited per address). The host connection then makes the state changes a teacher
makes: open a vote, pause, resume, extend, close, decide, and on to the next beat,
each of which is one ``state`` broadcast to every student.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import aiohttp
from fanout import CONNECT_BATCH, VERSION, free_port, stop_process
from harness import FIXTURE_STORY, SHIPPED_STORY, child_env

START_TIMEOUT = 30.0
# The teacher's actions per story beat, each one state broadcast: open (600 s, so no
# timer fires in between), pause, unpause, extend, pause, unpause, close, decide.
CLOSE_EVERY = 4
# Host connections taking turns (a teacher may well have two open: the projector
# screen and a phone). Each may send MESSAGE_RATE messages a second, so after a
# round ``settle`` waits, untimed, until the next one may send again.
HOSTS = 3  # host steps while a vote is open before it is closed


def story_dir() -> Path:
    return SHIPPED_STORY if (SHIPPED_STORY / "story.yaml").is_file() else FIXTURE_STORY


class ClassroomTarget:
    """``voskhod classroom host --headless`` in a child process, driven by its host connection."""

    def __init__(self, max_students: int) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="voskhod-bench-classroom-"))
        port = free_port()
        argv = [
            sys.executable,
            "-m",
            "voskhod_game",
            "classroom",
            "host",
            "--headless",
            "--story",
            str(story_dir()),
            "--db",
            str(self.tmp / "session.sqlite3"),
            "--port",
            str(port),
            "--seed",
            "1",
            "--max-students",
            str(max_students + 10),
        ]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=child_env(), text=True, cwd=self.tmp
        )
        self.pid = self.proc.pid
        try:
            info = json.loads(self._start_line())
        except (ValueError, RuntimeError):
            self.stop()
            raise
        self.code: str = info["code"]
        self.secret: str = info["host_secret"]
        self.ws_url = info["url"].replace("http://", "ws://") + "ws"
        self.hosts: list[aiohttp.ClientWebSocketResponse] = []
        self.state: dict = {}
        self._state_seen: asyncio.Event | None = None  # created in the running loop
        self._readers: list[asyncio.Task[None]] = []
        self._size = 0
        self._step = 0
        from voskhod_game.classroom.protocol import MESSAGE_RATE

        self._interval = 1.2 / MESSAGE_RATE  # seconds between two commands on one host connection
        self._sent = [0.0] * HOSTS
        self._raw = ""  # the newest state message, parsed when needed
        self._raw_version = -1
        self._turn = 0

    def _start_line(self) -> str:
        """The one JSON line, read with a deadline so a server that hangs cannot hang us."""
        assert self.proc.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not result or not result[0].strip():
            raise RuntimeError("the classroom server printed no start line")
        return result[0]

    async def connect_students(
        self, session: aiohttp.ClientSession, count: int
    ) -> list[aiohttp.ClientWebSocketResponse]:
        async def one(i: int) -> aiohttp.ClientWebSocketResponse:
            ws = await session.ws_connect(self.ws_url)
            await ws.send_str(json.dumps({"type": "join", "code": self.code, "name": f"bench{i}"}))
            while True:  # the welcome (then state and tally follow)
                msg = await ws.receive()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    raise RuntimeError(f"student {i} was disconnected while joining: {msg.type}")
                data = json.loads(msg.data)
                if data["type"] == "welcome":
                    return ws
                if data["type"] == "error":
                    raise RuntimeError(f"student {i} could not join: {data['code']}")

        sockets: list[aiohttp.ClientWebSocketResponse] = []
        for start in range(0, count, CONNECT_BATCH):
            sockets += await asyncio.gather(*(one(i) for i in range(start, min(count, start + CONNECT_BATCH))))
        return sockets

    async def connect_controller(self, session: aiohttp.ClientSession) -> None:
        self._state_seen = asyncio.Event()
        for _ in range(HOSTS):
            host = await session.ws_connect(self.ws_url)
            await host.send_str(json.dumps({"type": "host", "secret": self.secret}))
            self._readers.append(asyncio.create_task(self._read_host(host, parse=not self.hosts)))
            self.hosts.append(host)
        await asyncio.wait_for(self._host_state_at_least(0), START_TIMEOUT)

    async def _read_host(self, host: aiohttp.ClientWebSocketResponse, parse: bool) -> None:
        """Follow the state on the first host connection; on the others only look for refusals.

        A state is only stored here (its version read with the harness's regex) and
        parsed later in ``settle``, outside the timed part, so the client does no
        more work per round for the classroom than for the baseline.
        """
        async for msg in host:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            raw = msg.data
            if raw.startswith('{"type":"error"'):
                print(f"classroom benchmark: the server refused a host command: {raw[:200]}", file=sys.stderr)
                continue
            if not parse:
                continue
            found = VERSION.match(raw.encode())
            if found is not None and int(found.group(1)) > self._raw_version:
                self._raw_version = int(found.group(1))
                self._raw = raw
                if self._state_seen is not None:
                    self._state_seen.set()

    async def _host_state_at_least(self, version: int) -> None:
        while self._raw_version < version:
            assert self._state_seen is not None
            self._state_seen.clear()
            await asyncio.wait_for(self._state_seen.wait(), 10)
        if self._raw_version > self.state.get("version", -1):
            self.state = json.loads(self._raw)
            self._size = len(self._raw.encode())

    def _next_command(self) -> dict:
        state = self.state
        if state.get("ending") or state.get("ended"):
            # The story has ended: there is no next vote, but pausing is impossible too,
            # so hide and show counts, which the server still broadcasts as a state.
            return {"type": "hidden", "hidden": not state.get("hidden", False)}
        status = state.get("status")
        if status in ("idle", "resolved"):
            return {"type": "open", "seconds": 600}
        if status == "closed":  # nobody voted: the teacher decides (a tie's first choice, else the first possible)
            rnd = state.get("round") or {}
            tie = rnd.get("tie") or [c["id"] for c in state["choices"] if c["enabled"]]
            return {"type": "decide", "choice": tie[0]}
        if status == "paused":
            return {"type": "unpause"}
        self._step += 1
        if self._step % CLOSE_EVERY == 0:
            return {"type": "close"}
        if self._step % CLOSE_EVERY == 2:
            return {"type": "extend", "seconds": 15}
        return {"type": "pause"}

    async def change(self, number: int) -> None:
        turn = self._turn
        self._turn = (turn + 1) % len(self.hosts)
        self._sent[turn] = asyncio.get_running_loop().time()
        await self.hosts[turn].send_str(json.dumps(self._next_command()))

    def version(self) -> int:
        return int(self.state.get("version", 0))

    async def settle(self, version: int) -> None:
        """Wait until the host has seen ``version`` (so the next command fits the state) and the
        next host connection may send again without being rate-limited."""
        await self._host_state_at_least(version)
        wait = self._sent[self._turn] + self._interval - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    def payload_bytes(self) -> int:
        return self._size

    def join_message(self, number: int) -> str:
        return json.dumps({"type": "join", "code": self.code, "name": f"bench{number}"})

    def stop(self) -> None:
        for reader in self._readers:
            reader.cancel()
        stop_process(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)
