"""The little markup story text may use: ``*emphasis*``, ``**strong**`` and
``{name}`` placeholders that show a meter or flag's current value.

Front ends decide how emphasis looks; this module only finds placeholders,
fills them in and splits text into styled runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
EMPHASIS_RE = re.compile(r"(\*\*[^*\n]+\*\*|\*[^*\n]+\*)")


def placeholders(text: str) -> list[tuple[str, int]]:
    """Names used as ``{name}`` with their offsets in ``text``."""
    return [(m.group(1), m.start()) for m in PLACEHOLDER_RE.finditer(text)]


def fill(text: str, lookup: Callable[[str], str]) -> str:
    """Replace each ``{name}`` with ``lookup(name)``."""
    if "{" not in text:
        return text
    return PLACEHOLDER_RE.sub(lambda m: lookup(m.group(1)), text)


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into ``(style, chunk)`` with style ``""``, ``"em"`` or ``"strong"``."""
    out: list[tuple[str, str]] = []
    for part in EMPHASIS_RE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(("strong", part[2:-2]))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            out.append(("em", part[1:-1]))
        else:
            out.append(("", part))
    return out


def plain(text: str) -> str:
    """Text with emphasis markers removed, for line mode and screen readers."""
    return "".join(chunk for _, chunk in runs(text))


def unbalanced_emphasis(text: str) -> list[int]:
    """Offsets of ``*`` markers that open or close nothing, per paragraph line."""
    bad: list[int] = []
    offset = 0
    for line in text.split("\n"):
        stripped = EMPHASIS_RE.sub(lambda m: " " * len(m.group(0)), line)
        bad.extend(offset + i for i, ch in enumerate(stripped) if ch == "*")
        offset += len(line) + 1
    return bad


def format_value(value: float | int | bool | str, precision: int = 0) -> str:
    """A value as a player reads it: yes/no, text as it is, a whole number, or fixed decimals."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if precision <= 0:
        return str(round(value))
    return f"{value:.{precision}f}"


def fill_values(text: str, values: Mapping[str, float | int | bool], precision: Mapping[str, int]) -> str:
    return fill(text, lambda name: format_value(values.get(name, 0), precision.get(name, 0)))
