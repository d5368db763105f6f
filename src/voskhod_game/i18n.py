"""The game's own words in the player's language: gettext catalogues read with Babel.

Everything the program itself says (line mode, the TUI, command-line messages,
the presentation layer's words) is written in English inside ``_()`` or
``ngettext()`` and translated from ``locales/LANG.po`` in this package. Stories
have their own catalogues (story/translation.py); these are the game's.

The language is chosen once at start (``--lang`` or the locale, see
commands/common.py ``requested_language``) with :func:`set_language`; a part
that serves several people at once (the classroom) asks :func:`translator`
for one language explicitly. A word without a translation is shown in English,
never as an empty string or an id.

Words that must exist before the language is known (module constants such as
the help text) are marked with :func:`N_` and translated where they are shown.

Refresh the template with ``voskhod translate game`` (Babel's extractor over
this package); tests/test_game_words.py keeps every catalogue complete.
"""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locales"
TEMPLATE = LOCALE_DIR / "messages.pot"
SOURCE_LANGUAGE = "en"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}

_current = SOURCE_LANGUAGE


def game_languages() -> list[str]:
    """The languages the game's own words are available in, English first."""
    return [SOURCE_LANGUAGE, *sorted(p.stem for p in LOCALE_DIR.glob("*.po"))]


def supported(lang: str) -> str:
    """``lang`` (``ru``, ``ru_RU``) as a language the game speaks; English when it has no catalogue."""
    available = game_languages()
    if lang in available:
        return lang
    base = lang.split("_", 1)[0]
    return base if base in available else SOURCE_LANGUAGE


@cache
def translator(lang: str) -> gettext.NullTranslations:
    """The game's words in ``lang``, read once: PO parsed by Babel, compiled in memory (fuzzy entries skipped).

    English needs no catalogue, so Babel (10 ms to import) is not loaded for it.
    """
    lang = supported(lang)
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / f"{lang}.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_language(lang: str) -> str:
    """Speak ``lang`` from now on (once at start, or from a settings screen); returns the one used."""
    global _current
    _current = supported(lang) if lang else SOURCE_LANGUAGE
    return _current


def language() -> str:
    """The language the game currently speaks (``en``, ``ru``)."""
    return _current


def _(message: str) -> str:
    """``message`` in the current language (English when it has no translation)."""
    return translator(_current).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the template without translating it yet (module constants)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` for the template in ``context`` (a shorter word for a tight place), untranslated."""
    return message


def pgettext(context: str, message: str) -> str:
    """``message`` as translated for ``context``; else its plain translation; else English."""
    found = translator(_current).pgettext(context, message)
    return found if found != message else _(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted phrase for ``n`` (Russian has three), in the current language."""
    return translator(_current).ngettext(singular, plural, n)


YES = N_("yes")  # a flag's value in text, in the story's language
NO = N_("no")


def format_number(value: float, decimals: int | None, lang: str = "") -> str:
    """``3.5`` in English, ``3,5`` in Russian: the decimal sign of the language (no grouping).

    ``decimals`` None writes as few digits as the value needs (``40.5``, ``34``),
    for a meter's range and rate; a number gives exactly that many places.
    """
    if decimals is None:
        text = f"{value:g}"
    elif decimals > 0:
        text = f"{value:.{decimals}f}"
    else:
        text = str(round(value))
    if lang and supported(lang) != SOURCE_LANGUAGE:
        from babel.numbers import get_decimal_symbol

        text = text.replace(".", get_decimal_symbol(lang))
    return text


def format_grouped(value: float, decimals: int = 0) -> str:
    """``1,763.5`` in English, ``1 763,5`` in Russian: counts in reports, grouped, in the current language."""
    if _current == SOURCE_LANGUAGE:
        return f"{value:,.{decimals}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round(value, decimals), format=pattern, locale=_current)


def format_day(day: date, with_year: bool = True, lang: str | None = None) -> str:
    """``24 Nov 1957`` in English, ``24 нояб. 1957 г.`` in Russian (Babel's medium date)."""
    lang = _current if lang is None else supported(lang)
    if lang == SOURCE_LANGUAGE:
        return day.strftime("%d %b %Y" if with_year else "%d %b").lstrip("0")
    from babel.dates import format_date

    return format_date(day, "medium" if with_year else "d MMM", locale=lang)
