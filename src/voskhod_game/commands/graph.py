"""``voskhod graph``: draw the story as Mermaid or DOT text, or as SVG, PNG or PDF (through Graphviz)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _, ngettext
from .common import cannot_write, load_or_report, story_arg, story_path

# -o FILE: text formats written as they are, pictures drawn from DOT by Graphviz (`dot -T<format>`).
SUFFIX_FORMATS = {".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid", ".dot": "dot", ".gv": "dot"}
PICTURE_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
USAGE = 2


def _known_suffixes() -> str:
    return " ".join(sorted([*SUFFIX_FORMATS, *PICTURE_FORMATS]))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "graph",
        help=_("draw the story graph (Mermaid, DOT, SVG, PNG, PDF)"),
        description=_(
            "Draw the story: scenes as subgraphs, beats as nodes, choices as edges (dashed: has a "
            "condition; dotted: a chance outcome), endings coloured by type. Mermaid renders on GitHub and in "
            "many editors; `-o story.svg`, `.png` and `.pdf` are drawn by Graphviz, which must be installed."
        ),
    )
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help=_("story directory (default: the story that comes with the game)")
    )
    p.add_argument("--format", choices=["mermaid", "dot"], help=_("text format (default: from -o, else mermaid)"))
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=_("write here ({suffixes}); default stdout").format(suffixes=_known_suffixes()),
    )
    p.set_defaults(func=run)


def _refuse(message: str) -> int:
    print(f"voskhod graph: {message}", file=sys.stderr)
    return USAGE


def run(args: argparse.Namespace) -> int:
    from ..authoring.graph import GraphvizMissing, build_graph, graphviz_program, render, to_dot, to_mermaid

    output = Path(args.output) if args.output else None
    suffix = output.suffix.lower() if output else ""
    picture = PICTURE_FORMATS.get(suffix)
    if output is not None and picture is None and suffix not in SUFFIX_FORMATS:
        what = f"`{suffix}`" if suffix else _("no suffix")
        return _refuse(
            _("{path}: {suffix} is not a format voskhod can write; name the file with one of {known}").format(
                path=output, suffix=what, known=_known_suffixes()
            )
        )
    if picture is not None and args.format == "mermaid":
        return _refuse(
            _("{format} is drawn from DOT; leave out --format mermaid or pick another file name").format(
                format=suffix.upper()[1:]
            )
        )
    if picture is not None:
        try:
            graphviz_program()
        except GraphvizMissing as exc:
            return _refuse(str(exc))
    fmt = args.format or ("dot" if picture else SUFFIX_FORMATS.get(suffix, "mermaid"))
    where = story_arg(args, args.dir)
    if not story_path(where).is_dir():
        return _refuse(f"{story_path(where)}: " + _("no such directory"))
    story = load_or_report(where, args)
    if story is None:
        return 1
    graph = build_graph(story)
    text = to_mermaid(graph) if fmt == "mermaid" else to_dot(graph)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        if picture is not None:
            try:
                data = render(text, picture)
            except RuntimeError as exc:
                print(f"voskhod graph: {exc}", file=sys.stderr)
                return 1
            output.write_bytes(data)
        else:
            if suffix == ".md":
                text = f"```mermaid\n{text}```\n"
            output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"voskhod graph: {cannot_write(output, exc)}", file=sys.stderr)
        return 1
    shape = _("{nodes}, {edges}").format(
        nodes=ngettext("{n} node", "{n} nodes", len(graph.nodes)).format(n=len(graph.nodes)),
        edges=ngettext("{n} edge", "{n} edges", len(graph.edges)).format(n=len(graph.edges)),
    )
    print(_("Wrote {path} ({shape})").format(path=output, shape=shape), file=sys.stderr)
    return 0
