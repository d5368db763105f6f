"""``voskhod new DIR``: scaffold a small story that passes ``check`` and plays to an ending."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new",
        help=_("start a new story from a small working example"),
        description=_(
            "Write a small, complete story into DIR (which must be new or empty): a manifest with a "
            "custom meter, two scene files, a fact sheet and JSON Schemas for your editor (each file names its "
            "schema in a `yaml-language-server` modeline). Then: "
            "`voskhod check DIR`, `voskhod play --story DIR --watch`."
        ),
    )
    p.add_argument("dir", metavar="DIR", help=_("folder for the new story (created; must be empty if it exists)"))
    p.add_argument("--title", help=_("the story's title (default: from the folder name)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..authoring.scaffold import ScaffoldError, scaffold, shell_word

    directory = Path(args.dir)
    try:
        written = scaffold(directory, args.title)
    except ScaffoldError as exc:
        print(f"voskhod new: {exc}", file=sys.stderr)
        return 1
    print(_("Created a new story in {folder}:").format(folder=directory))
    for path in written:
        print(f"  {path.name}")
    print()
    print(_("Next:"))
    word = shell_word(directory)
    commands = [
        (f"voskhod check {word}", _("problems, with a hint each")),
        (f"voskhod play --story {word} --watch", _("play; edits reload as you save")),
        (f"voskhod graph {word} -o map.mmd", _("see its shape (Mermaid; .svg or .png with Graphviz)")),
    ]
    width = max(len(command) for command, _why in commands)
    for command, why in commands:
        print(f"  {command:<{width}}  # {why}")
    print(_("A tutorial: docs/writing-scenes.md"))
    return 0
