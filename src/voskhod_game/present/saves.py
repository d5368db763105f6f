"""What a player is told about autosaving, the same in every front end."""

from __future__ import annotations

from ..engine.saves import Autosaver
from ..i18n import _, ngettext


def autosave_notice(change: str, autosaver: Autosaver) -> str:
    """A line after a choice when autosaving changed state; empty when there is nothing to say."""
    if change == "failed":
        return _("Autosave failed: {problem}. Your choices are not being saved.").format(problem=autosaver.problem)
    if change == "still failing" and autosaver.failures % 10 == 0:
        return _("Still not autosaved ({count} choices): {problem}").format(
            count=autosaver.failures, problem=autosaver.problem
        )
    if change == "recovered":
        return _("Autosave works again: the game is saved.")
    return ""


def autosave_state(autosaver: Autosaver) -> str:
    """How things stand when the player leaves."""
    if autosaver.safe:
        return _("Your game is autosaved.")
    return ngettext(
        "Your last {count} choice(s) are NOT autosaved: {problem}",
        "Your last {count} choice(s) are NOT autosaved: {problem}",
        autosaver.failures,
    ).format(count=autosaver.failures, problem=autosaver.problem)
