"""Workload 6: classroom fan-out to 30, 200 and 500 websocket students on 127.0.0.1.

A client harness connects N students plus one sender to a server running in its
own process, then, round after round, makes a state change and times how long
until every student has received it (the slowest student counts); the server's
memory growth per connected student is read from /proc. The bare aiohttp
broadcast server (``bare_broadcast.py``) runs through the same harness in the
same run. Everything is bounded: connection and round timeouts, and the server
processes are stopped at the end whatever happens.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
from harness import SRC, Row, child_env, median, percentile, rss_bytes, skipped

HERE = Path(__file__).resolve().parent
ROUND_TIMEOUT = 10.0
WORKLOAD_TIMEOUT = 240.0
TARGET_RATIO = 1.5
TARGET_P99_AT_200 = 0.050


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A broadcast server in a child process, stopped by closing its stdin."""

    def __init__(self, argv: list[str]) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [*argv, str(self.port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env(), text=True
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"server did not start: {argv}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ws"

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def fan_out(url: str, pid: int, students: int, rounds: int) -> dict[str, float]:
    """Connect, run the rounds; latencies in seconds, memory in bytes per student."""
    loop = asyncio.get_running_loop()
    received: dict[int, int] = {}
    last_arrival: dict[int, float] = {}
    done: dict[int, asyncio.Event] = {}

    async def listen(ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            seq = json.loads(msg.data).get("seq")
            if seq in done:
                received[seq] += 1
                last_arrival[seq] = loop.time()
                if received[seq] == students:
                    done[seq].set()

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        rss_before = rss_bytes(pid)
        sockets = []
        for _ in range(students):
            sockets.append(await session.ws_connect(url, autoping=True))
        sender = await session.ws_connect(url)
        readers = [asyncio.create_task(listen(ws)) for ws in sockets]
        await asyncio.sleep(0.2)
        latencies = []
        for seq in range(rounds + 1):  # round 0 warms up and is not counted
            received[seq] = 0
            done[seq] = asyncio.Event()
            start = loop.time()
            await sender.send_str(json.dumps({"type": "change", "seq": seq}))
            await asyncio.wait_for(done[seq].wait(), ROUND_TIMEOUT)
            if seq:
                latencies.append(last_arrival[seq] - start)
            await asyncio.sleep(0.01)
        rss_after = rss_bytes(pid)
        for ws in [*sockets, sender]:
            await ws.close()
        for task in readers:
            task.cancel()
    return {
        "median": median(latencies),
        "p99": percentile(latencies, 99),
        "per_student": max(0, rss_after - rss_before) / students,
    }


def measure(argv: list[str], students: int, rounds: int) -> dict[str, float]:
    server = Server(argv)
    try:
        return asyncio.run(asyncio.wait_for(fan_out(server.url, server.proc.pid, students, rounds), WORKLOAD_TIMEOUT))
    finally:
        server.stop()


def skip_reason() -> str:
    if (SRC / "voskhod_game" / "classroom").is_dir():
        return "classroom server present, harness hook-up (benchmarks/classroom_server.py) not written yet"
    return "classroom server not present"


def classroom_server() -> list[str] | None:
    """The real classroom server's benchmark entry point, when the classroom part exists."""
    if not (SRC / "voskhod_game" / "classroom").is_dir() or not (HERE / "classroom_server.py").is_file():
        return None
    return [sys.executable, str(HERE / "classroom_server.py")]


def run(quick: bool) -> list[Row]:
    sizes = (30, 200) if quick else (30, 200, 500)
    rounds = 5 if quick else 40
    bare = [sys.executable, str(HERE / "bare_broadcast.py")]
    real = classroom_server()
    rows = []
    for students in sizes:
        started = time.perf_counter()
        base = measure(bare, students, rounds)
        ours = measure(real, students, rounds) if real else None
        extra = {
            "students": students,
            "rounds": rounds,
            "baseline": base,
            "ours": ours,
            "seconds": time.perf_counter() - started,
        }
        p99_target = f"≤ {TARGET_RATIO:g}× bare" + (f", < {TARGET_P99_AT_200 * 1000:g} ms" if students == 200 else "")
        for metric, unit, target in (("median", "s", ""), ("p99", "s", p99_target), ("per_student", "B", "")):
            label = {
                "median": "all students have it, median",
                "p99": "all students have it, p99",
                "per_student": "server memory per student",
            }[metric]
            if ours is None:
                row = skipped("classroom", f"{students} students: {label}", skip_reason(), target)
                row.baseline, row.unit, row.baseline_name, row.extra = (
                    base[metric],
                    unit,
                    "bare aiohttp broadcast",
                    extra,
                )
            else:
                met = None
                if metric == "p99":
                    met = ours["p99"] <= TARGET_RATIO * base["p99"]
                    if students == 200:
                        met = met and ours["p99"] < TARGET_P99_AT_200
                row = Row(
                    "classroom",
                    f"{students} students: {label}",
                    ours[metric],
                    base[metric],
                    unit,
                    baseline_name="bare aiohttp broadcast",
                    target=target,
                    met=met,
                    extra=extra,
                )
            rows.append(row)
    return rows
