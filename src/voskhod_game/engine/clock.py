"""Mission time: minutes since the story's clock start, shown as real times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from ..story.model import Clock


@dataclass(frozen=True)
class ClockView:
    elapsed_minutes: float
    elapsed: str  # "T+01:35:00"
    zones: tuple[tuple[str, str], ...]  # ("UTC", "08:35"), ("Moscow", "11:35")
    date: str  # "18 Mar 1965", UTC date

    def line(self) -> str:
        zones = "  ".join(f"{label} {time}" for label, time in self.zones)
        return f"{self.elapsed}  {zones}  {self.date}"


@lru_cache(maxsize=32)
def _start(clock_start: str) -> datetime:
    return datetime.fromisoformat(clock_start.replace("Z", "+00:00"))


def format_elapsed(minutes: float) -> str:
    total = round(minutes * 60)
    hours, rest = divmod(total, 3600)
    return f"T+{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def clock_view(clock: Clock, minutes: float) -> ClockView:
    utc = _start(clock.start) + timedelta(minutes=minutes)
    zones = tuple((z.label, (utc + timedelta(minutes=z.offset_minutes)).strftime("%H:%M")) for z in clock.zones)
    return ClockView(minutes, format_elapsed(minutes), zones, utc.strftime("%d %b %Y").lstrip("0"))


def real_time(clock: Clock, minutes: float) -> datetime:
    return _start(clock.start) + timedelta(minutes=minutes)


def format_duration(minutes: float) -> str:
    """A choice's time cost as a player reads it: ``45 s``, ``13 min 13 s``, ``2 h 5 min``."""
    if minutes <= 0:
        return ""
    seconds = round(minutes * 60)
    whole, rest = divmod(seconds, 60)
    if not whole:
        return f"{rest} s"
    if whole >= 60 and not rest:
        hours, mins = divmod(whole, 60)
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{whole} min {rest} s" if rest else f"{whole} min"
