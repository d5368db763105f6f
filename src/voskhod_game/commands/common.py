"""Helpers the sub-commands share: the shared options, finding and loading a story, printing problems.

``--story`` and ``--saves`` mean the same at every level: ``voskhod --saves DIR saves
list``, ``voskhod saves --saves DIR list`` and ``voskhod saves list --saves DIR`` all
read DIR. Each level declares the option with a suppressed default, so a level where
it was not given never overwrites the value from another level (argparse copies a
sub-command's defaults over its parent's otherwise), and the innermost one wins.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import default_story_dir, saves_dir

if TYPE_CHECKING:  # the loader pulls in PyYAML: import it only when a command needs a story
    from ..engine.saves import SaveStore
    from ..story.model import Story


GLOBAL_OPTIONS = ("--story", "--saves")  # accepted before the command too; each takes a value


def add_story_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--story",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="story directory (default: the story that comes with the game)",
    )


def add_saves_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--saves",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="save directory (default: $VOSKHOD_SAVES, or saves/)",
    )


def story_arg(args: argparse.Namespace, positional: str | None = None) -> str | None:
    """The story directory a command was given: its own argument first, then ``--story``."""
    return positional or getattr(args, "story", None)


def story_path(arg: str | None) -> Path:
    return Path(arg) if arg else default_story_dir()


def load_or_report(arg: str | None) -> Story | None:
    """Load the story or print every problem to stderr and return None."""
    from ..story.diagnostics import StoryError
    from ..story.loader import load_story
    from ..story.parsed import on_disk

    try:
        return load_story(story_path(arg), on_disk())
    except StoryError as exc:
        print(f"The story cannot be played: {exc}", file=sys.stderr)
        print(exc.report(), file=sys.stderr)
        return None


def store_for(args: argparse.Namespace) -> SaveStore:
    from ..engine.saves import SaveStore

    return SaveStore(saves_dir(getattr(args, "saves", None)))
