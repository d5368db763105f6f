"""Text charts of a meter over the mission, drawn with block characters.

Pure functions (no Textual) so the shapes can be tested directly. There is one
sample per choice; the chart gives each choice an equal share of the width.
"""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = " ▁▂▃▄▅▆▇█"


def resample(values: Sequence[float], width: int) -> list[float]:
    """``width`` values, one per column, stretching or squeezing the samples evenly.

    The x axis is the sequence of choices, not clock time: a mission of 124 hours
    whose drama is in twenty minutes would otherwise draw the spacewalk as a
    single column.
    """
    if not values or width <= 0:
        return []
    n = len(values)
    return [values[min(n - 1, x * n // width)] for x in range(width)]


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
