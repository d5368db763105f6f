"""A meter's values over the whole mission as a small block chart, coloured by state."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

from ...i18n import _, ngettext
from ...present.durations import format_elapsed
from ...present.meters import quantity
from ...story.model import Meter
from ..chart import chart_rows, resample

CHART_HEIGHT = 4
AXIS_WIDTH = 8


class MeterChart(Widget):
    """Title line, ``CHART_HEIGHT`` rows of blocks with the range at the left, time axis below."""

    DEFAULT_CSS = f"MeterChart {{ height: {CHART_HEIGHT + 2}; }}"

    def __init__(self, meter: Meter, points: Sequence[tuple[float, float]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.meter = meter
        self.points = tuple(points)

    def _state_style(self, value: float) -> str:
        variables = self.app.theme_variables
        key = {"ok": "success", "warn": "warning", "critical": "error"}[self.meter.state(value)]
        return variables.get(key, "")

    def render(self) -> Text:
        m = self.meter
        width = max(self.size.width - AXIS_WIDTH, 4)
        values = resample([v for _t, v in self.points], width)
        rows = chart_rows(values, m.min, m.max, CHART_HEIGHT)
        last = self.points[-1][1] if self.points else m.start
        text = Text()
        text.append(m.label, style="bold")
        first = quantity(self.points[0][1] if self.points else m.start, m.precision)
        text.append("  " + _("start {value}").format(value=first))
        text.append((" → " + _("end {value}").format(value=quantity(last, m.precision)) + f" {m.unit}").rstrip())
        styles = [self._state_style(v) for v in values]
        for r, row in enumerate(rows):
            text.append("\n")
            label = (
                quantity(m.max, m.precision) if r == 0 else (quantity(m.min, m.precision) if r == len(rows) - 1 else "")
            )
            text.append(f"{label:>{AXIS_WIDTH - 2}} │", style="dim")
            for ch, style in zip(row, styles, strict=True):
                text.append(ch, style=style)
        end = format_elapsed(self.points[-1][0]) if self.points else "T+00:00:00"
        choices = max(len(self.points) - 1, 0)
        text.append("\n")
        left = _("start")
        right = ngettext("{n} choice, {time}", "{n} choices, {time}", choices).format(n=choices, time=end)
        text.append(" " * AXIS_WIDTH + left + right.rjust(max(width - len(left), 0)), style="dim")
        return text
