"""SQLite persistence: one database file holds one classroom session.

Every change is written as it happens (WAL mode, ``synchronous=NORMAL``: a
commit costs tens of microseconds and survives the host process being killed;
only a power cut can lose the last few). A host started again with the same
file reads everything back and goes on where it stopped.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
# Schema upgrades: UPGRADES[n] turns a schema-n database into schema n+1 (none yet: the
# first release's schema is still current; its stored games upgrade through the engine).
UPGRADES: dict[int, Callable[[sqlite3.Connection], None]] = {}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS session (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code TEXT NOT NULL,
    secret TEXT NOT NULL,
    story_id TEXT NOT NULL,
    story_title TEXT NOT NULL,
    created REAL NOT NULL,
    version INTEGER NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    ended INTEGER NOT NULL DEFAULT 0,
    game TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    joined REAL NOT NULL,
    kicked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS rounds (
    number INTEGER PRIMARY KEY,
    beat TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    round INTEGER NOT NULL,
    participant INTEGER NOT NULL,
    choice TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (round, participant)
);
"""


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


@dataclass
class SessionRow:
    code: str
    secret: str
    story_id: str
    story_title: str
    created: float
    version: int
    locked: bool
    hidden: bool
    ended: bool
    game: dict[str, Any]


@dataclass
class ParticipantRow:
    id: int
    token: str
    name: str
    joined: float
    kicked: bool


class Store:
    """The session's database. All methods commit before they return, except inside
    ``transaction()``, which commits once at its end."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            else:
                self.upgrade(row[0])
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a classroom database ({exc})") from None
        except OSError as exc:
            raise StoreError(f"cannot open {self.path}: {exc.strerror or exc}") from None

    def upgrade(self, found: str) -> None:
        """Bring a database written by an earlier version up to ``SCHEMA_VERSION``, step by step.

        Each schema change adds one step to ``UPGRADES`` (run in a transaction, so a
        failed one leaves the file as it was) and bumps ``SCHEMA_VERSION``; a file from
        a newer version is refused, never guessed at. The game stored in the session
        has its own format and is upgraded when it is loaded (``engine/migrations.py``).
        """
        if not found.isdigit():
            raise StoreError(f"{self.path} has no usable schema number ({found[:20]!r})")
        version = int(found)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer version of the game (schema {version}; this one reads "
                f"up to {SCHEMA_VERSION}); open it with that version or start a new session with another --db"
            )
        with self.transaction():
            while version < SCHEMA_VERSION:
                UPGRADES[version](self.db)
                version += 1
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(version),))

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one commit (all or none); inside an open one, just run them."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- session -------------------------------------------------------------
    def load_session(self) -> SessionRow | None:
        row = self.db.execute(
            "SELECT code, secret, story_id, story_title, created, version, locked, hidden, ended, game FROM session"
        ).fetchone()
        if row is None:
            return None
        try:
            game = json.loads(row[9])
        except ValueError as exc:
            raise StoreError(f"the saved game in {self.path} is damaged ({exc})") from None
        return SessionRow(
            row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), bool(row[7]), bool(row[8]), game
        )

    def create_session(self, row: SessionRow) -> None:
        self.db.execute(
            "INSERT INTO session (id, code, secret, story_id, story_title, created, version, locked, hidden, ended, game)"
            " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.code,
                row.secret,
                row.story_id,
                row.story_title,
                row.created,
                row.version,
                row.locked,
                row.hidden,
                row.ended,
                json.dumps(row.game),
            ),
        )

    def update_session(self, **fields: Any) -> None:
        """Update some session columns (``version``, ``locked``, ``hidden``, ``ended``, ``game``)."""
        allowed = {"version", "locked", "hidden", "ended", "game"}
        if not fields or not set(fields) <= allowed:
            raise ValueError(f"cannot update {sorted(set(fields) - allowed)}")
        values = [json.dumps(v) if k == "game" else v for k, v in fields.items()]
        assignments = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(f"UPDATE session SET {assignments} WHERE id = 1", values)

    # -- participants --------------------------------------------------------
    def participants(self) -> list[ParticipantRow]:
        rows = self.db.execute("SELECT id, token, name, joined, kicked FROM participants ORDER BY id").fetchall()
        return [ParticipantRow(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def add_participant(self, token: str, name: str, joined: float) -> int:
        cur = self.db.execute("INSERT INTO participants (token, name, joined) VALUES (?, ?, ?)", (token, name, joined))
        return int(cur.lastrowid or 0)

    def set_kicked(self, participant: int, kicked: bool = True) -> None:
        self.db.execute("UPDATE participants SET kicked = ? WHERE id = ?", (kicked, participant))

    # -- rounds and votes ----------------------------------------------------
    def save_round(self, number: int, beat: str, data: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO rounds (number, beat, data) VALUES (?, ?, ?)"
            " ON CONFLICT(number) DO UPDATE SET beat = excluded.beat, data = excluded.data",
            (number, beat, json.dumps(data)),
        )

    def rounds(self) -> list[dict[str, Any]]:
        out = []
        for number, _beat, data in self.db.execute("SELECT number, beat, data FROM rounds ORDER BY number"):
            try:
                item = json.loads(data)
            except ValueError as exc:
                raise StoreError(f"round {number} in {self.path} is damaged ({exc})") from None
            item["number"] = number
            out.append(item)
        return out

    def save_vote(self, round_number: int, participant: int, choice: str, at: float) -> None:
        self.db.execute(
            "INSERT INTO votes (round, participant, choice, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(round, participant) DO UPDATE SET choice = excluded.choice, at = excluded.at",
            (round_number, participant, choice, at),
        )

    def delete_vote(self, round_number: int, participant: int) -> None:
        self.db.execute("DELETE FROM votes WHERE round = ? AND participant = ?", (round_number, participant))

    def votes(self, round_number: int) -> dict[int, str]:
        rows = self.db.execute("SELECT participant, choice FROM votes WHERE round = ?", (round_number,))
        return {p: c for p, c in rows}

    def all_votes(self) -> list[tuple[int, int, str]]:
        """(round, participant, choice) for every vote, for exports that ask for per-student rows."""
        return list(self.db.execute("SELECT round, participant, choice FROM votes ORDER BY round, participant"))
