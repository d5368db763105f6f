"""Fan-out timing for the benchmark suite (not collected by pytest; no timing asserts in tests).

Run: ``PYTHONPATH=src python3 tests/classroom/loadcheck.py [STUDENTS] [ROUNDS]``.
Starts a hub on 127.0.0.1 in this process, connects STUDENTS websocket clients
that join, then times how long each state change (the teacher opening or closing
a vote) takes to reach the last client, beside a bare aiohttp broadcast of the
same bytes to the same number of sockets as the baseline. Bounded: loopback only,
a fixed number of rounds.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.server import Hub, start_server
from voskhod_game.classroom.store import Store
from voskhod_game.story.loader import load_story

MINI = Path(__file__).resolve().parent.parent / "fixtures" / "mini"


async def wait_all(clients: list[aiohttp.ClientWebSocketResponse], kind: str) -> None:
    async def one(ws: aiohttp.ClientWebSocketResponse) -> None:
        while True:
            msg = await ws.receive()
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"connection ended: {msg.type}")
            if f'"type":"{kind}"' in msg.data[:40]:
                return

    await asyncio.wait_for(asyncio.gather(*(one(ws) for ws in clients)), 30)


async def classroom(n: int, rounds: int) -> tuple[list[float], float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "load.sqlite3")
        room = Classroom.open(load_story(MINI), store, seed=1, max_students=n + 10)
        hub = Hub(room)
        hub.join_limiter.limit = n + 10  # every client comes from 127.0.0.1
        runner = await start_server(hub, "127.0.0.1", 0)
        url = hub.url.replace("http://", "ws://") + "ws"
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            clients = []
            for i in range(n):
                ws = await session.ws_connect(url)
                await ws.send_str(f'{{"type":"join","code":"{room.code}","name":"s{i}"}}')
                clients.append(ws)
            await wait_all(clients, "tally")
            await asyncio.sleep(0.3)
            for ws in clients:  # drain anything left
                while not ws._reader.is_eof() and ws._reader._buffer:
                    await ws.receive()
            times = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                room.open_vote(60)
                await wait_all(clients, "state")
                times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                room.close_vote()  # nobody voted: a tie the teacher breaks below, a second broadcast
                await wait_all(clients, "state")
                times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                room.decide(room.current_round.tie[0])
                await wait_all(clients, "state")
                times.append(time.perf_counter() - t0)
                if room.game.ended:
                    break
                await asyncio.sleep(0.15)
                for ws in clients:
                    while ws._reader._buffer:
                        await ws.receive()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            for ws in clients:
                await ws.close()
        await runner.cleanup()
        store.close()
    return times, (rss_after - rss_before) / n


async def bare(n: int, rounds: int, payload: bytes) -> list[float]:
    sockets: list[web.WebSocketResponse] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        sockets.append(ws)
        async for _ in ws:
            pass
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    times = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        clients = [await session.ws_connect(f"ws://127.0.0.1:{port}/ws") for _ in range(n)]
        while len(sockets) < n:
            await asyncio.sleep(0.01)
        for _ in range(rounds * 3):
            t0 = time.perf_counter()
            await asyncio.gather(*(ws.send_str(payload.decode()) for ws in sockets))
            await wait_all(clients, "state")
            times.append(time.perf_counter() - t0)
        for ws in clients:
            await ws.close()
    await runner.cleanup()
    return times


def summary(label: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return f"{label}: median {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms over {len(ms)} broadcasts"


async def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    times, rss_per_student = await classroom(n, rounds)
    room_payload = b'{"type":"state","version":1,' + b'"x":"' + b"y" * 1400 + b'"}'
    baseline = await bare(n, rounds, room_payload)
    print(summary(f"classroom, {n} students", times))
    print(summary(f"bare aiohttp broadcast, {n} sockets", baseline))
    print(f"ratio of medians: {statistics.median(times) / statistics.median(baseline):.2f}")
    print(f"peak RSS growth per student (server and clients in one process): {rss_per_student:.0f} KiB")


if __name__ == "__main__":
    asyncio.run(main())
