"""Shared pieces for classroom tests: a real server on 127.0.0.1 and small websocket helpers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.server import Hub, start_server
from voskhod_game.classroom.store import Store
from voskhod_game.story.loader import load_story

MINI = Path(__file__).resolve().parent.parent / "fixtures" / "mini"
TIMEOUT = 5.0


@pytest.fixture(scope="session")
def mini_story():
    return load_story(MINI)


class Server:
    def __init__(self, hub: Hub, session: aiohttp.ClientSession) -> None:
        self.hub = hub
        self.room = hub.room
        self.session = session
        self.ws_url = hub.url.replace("http://", "ws://") + "ws"

    async def connect(self, **kwargs: Any) -> aiohttp.ClientWebSocketResponse:
        return await self.session.ws_connect(self.ws_url, **kwargs)

    async def student(self, name: str = "", code: str | None = None) -> tuple[aiohttp.ClientWebSocketResponse, dict]:
        ws = await self.connect()
        await ws.send_json({"type": "join", "code": code or self.room.code, "name": name})
        welcome = await expect(ws, "welcome")
        return ws, welcome

    async def host(self) -> aiohttp.ClientWebSocketResponse:
        ws = await self.connect()
        await ws.send_json({"type": "host", "secret": self.room.secret})
        await expect(ws, "host_ok")
        return ws


async def expect(ws: aiohttp.ClientWebSocketResponse, kind: str, **match: Any) -> dict:
    """Read messages until one of ``kind`` (with the given fields) arrives; fail after TIMEOUT."""

    async def read() -> dict:
        while True:
            msg = await ws.receive()
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"connection ended while waiting for {kind}: {msg.type} {msg.data!r}")
            data = msg.json()
            if data.get("type") == kind and all(data.get(k) == v for k, v in match.items()):
                return data

    return await asyncio.wait_for(read(), TIMEOUT)


async def closed(ws: aiohttp.ClientWebSocketResponse) -> int | None:
    """Wait for the server to close the connection; return the close code."""

    async def read() -> int | None:
        while True:
            msg = await ws.receive()
            if msg.type == aiohttp.WSMsgType.CLOSE:
                return int(msg.data)  # the code the server sent (close_code can change while the reply is sent)
            if msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return ws.close_code
            if msg.type == aiohttp.WSMsgType.ERROR:
                return ws.close_code

    return await asyncio.wait_for(read(), TIMEOUT)


@pytest.fixture
async def server(tmp_path, mini_story) -> AsyncIterator[Server]:
    store = Store(tmp_path / "session.sqlite3")
    room = Classroom.open(mini_story, store, seed=7)
    hub = Hub(room)
    runner = await start_server(hub, "127.0.0.1", 0)
    async with aiohttp.ClientSession() as session:
        yield Server(hub, session)
    await runner.cleanup()
    store.close()


@pytest.fixture
async def browser():
    """Debian's Chromium under Playwright (see chromium.py); skipped without the test extra."""
    from .chromium import ARGS, CHROMIUM

    async_api = pytest.importorskip("playwright.async_api", reason="the test extra (playwright) is not installed")
    async with async_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        await chromium.close()


async def end_from_projector(pilot: Any, room: Classroom) -> None:
    """The teacher presses `E` and confirms; wait (bounded) until the session has ended."""
    await pilot.press("E", "y")
    for _ in range(50):
        if room.ended:
            break
        await pilot.pause(0.02)
    await pilot.pause()
