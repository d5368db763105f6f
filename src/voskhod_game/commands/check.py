"""``voskhod check``: validate story directories; exit 0 clean, 1 problems, 2 usage."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..paths import default_story_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate a story", description="Validate story directories.")
    p.add_argument("dirs", nargs="*", metavar="DIR", help="story directories (default: the Voskhod-2 story)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..story.loader import analyse_story

    dirs = [Path(d) for d in args.dirs] or [default_story_dir()]
    missing = [d for d in dirs if not d.is_dir()]
    if missing:
        for d in missing:
            print(f"voskhod check: {d}: no such directory", file=sys.stderr)
        return 2
    diagnostics = []
    for d in dirs:
        _, found = analyse_story(d)
        diagnostics.extend(found)
    diagnostics.sort(key=lambda x: (str(x.path), x.line, x.col, x.code))
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.format == "json":
        print(
            json.dumps(
                {"diagnostics": [d.to_json() for d in diagnostics], "errors": errors, "warnings": warnings}, indent=2
            )
        )
    else:
        for d in diagnostics:
            print(d.format())
        names = ", ".join(str(d) for d in dirs)
        if diagnostics:
            print(f"{names}: {errors} error(s), {warnings} warning(s)")
        else:
            print(f"{names}: no problems found")
    return 1 if diagnostics else 0
