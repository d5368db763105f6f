"""The classroom baseline: a bare aiohttp websocket broadcast server.

Every websocket on ``/ws`` is a listener; a ``{"type": "change"}`` message from
any of them is broadcast as a state message (about the size of a real game
state) to all the others. Nothing else: no sessions, votes, storage or
validation, so it is the floor a real classroom server can be compared to.

Run: ``python benchmarks/bare_broadcast.py PORT``; prints ``ready`` when listening
and exits when stdin closes, so it never outlives the benchmark.
"""

from __future__ import annotations

import asyncio
import json
import sys

from aiohttp import WSMsgType, web

STATE_TEXT = "The pressure needle falls. " * 30


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
                if data.get("type") == "change":
                    payload = json.dumps({"type": "state", "seq": data["seq"], "text": STATE_TEXT})
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
