"""The room as the clients see it: the typed messages the server sends, built from the rules.

The rules (``rules.py``) know nothing of messages; the hub broadcasts what is
built here, and the projector draws the same ``StateMessage`` the phones get.
Vote wording comes from ``present/votes.py``.

Every message is worded in one language (``lang``; empty: the teacher's). A
student reading another language gets the same game from a copy in that
language's story (:class:`LanguageGame`), kept in step by playing the class's
choices on it too, so even a round's result reads in their language. Each part
is built once per language and move, never once per student.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..engine import Game, GameError
from ..engine.state import RunState
from ..engine.views import View
from ..present import votes as phrase
from ..present.choices import choice_line
from ..present.events import result_lines
from ..present.meters import meter_value
from ..story.model import Story
from .languages import Languages, speaking
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
from .rounds import Round
from .rules import Classroom, Participant


class LanguageGame:
    """The class's game in one other language: a copy on that language's story, kept in step.

    The engine is deterministic, so playing the class's choice on the copy gives
    the same run with the texts (and a round's result) in this language. If the
    two ever differ the copy is made again from the room's snapshot (a round
    played before that reads in the teacher's language)."""

    def __init__(self, lang: str, story: Story) -> None:
        self.lang = lang
        self.story = story
        self.game: Game | None = None
        self.moves = -1
        self.results: dict[int, str] = {}  # round number -> its result in this language

    def sync(self, room: Classroom) -> Game:
        if self.game is not None and self.moves == room.moves:
            return self.game
        behind = room.moves - self.moves
        played = [r for r in room.rounds if r.status == RESOLVED and r.winner is not None]
        results: dict[int, str] = {}
        if self.game is not None and 0 < behind <= len(played):
            try:
                for rnd in played[-behind:]:
                    results[rnd.number] = "\n\n".join(result_lines(self.game.choose(str(rnd.winner))))
            except GameError:
                self.game = None
        if self.game is not None and same_run(self.game.run, room.game.run):
            self.results.update(results)
        else:
            self.game = self._copy(room, played[-1] if played else None)
        self.moves = room.moves
        return self.game

    def _copy(self, room: Classroom, last: Round | None) -> Game:
        """A fresh copy from the room's snapshot, with the last round's result in this language.

        A resumed session (or a copy that fell out of step) has no record of
        what the last round read like here: step back over it with the undo
        mark the snapshot keeps and play the winner again, kept only when it
        lands exactly where the room is."""
        snapshot = room.game.snapshot()
        game = Game.restore(self.story, snapshot)
        if last is None or last.winner is None or not game.can_undo:
            return game
        try:
            game.undo()
            result = "\n\n".join(result_lines(game.choose(str(last.winner))))
        except GameError:
            return Game.restore(self.story, snapshot)
        if not same_run(game.run, room.game.run):
            return Game.restore(self.story, snapshot)
        self.results[last.number] = result
        return game


def same_run(a: RunState, b: RunState) -> bool:
    """Whether two runs are at the same point (what they are, not the words their logs hold)."""
    return (
        a.beat == b.beat
        and a.elapsed == b.elapsed
        and a.rng == b.rng
        and a.meters == b.meters
        and a.flags == b.flags
        and a.visits == b.visits
    )


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
            MeterInfo(m.name, m.label, meter_value(m), round(m.fraction, 4), m.state) for m in view.visible_meters
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

    def __init__(self, room: Classroom, languages: Languages | None = None) -> None:
        self.room = room
        self.languages = languages if languages is not None else Languages(room.story)
        self._parts: dict[str, tuple[int, GamePart]] = {}
        self._copies: dict[str, LanguageGame] = {}
        for lang in self.languages.offered:  # in step from the start, so every round's result is translated
            if lang != self.languages.teacher:
                with speaking(lang):  # a resumed class's last result is replayed, and worded, now
                    self.game_in(lang)

    def lang(self, lang: str) -> str:
        """The language a message is worded in: ``lang``, or the teacher's when empty."""
        return lang or self.languages.teacher

    def game_in(self, lang: str) -> tuple[Game, LanguageGame | None]:
        """The class's game as read in ``lang`` (the room's own when the story is the same)."""
        story = self.languages.story_in(lang)
        if story is self.room.story:
            return self.room.game, None
        copy = self._copies.get(lang)
        if copy is None:
            copy = self._copies[lang] = LanguageGame(lang, story)
        return copy.sync(self.room), copy

    def game_part(self, lang: str = "") -> GamePart:
        lang = self.lang(lang)
        moves = self.room.moves
        cached = self._parts.get(lang)
        if cached is None or cached[0] != moves:
            with speaking(lang):
                game, _copy = self.game_in(lang)
                view = game.view()
                cached = self._parts[lang] = (moves, GamePart(view, beat_fields(game, view)))
        return cached[1]

    def state_payload(self, lang: str = "") -> bytes:
        """The ``state`` message as the bytes every client reading ``lang`` gets."""
        lang = self.lang(lang)
        return encode(self.state(lang), self.game_part(lang).converted).encode()

    def round(self, lang: str = "") -> RoundInfo | None:
        lang = self.lang(lang)
        with speaking(lang):
            return self._round(lang)

    def _round(self, lang: str) -> RoundInfo | None:
        room = self.room
        rnd = room.current_round
        if rnd is None:
            return None
        show_counts = rnd.status not in (OPEN, PAUSED) or not rnd.hidden
        counts = rnd.counts()
        game, copy = self.game_in(lang)
        labels = {c: room.choice_label(rnd.beat, c, game.story) for c in rnd.choices}
        result = copy.results.get(rnd.number, rnd.result) if copy is not None else rnd.result
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
            result=result,
        )

    def state(self, lang: str = "") -> StateMessage:
        """The full snapshot every client reading ``lang`` gets (the same for all of them)."""
        lang = self.lang(lang)
        room = self.room
        game = self.game_part(lang)
        debrief = None
        if room.ended:
            from .debrief import class_debrief

            with speaking(lang):
                debrief = class_debrief(room, self.game_in(lang)[0])
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
            round=self.round(lang),
            joined=len(room.active_participants()),
            locked=room.locked,
            hidden=room.hidden,
            ending=game.ending,
            ended=room.ended,
            debrief=debrief,
            lang=lang,
            **game.reading,
        )

    def tally(self, *, host: bool = False, lang: str = "") -> Tally:
        """Votes so far; students get no counts in a hidden vote, the teacher's connection always does."""
        room = self.room
        rnd = room.open_round or room.current_round
        joined = len(room.active_participants())
        voted = len(rnd.votes) if rnd else 0
        counts = None
        if rnd is not None and (host or not (rnd.hidden and rnd.status in (OPEN, PAUSED))):
            counts = rnd.counts()
        with speaking(self.lang(lang)):
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

    def welcome(self, participant: Participant, lang: str = "") -> Welcome:
        vote = self.room.vote_of(participant)
        return Welcome(
            participant.token,
            participant.id,
            participant.name,
            VoteRecord(*vote) if vote is not None else None,
            lang=self.lang(lang),
        )
