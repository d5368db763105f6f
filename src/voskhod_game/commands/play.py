"""``voskhod play``: the game, in the Textual app or in line mode."""

from __future__ import annotations

import argparse
import sys

from ..i18n import _
from .common import add_saves_option, add_story_option, load_or_report, store_for, story_arg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("play", help=_("play the game (the default command)"), description=_("Play the game."))
    add_story_option(p)
    add_saves_option(p)
    p.add_argument("--seed", type=int, help=_("seed for chance outcomes: the same seed and choices give the same game"))
    p.add_argument("--load", metavar="SLOT", help=_("start from a save slot (`autosave` for the latest autosave)"))
    p.add_argument(
        "--plain", action="store_true", help=_("line mode: plain text on stdin/stdout (screen readers, pipes)")
    )
    p.add_argument("--watch", action="store_true", help=_("reload the story when its files change"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    plain = args.plain or not (sys.stdin.isatty() and sys.stdout.isatty())
    if plain:
        story = load_or_report(story_arg(args), args)
        if story is None:
            return 1
        from ..plain import run_plain

        return run_plain(story, store_for(args), seed=args.seed, load=args.load, watch=_watcher(args))
    try:
        from ..tui.app import run_app
    except ImportError:  # the Textual front end is not built yet
        story = load_or_report(story_arg(args), args)
        if story is None:
            return 1
        from ..plain import run_plain

        return run_plain(story, store_for(args), seed=args.seed, load=args.load, watch=_watcher(args))
    return run_app(args)


def _watcher(args: argparse.Namespace):  # -> StoryWatcher | None
    """A story watcher when ``--watch`` was given (line mode reloads through it)."""
    if not getattr(args, "watch", False):
        return None
    from ..watch import StoryWatcher
    from .common import story_path

    return StoryWatcher(story_path(story_arg(args)))
