"""The ``voskhod`` command line: a thin dispatcher over ``commands/``.

Each sub-command lives in its own module with a ``register(subparsers)``
function; heavy imports (Textual, aiohttp) happen inside the handlers so that
``voskhod --version`` and ``voskhod check`` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence

from . import __version__
from .commands.common import (
    GLOBAL_OPTIONS,
    add_lang_everywhere,
    add_saves_option,
    add_story_option,
    requested_language,
)
from .commands.parser import Parser
from .i18n import N_, _, set_language

COMMAND_MODULES = (
    "play",
    "check",
    "saves",
    "graph",
    "simulate",
    "schema",
    "new",
    "translate",
    "classroom",
)

EXIT_INTERNAL_ERROR = 3  # 0 done, 1 problems found, 2 usage error, 3 a bug in voskhod
DEBUG_ENV = "VOSKHOD_DEBUG"

DESCRIPTION = N_("""\
A text adventure and the story engine behind it: play a story, or write, check and test one.
With no command, the game opens in the terminal (same as `voskhod play`).""")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with ``only`` the one sub-command a run uses (the others'
    modules are not imported: about 10 ms of every start, before the game's first frame)."""
    parser = Parser(
        prog="voskhod",
        description=_(DESCRIPTION),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"voskhod {__version__}", help=_("show the version and exit")
    )
    add_story_option(parser)
    add_saves_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if only is None else (only,):
        importlib.import_module(f".commands.{name}", __package__).register(sub)
    add_lang_everywhere(parser)
    return parser


def with_command(args: list[str]) -> list[str]:
    """The arguments with ``play`` put in where no command was named.

    Options every command shares (``--story DIR``, ``--saves DIR``) may come first;
    ``voskhod --seed 3`` means ``voskhod play --seed 3`` and ``voskhod --saves DIR``
    means ``voskhod --saves DIR play``.
    """
    i = _after_global_options(args)
    rest = args[i:]
    if rest and (rest[0] in COMMAND_MODULES or rest[0] in {"-h", "--help", "--version"}):
        return args
    return [*args[:i], "play", *rest]


def _after_global_options(args: list[str]) -> int:
    """Where the command (or ``--help``) is in ``args``: after any options every command shares."""
    i = 0
    while i < len(args):
        word = args[i]
        if word in GLOBAL_OPTIONS and i + 1 < len(args):  # (without its value the command's parser says so)
            i += 2
        elif "=" in word and word.split("=", 1)[0] in GLOBAL_OPTIONS:
            i += 1
        else:
            break
    return i


def command_of(args: list[str]) -> str | None:
    """The sub-command ``args`` (as :func:`with_command` gives them) run; None for the top level's help or version."""
    i = _after_global_options(args)
    return args[i] if i < len(args) and args[i] in COMMAND_MODULES else None


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    set_language(early_language(words))  # the help texts are written while the parser is built
    words = with_command(words)
    parser = build_parser(command_of(words))  # a command's errors and help never mention the others
    args = parser.parse_args(words)
    tolerant_streams()
    set_language(requested_language(args)[0])  # the game's own words, once, for the whole run
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\n" + _("Interrupted."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug in voskhod: never let it pass for a finding (exit 1)
        return report_internal_error(exc, args.command or "play")


def early_language(words: list[str]) -> str:
    """The language asked for before the arguments are parsed: the last ``--lang X`` or the locale."""
    asked = ""
    for i, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and i + 1 < len(words):
            asked = words[i + 1]
        elif word.startswith("--lang="):
            asked = word.split("=", 1)[1]
    return asked or requested_language(argparse.Namespace())[0]


def tolerant_streams() -> None:
    """Let stdout and stderr print anything a story or a file name holds.

    Under a strict locale a file name that is not UTF-8 (or text the terminal's
    encoding lacks) would raise in the middle of a report; it is escaped instead.
    """
    from .line_input import lenient

    lenient(sys.stdout, "backslashreplace")
    lenient(sys.stderr, "backslashreplace")


def report_internal_error(exc: BaseException, command: str) -> int:
    """Say briefly that voskhod failed, keep the traceback, and return EXIT_INTERNAL_ERROR.

    With VOSKHOD_DEBUG=1 the traceback is printed; otherwise it goes to a file
    whose name is printed, so a bug report can carry it without flooding the
    terminal (or a CI log) with Python internals.
    """
    from .i18n import _

    details = "".join(traceback.format_exception(exc))
    summary = f"{type(exc).__name__}: {exc}"[:300]
    lines = [
        f"voskhod {command}: "
        + _("internal error, a bug in voskhod (not a problem in your files): {summary}").format(summary=summary)
    ]
    if os.environ.get(DEBUG_ENV) == "1":
        lines.append(details.rstrip())
    else:
        try:
            fd, name = tempfile.mkstemp(prefix="voskhod-crash-", suffix=".txt")
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
                f.write(f"voskhod {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n")
                f.write(f"command line: {sys.argv!r}\n\n{details}")
            lines.append(_("The details are in {path}: please attach that file to a bug report.").format(path=name))
        except OSError:
            lines.append(details.rstrip())
        lines.append(_("(Set {variable}=1 to print them here instead.)").format(variable=DEBUG_ENV))
    print("\n".join(lines), file=sys.stderr)
    return EXIT_INTERNAL_ERROR
