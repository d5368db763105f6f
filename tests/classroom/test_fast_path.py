"""The server's one fast path: a broadcast frame written straight to the socket.

``Connection.send`` writes a whole, pre-built websocket frame to the request's
transport (the public ``request.transport``) instead of a task per client per
message. That is only right while aiohttp writes each of its own frames (pings,
``send_str``, close) with one whole write and keeps no frame half-written in a
buffer of its own. This test mixes both kinds of writes on one connection and
fails loudly if a frame is lost, reordered or torn, which is what an aiohttp
change to its writer would show.
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from voskhod_game.classroom.server import Connection, text_frame

ROUNDS = 300


async def test_direct_frames_and_aiohttp_frames_interleave_whole_and_in_order() -> None:
    used_direct: list[bool] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False, heartbeat=0.05)  # aiohttp's own pings in between
        await ws.prepare(request)
        conn = Connection(ws, "test", request.transport)  # no writer task: only the direct path can deliver
        for i in range(ROUNDS):
            payload = f'{{"n":{2 * i}}}'.encode()
            conn.send(payload, text_frame(payload))
            await ws.send_str(f'{{"n":{2 * i + 1}}}')
            if i % 50 == 0:
                await asyncio.sleep(0.06)
        used_direct.append(conn.outbox.empty())
        await ws.send_str('{"n":-1}')
        async for _ in ws:
            pass
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"ws://127.0.0.1:{port}/ws") as ws:
            seen = []
            while True:
                msg = await asyncio.wait_for(ws.receive(), 5)
                assert msg.type == aiohttp.WSMsgType.TEXT, msg
                n = msg.json()["n"]
                if n == -1:
                    break
                seen.append(n)
            assert seen == list(range(2 * ROUNDS))
    finally:
        await runner.cleanup()
    assert used_direct == [True]
