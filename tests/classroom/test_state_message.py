"""The state every student gets always shows the game as it is now, through votes, pauses and restarts.

The game half of the message is built once per beat (a pause or an extension
resends the state without touching the game); these check it never goes stale.
"""

from __future__ import annotations

from voskhod_game.classroom.messages import StateMessage
from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.store import Store
from voskhod_game.classroom.wire import Wire
from voskhod_game.engine.game import Game


def fresh_fields(game: Game) -> dict:
    """What the message must say about the game, straight from a new view."""
    view = game.view()
    return {
        "text": view.text,
        "heading": view.title,
        "clock": "  ".join(f"{label} {time_}" for label, time_ in view.clock.zones),
        "meters": [(m.name, m.display, m.state) for m in view.visible_meters],
        "choices": [(c.id, c.enabled, c.reason) for c in view.choices],
        "ending": view.ending.title if view.ending else None,
    }


def message_fields(message: StateMessage) -> dict:
    return {
        "text": message.text,
        "heading": message.heading,
        "clock": message.clock,
        "meters": [(m.name, m.display, m.state) for m in message.meters],
        "choices": [(c.id, c.enabled, c.reason) for c in message.choices],
        "ending": message.ending.title if message.ending else None,
    }


def test_state_follows_every_decision_to_the_ending(tmp_path, mini_story) -> None:
    store = Store(tmp_path / "s.sqlite3")
    room = Classroom.open(mini_story, store, seed=5)
    student = room.join(room.code, "A")
    wire = Wire(room)  # one for the whole game, as the server keeps it: its cache must never go stale
    texts = [wire.state().text]
    for choice in ("open", "look", "go_back"):
        room.open_vote(30)
        room.pause()
        paused = wire.state()
        assert paused.status == "paused"
        assert message_fields(paused) == fresh_fields(room.game)
        room.unpause()
        room.vote(student, room.current_round.number, choice)
        room.close_vote()
        after = wire.state()
        assert after.round.winner == choice
        assert message_fields(after) == fresh_fields(room.game)
        texts.append(after.text)
    assert room.game.ended
    assert wire.state().ending is not None
    assert len(set(texts)) == len(texts)  # every decision moved the story on
    store.close()


def test_a_restarted_host_sends_the_same_state(tmp_path, mini_story) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    room = Classroom.open(mini_story, store, seed=5)
    student = room.join(room.code, "A")
    room.open_vote(30)
    room.vote(student, 1, "open")
    room.close_vote()
    before = Wire(room).state()
    store.close()

    store = Store(path)
    again = Classroom.open(mini_story, store, seed=5)
    after = Wire(again).state()
    assert message_fields(after) == message_fields(before) == fresh_fields(again.game)
    assert after.version == before.version
    store.close()


def test_a_change_is_stored_all_or_nothing(tmp_path, mini_story) -> None:
    """The round, the game and the version of one change share a commit: a failure keeps none."""
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    room = Classroom.open(mini_story, store, seed=5)
    version = room.version
    try:
        with store.transaction():
            store.update_session(locked=True, version=version + 1)
            raise OSError("disk went away")
    except OSError:
        pass
    store.close()
    store = Store(path)
    again = Classroom.open(mini_story, store, seed=5)
    assert (again.locked, again.version) == (False, version)
    store.close()


def test_a_decision_survives_a_restart_with_its_round(tmp_path, mini_story) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    room = Classroom.open(mini_story, store, seed=5)
    first = room.game.state
    room.open_vote(30)
    room.close_vote()  # nobody voted: the teacher decides
    room.decide("open")
    beat = room.game.state
    store.close()
    store = Store(path)
    again = Classroom.open(mini_story, store, seed=5)
    assert again.game.state == beat != first
    assert again.current_round.status == "resolved" and again.current_round.winner == "open"
    store.close()
