"""Mission time: minutes since the start, shown as real times when the story has a clock.

A story without a ``clock:`` shows elapsed time only: no zones, no date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from ..i18n import format_day
from ..story.model import Clock


@dataclass(frozen=True)
class ClockView:
    elapsed_minutes: float
    elapsed: str  # "T+01:35:00"
    zones: tuple[tuple[str, str], ...]  # ("UTC", "08:35"); empty without a clock
    date: str  # "24 Nov 1957", UTC date; empty without a clock

    def line(self) -> str:
        zones = "  ".join(f"{label} {time}" for label, time in self.zones)
        return "  ".join(part for part in (self.elapsed, zones, self.date) if part)


@lru_cache(maxsize=32)
def _start(clock_start: str) -> datetime:
    return datetime.fromisoformat(clock_start.replace("Z", "+00:00"))


def format_elapsed(minutes: float) -> str:
    total = round(minutes * 60)
    hours, rest = divmod(total, 3600)
    return f"T+{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def clock_view(clock: Clock | None, minutes: float) -> ClockView:
    """The clock at ``minutes``; past the calendar's end (year 9999) only the elapsed time is shown."""
    if clock is None:
        return ClockView(minutes, format_elapsed(minutes), (), "")
    try:
        utc = _start(clock.start) + timedelta(minutes=minutes)
        zones = tuple((z.label, (utc + timedelta(minutes=z.offset_minutes)).strftime("%H:%M")) for z in clock.zones)
    except OverflowError:
        return ClockView(minutes, format_elapsed(minutes), (), "")
    return ClockView(minutes, format_elapsed(minutes), zones, format_day(utc.date()))


def real_time(clock: Clock, minutes: float) -> datetime:
    return _start(clock.start) + timedelta(minutes=minutes)
