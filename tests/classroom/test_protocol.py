"""The websocket API over real sockets on 127.0.0.1: join, vote, tally, resolve, reconnect, kick, errors."""

from __future__ import annotations

import aiohttp
import pytest

from voskhod_game.classroom.protocol import CLOSE_KICKED, CLOSE_STRIKES, MAX_MESSAGE_BYTES, MAX_STRIKES

from .conftest import closed, expect


async def test_join_gets_a_token_and_the_current_state(server):
    ws, welcome = await server.student("Valentina")
    assert welcome["name"] == "Valentina"
    assert welcome["token"]
    state = await expect(ws, "state")
    assert state["title"] == "Mini Mission"
    assert [c["id"] for c in state["choices"]] == ["open", "wait", "rush"]
    assert [c["cost"] for c in state["choices"]] == ["5 min", "3 min", "1 min"]
    assert {m["name"] for m in state["meters"]} == {"oxygen", "pressure", "heart"}
    assert state["status"] == "idle"


async def test_empty_nickname_gets_a_generated_one(server):
    _, welcome = await server.student("   ")
    assert len(welcome["name"].split()) == 3


async def test_code_is_forgiving_about_case_spaces_and_dashes(server):
    code = server.room.code
    typed = f" {code[:4].lower()}-{code[4:]} "
    _, welcome = await server.student("Yuri", code=typed)
    assert welcome["token"]


async def test_wrong_code_is_refused_with_a_clear_message(server):
    ws = await server.connect()
    await ws.send_json({"type": "join", "code": "NOTRIGHT", "name": "Eve"})
    err = await expect(ws, "error")
    assert err["code"] == "wrong_code"
    assert "code" in err["message"].lower()
    assert server.room.participants == {}


async def test_vote_tally_and_resolution_play_the_winner_through_the_engine(server):
    host = await server.host()
    a, _ = await server.student("A")
    b, _ = await server.student("B")
    c, _ = await server.student("C")
    await host.send_json({"type": "open", "seconds": 60})
    state = await expect(a, "state", status="open")
    number = state["round"]["number"]
    for ws, choice in ((a, "open"), (b, "open"), (c, "wait")):
        await ws.send_json({"type": "vote", "round": number, "choice": choice})
        await expect(ws, "voted")
    tally = await expect(c, "tally", voted=3)
    assert tally["counts"] == {"open": 2, "wait": 1, "rush": 0}
    await host.send_json({"type": "close"})
    resolved = await expect(b, "state", status="resolved")
    assert resolved["round"]["winner"] == "open"
    assert resolved["round"]["winner_label"] == "Open the hatch"
    assert resolved["scene"]["title"] == "The walk"
    assert server.room.game.state == "walk.outside"


async def test_a_revote_replaces_the_earlier_vote(server):
    host = await server.host()
    a, _ = await server.student("A")
    await host.send_json({"type": "open", "seconds": 60})
    await expect(a, "state", status="open")
    await a.send_json({"type": "vote", "round": 1, "choice": "open"})
    await expect(a, "voted", choice="open")
    await a.send_json({"type": "vote", "round": 1, "choice": "rush"})
    await expect(a, "voted", choice="rush")
    tally = await expect(host, "tally", voted=1)
    assert tally["counts"] == {"open": 0, "wait": 0, "rush": 1}


async def test_reconnecting_with_the_token_keeps_one_vote(server):
    host = await server.host()
    a, welcome = await server.student("A")
    await host.send_json({"type": "open", "seconds": 60})
    await expect(a, "state", status="open")
    await a.send_json({"type": "vote", "round": 1, "choice": "wait"})
    await expect(a, "voted")
    await a.close()

    again = await server.connect()
    await again.send_json({"type": "resume", "token": welcome["token"]})
    back = await expect(again, "welcome")
    assert back["id"] == welcome["id"]
    assert back["vote"] == {"round": 1, "choice": "wait"}
    await again.send_json({"type": "vote", "round": 1, "choice": "open"})
    await expect(again, "voted")
    rnd = server.room.current_round
    assert rnd.counts() == {"open": 1, "wait": 0, "rush": 0}
    assert len(server.room.participants) == 1


