"""The meters panel: one row per meter with its value, a bar coloured by state and a trend.

A meter's state is spelled out in the row (``WARN``, ``CRITICAL``) as well as
coloured, so it still reads under ``NO_COLOR`` and in high contrast; a critical
meter also turns its whole row and the panel's border red.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from ...engine.views import MeterView
from ...present.meters import meter_detail, state_word
from ..chart import chart_rows

TREND_POINTS = 24
STATES = ("ok", "warn", "critical")


class MeterBar(Widget):
    """A horizontal bar filled to the meter's fraction of its range."""

    DEFAULT_CSS = "MeterBar { height: 1; width: 1fr; }"

    def __init__(self, fraction: float = 0.0, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fraction = fraction

    def set_fraction(self, fraction: float) -> None:
        self.fraction = min(max(fraction, 0.0), 1.0)
        self.refresh()

    def render(self) -> Text:
        width = max(self.size.width, 1)
        eighths = round(self.fraction * width * 8)
        full, part = divmod(eighths, 8)
        bar = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
        return Text(bar) + Text("·" * (width - len(bar)), style="dim")


class MeterTrend(Widget):
    """The meter's recent values as one row of blocks, scaled to the meter's whole range
    (not to the recent minimum and maximum), so a full-looking trend means a full meter."""

    DEFAULT_CSS = "MeterTrend { height: 1; width: 10; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.values: list[float] = []
        self.lo = 0.0
        self.hi = 1.0

    def set_values(self, values: Sequence[float], lo: float, hi: float) -> None:
        self.values, self.lo, self.hi = list(values), lo, hi
        self.refresh()

    def render(self) -> Text:
        width = max(self.size.width, 1)
        recent = self.values[-width:]
        # an empty meter still draws a baseline, so the trend never looks missing
        row = chart_rows(recent, self.lo, self.hi, 1)[0].replace(" ", "▁") if recent else ""
        return Text(row.rjust(width, " "))


class MeterRow(Vertical):
    """Label, value and state on the first line; bar and trend on the second."""

    def __init__(self, meter: MeterView) -> None:
        super().__init__(id=f"meter-{meter.name}", classes=f"meter -{meter.state}")
        self.meter_name = meter.name
        self._meter = meter

    def compose(self) -> ComposeResult:
        with Horizontal(classes="meter-head"):
            yield Static(self._meter.label, classes="meter-label", markup=False)
            yield Static("", classes="meter-value")
        with Horizontal(classes="meter-body"):
            yield MeterBar(self._meter.fraction, classes="meter-bar")
            yield MeterTrend(classes="meter-trend")

    def on_mount(self) -> None:
        self.show(self._meter, ())

    def show(self, meter: MeterView, trend: Sequence[float]) -> None:
        self._meter = meter
        for state in STATES:
            self.set_class(meter.state == state, f"-{state}")
        value = self.query_one(".meter-value", Static)
        word = state_word(meter.state)
        value.update(Text(f"{meter.display} {word}" if word else meter.display, style="bold" if word else ""))
        self.query_one(MeterBar).set_fraction(meter.fraction)
        self.query_one(MeterTrend).set_values(list(trend[-TREND_POINTS:]) or [meter.value], meter.min, meter.max)
        self.tooltip = meter_detail(meter)


class MetersPanel(Vertical):
    """Every visible meter of the story, refreshed from each new view."""

    BORDER_TITLE = "Meters"

    def __init__(self, meters: Sequence[MeterView], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._initial = tuple(meters)

    def compose(self) -> ComposeResult:
        # A row for every meter: a scene may hide some (hide_meters) and the next show them.
        for meter in self._initial:
            row = MeterRow(meter)
            row.display = not meter.hidden
            yield row

    def show(self, meters: Sequence[MeterView], samples: Sequence[tuple[float, dict[str, float]]]) -> None:
        critical = []
        for meter in meters:
            rows = self.query(f"#meter-{meter.name}").results(MeterRow)
            row = next(rows, None)
            if row is None:
                continue
            row.display = not meter.hidden
            if meter.hidden:
                continue
            trend = [values[meter.name] for _, values in samples if meter.name in values]
            row.show(meter, trend)
            if meter.state == "critical":
                critical.append(meter.label)
        self.set_class(bool(critical), "-critical")
        self.border_title = "CRITICAL: " + ", ".join(critical) if critical else "Meters"
