"""What a player types in line mode, made safe to act on: any bytes, any script, never a crash.

Input comes from keyboards in every locale, from screen readers, pipes and
scripts. Under a strict UTF-8 locale one invalid byte would raise while
reading; invisible characters (a right-to-left mark, a zero-width space, a
NUL) would make ``1`` fail to match; and Python counts ``²`` and ``⑧`` as
digits that ``int()`` then refuses. This module turns a raw line into words the
game can use, and says plainly when a "number" cannot be a choice.
"""

from __future__ import annotations

import unicodedata
from typing import TextIO

from .i18n import _

MAX_CHOICE_DIGITS = 6  # no beat has a million choices; longer numbers are refused before int()
MAX_SHOWN = 40  # characters of a player's word repeated back in a message


def lenient(stream: TextIO, errors: str = "replace") -> None:
    """Make a strict text stream handle bytes (or characters) its encoding lacks with ``errors``.

    ``replace`` suits input (U+FFFD for a bad byte), ``backslashreplace`` output.
    Streams without ``reconfigure`` (StringIO) have no encoding to fail.
    """
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", None) == "strict":
        reconfigure(errors=errors)


def clean(line: str) -> str:
    """The line without control and invisible format characters (NUL, RTL marks, BOM, ZWSP),
    and with undecodable bytes shown as U+FFFD, so whatever is echoed back can be printed."""
    if line.isascii() and line.isprintable():  # the usual case
        return line.strip()
    kept = []
    for ch in line:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf"):
            if ch in "\t\n\r":
                kept.append(" ")
        elif category == "Cs":  # an undecodable byte kept as a lone surrogate (surrogateescape)
            kept.append("\ufffd")
        else:
            kept.append(ch)
    return "".join(kept).strip()


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class NotAChoice(ValueError):
    """A word that looks like a number but cannot name a choice; the message is for the player."""


def choice_word(word: str) -> str:
    """``word`` with a choice number written in any script's decimal digits turned into ASCII.

    Arabic-Indic ``٣`` or full-width ``３`` mean 3. Digits that are not decimal
    (``²``, ``⑧``) and numbers too long to be a choice raise NotAChoice.
    """
    if word.isascii() and (not word.isdigit() or len(word) <= MAX_CHOICE_DIGITS):
        return word
    if not word.isdigit():  # text in any script: a choice id, a command, or nothing we know
        return word
    if not word.isdecimal():
        raise NotAChoice(_("“{word}” is not written with ordinary digits").format(word=shorten(word)))
    if len(word) > MAX_CHOICE_DIGITS:
        raise NotAChoice(
            _("there is no choice number {number} ({digits:,} digits)").format(
                number=shorten(word, 12), digits=len(word)
            )
        )
    return "".join(str(unicodedata.decimal(ch)) for ch in word)
