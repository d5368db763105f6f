"""Hostile students against the teacher's screen and the server: nothing they send is markup,
crashes the projector, floods the log or ends up as a spreadsheet formula.

Students join over real websockets on 127.0.0.1 with names chosen to break things, then
every teacher key is driven with Pilot on the projector.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import socket

import aiohttp
import pytest

from voskhod_game.classroom.export import to_csv
from voskhod_game.classroom.nicknames import NameFilter, clean_name
from voskhod_game.classroom.protocol import MAX_STRIKES
from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.store import Store
from voskhod_game.classroom.teacher import KickScreen, TeacherApp

from .conftest import TIMEOUT, closed, expect
from .test_terminal import plain, until

HOSTILE_NAMES = [
    "[/]",
    "[@click=app.quit]win[/]",
    "[b red]BOSS[/b red]",
    "<img src=x onerror=a()>",
    '=HYPERLINK("http://x")',
    "abc\u202edcba",  # an RTL override: dropped, it would reorder the projector's line
]


def toasts(app: TeacherApp) -> list[str]:
    """The notifications on screen, as the teacher reads them."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def join(session: aiohttp.ClientSession, url: str, code: str, name: str) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(url.replace("http://", "ws://") + "ws")
    await ws.send_json({"type": "join", "code": code, "name": name})
    await expect(ws, "welcome")
    return ws


async def test_hostile_names_are_plain_text_under_every_teacher_key(tmp_path, mini_story):
    store = Store(tmp_path / "t.sqlite3")
    room = Classroom.open(mini_story, store, seed=2)
    app = TeacherApp(room, "127.0.0.1", 0, None, 30)
    async with app.run_test(size=(120, 40), notifications=True) as pilot, aiohttp.ClientSession() as session:
        await until(pilot, lambda: bool(app.hub.url))
        sockets = [await join(session, app.hub.url, room.code, name) for name in HOSTILE_NAMES]
        await until(pilot, lambda: "Joined 6 (6 online)" in plain(app.query_one("#counts")))
        assert [p.name for p in room.participants.values()][:4] == HOSTILE_NAMES[:4]
        assert room.participants[6].name == "abcdcba"

        await pilot.press("o")
        for ws in sockets[:3]:
            await ws.send_json({"type": "vote", "round": 1, "choice": "open"})
        await until(pilot, lambda: "Voted 3" in plain(app.query_one("#counts")))
        for key in ("e", "p", "p", "h", "l"):
            await pilot.press(key)
        counts = plain(app.query_one("#counts"))
        assert "[LOCKED, hidden tally]" in counts  # both states in plain sight, not eaten as markup
        await until(pilot, lambda: any("Room locked" in t for t in toasts(app)))

        # The kick dialog lists every name exactly as typed; picking the markup-looking one removes it.
        await pilot.press("k")
        assert isinstance(app.screen, KickScreen)
        options = app.screen.query_one("#kick-list")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[:4] == HOSTILE_NAMES[:4]
        await pilot.press("down", "enter")  # the second: [@click=app.quit]win[/]
        await until(pilot, lambda: room.participants[2].kicked)
        assert app.is_running
        await until(pilot, lambda: "Joined 5 (5 online)" in plain(app.query_one("#counts")))
        await until(pilot, lambda: "[@click=app.quit]win[/] was removed." in toasts(app))

        await pilot.press("c")  # close: the three votes for "open" win
        await until(pilot, lambda: room.current_round.winner == "open")
        await pilot.press("x")
        exported = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text())))
        assert all(not cell.startswith(("=", "+", "-", "@")) for row in exported for cell in row)
        await pilot.press("E", "y")
        await until(pilot, lambda: room.ended)
        await pilot.press("x")
        assert app.is_running
        for ws in sockets:
            await ws.close()
    store.close()


def test_a_teacher_kicks_a_student_the_list_shows_them_gone_at_once(tmp_path, mini_story):
    """The live-connection count is kept in one place: a kicked student is never "online" again."""

    async def run() -> None:
        store = Store(tmp_path / "k.sqlite3")
        room = Classroom.open(mini_story, store, seed=2)
        app = TeacherApp(room, "127.0.0.1", 0, None, 30)
        async with app.run_test(size=(120, 40)) as pilot, aiohttp.ClientSession() as session:
            await until(pilot, lambda: bool(app.hub.url))
            ws = await join(session, app.hub.url, room.code, "Kick me")
            await until(pilot, lambda: app.hub.online() == {1})
            app.hub.kick(1)
            assert await closed(ws) == 4001
            await until(pilot, lambda: "Joined 0 (0 online)" in plain(app.query_one("#counts")))
            assert app.hub.participants_message().participants[0].connected is False
        store.close()

    asyncio.run(run())


