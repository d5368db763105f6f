"""The round model and session rules without sockets: endings, restarts, kicks, exports."""

from __future__ import annotations

import pytest

from voskhod_game.classroom.export import to_csv, to_markdown
from voskhod_game.classroom.protocol import RESUME_GRACE_SECONDS, ProtocolError
from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.store import Store
from voskhod_game.classroom.wire import Wire


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def room(tmp_path, mini_story):
    store = Store(tmp_path / "s.sqlite3")
    room = Classroom.open(mini_story, store, seed=5, clock=Clock())
    yield room
    store.close()


def play(room: Classroom, votes: dict[str, str]) -> None:
    """Open a round, cast ``votes`` (name → choice), close it."""
    room.open_vote(30)
    for name, choice in votes.items():
        participant = next((p for p in room.participants.values() if p.name == name), None)
        participant = participant or room.join(room.code, name)
        room.vote(participant, room.current_round.number, choice)
    room.close_vote()


def test_the_class_reaches_an_ending_and_the_debrief_compares_it(room):
    play(room, {"A": "open", "B": "open"})
    play(room, {"A": "look", "B": "look"})
    play(room, {"A": "go_back", "B": "go_back"})
    assert room.game.ended
    with pytest.raises(ProtocolError, match="ending"):
        room.open_vote(30)
    room.end()
    debrief = Wire(room).state().debrief
    assert debrief["ending"]["title"] in {"Home again", "A long way round"}
    assert [step["choice"] for step in debrief["path"]] == ["Open the hatch", "Look at the view", "Go back in"]
    assert debrief["comparisons"][0]["label"] == "Oxygen left"
    assert debrief["questions"][0] != debrief["questions"][1]


def test_votes_after_the_deadline_are_refused(room):
    a = room.join(room.code, "A")
    room.open_vote(10)
    room.clock.now += 11
    with pytest.raises(ProtocolError) as info:
        room.vote(a, 1, "open")
    assert info.value.code == "round_closed"
    assert room.tick()
    assert room.current_round.status == "closed"  # nobody voted: the teacher decides


def test_an_open_round_restored_late_gets_time_for_phones_to_return(tmp_path, mini_story):
    clock = Clock()
    store = Store(tmp_path / "r.sqlite3")
    room = Classroom.open(mini_story, store, seed=1, clock=clock)
    a = room.join(room.code, "A")
    room.open_vote(30)
    room.vote(a, 1, "rush")
    store.close()
    clock.now += 120  # the host was down for two minutes
    again = Classroom.open(mini_story, Store(tmp_path / "r.sqlite3"), clock=clock)
    rnd = again.current_round
    assert rnd.status == "open"
    assert rnd.ms_left(clock()) == RESUME_GRACE_SECONDS * 1000
    assert rnd.votes == {a.id: "rush"}
    assert again.resume(a.token).name == "A"
    again.store.close()


def test_kicking_during_a_vote_removes_the_students_vote(room):
    a = room.join(room.code, "A")
    b = room.join(room.code, "B")
    room.open_vote(30)
    room.vote(a, 1, "open")
    room.vote(b, 1, "wait")
    room.kick(a.id)
    assert room.current_round.counts() == {"open": 0, "wait": 1, "rush": 0}
    assert room.store.votes(1) == {b.id: "wait"}
    with pytest.raises(ProtocolError):
        room.vote(a, 1, "open")


def test_pause_stops_the_clock_and_extend_adds_time(room):
    room.open_vote(30)
    room.clock.now += 10
    room.pause()
    room.clock.now += 100
    assert room.current_round.ms_left(room.clock()) == 20_000
    room.extend(15)
    room.unpause()
    assert room.current_round.ms_left(room.clock()) == 35_000


def test_exports_hold_tallies_and_path_but_names_only_when_asked(room):
    play(room, {"Valya": "open", "Yuri": "open", "Gherman": "wait"})
    csv_text = to_csv(room)
    assert "1,The hatch,hatch.inside,open,Open the hatch,2,yes,votes" in csv_text
    assert "Valya" not in csv_text and "Valya" not in to_markdown(room)
    assert "Valya" in to_csv(room, students=True)
    assert "| 1 | Valya | Open the hatch |" in to_markdown(room, students=True)


def test_a_session_of_another_story_is_not_mixed_up(tmp_path, mini_story):
    from dataclasses import replace

    from voskhod_game.classroom.store import StoreError

    store = Store(tmp_path / "x.sqlite3")
    Classroom.open(mini_story, store, seed=1)
    with pytest.raises(StoreError, match="Mini Mission"):
        Classroom.open(replace(mini_story, id="other"), store)
    store.close()
