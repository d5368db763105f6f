"""How votes are put into words: the one place for "n of m votes", ties and close calls.

The projector, the terminal student, the class debrief, the exports and the phone
page (through the phrases the server puts in its ``state`` and ``tally``
messages) all use these, so no two screens word the same vote differently.
"""

from __future__ import annotations

from collections.abc import Mapping


def votes(n: int) -> str:
    """``"1 vote"``, ``"3 votes"``."""
    return f"{n} vote" if n == 1 else f"{n} votes"


def count_texts(counts: Mapping[str, int]) -> dict[str, str]:
    """``{"open": "2 votes", …}``: what each choice's count reads as, for clients that only show text."""
    return {choice: votes(n) for choice, n in counts.items()}


def share(n: int, total: int) -> str:
    """``"2 of 3 votes"``: how many of all the votes cast went one way."""
    return f"{n} of {votes(total)}"


def turnout(voted: int, joined: int) -> str:
    """``"17 of 24 voted"``."""
    return f"{voted} of {joined} voted"


TEACHER_DECIDED = "tie broken by the teacher"
NOBODY_VOTED = "nobody voted; the teacher decided"


def how_decided(counts: Mapping[str, int], winner: str, decided_by: str) -> str:
    """Why a choice was played: ``"2 of 3 votes"``, or who broke the tie and what the tie was."""
    total = sum(counts.values())
    if decided_by == "teacher":
        if total == 0:
            return NOBODY_VOTED
        return f"{TEACHER_DECIDED} at {votes(counts.get(winner, 0))} each"
    return share(counts.get(winner, 0), total)


def split(counts: Mapping[str, int], labels: Mapping[str, str]) -> str:
    """``"Open the hatch 3, Wait 2"``: a round's whole split, biggest first, in one line."""
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return ", ".join(f"{labels.get(choice, choice)} {n}" for choice, n in ordered)


def tie(counts: Mapping[str, int], tied: tuple[str, ...] | list[str], labels: Mapping[str, str]) -> str:
    """``"Tied at 2 votes each: Open the hatch, Wait. The teacher decides."``"""
    names = ", ".join(labels.get(c, c) for c in tied)
    each = counts.get(tied[0], 0) if tied else 0
    if each == 0:
        return f"Nobody voted: the teacher decides between {names}."
    return f"Tied at {votes(each)} each: {names}. The teacher decides."


def margin(counts: Mapping[str, int]) -> str:
    """How close a vote was: ``"a tie"``, ``"won by 1 vote"``."""
    top = sorted(counts.values(), reverse=True)
    if len(top) < 2 or top[0] == top[1]:
        return "a tie"
    return f"won by {votes(top[0] - top[1])}"


def chose(label: str, counts: Mapping[str, int], winner: str, decided_by: str) -> str:
    """``"The class chose Open the hatch (2 of 3 votes)."``"""
    return f"The class chose {label} ({how_decided(counts, winner, decided_by)})."


def yours(mine: str | None, winner: str | None) -> str:
    """What a student's own vote did, or "" when they did not vote."""
    if mine is None or winner is None:
        return ""
    return "You voted for it." if mine == winner else "You voted for something else."
