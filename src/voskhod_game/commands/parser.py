"""The argument parser, speaking the player's language in argparse's own words too.

argparse writes a few words itself (``usage:``, the section titles, ``-h``'s
help, ``error:``); through this parser they come from the game's catalogue like
every other message, so ``voskhod --lang ru check --help`` is Russian
throughout. The language must be set before the parser is built (cli.py).
Error messages argparse composes (``invalid choice: ...``) stay as it writes them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from ..i18n import N_, _

USAGE = N_("usage: ")


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = _("show this help message and exit")

    def _get_formatter(self) -> argparse.HelpFormatter:
        return _translated(self.formatter_class)(prog=self.prog)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, _("{prog}: error: {message}").format(prog=self.prog, message=message) + "\n")


def _translated(base: Any) -> Any:
    """``base`` (a HelpFormatter class) with the usage line's prefix in the player's language."""

    class Formatter(base):  # type: ignore[misc, valid-type]
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, _(USAGE) if prefix is None else prefix)

    return Formatter