async def test_a_tie_waits_for_the_teacher(server):
    host = await server.host()
    a, _ = await server.student("A")
    b, _ = await server.student("B")
    await host.send_json({"type": "open", "seconds": 60})
    await expect(a, "state", status="open")
    await a.send_json({"type": "vote", "round": 1, "choice": "open"})
    await b.send_json({"type": "vote", "round": 1, "choice": "wait"})
    await expect(b, "voted")
    await host.send_json({"type": "close"})
    tied = await expect(a, "state", status="closed")
    assert sorted(tied["round"]["tie"]) == ["open", "wait"]
    await host.send_json({"type": "decide", "choice": "rush"})
    err = await expect(host, "error")
    assert err["code"] == "bad_choice"
    await host.send_json({"type": "decide", "choice": "wait"})
    done = await expect(a, "state", status="resolved")
    assert done["round"]["decided_by"] == "teacher"
    assert server.room.game.state == "hatch.inside"


async def test_the_round_closes_itself_when_time_runs_out(server, monkeypatch):
    host = await server.host()
    a, _ = await server.student("A")
    await host.send_json({"type": "open", "seconds": 5})
    await expect(a, "state", status="open")
    await a.send_json({"type": "vote", "round": 1, "choice": "rush"})
    await expect(a, "voted")
    rnd = server.room.current_round
    rnd.deadline = server.room.clock() + 0.05  # shorten the wait; the server's timer is what closes it
    server.hub.schedule_timer()
    done = await expect(a, "state", status="resolved")
    assert done["round"]["winner"] == "rush"
    await a.send_json({"type": "vote", "round": 1, "choice": "open"})
    assert (await expect(a, "error"))["code"] == "no_round"


async def test_votes_for_a_choice_that_is_not_possible_are_refused(server):
    host = await server.host()
    a, _ = await server.student("A")
    await host.send_json({"type": "open", "seconds": 60})
    await host.send_json({"type": "close"})  # nobody voted: the teacher decides
    await expect(a, "state", status="closed")
    await host.send_json({"type": "decide", "choice": "open"})
    await expect(a, "state", status="resolved")
    await host.send_json({"type": "open", "seconds": 60})
    await expect(a, "state", status="open")
    await a.send_json({"type": "vote", "round": 2, "choice": "go_back"})  # needs a look first
    assert (await expect(a, "error"))["code"] == "choice_disabled"
    await a.send_json({"type": "vote", "round": 2, "choice": "fly_home"})
    assert (await expect(a, "error"))["code"] == "bad_choice"
    await a.send_json({"type": "vote", "round": 1, "choice": "look"})
    assert (await expect(a, "error"))["code"] == "wrong_round"


async def test_hidden_vote_shows_counts_to_the_teacher_only(server):
    host = await server.host()
    a, _ = await server.student("A")
    await host.send_json({"type": "open", "seconds": 60, "hidden": True})
    await expect(a, "state", status="open")
    await a.send_json({"type": "vote", "round": 1, "choice": "wait"})
    student_tally = await expect(a, "tally", voted=1)
    host_tally = await expect(host, "tally", voted=1)
    assert student_tally["counts"] is None
    assert host_tally["counts"]["wait"] == 1
    await host.send_json({"type": "close"})
    done = await expect(a, "state", status="resolved")
    assert done["round"]["counts"]["wait"] == 1


async def test_a_kicked_student_stays_out_after_reconnecting(server):
    host = await server.host()
    a, welcome = await server.student("Troll")
    await host.send_json({"type": "kick", "participant": welcome["id"]})
    assert (await expect(a, "error"))["code"] == "kicked"
    assert await closed(a) == CLOSE_KICKED
    again = await server.connect()
    await again.send_json({"type": "resume", "token": welcome["token"]})
    assert (await expect(again, "error"))["code"] == "kicked"
    fresh = await server.connect()
    await fresh.send_json({"type": "join", "code": server.room.code, "name": "Troll", "token": welcome["token"]})
    assert (await expect(fresh, "error"))["code"] == "kicked"
    assert server.room.participants[welcome["id"]].kicked


async def test_locked_and_full_rooms_say_so(server):
    host = await server.host()
    await host.send_json({"type": "lock", "locked": True})
    await expect(host, "state", locked=True)
    ws = await server.connect()
    await ws.send_json({"type": "join", "code": server.room.code, "name": "Late"})
    err = await expect(ws, "error")
    assert err["code"] == "room_locked"
    assert "locked" in err["message"]
    await host.send_json({"type": "lock", "locked": False})
    await expect(host, "state", locked=False)
    server.room.max_students = 1
    await server.student("First")
    ws2 = await server.connect()
    await ws2.send_json({"type": "join", "code": server.room.code, "name": "Second"})
    err = await expect(ws2, "error")
    assert err["code"] == "room_full"


