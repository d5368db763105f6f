"""A classroom database from the first release opens and the class plays on; a newer one is refused and kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.store import SCHEMA_VERSION, Store, StoreError
from voskhod_game.engine.migrations import STATE_FORMAT
from voskhod_game.story import Story

FIRST_RELEASE = Path(__file__).resolve().parent.parent / "fixtures" / "classroom" / "first-release.db"


def test_a_first_release_session_resumes_with_its_game_upgraded(mini: Story, tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    shutil.copy(FIRST_RELEASE, db)
    store = Store(db)
    assert store.load_session().game["format"] == 1  # stored by the first release
    room = Classroom.open(mini, store, grace=False)
    assert room.resumed and room.game.state == "walk.outside"
    assert [s.choice for s in room.game.run.history] == ["wait", "open"]
    assert sorted(p.name for p in room.participants.values()) == ["Anya", "Boris"]
    assert len(room.rounds) == 2
    room.game.choose(room.game.enabled_choices()[0].id)  # the class plays on
    room.store.update_session(game=room.game.snapshot())
    store.close()
    again = Store(db)
    assert again.load_session().game["format"] == STATE_FORMAT
    again.close()


def test_a_database_from_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    shutil.copy(FIRST_RELEASE, db)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION + 1),))
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer version"):
        Store(db)
    assert db.read_bytes() == before
