"""Every key the game answers to, defined once.

The help modal lists this table and ``docs/playing.md`` documents it (a test
checks that each key here appears there), so the keys a player is told about
are the keys that work.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_


@dataclass(frozen=True)
class KeyHelp:
    where: str
    keys: str
    action: str


KEYS: tuple[KeyHelp, ...] = (
    KeyHelp(N_("Title"), "↑ ↓ Enter", N_("pick a menu entry (or click it)")),
    KeyHelp(N_("Title"), "n", N_("new game")),
    KeyHelp(N_("Title"), "c", N_("continue from the latest autosave")),
    KeyHelp(N_("Title"), "l", N_("load a saved game")),
    KeyHelp(N_("Title"), "h", N_("how to play")),
    KeyHelp(N_("Title"), "s", N_("settings")),
    KeyHelp(N_("Title"), "q", N_("quit")),
    KeyHelp(N_("Game"), "1 … 9", N_("take that choice")),
    KeyHelp(N_("Game"), "↑ ↓ Enter", N_("move through the choices and take one (or click it)")),
    KeyHelp(N_("Game"), "any key", N_("show the rest of the text at once while it types out")),
    KeyHelp(N_("Game"), "s", N_("save in a named slot")),
    KeyHelp(N_("Game"), "l", N_("load a saved game")),
    KeyHelp(N_("Game"), "u", N_("undo the last choice (not past a point of no return)")),
    KeyHelp(N_("Game"), "m", N_("the mission log")),
    KeyHelp(N_("Game"), "h", N_("history notes: how true the passage is, the facts behind it and their sources")),
    KeyHelp(N_("Game"), "g", N_("glossary: the words of this passage first, then all")),
    KeyHelp(N_("Game"), "PgUp PgDn", N_("scroll the story text")),
    KeyHelp(N_("Game"), "Esc", N_("back to the title screen (the game is autosaved)")),
    KeyHelp(N_("Game"), "q", N_("quit (asks first)")),
    KeyHelp(N_("Debrief"), "r", N_("replay the mission with the same dice")),
    KeyHelp(N_("Debrief"), "n", N_("new game")),
    KeyHelp(N_("Debrief"), "u", N_("undo the last choice and play on")),
    KeyHelp(N_("Debrief"), "f", N_("the full fact list with its sources")),
    KeyHelp(N_("Debrief"), "↑ ↓ PgUp PgDn", N_("scroll the debrief")),
    KeyHelp(N_("Debrief"), "Esc", N_("back to the title screen")),
    KeyHelp(N_("Anywhere"), "? / F1", N_("this list of keys")),
    KeyHelp(N_("Anywhere"), "Ctrl+P", N_("command palette: save, load, undo, restart, theme, settings")),
    KeyHelp(N_("Anywhere"), "Ctrl+Q", N_("quit at once")),
    KeyHelp(N_("Dialogs"), "Esc", N_("close without doing anything")),
    KeyHelp(N_("Dialogs"), "↑ ↓ PgUp PgDn", N_("scroll the help, how to play and the mission log")),
)
