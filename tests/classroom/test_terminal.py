"""The Textual screens driven with Pilot against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

import pytest
from rich.console import Console

from voskhod_game.classroom.messages import VoteRecord
from voskhod_game.classroom.student import StudentApp, ws_url
from voskhod_game.classroom.teacher import TeacherApp

from .conftest import TIMEOUT


def plain(widget) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def until(pilot, condition: Callable[[], bool]) -> None:
    """Let the app run until ``condition`` holds; fail after TIMEOUT seconds."""

    async def wait() -> None:
        while not condition():
            await pilot.pause(0.02)

    await asyncio.wait_for(wait(), TIMEOUT)


@pytest.fixture
def projector(tmp_path, mini_story):
    """The teacher's app on a new session of the mini story, in ``tmp_path`` (closed afterwards)."""
    from voskhod_game.classroom.rules import Classroom
    from voskhod_game.classroom.store import Store

    store = Store(tmp_path / "t.sqlite3")
    room = Classroom.open(mini_story, store, seed=2)
    yield room, TeacherApp(room, "127.0.0.1", 0, None, 30)
    store.close()


def test_ws_url_accepts_what_the_projector_shows():
    assert ws_url("http://192.168.1.20:8765/") == "ws://192.168.1.20:8765/ws"
    assert ws_url("192.168.1.20:8765") == "ws://192.168.1.20:8765/ws"
    assert ws_url("https://class.example.org/") == "wss://class.example.org/ws"
    with pytest.raises(ValueError, match="not an address"):
        ws_url("ftp://x")


async def test_terminal_student_joins_votes_and_sees_the_result(server):
    room = server.room
    app = StudentApp(server.ws_url, room.code, "Gherman")
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: app.state is not None)
        assert [p.name for p in room.participants.values()] == ["Gherman"]
        room.open_vote(60)
        await until(pilot, lambda: app.state.status == "open")
        await pilot.press("2")
        await until(pilot, lambda: bool(room.current_round.votes))
        assert list(room.current_round.votes.values()) == ["wait"]
        await pilot.press("1")  # change of mind: the vote is replaced, not added
        await until(pilot, lambda: list(room.current_round.votes.values()) == ["open"])
        await until(pilot, lambda: app.my_vote == VoteRecord(1, "open"))
        room.close_vote()
        await until(pilot, lambda: app.state.status == "resolved")
        result = plain(app.query_one("#result"))
        assert "Open the hatch" in result and "You voted for it" in result
        assert "Earth turns below" in plain(app.query_one("#text"))


async def test_terminal_student_with_a_wrong_code_is_told_so(server):
    app = StudentApp(server.ws_url, "WRONG123", "Eve")
    async with app.run_test() as pilot:
        await until(pilot, lambda: bool(app.problem))
    assert app.return_code == 1
    assert "code" in app.problem


async def test_terminal_student_reconnects_and_keeps_the_vote(server):
    room = server.room
    app = StudentApp(server.ws_url, room.code, "Pavel")
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.state is not None)
        room.open_vote(60)
        await until(pilot, lambda: app.state.status == "open")
        await pilot.press("3")
        await until(pilot, lambda: bool(room.current_round.votes))
        for conn in list(server.hub.connections):  # the network drops
            await conn.ws.close()
        await until(pilot, lambda: any(c.participant is not None for c in server.hub.connections))
        await until(pilot, lambda: app.ws is not None)
        await pilot.press("3")
        await pilot.pause(0.2)
        assert len(room.participants) == 1
        assert room.current_round.counts() == {"open": 0, "wait": 0, "rush": 1}


async def test_teacher_screen_runs_a_round(projector, tmp_path):
    room, app = projector
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.hub.url))
        screen_text = plain(app.query_one("#join-code")) + plain(app.query_one("#join-url"))
        assert room.code in screen_text and app.hub.url in screen_text
        assert room.secret not in screen_text
        a = room.join(room.code, "A")
        b = room.join(room.code, "B")
        await pilot.press("o")
        assert room.open_round is not None
        room.vote(a, 1, "open")
        room.vote(b, 1, "wait")
        await pilot.press("c")
        await until(pilot, lambda: "tied" in plain(app.query_one("#round-status")))
        await pilot.press("2")  # the teacher breaks the tie with choice 2
        await until(pilot, lambda: room.current_round.winner == "wait")
        await pilot.press("k")
        await pilot.press("enter")
        await until(pilot, lambda: room.participants[a.id].kicked)
        await pilot.press("E", "y")
        await until(pilot, lambda: room.ended)
        debrief = plain(app.screen.query_one("#debrief"))
        assert "Wait and breathe" in debrief and "To talk about" in debrief
        await pilot.press("x")
        assert (tmp_path / "t.md").read_text().startswith("# Classroom session: Mini Mission")


async def test_teacher_screen_keeps_running_under_a_dialog(projector):
    """The countdown and state changes keep arriving while the kick or end dialog is open."""
    room, app = projector
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.hub.url))
        a = room.join(room.code, "A")
        await pilot.press("o")
        await pilot.press("k")  # the kick dialog is now the active screen
        room.vote(a, 1, "open")
        await pilot.pause(0.6)  # a couple of countdown ticks and a state redraw
        await pilot.press("escape")
        await until(pilot, lambda: "Voted 1" in plain(app.query_one("#counts")))


async def test_terminal_student_reads_the_notes_while_a_vote_runs_and_ends(server):
    room = server.room
    app = StudentApp(server.ws_url, room.code, "Alexei")
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: app.state is not None)
        room.open_vote(60)
        await until(pilot, lambda: app.state.status == "open")
        await pilot.press("1")
        await until(pilot, lambda: bool(room.current_round.votes))
        await pilot.press("n")  # the notes cover the game while the countdown ticks on beneath
        await pilot.pause(0.6)
        room.close_vote()  # and the result arrives while they are still open
        await until(pilot, lambda: app.state.status == "resolved")
        await pilot.pause(0.3)
        assert app.is_running and app.return_code is None
        await pilot.press("n")  # closed again: the game shows the result
        await until(pilot, lambda: "Open the hatch" in plain(app.query_one("#result")))


async def test_projector_keeps_drawing_the_game_under_the_notes_and_the_lobby(projector):
    """A vote closes (its time ran out, or by hand) while the notes or the lobby cover the game."""
    room, app = projector
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.hub.url))
        a = room.join(room.code, "A")
        await pilot.press("o")
        room.vote(a, 1, "open")
        await pilot.press("n")  # the history notes cover the game
        room.close_vote()
        await pilot.pause(0.6)
        assert app.is_running
        await pilot.press("n")
        await until(pilot, lambda: "Open the hatch" in plain(app.query_one("#result")))
        await pilot.press("o")
        await pilot.press("j")  # now the lobby (join info) covers it
        second = room.current_round
        room.vote(a, second.number, second.choices[0])
        room.close_vote()
        await pilot.pause(0.6)
        assert app.is_running
        await pilot.press("j")
        summary = " ".join(app.hub.wire.round().summary.split())
        await until(pilot, lambda: summary in " ".join(plain(app.query_one("#result")).split()))
