"""Helpers the sub-commands share: the shared options, finding and loading a story, printing problems.

``--story`` and ``--saves`` mean the same at every level: ``voskhod --saves DIR saves
list``, ``voskhod saves --saves DIR list`` and ``voskhod saves list --saves DIR`` all
read DIR. Each level declares the option with a suppressed default, so a level where
it was not given never overwrites the value from another level (argparse copies a
sub-command's defaults over its parent's otherwise), and the innermost one wins.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from ..paths import default_story_dir, saves_dir

if TYPE_CHECKING:  # the loader pulls in PyYAML: import it only when a command needs a story
    from ..engine.saves import SaveStore
    from ..story.model import Story


GLOBAL_OPTIONS = ("--story", "--saves", "--lang")  # accepted before the command too; each takes a value
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # where the language comes from without --lang


def add_story_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--story",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_("story directory (default: the story that comes with the game)"),
    )


def add_saves_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--saves",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_("save directory (default: $VOSKHOD_SAVES, or saves/)"),
    )


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        metavar="LANG",
        default=argparse.SUPPRESS,
        help=_("language, e.g. ru (default: the locale; a story without that translation is shown in its own)"),
    )


def add_lang_everywhere(parser: argparse.ArgumentParser) -> None:
    """``--lang`` on a parser and every sub-command below it, so it means the same at every level."""
    if not any("--lang" in action.option_strings for action in parser._actions):
        add_lang_option(parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                add_lang_everywhere(child)


def requested_language(args: argparse.Namespace) -> tuple[str, bool]:
    """The language asked for, and whether it was asked for explicitly (``--lang``) or is the locale's."""
    from ..story.translation import language_from_locale

    explicit = getattr(args, "lang", None)
    if explicit:
        return explicit, True
    for name in LOCALE_VARIABLES:
        value = os.environ.get(name)
        if value:
            return language_from_locale(value), False
    return "", False


def translation_for(lang: str, root: Path) -> str:
    """``lang`` (``ru_RU``, ``ru``) as a translation the story in ``root`` has; "" for the story as
    written (asked for its own language, for one it has no catalogue for, or for no language)."""
    from ..story.loader import source_language
    from ..story.parsed import on_disk
    from ..story.translation import LANG_RE, languages

    if not lang or not LANG_RE.match(lang):
        return ""
    base = lang.split("_", 1)[0]
    available = languages(root)
    found = next((candidate for candidate in (lang, base) if candidate in available), "")
    # The manifest is read only when a catalogue would be used: a story without one for this
    # language is shown as written whatever its own language is (one read less at start-up).
    if found and source_language(root, on_disk()) in (lang, base):
        return ""
    return found


def story_language(args: argparse.Namespace, root: Path) -> str:
    """The language to load ``root`` in ("" for the story as written); one line on stderr when it cannot be had.

    The story's own language (its manifest's ``language:``, English by default)
    needs no catalogue: asking for it shows the story as written, silently. A
    language the story has no catalogue for is said once when ``--lang`` asked
    for it (the locale is only a preference), and so is a value that is not a
    language code at all.
    """
    lang, explicit = requested_language(args)
    if not lang:
        return ""  # the story as written: the loader is not imported here (the TUI reads it in a thread)
    from ..story.diagnostics import visible
    from ..story.loader import source_language
    from ..story.parsed import on_disk
    from ..story.translation import LANG_RE

    if not LANG_RE.match(lang):
        if explicit:
            note = _("“{lang}” is not a language code such as ru or pt_BR; the story is shown in its own language.")
            print(note.format(lang=visible(lang[:40])), file=sys.stderr)
        return ""
    found = translation_for(lang, root)
    if found or not explicit:
        return found
    own = source_language(root, on_disk())
    if own not in (lang, lang.split("_", 1)[0]):
        note = _("This story has no {lang} translation; it is shown in its own language ({own}).")
        print(note.format(lang=lang, own=own), file=sys.stderr)
    return ""


def story_arg(args: argparse.Namespace, positional: str | None = None) -> str | None:
    """The story directory a command was given: its own argument first, then ``--story``."""
    return positional or getattr(args, "story", None)


def story_path(arg: str | None) -> Path:
    return Path(arg) if arg else default_story_dir()


def load_or_report(arg: str | None, args: argparse.Namespace | None = None) -> Story | None:
    """Load the story (in the language ``args`` ask for) or print every problem to stderr and return None."""
    from ..story.diagnostics import StoryError
    from ..story.loader import load_story
    from ..story.parsed import on_disk

    root = story_path(arg)
    lang = story_language(args, root) if args is not None else ""
    try:
        return load_story(root, lang, on_disk())
    except StoryError as exc:
        print(_("The story cannot be played: {problem}").format(problem=exc), file=sys.stderr)
        print(exc.report(), file=sys.stderr)
        return None


def cannot_write(path: str | Path, exc: OSError) -> str:
    return _("cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)


def write_or_report(command: str, path: str | Path, text: str) -> int:
    """Write ``text`` to ``path`` (exit status 0), or say why not in one line on stderr (1)."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"voskhod {command}: {cannot_write(path, exc)}", file=sys.stderr)
        return 1
    return 0


def store_for(args: argparse.Namespace) -> SaveStore:
    from ..engine.saves import SaveStore

    return SaveStore(saves_dir(getattr(args, "saves", None)))
