"""Text charts of a meter over the mission, drawn with block characters.

Pure functions (no Textual) so the shapes can be tested directly. Samples are
taken at irregular mission minutes (one per choice); the chart treats the value
as holding until the next sample, so the x axis is real mission time.
"""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = " ▁▂▃▄▅▆▇█"


def resample(points: Sequence[tuple[float, float]], width: int) -> list[float]:
    """``width`` values, one per column, each the value in force at that column's time."""
    if not points or width <= 0:
        return []
    start, end = points[0][0], points[-1][0]
    if end <= start:
        return [points[-1][1]] * width
    out = []
    index = 0
    for x in range(width):
        t = start + (end - start) * x / max(width - 1, 1)
        while index + 1 < len(points) and points[index + 1][0] <= t:
            index += 1
        out.append(points[index][1])
    return out


def column_heights(values: Sequence[float], lo: float, hi: float, height: int) -> list[int]:
    """Each value as a filled height in eighths of a cell, 0 … ``height * 8``."""
    span = hi - lo
    full = height * 8
    heights = []
    for v in values:
        fraction = 0.0 if span <= 0 else (min(max(v, lo), hi) - lo) / span
        h = round(fraction * full)
        if v > lo and h == 0:
            h = 1  # a value above the floor never looks empty
        heights.append(h)
    return heights


def chart_rows(values: Sequence[float], lo: float, hi: float, height: int) -> list[str]:
    """The chart as ``height`` strings, top row first."""
    heights = column_heights(values, lo, hi, height)
    rows = []
    for row in range(height - 1, -1, -1):
        base = row * 8
        rows.append("".join(BLOCKS[min(max(h - base, 0), 8)] for h in heights))
    return rows
