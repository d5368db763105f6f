"""A meter as words: its value, its state spelled out (not only coloured), its range.

The state words are the same in the TUI's meter panel, line mode's status line
and the classroom, so ``NO_COLOR`` users and high-contrast themes lose nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.views import MeterView

STATE_WORDS = {"ok": "", "warn": "WARN", "critical": "CRITICAL"}


def state_word(state: str) -> str:
    """``WARN`` or ``CRITICAL``; empty when the meter is fine."""
    return STATE_WORDS.get(state, state.upper())


def meter_status(meter: MeterView) -> str:
    """One meter for a status line: ``Oxygen 17 min`` or ``Heart rate 130 bpm [WARN]``."""
    text = f"{meter.label} {meter.display}"
    word = state_word(meter.state)
    return f"{text} [{word}]" if word else text


def status_parts(meters: Sequence[MeterView]) -> list[tuple[str, str]]:
    """Each visible meter's status with its state, for a line a front end may colour."""
    return [(meter_status(m), m.state) for m in meters if not m.hidden]


def status_line(meters: Sequence[MeterView]) -> str:
    """Every visible meter on one line: ``Oxygen 17 min | Heart rate 130 bpm [WARN]``."""
    return " | ".join(text for text, _ in status_parts(meters))


def meter_detail(meter: MeterView) -> str:
    """Everything about a meter in one line: value, state, rate and range."""
    rate = f", {meter.rate:+g}/min" if meter.rate else ""
    unit = f" {meter.unit}" if meter.unit else ""
    return f"{meter.label}: {meter.display} ({meter.state}{rate}; range {meter.min:g}–{meter.max:g}{unit})"
