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
from ...i18n import N_, _
from ...present.meters import meter_detail, state_word
from ..chart import chart_rows

METERS_TITLE = N_("Meters")
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
    """Label, value and state on the first line; bar and trend on the second.

    The row keeps its parts and what it last showed, so a choice that leaves a
    meter alone costs nothing here, and one that moves it touches only the parts
    that change (a state class change restyles the row; a value does not).
    """

    def __init__(self, meter: MeterView) -> None:
        super().__init__(id=f"meter-{meter.name}", classes=f"meter -{meter.state}")
        self.meter_name = meter.name
        self._meter = meter
        self._value = Static("", classes="meter-value")
        self._bar = MeterBar(meter.fraction, classes="meter-bar")
        self._trend = MeterTrend(classes="meter-trend")
        self._shown: tuple[MeterView, list[float]] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="meter-head"):
            yield Static(self._meter.label, classes="meter-label", markup=False)
            yield self._value
        with Horizontal(classes="meter-body"):
            yield self._bar
            yield self._trend

    def on_mount(self) -> None:
        self.show(self._meter, ())

    def show(self, meter: MeterView, trend: Sequence[float]) -> None:
        recent = list(trend[-TREND_POINTS:]) or [meter.value]
        shown = (meter, recent)
        if shown == self._shown:
            return
        before = self._shown[0] if self._shown is not None else None
        self._shown = shown
        self._meter = meter
        if before is None or before.state != meter.state:
            for state in STATES:
                self.set_class(meter.state == state, f"-{state}")
        if before is None or (before.display, before.state) != (meter.display, meter.state):
            word = state_word(meter.state)
            self._value.update(Text(f"{meter.display} {word}" if word else meter.display, style="bold" if word else ""))
        if before is None or before.fraction != meter.fraction:
            self._bar.set_fraction(meter.fraction)
        self._trend.set_values(recent, meter.min, meter.max)
        detail = meter_detail(meter)
        if detail != self.tooltip:
            self.tooltip = detail


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
