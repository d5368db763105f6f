"""Nicknames: cleaning what a student typed, generating one, and the teacher's filter.

A nickname is shown on the projector in front of the class, so it is cleaned
(printable, single spaces, short) and checked against a small built-in list of
words a class should not see, which the teacher can extend with a file
(``voskhod classroom host --blocked-names FILE``). The check is deliberately
simple and predictable: it folds case, accents and common look-alike digits
(``sh1t``), and matches whole words, or anywhere in the name for entries written
``*like-this*``, so "Cassandra" or "Dickens" are not refused for a short word
inside them.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

ADJECTIVES = (
    "Brave", "Calm", "Swift", "Bright", "Quiet", "Steady", "Bold", "Keen", "Lucky", "Clever",
    "Silver", "Golden", "Polar", "Lunar", "Solar", "Cosmic", "Red", "Blue", "Amber", "Jade",
)  # fmt: skip
NOUNS = (
    "Falcon", "Comet", "Orbit", "Rocket", "Nebula", "Pilot", "Quasar", "Meteor", "Beacon", "Sputnik",
    "Vostok", "Kestrel", "Aurora", "Capsule", "Tether", "Hatch", "Zenith", "Pulsar", "Lander", "Star",
)  # fmt: skip
LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "!": "i", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t"})
BUILTIN_LIST = "blocked_names.txt"


def generated_name() -> str:
    return f"{secrets.choice(ADJECTIVES)} {secrets.choice(NOUNS)} {secrets.randbelow(90) + 10}"


def clean_name(text: str, limit: int) -> str:
    """A nickname safe to show on a projector: printable, single spaces, at most ``limit`` characters.

    Control and format characters (NUL, RTL and zero-width marks) go, so a name
    cannot reorder or hide the text around it."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if category.startswith("C") or category in {"Zl", "Zp"}:
            continue
        out.append(" " if ch.isspace() else ch)
    return " ".join("".join(out).split())[:limit].strip()


def fold(text: str) -> str:
    """Lower case, accents dropped, look-alike digits and signs read as letters."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LOOK_ALIKES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse_entries(lines: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole words, anywhere-fragments) from list lines; ``#`` starts a comment."""
    words: set[str] = set()
    fragments: list[str] = []
    for raw in lines:
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        anywhere = entry.startswith("*") and entry.endswith("*") and len(entry) > 2
        folded = re.sub(r"[^a-z]", "", fold(entry.strip("*")))
        if not folded:
            continue
        if anywhere:
            fragments.append(folded)
        else:
            words.add(folded)
    return frozenset(words), tuple(fragments)


class NameFilter:
    """Refuses nicknames that hold a listed word."""

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self.words, self.fragments = parse_entries(lines)

    @classmethod
    def builtin(cls, extra: Path | None = None) -> NameFilter:
        """The built-in list, plus the teacher's file when given (OSError when it cannot be read)."""
        lines = resources.files(__package__).joinpath(BUILTIN_LIST).read_text(encoding="utf-8").splitlines()
        if extra is not None:
            lines += extra.read_text(encoding="utf-8", errors="replace").splitlines()
        return cls(lines)

    def refuses(self, name: str) -> bool:
        folded = fold(name)
        tokens = re.findall(r"[a-z]+", folded)
        if any(token in self.words for token in tokens):
            return True
        squashed = "".join(tokens)
        return any(fragment in squashed for fragment in self.fragments)
