"""Helpers the sub-commands share: finding and loading a story, printing problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import default_story_dir, saves_dir

if TYPE_CHECKING:  # the loader pulls in PyYAML: import it only when a command needs a story
    from ..story.model import Story


def add_story_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--story", metavar="DIR", help="story directory (default: the Voskhod-2 story)")


def add_saves_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--saves", metavar="DIR", help="save directory (default: $VOSKHOD_SAVES, or saves/)")


def story_path(arg: str | None) -> Path:
    return Path(arg) if arg else default_story_dir()


def load_or_report(arg: str | None) -> Story | None:
    """Load the story or print every problem to stderr and return None."""
    from ..story.diagnostics import StoryError
    from ..story.loader import load_story

    try:
        return load_story(story_path(arg))
    except StoryError as exc:
        print(f"The story cannot be played: {exc}", file=sys.stderr)
        print(exc.report(), file=sys.stderr)
        return None


def store_for(args: argparse.Namespace):
    from ..engine.saves import SaveStore

    return SaveStore(saves_dir(getattr(args, "saves", None)))
