"""The game's own themes, registered beside Textual's built-in ones.

``mission-control`` is the default look: the warm grey of 1965 console panels,
phosphor-green readouts and amber indicator lamps, with a Soviet red for what is
critical. ``high-contrast`` is the Settings option for players who need it:
black and white with saturated signal colours and nothing half-transparent.
"""

from __future__ import annotations

from textual.theme import Theme

from ..i18n import N_, _

DEFAULT_THEME = "mission-control"
HIGH_CONTRAST_THEME = "high-contrast"

MISSION_CONTROL = Theme(
    name=DEFAULT_THEME,
    primary="#D9A441",  # amber indicator lamp
    secondary="#7FB069",  # phosphor green
    accent="#C8553D",  # the red of the mission patch
    warning="#E8B23A",
    error="#E5483A",
    success="#8FC46E",
    foreground="#D8E4C8",
    background="#161A15",
    surface="#1F251D",
    panel="#2B3327",
    dark=True,
    variables={
        "footer-key-foreground": "#D9A441",
        "block-cursor-background": "#D9A441",
        "block-cursor-foreground": "#161A15",
        "input-selection-background": "#7FB069 40%",
    },
)

HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST_THEME,
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFFFF",
    warning="#FFD700",
    error="#FF3030",
    success="#00FF66",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "footer-key-foreground": "#FFFF00",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "text-muted": "#FFFFFF",
        "text-disabled": "#C0C0C0",
    },
)

OWN_THEMES = (MISSION_CONTROL, HIGH_CONTRAST)
OWN_THEME_LABELS = {DEFAULT_THEME: N_("Mission control"), HIGH_CONTRAST_THEME: N_("High contrast")}


def theme_label(name: str) -> str:
    """How Settings names a theme: the game's own in the player's words, Textual's by their names."""
    label = OWN_THEME_LABELS.get(name)
    return _(label) if label else name
