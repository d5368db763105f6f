"""The ``voskhod`` command line: a thin dispatcher over ``commands/``.

Each sub-command lives in its own module with a ``register(subparsers)``
function; heavy imports (Textual, aiohttp) happen inside the handlers so that
``voskhod --version`` and ``voskhod check`` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __version__
from .commands.common import GLOBAL_OPTIONS, add_saves_option, add_story_option

COMMAND_MODULES = (
    "play",
    "check",
    "saves",
    "graph",
    "simulate",
    "schema",
    "new",
    "classroom",
)

DESCRIPTION = """\
A text adventure and the story engine behind it: play a story, or write, check and test one.
With no command, the game opens in the terminal (same as `voskhod play`)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voskhod",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"voskhod {__version__}")
    add_story_option(parser)
    add_saves_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(sub)
    return parser


def with_command(args: list[str]) -> list[str]:
    """The arguments with ``play`` put in where no command was named.

    Options every command shares (``--story DIR``, ``--saves DIR``) may come first;
    ``voskhod --seed 3`` means ``voskhod play --seed 3`` and ``voskhod --saves DIR``
    means ``voskhod --saves DIR play``.
    """
    i = 0
    while i < len(args):
        word = args[i]
        if word in GLOBAL_OPTIONS:
            i += 2
        elif word.split("=", 1)[0] in GLOBAL_OPTIONS:
            i += 1
        else:
            break
    rest = args[i:]
    if rest and (rest[0] in COMMAND_MODULES or rest[0] in {"-h", "--help", "--version"}):
        return args
    return [*args[:i], "play", *rest]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(with_command(list(sys.argv[1:] if argv is None else argv)))
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
