"""What a player is told about autosaving, the same in every front end."""

from __future__ import annotations

from ..engine.saves import Autosaver


def autosave_notice(change: str, autosaver: Autosaver) -> str:
    """A line after a choice when autosaving changed state; empty when there is nothing to say."""
    if change == "failed":
        return f"Autosave failed: {autosaver.problem}. Your choices are not being saved."
    if change == "still failing" and autosaver.failures % 10 == 0:
        return f"Still not autosaved ({autosaver.failures} choices): {autosaver.problem}"
    if change == "recovered":
        return "Autosave works again: the game is saved."
    return ""


def autosave_state(autosaver: Autosaver) -> str:
    """How things stand when the player leaves."""
    if autosaver.safe:
        return "Your game is autosaved."
    return f"Your last {autosaver.failures} choice(s) are NOT autosaved: {autosaver.problem}"
