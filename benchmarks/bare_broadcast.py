"""The classroom baseline: a bare aiohttp websocket broadcast server.

Every websocket on ``/ws`` is a listener; a ``{"type": "change", "version": N,
"size": S}`` message from any of them is broadcast to all the others as a state
message of S bytes (the benchmark passes the real classroom's current state size,
so both servers send the same number of bytes). A ``{"type": "join", "size": S}``
is answered with a welcome and a state message of S bytes, as a classroom
answers a student who joins.
Nothing else: no sessions, votes, storage or validation, so it is the floor a
real classroom server can be compared to.

Run: ``python benchmarks/bare_broadcast.py PORT``; prints ``ready``
when listening and exits when stdin closes (or on SIGTERM), so it never outlives
the benchmark.
"""

from __future__ import annotations

import asyncio
import json
import sys

from aiohttp import WSMsgType, web


def state_payload(version: int, size: int) -> str:
    """``{"type":"state","version":N,"text":"..."}`` padded to about ``size`` bytes."""
    head = f'{{"type":"state","version":{version},"text":"'
    return head + "x" * max(0, size - len(head) - 2) + '"}'


async def main(port: int) -> None:
    sockets: set[web.WebSocketResponse] = set()

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        sockets.add(ws)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                if data.get("type") == "join":  # a student: a welcome, then the current state
                    await ws.send_str(
                        json.dumps({"type": "welcome", "name": data.get("name", "")}, separators=(",", ":"))
                    )
                    await ws.send_str(state_payload(0, int(data.get("size", 850))))
                elif data.get("type") == "change":
                    payload = state_payload(int(data["version"]), int(data.get("size", 850)))
                    for other in list(sockets):
                        if other is not ws and not other.closed:
                            await other.send_str(payload)
        finally:
            sockets.discard(ws)
        return ws

    app = web.Application()
    app.router.add_get("/ws", ws_handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # returns when the parent closes our stdin
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
