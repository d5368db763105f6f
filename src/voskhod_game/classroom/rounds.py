"""A voting round: open → closed → resolved, with one vote per participant.

Rounds are server-authoritative: the deadline is a wall-clock time kept here
(so it survives a restart) and clients only get the milliseconds left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .protocol import CLOSED, OPEN, PAUSED, RESOLVED


@dataclass
class Round:
    number: int
    beat: str
    choices: tuple[str, ...]  # the choices that could be voted for when the round opened
    seconds: int
    hidden: bool
    status: str = OPEN
    deadline: float | None = None  # wall clock (time.time) while open
    paused_ms: int | None = None  # time left while paused
    votes: dict[int, str] = field(default_factory=dict)  # participant id → choice id
    tie: tuple[str, ...] = ()
    winner: str | None = None
    decided_by: str = ""  # votes | teacher
    result: str = ""
    final_counts: dict[str, int] | None = None

    def ms_left(self, now: float) -> int:
        if self.status == PAUSED:
            return self.paused_ms or 0
        if self.status != OPEN or self.deadline is None:
            return 0
        return max(0, int((self.deadline - now) * 1000))

    def counts(self) -> dict[str, int]:
        """Votes per choice, every votable choice listed (zero included) in story order."""
        if self.final_counts is not None:
            return dict(self.final_counts)
        counts = dict.fromkeys(self.choices, 0)
        for choice in self.votes.values():
            if choice in counts:
                counts[choice] += 1
        return counts

    def leaders(self) -> tuple[str, ...]:
        """The choices with the most votes; all choices when nobody voted."""
        counts = self.counts()
        top = max(counts.values(), default=0)
        if top == 0:
            return self.choices
        return tuple(c for c, n in counts.items() if n == top)

    def close(self) -> str | None:
        """Stop the vote; return the winner, or None when the teacher must break a tie."""
        self.final_counts = self.counts()
        self.status = CLOSED
        self.deadline = None
        self.paused_ms = None
        leaders = self.leaders()
        if len(leaders) == 1:
            return leaders[0]
        self.tie = leaders
        return None

    def resolve(self, winner: str, decided_by: str, result: str) -> None:
        self.status = RESOLVED
        self.winner = winner
        self.decided_by = decided_by
        self.result = result
        self.tie = ()

    def to_json(self) -> dict[str, Any]:
        """What the store keeps; votes are stored row by row, not here."""
        return {
            "choices": list(self.choices),
            "seconds": self.seconds,
            "hidden": self.hidden,
            "status": self.status,
            "deadline": self.deadline,
            "paused_ms": self.paused_ms,
            "tie": list(self.tie),
            "winner": self.winner,
            "decided_by": self.decided_by,
            "result": self.result,
            "final_counts": self.final_counts,
        }

    @classmethod
    def from_json(cls, number: int, beat: str, data: dict[str, Any], votes: dict[int, str]) -> Round:
        return cls(
            number=number,
            beat=beat,
            choices=tuple(data["choices"]),
            seconds=int(data["seconds"]),
            hidden=bool(data["hidden"]),
            status=str(data["status"]),
            deadline=data.get("deadline"),
            paused_ms=data.get("paused_ms"),
            votes=votes,
            tie=tuple(data.get("tie") or ()),
            winner=data.get("winner"),
            decided_by=data.get("decided_by") or "",
            result=data.get("result") or "",
            final_counts=data.get("final_counts"),
        )
