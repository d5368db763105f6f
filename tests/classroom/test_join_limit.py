"""The per-address join limit through the real command: secure by default, raised only on request.

``voskhod classroom host --joins-per-minute N`` exists for a class that reaches the
host through one address and for the fan-out benchmark on 127.0.0.1; without it a
single address still gets 20 join attempts a minute.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "fixtures" / "mini"


def host_command(tmp_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "voskhod_game",
        "classroom",
        "host",
        "--headless",
        "--story",
        str(MINI),
        "--db",
        str(tmp_path / "room.sqlite3"),
        "--port",
        "0",
        *extra,
    ]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH", "")) if p)
    return env


@pytest.fixture
def start_host(tmp_path: Path) -> Iterator:
    """Start ``classroom host --headless`` with extra options; returns its start line. Always stopped."""
    procs: list[subprocess.Popen[str]] = []

    def start(*extra: str) -> dict:
        proc = subprocess.Popen(
            host_command(tmp_path, *extra), stdout=subprocess.PIPE, text=True, env=child_env(), cwd=tmp_path
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, "the host printed no start line"
        return json.loads(line)

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def join_codes(url: str, code: str, count: int) -> list[str]:
    """``count`` students join from 127.0.0.1, one after another; the reply type (or error code) of each."""
    replies = []
    ws_url = url.replace("http://", "ws://") + "ws"
    async with aiohttp.ClientSession() as session:
        sockets = []
        for i in range(count):
            ws = await session.ws_connect(ws_url)
            sockets.append(ws)
            await ws.send_json({"type": "join", "code": code, "name": f"s{i}"})
            msg = await asyncio.wait_for(ws.receive_json(), 10)
            replies.append(msg["code"] if msg["type"] == "error" else msg["type"])
        for ws in sockets:
            await ws.close()
    return replies


def test_by_default_one_address_gets_twenty_joins_a_minute(start_host) -> None:
    info = start_host()
    replies = asyncio.run(join_codes(info["url"], info["code"], 22))
    assert replies[:20] == ["welcome"] * 20
    assert replies[20:] == ["too_many_attempts"] * 2


def test_joins_per_minute_lets_a_whole_class_in_from_one_address(start_host) -> None:
    info = start_host("--joins-per-minute", "40")
    replies = asyncio.run(join_codes(info["url"], info["code"], 41))
    assert replies[:40] == ["welcome"] * 40
    assert replies[40] == "too_many_attempts"


@pytest.mark.parametrize("value", ["0", "-3", "100001"])
def test_joins_per_minute_out_of_range_is_refused_with_a_message(tmp_path: Path, value: str) -> None:
    done = subprocess.run(
        host_command(tmp_path, "--joins-per-minute", value),
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=30,
    )
    assert done.returncode == 2
    assert "--joins-per-minute must be from 1 to 100000" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "room.sqlite3").exists()
