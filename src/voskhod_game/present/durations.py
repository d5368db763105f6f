"""Times as a person reads them: a choice's cost, mission time, early or late.

``format_elapsed`` lives with the engine's clock (saves and views need it) and
``format_duration`` with story text (``{elapsed:duration}`` uses it); both are
re-exported here so front ends import every time format from one module.
"""

from __future__ import annotations

from ..engine.clock import format_elapsed
from ..i18n import _, ngettext
from ..story.text import format_duration

__all__ = ["format_duration", "format_elapsed", "log_time", "signed_minutes", "span"]


def log_time(minutes: float) -> str:
    """Hours and minutes since the start for log lines; hours grow past 99 in a long mission."""
    hours, mins = divmod(int(minutes), 60)
    return f"{hours:02d}:{mins:02d}"


def span(minutes: float) -> str:
    """A rough length of time: ``4 min``, ``3 h``, ``56 days`` (for differences, not costs)."""
    whole = round(abs(minutes))
    if whole < 120:
        return _("{n} min").format(n=whole)
    if whole < 48 * 60:
        return _("{n} h").format(n=round(whole / 60))
    days = round(whole / 1440)
    return ngettext("{n} day", "{n} days", days).format(n=days)


def signed_minutes(minutes: float | None) -> str:
    """How a milestone compares with the real one: ``on time``, ``4 min late``, ``not reached``."""
    if minutes is None:
        return _("not reached")
    if abs(minutes) < 0.5:
        return _("on time")
    return (_("{span} late") if minutes > 0 else _("{span} early")).format(span=span(minutes))