async def test_wrong_host_secret_is_refused_and_host_commands_need_the_secret(server):
    ws = await server.connect()
    await ws.send_json({"type": "host", "secret": "guess"})
    assert (await expect(ws, "error"))["code"] == "wrong_secret"
    await ws.send_json({"type": "open", "seconds": 30})
    assert (await expect(ws, "error"))["code"] == "not_host"
    student, _ = await server.student("S")
    await student.send_json({"type": "end"})
    assert (await expect(student, "error"))["code"] == "not_host"
    assert server.room.current_round is None and not server.room.ended


async def test_oversized_message_is_refused(server):
    ws = await server.connect()
    await ws.send_str('{"type": "join", "code": "X", "name": "' + "x" * MAX_MESSAGE_BYTES + '"}')
    assert (await expect(ws, "error"))["code"] == "too_big"
    await ws.send_json({"type": "ping"})
    await expect(ws, "pong")


async def test_huge_message_closes_the_connection(server):
    ws = await server.connect()
    await ws.send_str("x" * 100_000)
    assert await closed(ws) == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "vote", "round": "one", "choice": "open"}', "bad_message"),  # the shape is checked first
        ('{"type": "vote", "round": 1, "choice": "open"}', "not_joined"),
        ('{"type": "open", "seconds": 30}', "not_host"),
        ('{"type": "export", "format": "pdf"}', "bad_message"),
        ('{"type": "join", "code": 12}', "bad_message"),
    ],
)
async def test_malformed_messages_get_an_error(server, raw, code):
    ws = await server.connect()
    await ws.send_str(raw)
    assert (await expect(ws, "error"))["code"] == code


async def test_repeated_bad_messages_end_the_connection(server):
    ws = await server.connect()
    for _ in range(MAX_STRIKES):
        await ws.send_str("{nope")
    assert await expect(ws, "error", code="too_many_strikes")
    assert await closed(ws) == CLOSE_STRIKES


async def test_flooding_is_rate_limited(server):
    ws = await server.connect()
    for _ in range(40):
        await ws.send_json({"type": "ping"})
    assert (await expect(ws, "error"))["code"] == "rate_limited"


async def test_foreign_origin_cannot_open_a_websocket(server):
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await server.connect(headers={"Origin": "http://evil.example"})
    assert info.value.status == 403
    ok = await server.connect(headers={"Origin": server.hub.url.rstrip("/")})
    await ok.send_json({"type": "ping"})
    await expect(ok, "pong")


async def test_join_attempts_are_rate_limited_per_address(server):
    ws = await server.connect()
    codes = []
    for _ in range(25):
        await ws.send_json({"type": "join", "code": "WRONGCODE", "name": "x"})
        msg = await expect(ws, "error")
        codes.append(msg["code"])
        if msg["code"] == "too_many_attempts":
            break
        if len(codes) % 4 == 0:  # stay under the strike limit: wrong codes are not strikes
            pass
    assert "too_many_attempts" in codes


async def test_end_shows_the_class_debrief_and_export_has_the_path(server):
    host = await server.host()
    a, _ = await server.student("A")
    await host.send_json({"type": "open", "seconds": 60})
    await expect(a, "state", status="open")
    await a.send_json({"type": "vote", "round": 1, "choice": "open"})
    await expect(a, "voted")
    await host.send_json({"type": "close"})
    await expect(a, "state", status="resolved")
    await host.send_json({"type": "end"})
    final = await expect(a, "state", ended=True)
    assert final["debrief"]["path"][0]["choice"] == "Open the hatch"
    assert final["debrief"]["questions"]
    await host.send_json({"type": "export", "format": "csv"})
    csv_text = (await expect(host, "export"))["text"]
    assert "1,The hatch,hatch.inside,open,Open the hatch,1,yes,votes" in csv_text
    assert "A" not in csv_text.split("\n", 1)[1]  # no student rows unless asked
    await host.send_json({"type": "export", "format": "md", "students": True})
    md = (await expect(host, "export"))["text"]
    assert "**Open the hatch**" in md and "| 1 | A | Open the hatch |" in md
