"""The names of the three kinds of ending, as a person reads them."""

from __future__ import annotations

ENDING_KINDS = {"historical": "As it happened", "survived": "Survived", "lost": "Lost"}


def ending_kind(kind: str) -> str:
    """``As it happened``, ``Survived`` or ``Lost`` (an unknown kind is shown as written)."""
    return ENDING_KINDS.get(kind, kind.capitalize())
