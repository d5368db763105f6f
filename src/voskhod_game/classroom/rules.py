"""The round rules: participants, voting rounds and the shared game.

No network code and no message format lives here (that is ``wire.py`` and
``messages.py``); the server and the teacher screen call these methods, and
listeners hear "state", "tally" or "participants" after each change. Every change
goes to the :class:`~.store.Store` before the method returns, so whatever a
client is told has been written down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..engine import Game, GameError
from ..i18n import N_
from ..present.events import result_lines
from ..story.model import Story
from . import credentials
from .nicknames import NameFilter, clean_name, generated_name
from .protocol import (
    CLOSED,
    DEFAULT_MAX_STUDENTS,
    DEFAULT_ROUND_SECONDS,
    IDLE,
    MAX_NAME_CHARS,
    MAX_ROUND_SECONDS,
    MIN_ROUND_SECONDS,
    OPEN,
    PAUSED,
    RESOLVED,
    RESUME_GRACE_SECONDS,
    ProtocolError,
)
from .rounds import Round
from .store import SessionRow, Store, StoreError


@dataclass
class Participant:
    id: int
    token: str
    name: str
    joined: float
    kicked: bool = False


Listener = Callable[[str], None]  # called with "state", "tally" or "participants"


class Classroom:
    """One shared game and the class voting on it. Create with :meth:`open`."""

    def __init__(
        self,
        story: Story,
        store: Store,
        row: SessionRow,
        game: Game,
        *,
        max_students: int = DEFAULT_MAX_STUDENTS,
        clock: Callable[[], float] = time.time,
        names: NameFilter | None = None,
    ) -> None:
        self.story = story
        self.names = names if names is not None else NameFilter.builtin()
        self.store = store
        self.code = row.code
        self.secret = row.secret
        self.created = row.created
        self.version = row.version
        self.locked = row.locked
        self.hidden = row.hidden
        self.ended = row.ended
        self.game = game
        self.moves = 0  # choices played since this object was made: a message cache's key
        self.max_students = max_students
        self.clock = clock
        self.participants: dict[int, Participant] = {}
        self.by_token: dict[str, Participant] = {}
        self.rounds: list[Round] = []
        self.listeners: list[Listener] = []
        self.resumed = False

    # -- creation ------------------------------------------------------------
    @classmethod
    def open(
        cls,
        story: Story,
        store: Store,
        *,
        seed: int | None = None,
        max_students: int = DEFAULT_MAX_STUDENTS,
        clock: Callable[[], float] = time.time,
        grace: bool = True,
        names: NameFilter | None = None,
    ) -> Classroom:
        """Resume the session in ``store`` or start a new one there.

        ``grace`` keeps an open round open a little longer after a restart so
        phones can reconnect (off for read-only uses such as export)."""
        row = store.load_session()
        if row is None:
            game = Game.new(story, seed)
            row = SessionRow(
                code=credentials.new_join_code(),
                secret=credentials.new_host_secret(),
                story_id=story.id,
                story_title=story.title,
                created=clock(),
                version=1,
                locked=False,
                hidden=False,
                ended=False,
                game=game.snapshot(),
            )
            store.create_session(row)
            return cls(story, store, row, game, max_students=max_students, clock=clock, names=names)
        if row.story_id != story.id:
            raise StoreError(
                f"{store.path} holds a session of the story “{row.story_title}”; start it with that story or use another --db"
            )
        try:
            game = Game.restore(story, row.game)
        except GameError as exc:
            raise StoreError(f"the game saved in {store.path} cannot be continued: {exc}") from None
        room = cls(story, store, row, game, max_students=max_students, clock=clock, names=names)
        room.resumed = True
        for p in store.participants():
            participant = Participant(p.id, p.token, p.name, p.joined, p.kicked)
            room.participants[p.id] = participant
            room.by_token[p.token] = participant
        for data in store.rounds():
            number = data.pop("number")
            room.rounds.append(Round.from_json(number, data.pop("beat", ""), data, store.votes(number)))
        current = room.current_round
        if grace and current is not None and current.status == OPEN:
            # The host was down for a while: keep the vote open long enough for phones to come back.
            now = clock()
            if current.deadline is None or current.deadline - now < RESUME_GRACE_SECONDS:
                current.deadline = now + RESUME_GRACE_SECONDS
                room._save_round(current)
        return room

    # -- notifications ---------------------------------------------------------
    def _notify(self, kind: str) -> None:
        for listener in list(self.listeners):
            listener(kind)

    def _changed(self, rnd: Round | None = None, *, game: bool = False) -> None:
        """The state students see changed: store it, then tell listeners.

        The round (when given), the game (when a choice was played) and the new
        version go in one transaction: a host killed halfway never restarts with
        the game moved on but the round still open (which would play it twice),
        and one commit instead of three keeps the time before a broadcast short.
        """
        self.version += 1
        with self.store.transaction():
            if rnd is not None:
                self._save_round(rnd)
            if game:
                self.store.update_session(game=self.game.snapshot())
            self.store.update_session(version=self.version)
        self._notify("state")

    def _save_round(self, rnd: Round) -> None:
        data = rnd.to_json()
        data["beat"] = rnd.beat
        self.store.save_round(rnd.number, rnd.beat, data)

    # -- reading -------------------------------------------------------------
    @property
    def current_round(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def open_round(self) -> Round | None:
        rnd = self.current_round
        return rnd if rnd is not None and rnd.status in (OPEN, PAUSED) else None

    def active_participants(self) -> list[Participant]:
        return [p for p in self.participants.values() if not p.kicked]

    def status(self) -> str:
        rnd = self.current_round
        return IDLE if rnd is None else rnd.status

    # -- students ------------------------------------------------------------
    def join(self, code: str, name: str, previous_token: str = "") -> Participant:
        if self.ended:
            raise ProtocolError("session_ended")
        if not credentials.code_matches(self.code, code):
            raise ProtocolError("wrong_code")
        if previous_token:
            old = self.by_token.get(previous_token)
            if old is not None and old.kicked:
                raise ProtocolError("kicked")
        if self.locked:
            raise ProtocolError("room_locked")
        if len(self.active_participants()) >= self.max_students:
            raise ProtocolError("room_full")
        nickname = clean_name(name, MAX_NAME_CHARS)
        if nickname and self.names.refuses(nickname):
            raise ProtocolError("name_refused")
        nickname = nickname or generated_name()
        token = credentials.new_token()
        now = self.clock()
        pid = self.store.add_participant(token, nickname, now)
        participant = Participant(pid, token, nickname, now)
        self.participants[pid] = participant
        self.by_token[token] = participant
        self._notify("participants")
        self._notify("tally")
        return participant

    def resume(self, token: str) -> Participant:
        participant = self.by_token.get(token)
        if participant is None:
            raise ProtocolError("unknown_token")
        if participant.kicked:
            raise ProtocolError("kicked")
        return participant

    def vote(self, participant: Participant, round_number: int, choice: str) -> None:
        if participant.kicked:
            raise ProtocolError("kicked")
        rnd = self.current_round
        if rnd is None or rnd.status == RESOLVED:
            raise ProtocolError("no_round")
        if round_number != rnd.number:
            raise ProtocolError("wrong_round")
        if rnd.status == PAUSED:
            raise ProtocolError("bad_state", N_("The vote is paused; wait for the teacher."))
        if rnd.status != OPEN or rnd.ms_left(self.clock()) <= 0:
            raise ProtocolError("round_closed")
        if choice not in rnd.choices:
            beat = self.game.beat
            if beat is not None and any(c.id == choice for c in beat.choices):
                raise ProtocolError("choice_disabled")
            raise ProtocolError("bad_choice")
        if rnd.votes.get(participant.id) == choice:
            return
        rnd.votes[participant.id] = choice
        self.store.save_vote(rnd.number, participant.id, choice, self.clock())
        self._notify("tally")

    def vote_of(self, participant: Participant) -> tuple[int, str] | None:
        rnd = self.current_round
        if rnd is None or participant.id not in rnd.votes:
            return None
        return rnd.number, rnd.votes[participant.id]

    # -- teacher -------------------------------------------------------------
    def _require_live(self) -> None:
        if self.ended:
            raise ProtocolError("session_ended")

    def open_vote(self, seconds: int = DEFAULT_ROUND_SECONDS, hidden: bool | None = None) -> Round:
        self._require_live()
        if self.open_round is not None:
            raise ProtocolError("bad_state", N_("A vote is already open."))
        current = self.current_round
        if current is not None and current.status == CLOSED:
            raise ProtocolError("bad_state", N_("The last vote is tied: decide it first."))
        if self.game.ended:
            raise ProtocolError("bad_state", N_("The story has reached its ending: end the session for the debrief."))
        seconds = max(MIN_ROUND_SECONDS, min(MAX_ROUND_SECONDS, int(seconds)))
        choices = tuple(c.id for c in self.game.view().choices if c.enabled)
        if not choices:
            raise ProtocolError("bad_state", N_("There is nothing to vote on here."))
        rnd = Round(
            number=len(self.rounds) + 1,
            beat=self.game.state,
            choices=choices,
            seconds=seconds,
            hidden=self.hidden if hidden is None else hidden,
            deadline=self.clock() + seconds,
        )
        self.rounds.append(rnd)
        self._changed(rnd)
        return rnd

    def close_vote(self) -> Round:
        """Close the open round (the timer ran out or the teacher closed it early) and play the winner."""
        rnd = self.open_round
        if rnd is None:
            raise ProtocolError("no_round")
        winner = rnd.close()
        if winner is not None:
            self._play(rnd, winner, "votes")
        self._changed(rnd, game=winner is not None)
        return rnd

    def tick(self) -> bool:
        """Close the open round if its time is up; True when it did."""
        rnd = self.open_round
        if rnd is not None and rnd.status == OPEN and rnd.ms_left(self.clock()) <= 0:
            self.close_vote()
            return True
        return False

    def decide(self, choice: str) -> Round:
        """The teacher breaks a tie (or picks for a round nobody voted in)."""
        rnd = self.current_round
        if rnd is None or rnd.status != CLOSED:
            raise ProtocolError("bad_state", N_("There is no tied vote to decide."))
        if choice not in rnd.tie:
            raise ProtocolError("bad_choice", N_("Pick one of the tied choices."))
        self._play(rnd, choice, "teacher")
        self._changed(rnd, game=True)
        return rnd

    def _play(self, rnd: Round, choice: str, decided_by: str) -> None:
        result = self.game.choose(choice)
        self.moves += 1
        rnd.resolve(
            choice, decided_by, "\n\n".join(result_lines(result))
        )  # stored by the caller's _changed(rnd, game=True)

    def extend(self, seconds: int) -> Round:
        rnd = self.open_round
        if rnd is None:
            raise ProtocolError("no_round")
        seconds = max(1, min(MAX_ROUND_SECONDS, int(seconds)))
        if rnd.status == PAUSED:
            rnd.paused_ms = (rnd.paused_ms or 0) + seconds * 1000
        else:
            rnd.deadline = (rnd.deadline or self.clock()) + seconds
        rnd.seconds += seconds
        self._changed(rnd)
        return rnd

    def pause(self) -> Round:
        rnd = self.open_round
        if rnd is None or rnd.status != OPEN:
            raise ProtocolError("bad_state", N_("There is no running vote to pause."))
        rnd.paused_ms = rnd.ms_left(self.clock())
        rnd.status = PAUSED
        rnd.deadline = None
        self._changed(rnd)
        return rnd

    def unpause(self) -> Round:
        rnd = self.open_round
        if rnd is None or rnd.status != PAUSED:
            raise ProtocolError("bad_state", N_("The vote is not paused."))
        rnd.deadline = self.clock() + max(1000, rnd.paused_ms or 0) / 1000
        rnd.paused_ms = None
        rnd.status = OPEN
        self._changed(rnd)
        return rnd

    def set_locked(self, locked: bool) -> None:
        self.locked = locked
        self.store.update_session(locked=locked)
        self._changed()

    def set_hidden(self, hidden: bool) -> None:
        """Hide the live tally for the next rounds (and the open one)."""
        self.hidden = hidden
        self.store.update_session(hidden=hidden)
        rnd = self.open_round
        if rnd is not None:
            rnd.hidden = hidden
        self._changed(rnd)

    def kick(self, participant_id: int) -> Participant:
        participant = self.participants.get(participant_id)
        if participant is None:
            raise ProtocolError("bad_message", N_("There is no student number {number}."), number=participant_id)
        participant.kicked = True
        self.store.set_kicked(participant.id)
        rnd = self.open_round
        if rnd is not None and rnd.votes.pop(participant.id, None) is not None:
            self.store.delete_vote(rnd.number, participant.id)
        self._notify("participants")
        self._notify("tally")
        return participant

    def end(self) -> None:
        """End the session; an open round is closed without playing it."""
        if self.ended:
            return
        rnd = self.open_round
        if rnd is not None:
            rnd.close()
            self._save_round(rnd)
        self.ended = True
        self.store.update_session(ended=True)
        self._changed()

    # -- reading for messages --------------------------------------------------
    def choice_label(self, beat_id: str, choice_id: str, story: Story | None = None) -> str:
        """A choice's label in ``story`` (the room's, or the same story in another language)."""
        beat = (story or self.story).beats.get(beat_id)
        if beat is None:
            return choice_id
        return next((c.label for c in beat.choices if c.id == choice_id), choice_id)
