"""How votes are put into words: the one place for "n of m votes", ties and close calls.

The projector, the terminal student, the class debrief, the exports and the phone
page (through the phrases the server puts in its ``state`` and ``tally``
messages) all use these, so no two screens word the same vote differently.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..i18n import N_, _, ngettext


def votes(n: int) -> str:
    """``"1 vote"``, ``"3 votes"``."""
    return ngettext("{n} vote", "{n} votes", n).format(n=n)


def count_texts(counts: Mapping[str, int]) -> dict[str, str]:
    """``{"open": "2 votes", …}``: what each choice's count reads as, for clients that only show text."""
    return {choice: votes(n) for choice, n in counts.items()}


def share(n: int, total: int) -> str:
    """``"2 of 3 votes"``: how many of all the votes cast went one way."""
    return ngettext("{n} of {total} vote", "{n} of {total} votes", total).format(n=n, total=total)


def turnout(voted: int, joined: int) -> str:
    """``"17 of 24 voted"``."""
    return _("{voted} of {joined} voted").format(voted=voted, joined=joined)


NOBODY_VOTED = N_("nobody voted; the teacher decided")


def how_decided(counts: Mapping[str, int], winner: str, decided_by: str) -> str:
    """Why a choice was played: ``"2 of 3 votes"``, or who broke the tie and what the tie was."""
    total = sum(counts.values())
    if decided_by == "teacher":
        if total == 0:
            return _(NOBODY_VOTED)
        return _("tie broken by the teacher at {votes} each").format(votes=votes(counts.get(winner, 0)))
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
        return _("Nobody voted: the teacher decides between {choices}.").format(choices=names)
    return _("Tied at {votes} each: {choices}. The teacher decides.").format(votes=votes(each), choices=names)


def margin(counts: Mapping[str, int]) -> str:
    """How close a vote was: ``"a tie"``, ``"won by 1 vote"``."""
    top = sorted(counts.values(), reverse=True)
    if len(top) < 2 or top[0] == top[1]:
        return _("a tie")
    return _("won by {votes}").format(votes=votes(top[0] - top[1]))


def chose(label: str, counts: Mapping[str, int], winner: str, decided_by: str) -> str:
    """``"The class chose Open the hatch (2 of 3 votes)."``"""
    return _("The class chose {choice} ({how}).").format(choice=label, how=how_decided(counts, winner, decided_by))


def yours(mine: str | None, winner: str | None) -> str:
    """What a student's own vote did, or "" when they did not vote."""
    if mine is None or winner is None:
        return ""
    return _("You voted for it.") if mine == winner else _("You voted for something else.")
