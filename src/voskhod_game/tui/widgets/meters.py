"""The meters panel: one row per meter with its value, a bar coloured by state and a trend.

A meter's state is spelled out in the row (``WARN``, ``CRITICAL``) as well as
coloured, so it still reads under ``NO_COLOR`` and in high contrast; a critical
meter also turns its whole row and the panel's border red.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from ...engine.views import MeterView
from ...i18n import N_, _
from ...present.meters import meter_detail, meter_value, state_word
from ..chart import chart_rows

METERS_TITLE = N_("Meters")
TREND_POINTS = 24
STATES = ("ok", "warn", "critical")


def bar_text(fraction: float, width: int) -> Text:
    """A horizontal bar filled to ``fraction`` of ``width`` cells, in eighths; the rest dotted."""
    eighths = round(min(max(fraction, 0.0), 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    return Text(bar) + Text("·" * (width - len(bar)), style="dim")


def trend_text(values: Sequence[float], lo: float, hi: float, width: int) -> str:
    """The recent values as one row of blocks, scaled to the meter's whole range (not to the recent
    minimum and maximum), so a full-looking trend means a full meter; a baseline when it is flat empty."""
    recent = list(values)[-width:]
    row = chart_rows(recent, lo, hi, 1)[0].replace(" ", "▁") if recent else ""
    return row.rjust(width, " ")


class MeterRow(Widget):
    """One meter in two lines: label, value and state; then a bar and the recent trend.

    One widget draws the whole row (its parts styled by component classes), so the
    panel of a story with a dozen meters is a dozen widgets, not eighty: every choice
    lays the screen out again, and that cost grows with the number of widgets. A row
    keeps what it last showed, so a choice that leaves a meter alone costs nothing here.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"meter--label", "meter--value", "meter--bar", "meter--trend"}

    def __init__(self, meter: MeterView) -> None:
        super().__init__(id=f"meter-{meter.name}", classes=f"meter -{meter.state}")
        self.meter_name = meter.name
        self.meter = meter
        self.trend: list[float] = [meter.value]
        self._shown: tuple[MeterView, list[float]] | None = None

    def on_mount(self) -> None:
        self.show(self.meter, ())

    def show(self, meter: MeterView, trend: Sequence[float]) -> None:
        recent = list(trend[-TREND_POINTS:]) or [meter.value]
        shown = (meter, recent)
        if shown == self._shown:
            return
        if self._shown is None or self._shown[0].state != meter.state:  # a class change restyles the row
            for state in STATES:
                self.set_class(meter.state == state, f"-{state}")
        self._shown = shown
        self.meter, self.trend = meter, recent
        detail = meter_detail(meter)
        if detail != self.tooltip:
            self.tooltip = detail
        self.refresh()

    @property
    def value_text(self) -> str:
        word = state_word(self.meter.state)
        value = meter_value(self.meter)
        return f"{value} {word}" if word else value

    def trend_width(self) -> int:
        screen = self.screen
        return 16 if screen.has_class("-huge") else 6 if screen.has_class("-narrow") else 10

    def render(self) -> Text:
        width = max(self.size.width, 1)
        meter = self.meter
        label_style = self.get_component_rich_style("meter--label", partial=True)
        value_style = self.get_component_rich_style("meter--value", partial=True)
        value = Text(self.value_text, style=value_style)
        if state_word(meter.state):
            value.stylize("bold")
        room = max(width - value.cell_len - 1, 1)
        label = Text(meter.label, style=label_style, no_wrap=True, overflow="ellipsis")
        label.truncate(room, overflow="ellipsis", pad=True)
        trend_width = min(self.trend_width(), max(width - 2, 1))
        bar = bar_text(meter.fraction, max(width - trend_width - 1, 1))
        bar.stylize(self.get_component_rich_style("meter--bar", partial=True))
        trend = Text(
            trend_text(self.trend, meter.min, meter.max, trend_width),
            style=self.get_component_rich_style("meter--trend", partial=True),
        )
        return Text.assemble(label, " ", value, "\n", bar, " ", trend, no_wrap=True, overflow="crop")


def recent_values(samples: Sequence[tuple[float, dict[str, float]]], name: str, count: int) -> list[float]:
    """The last ``count`` sampled values of one meter, oldest first (samples may lack a new meter)."""
    found: list[float] = []
    for _time, values in reversed(samples):
        if name in values:
            found.append(values[name])
            if len(found) == count:
                break
    found.reverse()
    return found


class MetersPanel(Vertical):
    """Every visible meter of the story, refreshed from each new view."""

    def __init__(self, meters: Sequence[MeterView], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._initial = tuple(meters)
        self._rows: dict[str, MeterRow] = {}
        self.border_title = _(METERS_TITLE)

    def compose(self) -> ComposeResult:
        # A row for every meter: a scene may hide some (hide_meters) and the next show them.
        for meter in self._initial:
            row = MeterRow(meter)
            row.display = not meter.hidden
            self._rows[meter.name] = row
            yield row

    def show(self, meters: Sequence[MeterView], samples: Sequence[tuple[float, dict[str, float]]]) -> None:
        critical = []
        for meter in meters:
            row = self._rows.get(meter.name)
            if row is None:
                continue
            if row.display == meter.hidden:
                row.display = not meter.hidden
            if meter.hidden:
                continue
            row.show(meter, recent_values(samples, meter.name, TREND_POINTS))
            if meter.state == "critical":
                critical.append(meter.label)
        self.set_class(bool(critical), "-critical")
        title = _("CRITICAL: {meters}").format(meters=", ".join(critical)) if critical else _(METERS_TITLE)
        if self.border_title != title:
            self.border_title = title
