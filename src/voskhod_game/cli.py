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
Voskhod-2, 18-19 March 1965: you are Alexei Leonov on the first spacewalk.
With no command, the game opens in the terminal (same as `voskhod play`)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voskhod",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"voskhod {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in {"-h", "--help", "--version"}):
        args_list = ["play", *args_list]
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
