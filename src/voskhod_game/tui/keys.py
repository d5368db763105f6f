"""Every key the game answers to, defined once.

The help modal lists this table and ``docs/playing.md`` documents it (a test
checks that each key here appears there), so the keys a player is told about
are the keys that work.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyHelp:
    where: str
    keys: str
    action: str


KEYS: tuple[KeyHelp, ...] = (
    KeyHelp("Title", "↑ ↓ Enter", "pick a menu entry (or click it)"),
    KeyHelp("Title", "n", "new game"),
    KeyHelp("Title", "c", "continue from the latest autosave"),
    KeyHelp("Title", "l", "load a saved game"),
    KeyHelp("Title", "h", "how to play"),
    KeyHelp("Title", "s", "settings"),
    KeyHelp("Title", "q", "quit"),
    KeyHelp("Game", "1 … 9", "take that choice"),
    KeyHelp("Game", "↑ ↓ Enter", "move through the choices and take one (or click it)"),
    KeyHelp("Game", "any key", "show the rest of the text at once while it types out"),
    KeyHelp("Game", "s", "save in a named slot"),
    KeyHelp("Game", "l", "load a saved game"),
    KeyHelp("Game", "u", "undo the last choice (not past a point of no return)"),
    KeyHelp("Game", "m", "the mission log"),
    KeyHelp("Game", "h", "history notes: how true the passage is, the facts behind it and their sources"),
    KeyHelp("Game", "g", "glossary: the words of this passage first, then all"),
    KeyHelp("Game", "PgUp PgDn", "scroll the story text"),
    KeyHelp("Game", "Esc", "back to the title screen (the game is autosaved)"),
    KeyHelp("Game", "q", "quit (asks first)"),
    KeyHelp("Debrief", "r", "replay the mission with the same dice"),
    KeyHelp("Debrief", "n", "new game"),
    KeyHelp("Debrief", "u", "undo the last choice and play on"),
    KeyHelp("Debrief", "f", "the full fact list with its sources"),
    KeyHelp("Debrief", "↑ ↓ PgUp PgDn", "scroll the debrief"),
    KeyHelp("Debrief", "Esc", "back to the title screen"),
    KeyHelp("Anywhere", "? / F1", "this list of keys"),
    KeyHelp("Anywhere", "Ctrl+P", "command palette: save, load, undo, restart, theme, settings"),
    KeyHelp("Anywhere", "Ctrl+Q", "quit at once"),
    KeyHelp("Dialogs", "Esc", "close without doing anything"),
    KeyHelp("Dialogs", "↑ ↓ PgUp PgDn", "scroll the help, how to play and the mission log"),
)
