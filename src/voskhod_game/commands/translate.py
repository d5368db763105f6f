"""``voskhod translate``: make and keep up to date a story's translation catalogues (gettext PO files).

    voskhod translate extract [DIR]        locales/story.pot: every text a player can see
    voskhod translate init LANG [DIR]      locales/LANG.po, ready for Poedit, Weblate or an editor
    voskhod translate update [DIR]         merge a changed story into every catalogue
    voskhod translate game                 the game's own words: locales/messages.pot and each LANG.po

``voskhod check`` then reports missing and stale translations and broken ones.
docs/translating.md takes a translator through it.
"""

from __future__ import annotations

import argparse
import sys

from ..i18n import _, ngettext
from .common import add_story_option, load_or_report, story_arg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "translate",
        help=_("make and update a story's translation catalogues"),
        description=_("Make and update a story's translation catalogues (gettext PO files in DIR/locales/)."),
    )
    add_story_option(p)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    extract = actions.add_parser("extract", help=_("write locales/story.pot with every text a player can see"))
    extract.add_argument("dir", nargs="?", metavar="DIR", help=_("story directory"))
    init = actions.add_parser("init", help=_("start locales/LANG.po for a new language"))
    # not `lang`: that is --lang, the language voskhod itself speaks in
    init.add_argument("language", metavar="LANG", help=_("language code such as ru or pt_BR"))
    init.add_argument("dir", nargs="?", metavar="DIR", help=_("story directory"))
    update = actions.add_parser("update", help=_("merge a changed story into the template and every catalogue"))
    update.add_argument("dir", nargs="?", metavar="DIR", help=_("story directory"))
    actions.add_parser(
        "game",
        help=_("refresh the game's own template (locales/messages.pot in the package) and merge it into each language"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..authoring import translate

    if args.action == "game":
        return run_game()
    story = load_or_report(story_arg(args, getattr(args, "dir", None)))
    if story is None:
        return 1
    try:
        if args.action == "extract":
            written = [translate.extract(story)]
        elif args.action == "init":
            written = [translate.init(story, args.language)]
        else:
            written = translate.update(story)
    except ValueError as exc:
        print(f"voskhod translate: {exc}", file=sys.stderr)
        return 2
    except FileExistsError as exc:
        print(f"voskhod translate: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"voskhod translate: {cannot_write(exc)}", file=sys.stderr)
        return 1
    for w in written:
        if w.path.suffix == ".pot":
            print(f"{w.path}: {texts(w.total)}")
        else:
            todo = w.new + w.stale
            counts = _("{kept} translated, {stale} to check (source changed), {new} new; {todo} to do")
            print(f"{w.path}: " + counts.format(kept=w.kept, stale=w.stale, new=w.new, todo=todo))
    return 0


def texts(n: int) -> str:
    return ngettext("{n} text", "{n} texts", n).format(n=n)


def cannot_write(exc: OSError) -> str:
    return _("cannot write ({reason})").format(reason=exc.strerror or exc)


def run_game() -> int:
    """Extract the program's ``_()`` words from its source and merge them into every game catalogue."""
    from ..authoring.game_words import update_game_catalogues

    try:
        written = update_game_catalogues()
    except OSError as exc:
        print(f"voskhod translate: {cannot_write(exc)}", file=sys.stderr)
        return 1
    for path, done, todo in written:
        counts = (
            texts(todo) if path.suffix == ".pot" else _("{done} translated; {todo} to do").format(done=done, todo=todo)
        )
        print(f"{path}: {counts}")
    return 0
