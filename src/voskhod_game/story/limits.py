"""The ranges every number in a story may take, in one place.

The schema checks story files against these (and publishes them in the JSON
Schema), the expression language refuses results beyond ``MAX_MAGNITUDE``, and
the engine can rely on them: no value it meets is NaN, infinite, or so large
that formatting or date arithmetic would fail.
"""

from __future__ import annotations

import math

MAX_MAGNITUDE = 1e15  # any number in a story file or made by an expression
MAGNITUDE_TEXT = "1e15"

MAX_CHOICE_MINUTES = 1_000_000  # one choice: about two years of mission time
MAX_PRECISION = 12  # decimal places shown
MAX_ZONE_OFFSET = 24 * 60  # minutes ahead of (or behind) UTC
CLOCK_YEARS = (1, 5000)  # a clock start outside these leaves no room for the story's time


def describe_number(value: float | int) -> str:
    """A number as a message can show it, however absurd (NaN, 1e400, a 401-digit integer)."""
    if isinstance(value, float):
        if math.isnan(value):
            return "not a number (.nan)"
        if math.isinf(value):
            return "infinite" if value > 0 else "minus infinite"
        return f"{value:g}"
    if abs(value) < 10**16:
        return str(value)
    try:
        return f"a {len(str(abs(value)))}-digit number"
    except ValueError:  # beyond Python's limit for converting integers to text
        return "a number of thousands of digits"


def out_of_range(value: float | int, minimum: float, maximum: float) -> str | None:
    """What is wrong with ``value`` when it is not a finite number from ``minimum`` to ``maximum``."""
    if minimum <= value <= maximum:  # False for NaN too
        return None
    return f"is {describe_number(value)}"


def range_text(minimum: float, maximum: float) -> str:
    def show(x: float) -> str:
        return MAGNITUDE_TEXT if x == MAX_MAGNITUDE else f"-{MAGNITUDE_TEXT}" if x == -MAX_MAGNITUDE else f"{x:g}"

    return f"from {show(minimum)} to {show(maximum)}"
