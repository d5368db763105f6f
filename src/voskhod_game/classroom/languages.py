"""Which languages a class can read in, and the story and the game's words in each.

Each student picks a language when joining (the phone page offers the ones
listed here; the terminal student sends its ``--lang`` or locale). The story is
loaded once per language that has a catalogue (``locales/LANG.po`` beside the
story), the game's words come from the package's catalogues, and the projector
stays in the teacher's language. Votes never depend on the language: they are
choice ids.

The game's words are looked up through the one current language of
``i18n``; :func:`speaking` switches it for the few synchronous lines that word
a message for another language (the server and the teacher screen share one
thread and never wait inside it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from .. import i18n
from ..i18n import N_
from ..story.model import Story
from ..story.translation import languages as story_languages
from .protocol import ProtocolError

log = logging.getLogger("voskhod.classroom")

MAX_LANG_CHARS = 35  # the longest BCP 47 tag a browser sends in practice ("zh-Hans-CN-u-nu-hanidec" is 23)
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$")
BAD_LANGUAGE = N_("“lang” must be a language code such as en or ru.")


def parse_language(value: object) -> str:
    """A language tag from a client (``ru``, ``ru-RU``, ``pt_BR``), or ProtocolError saying what is wrong.

    Empty means "no preference". Anything else (a path, markup, 10 kB) is refused,
    never looked up as a file or shown back."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > MAX_LANG_CHARS or not LANG_TAG.match(value):
        raise ProtocolError("bad_language", BAD_LANGUAGE)
    return value


def accepted_languages(header: str, limit: int = 12) -> list[str]:
    """The tags of an ``Accept-Language`` header, best first; malformed parts are skipped."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:limit]):
        tag, _sep, params = part.strip().partition(";")
        tag = tag.strip()
        if not LANG_TAG.match(tag):
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if 0 < quality <= 1:
            weighted.append((-quality, position, tag))
    return [tag for _q, _p, tag in sorted(weighted)]


@cache
def language_name(code: str) -> str:
    """A language's name in itself (``русский``, ``English``), so a reader finds their own."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:] if name else code


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """The game's words in ``lang`` inside the block, the teacher's again after it (no awaits inside)."""
    previous = i18n.language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(previous)


class Languages:
    """The languages on offer for one story, and the story loaded in each (loaded when first asked for)."""

    def __init__(self, story: Story, teacher: str | None = None) -> None:
        self.teacher = teacher or i18n.language()  # the projector's language: the game's words as started
        self.story = story  # loaded in the teacher's language
        self.story_langs = story_languages(story.root) if story.root.is_dir() else []
        offered = dict.fromkeys([i18n.SOURCE_LANGUAGE, *i18n.game_languages(), *self.story_langs])
        self.offered = list(offered)
        self._stories: dict[str, Story] = {story.language: story}

    def pick(self, wanted: list[str] | str) -> str:
        """The offered language closest to what a reader asked for (tags best first); the teacher's without a match."""
        for tag in [wanted] if isinstance(wanted, str) else wanted:
            if not tag:
                continue
            code = tag.replace("-", "_")
            lang, _sep, region = code.partition("_")
            for candidate in (f"{lang.lower()}_{region.upper()}" if region else "", lang.lower()):
                if candidate and candidate in self.offered:
                    return candidate
        return self.teacher

    def choices(self) -> list[dict[str, str]]:
        """``[{"code": "en", "name": "English"}, …]`` for a language picker."""
        return [{"code": code, "name": language_name(code)} for code in self.offered]

    def story_in(self, lang: str) -> Story:
        """The story in ``lang`` (its own language when it has no catalogue for it, or the catalogue fails)."""
        key = lang if lang in self.story_langs else ""
        if key == self.story.language:
            return self.story
        story = self._stories.get(key)
        if story is None:
            from ..story.loader import StoryError, load_story

            try:
                story = load_story(self.story.root, key)
            except StoryError as exc:
                log.warning("the %s translation of the story cannot be used: %s", key or "source", str(exc)[:300])
                story = self.story
            self._stories[key] = story
        return story
