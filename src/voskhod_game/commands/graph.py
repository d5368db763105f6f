"""``voskhod graph``: draw the story as Mermaid, DOT or SVG (through Graphviz)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import load_or_report, story_arg, story_path

SUFFIX_FORMATS = {".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid", ".dot": "dot", ".gv": "dot"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "graph",
        help="draw the story graph (Mermaid, DOT, SVG)",
        description="Draw the story: scenes as subgraphs, beats as nodes, choices as edges (dashed: has a "
        "condition; dotted: a chance outcome), endings coloured by type. Mermaid renders on GitHub and in "
        "many editors; `-o story.svg` needs Graphviz.",
    )
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help="story directory (default: the story that comes with the game)"
    )
    p.add_argument("--format", choices=["mermaid", "dot"], help="text format (default: from -o, else mermaid)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (.mmd .md .dot .gv .svg); default stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..authoring.graph import GraphvizMissing, build_graph, to_dot, to_mermaid, to_svg

    output = Path(args.output) if args.output else None
    suffix = output.suffix.lower() if output else ""
    if suffix == ".svg" and args.format == "mermaid":
        print(
            "voskhod graph: SVG is drawn from DOT; leave out --format mermaid or pick another file name",
            file=sys.stderr,
        )
        return 2
    fmt = args.format or SUFFIX_FORMATS.get(suffix, "dot" if suffix == ".svg" else "mermaid")
    if not story_path(story_arg(args, args.dir)).is_dir():
        print(f"voskhod graph: {story_path(story_arg(args, args.dir))}: no such directory", file=sys.stderr)
        return 2
    story = load_or_report(story_arg(args, args.dir))
    if story is None:
        return 1
    graph = build_graph(story)
    text = to_mermaid(graph) if fmt == "mermaid" else to_dot(graph)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        if suffix == ".svg":
            try:
                data = to_svg(text)
            except GraphvizMissing as exc:
                print(f"voskhod graph: {exc}", file=sys.stderr)
                return 1
            except RuntimeError as exc:
                print(f"voskhod graph: {exc}", file=sys.stderr)
                return 1
            output.write_bytes(data)
        else:
            if suffix == ".md":
                text = f"```mermaid\n{text}```\n"
            output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"voskhod graph: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Wrote {output} ({len(graph.nodes)} nodes, {len(graph.edges)} edges)", file=sys.stderr)
    return 0
