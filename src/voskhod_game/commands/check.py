"""``voskhod check``: validate story directories and analyse them for likely mistakes.

Exit status: 0 when nothing is reported, 1 when any error or warning is
reported (after ``--ignore``), 2 for a usage error such as a missing directory.
Warnings count as problems so that CI catches a beat nobody can reach; a team
that accepts one kind of warning says so with ``--ignore W405``, or for one
beat or choice with ``ignore: {W403: why}`` in the story. Neither can hide an
error: a V code there is refused.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _, ngettext
from ..paths import default_story_dir

if TYPE_CHECKING:
    from ..story.diagnostics import Diagnostic


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help=_("validate a story and warn about likely mistakes"),
        description=_(
            "Validate story directories and analyse them (unreachable beats, soft-locks, conditions "
            "that can never be true...). Every code is explained in docs/diagnostics.md. Exit status: 0 clean, "
            "1 errors or warnings found, 2 usage error."
        ),
    )
    p.add_argument(
        "dirs", nargs="*", metavar="DIR", help=_("story directories (default: the story that comes with the game)")
    )
    p.add_argument("--format", choices=["text", "json"], default="text", help=_("output format (json for editors)"))
    p.add_argument(
        "--ignore",
        metavar="CODES",
        default="",
        help=_("comma-separated warning codes to leave out, e.g. W405,W410 (errors cannot be left out)"),
    )
    p.add_argument("--no-analysis", action="store_true", help=_("only what the loader validates (no W codes)"))
    p.set_defaults(func=run)


def check_dir(directory: Path, analysis: bool = True, ignored: list[Diagnostic] | None = None) -> list[Diagnostic]:
    """Loader diagnostics for ``directory`` plus, when it loads, analysis warnings, causes first.

    Warnings the story's own ``ignore:`` accepts are left out (and added to ``ignored``).
    """
    from ..gcpause import collector_paused
    from ..story.diagnostics import cause_first
    from ..story.loader import analyse_story_sources
    from ..story.parsed import on_disk

    # One pause from the load to the last warning: between the steps the loaded story
    # is still alive, and an automatic collection there rescans all of it (a second or
    # more on a 10,000-beat story) to find no cycle to free.
    with collector_paused():
        story, found, sources = analyse_story_sources(directory, files=on_disk())
        if analysis and story is not None and not any(d.severity == "error" for d in found):
            from ..authoring.analysis import analyse

            found = [*found, *analyse(story, ignored=ignored, sources=sources)]
        if story is not None:
            from ..authoring.translate import check_translations

            found = [*found, *check_translations(directory)]
        return sorted(found, key=cause_first)


def ignore_codes(text: str) -> tuple[set[str], list[str]]:
    """The codes ``--ignore`` names, and why any of them cannot be ignored."""
    from ..story.diagnostics import ignorable

    codes = {c.strip().upper() for c in text.split(",") if c.strip()}
    return codes, [problem for code in sorted(codes) if (problem := ignorable(code))]


def check_summary(errors: int, warnings: int, accepted: int) -> str:
    """The last line of a text report, after ``DIR:``, in the player's language: the counts a writer reads."""
    if errors or warnings:
        text = _("{errors}, {warnings}").format(
            errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
            warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
        )
    else:
        text = _("no problems found")
    if accepted:
        text += " " + ngettext(
            "({n} warning accepted by `ignore:` in the story)",
            "({n} warnings accepted by `ignore:` in the story)",
            accepted,
        ).format(n=accepted)
    return text


def run(args: argparse.Namespace) -> int:
    ignore, problems = ignore_codes(args.ignore)
    if problems:
        for problem in problems:
            print(f"voskhod check: --ignore: {problem.replace('`', '')}", file=sys.stderr)
        print("voskhod check: " + _("--ignore takes warning codes such as W405 (docs/diagnostics.md)"), file=sys.stderr)
        return 2
    given = args.dirs or ([args.story] if getattr(args, "story", None) else [])
    dirs = [Path(d) for d in given] or [default_story_dir()]
    missing = [directory for directory in dirs if not directory.is_dir()]
    if missing:
        for directory in missing:
            print(f"voskhod check: {directory}: " + _("no such directory"), file=sys.stderr)
        return 2
    diagnostics: list[Diagnostic] = []
    ignored: list[Diagnostic] = []
    for directory in dirs:  # each folder's problems together, causes first
        diagnostics.extend(x for x in check_dir(directory, not args.no_analysis, ignored) if x.code not in ignore)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.format == "json":
        print(
            json.dumps(
                {
                    "diagnostics": [d.to_json() for d in diagnostics],
                    "errors": errors,
                    "warnings": warnings,
                    "ignored_in_story": len(ignored),
                },
                indent=2,
            )
        )
    else:
        for d in diagnostics:
            print(d.format())
        names = ", ".join(str(directory) for directory in dirs)
        print(f"{names}: {check_summary(errors, warnings, len(ignored))}")
    # What the loads leave in memory (the parsed files kept for a next load in this
    # process) would be rescanned for cycles as the interpreter exits: a third of a
    # second on 1,000 beats, for nothing. Frozen, it is only freed.
    gc.freeze()
    return 1 if diagnostics else 0
