"""The host killed with SIGKILL mid-vote and started again with the same --db: nothing is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp

from .conftest import MINI, expect

SRC = Path(__file__).resolve().parents[2] / "src"
HOST = [sys.executable, "-m", "voskhod_game", "classroom", "host", "--headless"]


def start_host(db: Path) -> tuple[subprocess.Popen, dict]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [*HOST, "--port", "0", "--story", str(MINI), "--db", str(db), "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise AssertionError(f"host did not start: {proc.stderr.read() if proc.stderr else ''}")
    return proc, json.loads(line)


async def test_host_killed_mid_vote_resumes_with_every_vote(tmp_path):
    db = tmp_path / "class.sqlite3"
    proc, info = start_host(db)
    assert set(info) >= {"url", "code", "host_secret"}
    try:
        async with aiohttp.ClientSession() as session:
            ws_url = info["url"].replace("http://", "ws://") + "ws"
            host = await session.ws_connect(ws_url)
            await host.send_json({"type": "host", "secret": info["host_secret"]})
            await expect(host, "host_ok")
            students = []
            for name, choice in (("Anya", "open"), ("Boris", "open"), ("Katya", "wait")):
                ws = await session.ws_connect(ws_url)
                await ws.send_json({"type": "join", "code": info["code"], "name": name})
                welcome = await expect(ws, "welcome")
                students.append((ws, welcome["token"], choice))
            await host.send_json({"type": "open", "seconds": 120})
            for ws, _, choice in students:
                await expect(ws, "state", status="open")
                await ws.send_json({"type": "vote", "round": 1, "choice": choice})
                await expect(ws, "voted")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    proc2, info2 = start_host(db)
    try:
        assert info2["code"] == info["code"]
        assert info2["host_secret"] == info["host_secret"]
        async with aiohttp.ClientSession() as session:
            ws_url = info2["url"].replace("http://", "ws://") + "ws"
            host = await session.ws_connect(ws_url)
            await host.send_json({"type": "host", "secret": info2["host_secret"]})
            await expect(host, "host_ok")
            state = await expect(host, "state")
            assert state["status"] == "open"
            assert state["round"]["counts"] == {"open": 2, "wait": 1, "rush": 0}
            names = [p["name"] for p in (await expect(host, "participants"))["participants"]]
            assert names == ["Anya", "Boris", "Katya"]

            # Katya's phone comes back with its token, sees her vote, and changes it: still three votes.
            ws = await session.ws_connect(ws_url)
            await ws.send_json({"type": "resume", "token": students[2][1]})
            welcome = await expect(ws, "welcome")
            assert welcome["vote"] == {"round": 1, "choice": "wait"}
            await ws.send_json({"type": "vote", "round": 1, "choice": "open"})
            await expect(ws, "voted")
            tally = await expect(host, "tally", voted=3)
            assert tally["counts"] == {"open": 3, "wait": 0, "rush": 0}
            await host.send_json({"type": "close"})
            done = await expect(ws, "state", status="resolved")
            assert done["round"]["winner"] == "open"
            assert done["scene"]["title"] == "The walk"
    finally:
        proc2.send_signal(signal.SIGTERM)
        proc2.wait(timeout=10)
    assert proc2.returncode == 0


def test_ended_session_is_not_restarted_but_can_be_exported(tmp_path, mini_story):
    from voskhod_game.classroom.rules import Classroom
    from voskhod_game.classroom.store import Store

    db = tmp_path / "done.sqlite3"
    store = Store(db)
    room = Classroom.open(mini_story, store, seed=1)
    room.open_vote(30)
    room.close_vote()
    room.decide("wait")
    room.end()
    store.close()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run(
        [*HOST, "--story", str(MINI), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert run.returncode == 1
    assert "has ended" in run.stderr and "export" in run.stderr
    out = subprocess.run(
        [sys.executable, "-m", "voskhod_game", "classroom", "export", str(db), "--story", str(MINI), "--format", "csv"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    assert "1,The hatch,hatch.inside,wait,Wait and breathe,0,yes,teacher" in out.stdout


def test_a_database_that_is_not_a_session_is_reported(tmp_path):
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("these are my lesson notes\n" * 100)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run(
        [*HOST, "--story", str(MINI), "--db", str(bogus)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert run.returncode == 1
    assert "not a classroom database" in run.stderr
    assert "Traceback" not in run.stderr
    assert bogus.read_text().startswith("these are my lesson notes")
