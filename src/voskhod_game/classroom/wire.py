"""The room as the clients see it: the typed messages the server sends, built from the rules.

The rules (``rules.py``) know nothing of messages; the hub broadcasts what is
built here, and the projector draws the same ``StateMessage`` the phones get.
Vote wording comes from ``present/votes.py``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..engine.views import View
from ..present import votes as phrase
from ..present.choices import choice_line
from .messages import (
    ChoiceInfo,
    EndingInfo,
    MeterInfo,
    ParticipantInfo,
    Participants,
    RoundInfo,
    SceneInfo,
    StateMessage,
    Tally,
    VoteRecord,
    Welcome,
    encode,
    plain,
)
from .protocol import CLOSED, OPEN, PAUSED, RESOLVED
from .reading import beat_fields
from .rules import Classroom, Participant


class GamePart:
    """The fields of ``state`` that only a played choice changes, built once per move.

    Building them from ``game.view()`` is most of a state message's cost, and a
    teacher's pause, extend or close resends the state without touching the game."""

    def __init__(self, view: View, reading: dict[str, Any]) -> None:
        self.reading = reading  # basis, notes and glossary (reading.py)
        self.title = view.story_title
        self.scene = SceneInfo(view.scene_number, view.scene_count, view.scene_title)
        self.heading = view.title
        self.text = view.text
        self.history = view.history.note if view.history else ""
        self.clock = "  ".join(f"{label} {time_}" for label, time_ in view.clock.zones) or view.clock.elapsed
        self.meters = [
            MeterInfo(m.name, m.label, m.display, round(m.fraction, 4), m.state) for m in view.visible_meters
        ]
        self.choices = [
            ChoiceInfo(c.id, c.number, c.label, c.enabled, c.reason, c.minutes, choice_line(c).cost, c.risky)
            for c in view.choices
        ]
        e = view.ending
        self.ending = EndingInfo(e.type, e.title, e.text, e.debrief) if e is not None else None
        # The same fields in JSON form, converted once: a state is encoded on every broadcast.
        self.converted = {name: plain(getattr(self, name)) for name in ("scene", "meters", "choices", "ending")}


class Wire:
    """Builds every message the server sends about one room."""

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self._game: tuple[int, GamePart] | None = None

    def game_part(self) -> GamePart:
        moves = self.room.moves
        if self._game is None or self._game[0] != moves:
            game = self.room.game
            view = game.view()
            self._game = (moves, GamePart(view, beat_fields(game, view)))
        return self._game[1]

    def state_payload(self) -> bytes:
        """The ``state`` message as the bytes every client gets."""
        return encode(self.state(), self.game_part().converted).encode()

    def round(self) -> RoundInfo | None:
        room = self.room
        rnd = room.current_round
        if rnd is None:
            return None
        show_counts = rnd.status not in (OPEN, PAUSED) or not rnd.hidden
        counts = rnd.counts()
        labels = {c: room.choice_label(rnd.beat, c) for c in rnd.choices}
        summary = ""
        if rnd.status == RESOLVED and rnd.winner is not None:
            summary = phrase.chose(labels.get(rnd.winner, rnd.winner), counts, rnd.winner, rnd.decided_by)
        elif rnd.status == CLOSED:
            summary = phrase.tie(counts, rnd.tie, labels)
        return RoundInfo(
            number=rnd.number,
            status=rnd.status,
            beat=rnd.beat,
            ms_left=rnd.ms_left(room.clock()),
            seconds=rnd.seconds,
            hidden=rnd.hidden,
            choices=list(rnd.choices),
            labels=labels,
            counts=counts if show_counts else None,
            count_texts=phrase.count_texts(counts) if show_counts else None,
            voted=len(rnd.votes),
            turnout=phrase.turnout(len(rnd.votes), len(room.active_participants())),
            tie=list(rnd.tie),
            winner=rnd.winner,
            winner_label=labels.get(rnd.winner, rnd.winner) if rnd.winner else None,
            decided_by=rnd.decided_by,
            summary=summary,
            result=rnd.result,
        )

    def state(self) -> StateMessage:
        """The full snapshot every client gets (the same for all students)."""
        room = self.room
        game = self.game_part()
        debrief = None
        if room.ended:
            from .debrief import class_debrief

            debrief = class_debrief(room)
        return StateMessage(
            version=room.version,
            title=game.title,
            scene=game.scene,
            heading=game.heading,
            text=game.text,
            history=game.history,
            clock=game.clock,
            meters=game.meters,
            choices=game.choices,
            status=room.status(),
            round=self.round(),
            joined=len(room.active_participants()),
            locked=room.locked,
            hidden=room.hidden,
            ending=game.ending,
            ended=room.ended,
            debrief=debrief,
            **game.reading,
        )

    def tally(self, *, host: bool = False) -> Tally:
        """Votes so far; students get no counts in a hidden vote, the teacher's connection always does."""
        room = self.room
        rnd = room.open_round or room.current_round
        joined = len(room.active_participants())
        voted = len(rnd.votes) if rnd else 0
        counts = None
        if rnd is not None and (host or not (rnd.hidden and rnd.status in (OPEN, PAUSED))):
            counts = rnd.counts()
        return Tally(
            round=rnd.number if rnd else 0,
            joined=joined,
            voted=voted,
            turnout=phrase.turnout(voted, joined),
            counts=counts,
            count_texts=phrase.count_texts(counts) if counts is not None else None,
        )

    def participants(self, online: Collection[int] = ()) -> Participants:
        """Everyone who joined; ``online`` holds the ids with a live connection (the server knows those)."""
        rnd = self.room.current_round
        return Participants(
            [
                ParticipantInfo(
                    p.id,
                    p.name,
                    p.id in online,
                    bool(rnd and p.id in rnd.votes and rnd.status in (OPEN, PAUSED)),
                    p.kicked,
                )
                for p in self.room.participants.values()
            ]
        )

    def welcome(self, participant: Participant) -> Welcome:
        vote = self.room.vote_of(participant)
        return Welcome(
            participant.token, participant.id, participant.name, VoteRecord(*vote) if vote is not None else None
        )
