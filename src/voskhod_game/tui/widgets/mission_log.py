"""The mission log: the choices made and what happened, stamped with mission time."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from ...engine.views import LogEntry
from ...present.durations import log_time

KIND_STYLE = {"choice": "", "event": "bold", "ending": "bold reverse", "note": "italic"}


def log_text(entries: Sequence[LogEntry], last: int | None = None) -> Text:
    """The log as text, newest last; ``last`` keeps only that many entries."""
    shown = entries[-last:] if last else entries
    text = Text()
    for i, entry in enumerate(shown):
        if i:
            text.append("\n")
        text.append(log_time(entry.minute), style="dim")
        text.append(" ")
        text.append(("› " if entry.kind == "choice" else "") + entry.text, style=KIND_STYLE.get(entry.kind, ""))
    return text
