"""A meter as words: its value, its state spelled out (not only coloured), its range.

The state words are the same in the TUI's meter panel, line mode's status line
and the classroom, so ``NO_COLOR`` users and high-contrast themes lose nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.views import STATE_WORDS, MeterView, state_word
from ..i18n import N_, _, format_number, language

__all__ = [
    "STATE_WORDS",
    "meter_detail",
    "meter_status",
    "meter_value",
    "quantity",
    "state_word",
    "status_line",
    "status_parts",
]
STATE_NAMES = {"ok": N_("ok"), "warn": N_("warn"), "critical": N_("critical")}


def quantity(value: float, decimals: int | None, unit: str = "", lang: str | None = None) -> str:
    """A figure with its unit as the player's language writes it: ``0.40 atm``, ``0,40 атм``.

    Every meter value and debrief figure a front end shows goes through here, so
    the status line, the meter details and the debrief table never disagree with
    the story text's ``{pressure:unit}`` (``lang`` None: the language the game speaks).
    """
    text = format_number(value, decimals, language() if lang is None else lang)
    return f"{text} {unit}" if unit else text


def meter_value(meter: MeterView, lang: str | None = None) -> str:
    """A meter's value with its unit, in the player's language: ``12,2 мин``."""
    return quantity(meter.value, meter.precision, meter.unit, lang)


def meter_status(meter: MeterView) -> str:
    """One meter for a status line: ``Oxygen 17 min`` or ``Heart rate 130 bpm [WARN]``."""
    text = f"{meter.label} {meter_value(meter)}"
    word = state_word(meter.state)
    return f"{text} [{word}]" if word else text


def status_parts(meters: Sequence[MeterView]) -> list[tuple[str, str]]:
    """Each visible meter's status with its state, for a line a front end may colour."""
    return [(meter_status(m), m.state) for m in meters if not m.hidden]


def status_line(meters: Sequence[MeterView]) -> str:
    """Every visible meter on one line: ``Oxygen 17 min | Heart rate 130 bpm [WARN]``."""
    return " | ".join(text for text, _state in status_parts(meters))


def meter_detail(meter: MeterView) -> str:
    """Everything about a meter in one line: value, state, rate and range."""
    rate = (
        _(", {rate}/min").format(rate=("+" if meter.rate > 0 else "") + quantity(meter.rate, None))
        if meter.rate
        else ""
    )
    unit = f" {meter.unit}" if meter.unit else ""
    state = _(STATE_NAMES[meter.state]) if meter.state in STATE_NAMES else meter.state
    return _("{label}: {value} ({state}{rate}; range {low}–{high}{unit})").format(
        label=meter.label,
        value=meter_value(meter),
        state=state,
        rate=rate,
        low=quantity(meter.min, None),
        high=quantity(meter.max, None),
        unit=unit,
    )
