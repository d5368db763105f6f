"""``voskhod schema``: JSON Schema of the story format, generated from ``story/schema.py``.

The loader validates with the same declarations, so the schema cannot drift
from what ``voskhod check`` accepts. Editors with the YAML language server
use it for completion and inline errors (see docs/writing-scenes.md).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..i18n import _
from .common import write_or_report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema",
        help=_("print the JSON Schema of story files (for editors)"),
        description=_(
            "Print the JSON Schema of a scene file (default), of the manifest, story.yaml, or of facts.yaml."
        ),
    )
    p.add_argument(
        "--kind", choices=["scene", "manifest", "facts"], default="scene", help=_("which file kind (default scene)")
    )
    p.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of stdout"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..story.schema import json_schema

    text = json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False) + "\n"
    if not args.output:
        sys.stdout.write(text)
        return 0
    if write_or_report("schema", args.output, text):
        return 1
    print(_("Wrote the {kind} schema to {path}").format(kind=args.kind, path=args.output), file=sys.stderr)
    return 0
