"""The names of the three kinds of ending, as a person reads them."""

from __future__ import annotations

from ..i18n import N_, _

ENDING_KINDS = {"historical": N_("As it happened"), "survived": N_("Survived"), "lost": N_("Lost")}


def ending_kind(kind: str) -> str:
    """``As it happened``, ``Survived`` or ``Lost`` (an unknown kind is shown as written)."""
    return _(ENDING_KINDS[kind]) if kind in ENDING_KINDS else kind.capitalize()