def test_csv_cells_that_look_like_formulas_are_neutralised(tmp_path, mini_story):
    store = Store(tmp_path / "c.sqlite3")
    room = Classroom.open(mini_story, store, seed=2)
    for name in ("=1+1", "+SUM(A1)", "-2", "@cmd", "Plain"):
        room.join(room.code, name)
    room.open_vote(30)
    for p in room.participants.values():
        room.vote(p, 1, "open")
    room.close_vote()
    rows = list(csv.reader(io.StringIO(to_csv(room, students=True))))
    names = [row[1] for row in rows if len(row) == 4 and row[0] == "1"]
    assert names == ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "Plain"]
    assert ["1", "The hatch", "hatch.inside", "open", "Open the hatch", "5", "yes", "votes"] in rows
    store.close()


async def test_deep_json_is_bad_json_with_a_strike_and_no_traceback(server, caplog):
    ws = await server.connect()
    deep = "[" * 1000 + "]" * 1000
    with caplog.at_level(logging.DEBUG, logger="voskhod.classroom"):
        for _ in range(MAX_STRIKES):
            await ws.send_str(deep)
            err = await expect(ws, "error")
            assert err["code"] == "bad_json"
        assert (await expect(ws, "error"))["code"] == "too_many_strikes"
        assert await closed(ws) == 4002
    assert not [r for r in caplog.records if r.exc_info]


async def test_an_unexpected_failure_logs_one_traceback_not_one_per_message(server, caplog, monkeypatch):
    host = await server.host()

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(server.room, "pause", broken)
    with caplog.at_level(logging.DEBUG, logger="voskhod.classroom"):
        for _ in range(4):
            await host.send_json({"type": "pause"})
            assert (await expect(host, "error"))["code"] == "bad_state"
    assert len([r for r in caplog.records if r.exc_info]) == 1
    assert len([r for r in caplog.records if "boom" in r.getMessage()]) == 3


async def test_a_slow_http_client_is_cut_off_by_the_header_timeout(tmp_path, mini_story):
    from voskhod_game.classroom.server import Hub, start_server

    store = Store(tmp_path / "h.sqlite3")
    hub = Hub(Classroom.open(mini_story, store, seed=1))
    hub.header_timeout = 1.0
    runner = await start_server(hub, "127.0.0.1", 0)
    port = int(hub.url.rsplit(":", 1)[1].strip("/"))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line that ends the headers

        async def trickle() -> bytes:
            while True:
                writer.write(b"X-a: b\r\n")
                try:
                    data = await asyncio.wait_for(reader.read(100), 0.3)
                except TimeoutError:
                    continue
                return data

        assert await asyncio.wait_for(trickle(), TIMEOUT) == b""  # the server closed the socket
        writer.close()
        # A normal page load still works.
        async with aiohttp.ClientSession() as session, session.get(hub.url) as response:
            assert response.status == 200
    finally:
        await runner.cleanup()
        store.close()


async def test_blocked_nicknames_are_refused_with_a_message(server):
    ws = await server.connect()
    await ws.send_json({"type": "join", "code": server.room.code, "name": "Sh1t Head"})
    err = await expect(ws, "error")
    assert err["code"] == "name_refused"
    assert "nickname" in err["message"]
    _, welcome = await server.student("Cassandra")  # a listed short word inside a real name is fine
    assert welcome["name"] == "Cassandra"


def test_the_teacher_extends_the_name_list_with_a_file(tmp_path):
    extra = tmp_path / "names.txt"
    extra.write_text("# our class\nvoldemort\n*bogey*\n")
    names = NameFilter.builtin(extra)
    assert names.refuses("Lord Voldemort")
    assert names.refuses("xXBogeymanXx")
    assert names.refuses("F.U.C.K")  # the built-in list is still there
    assert not names.refuses("Anya")
    assert not NameFilter.builtin().refuses("Lord Voldemort")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("a\x00b", "ab"), ("  Yuri \t Gagarin ", "Yuri Gagarin"), ("\u200fRTL\u200e", "RTL"), ("x" * 40, "x" * 24)],
)
def test_nicknames_are_cleaned_before_the_projector_sees_them(typed, shown):
    assert clean_name(typed, 24) == shown


def test_the_lan_address_is_found_without_sending_and_is_never_loopback(monkeypatch):
    """The address comes from the routing table (a UDP connect sends nothing), never the host name."""
    from voskhod_game.classroom import server as server_module

    sent: list[object] = []
    real = socket.socket

    class Watch(real):  # type: ignore[misc, valid-type]
        def sendto(self, *args: object) -> int:
            sent.append(args)
            return 0

        def send(self, *args: object) -> int:
            sent.append(args)
            return 0

    monkeypatch.setattr(server_module.socket, "socket", Watch)
    monkeypatch.setattr(server_module.socket, "gethostname", lambda: "host-mapped-to-127")
    address = server_module.lan_address()
    assert sent == []
    assert address is None or not address.startswith("127.")
