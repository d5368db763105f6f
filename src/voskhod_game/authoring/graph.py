"""The story as a graph: Mermaid and Graphviz DOT text, SVG through Graphviz.

Scenes become subgraphs (clusters), beats nodes, choices edges; endings sit in
their own group, shaped and coloured by type (historical, survived, lost).
Edges whose choice has a condition are dashed, chance outcomes dotted, each of
a choice's several outcomes is a bold edge labelled with its condition or
weight, routing beats are diamonds whose edges are numbered in the order they
are tried, once-only and fallback choices say so in their label, and an ending
a meter reaches at its limit is labelled with that meter.

This is a writer of its own rather than ``transitions``' GraphMachine: the
mermaid engine there draws ``stateDiagram-v2`` with no way to mark endings by
type or to tell conditional and chance edges apart, it splits state names on
``_`` unless the separator is changed, and its DOT output needs the
``graphviz`` Python package. A plain writer is about 150 lines, has no
dependency and keeps both formats identical in content.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from ..i18n import _
from ..story.model import Choice, Story

ENDING_STYLE = {
    # type: (mermaid classDef, dot fill colour, dot shape)
    "historical": ("fill:#d9ead3,stroke:#38761d,color:#000", "#d9ead3", "doubleoctagon"),
    "survived": ("fill:#cfe2f3,stroke:#0b5394,color:#000", "#cfe2f3", "octagon"),
    "lost": ("fill:#f4cccc,stroke:#990000,color:#000", "#f4cccc", "box"),
}
BEAT_KINDS = ("beat", "route")  # a routing beat moves on by itself: drawn as a diamond
SVG_TIMEOUT = 60  # seconds Graphviz may take to draw


@dataclass(frozen=True)
class Node:
    id: str  # beat id or ``end:<ending>``
    label: str
    group: str  # scene id, or "" for endings
    kind: str  # beat | route | historical | survived | lost


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    style: str  # plain | conditional | chance | branch (one of several outcomes) | limit


@dataclass(frozen=True)
class StoryGraph:
    title: str
    start: str
    groups: tuple[tuple[str, str], ...]  # (scene id, heading)
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def build_graph(story: Story) -> StoryGraph:
    """Every beat, ending and choice of ``story`` as graph data: one edge per way a choice can turn out."""
    nodes: list[Node] = []
    edges: list[Edge] = []
    for scene in story.scenes:
        for beat_id in scene.beats:
            beat = story.beats[beat_id]
            label = beat.id.split(".", 1)[1] + (f": {beat.title}" if beat.title else "")
            nodes.append(Node(beat.id, label, scene.id, "route" if beat.is_route else "beat"))
            for i, branch in enumerate(beat.route):
                condition = f"if {branch.condition.source}" if branch.condition is not None else "otherwise"
                style = "conditional" if branch.condition is not None else "plain"
                edges.append(Edge(beat.id, branch.outcome.destination, f"{i + 1}. {condition}", style))
            for choice in beat.choices:
                edges.extend(_choice_edges(beat.id, choice))
    limits: dict[str, list[str]] = {}
    for meter in story.meters.values():
        for bound, word in (("at_min", "empty"), ("at_max", "full")):
            ending = getattr(meter, bound)
            if ending:
                limits.setdefault(ending, []).append(f"{meter.name} {word}")
    for ending in story.endings.values():
        label = f"{ending.title} ({ending.type})"
        if ending.id in limits:
            label += " ← " + ", ".join(limits[ending.id])
        nodes.append(Node(f"end:{ending.id}", label, "", ending.type))
    groups = tuple((s.id, f"{s.number}. {s.title}") for s in story.scenes)
    return StoryGraph(story.title, story.start, groups, tuple(nodes), tuple(edges))


def _choice_edges(beat_id: str, choice: Choice) -> list[Edge]:
    """The edges of one choice: its outcome, its chance outcome, and each of several outcomes."""
    marks = [
        word
        for word, on in (("if", choice.condition is not None), ("once", choice.once), ("fallback", choice.fallback))
        if on
    ]
    name = choice.id + "".join(f" [{m}]" for m in marks)
    style = "conditional" if choice.condition is not None or choice.fallback else "plain"
    edges: list[Edge] = []
    if choice.branches:
        for i, branch in enumerate(choice.branches):
            if branch.condition is not None:
                how = f"if {branch.condition.source}"
            elif branch.weight is not None:
                how = f"weight {branch.weight.source}"
            else:
                how = (
                    "otherwise"
                    if i == len(choice.branches) - 1 and any(b.condition for b in choice.branches)
                    else "weight 1"
                )
            edges.append(Edge(beat_id, branch.outcome.destination, f"{name} ({how})", "branch"))
    else:
        edges.append(Edge(beat_id, choice.outcome.destination, name, style))
    if choice.chance is not None:
        edges.append(Edge(beat_id, choice.chance.outcome.destination, f"{choice.id} [chance]", "chance"))
    return edges


# -- Mermaid ---------------------------------------------------------------------


def _mermaid_ids(graph: StoryGraph) -> dict[str, str]:
    """Safe, readable Mermaid ids (no dots, never the keyword ``end``), unique."""
    ids: dict[str, str] = {}
    for node in graph.nodes:
        if node.kind in BEAT_KINDS:
            ids[node.id] = "b_" + node.id.replace(".", "__")
        else:
            ids[node.id] = "e_" + node.id[len("end:") :]
    if len(set(ids.values())) != len(ids):
        ids = {node.id: f"n{i}" for i, node in enumerate(graph.nodes)}
    return ids


def _mermaid_text(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def to_mermaid(graph: StoryGraph) -> str:
    ids = _mermaid_ids(graph)
    lines = ["---", f"title: {graph.title}", "---", "flowchart TD", "  start((start))"]
    for scene_id, heading in graph.groups:
        lines.append(f"  subgraph s_{scene_id} [{_mermaid_text(heading)}]")
        lines.extend(
            f"    {ids[n.id]}{{{_mermaid_text(n.label)}}}"
            if n.kind == "route"
            else f"    {ids[n.id]}[{_mermaid_text(n.label)}]"
            for n in graph.nodes
            if n.group == scene_id
        )
        lines.append("  end")
    lines.append(f"  subgraph endings [{_mermaid_text('Endings')}]")
    lines.extend(
        f"    {ids[n.id]}([{_mermaid_text(n.label)}]):::{n.kind}" for n in graph.nodes if n.kind not in BEAT_KINDS
    )
    lines.append("  end")
    lines.append(f"  start --> {ids[graph.start]}")
    arrows = {"plain": "-->", "conditional": "-.->", "chance": "-.->", "branch": "==>", "limit": "-.->"}
    lines.extend(f"  {ids[e.source]} {arrows[e.style]}|{_mermaid_text(e.label)}| {ids[e.target]}" for e in graph.edges)
    lines.extend(f"  classDef {kind} {style[0]}" for kind, style in ENDING_STYLE.items())
    return "\n".join(lines) + "\n"


# -- DOT -------------------------------------------------------------------------


def _dot(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: StoryGraph) -> str:
    lines = [
        "digraph story {",
        f"  label={_dot(graph.title)}; labelloc=t; rankdir=TB;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        "  __start [shape=circle, label=start, width=0.5];",
    ]
    for scene_id, heading in graph.groups:
        lines.append(f"  subgraph {_dot('cluster_' + scene_id)} {{")
        lines.append(f"    label={_dot(heading)};")
        lines.extend(
            f"    {_dot(n.id)} [label={_dot(n.label)}{', shape=diamond, style=solid' if n.kind == 'route' else ''}];"
            for n in graph.nodes
            if n.group == scene_id
        )
        lines.append("  }")
    lines.append('  subgraph "cluster_endings" {')
    lines.append('    label="Endings";')
    for n in graph.nodes:
        if n.kind not in BEAT_KINDS:
            _line, fill, shape = ENDING_STYLE[n.kind]
            lines.append(f'    {_dot(n.id)} [label={_dot(n.label)}, shape={shape}, style=filled, fillcolor="{fill}"];')
    lines.append("  }")
    lines.append(f"  __start -> {_dot(graph.start)};")
    styles = {
        "plain": "",
        "conditional": ", style=dashed",
        "chance": ", style=dotted, color=red",
        "branch": ", style=bold, color=blue",
        "limit": "",
    }
    lines.extend(
        f"  {_dot(e.source)} -> {_dot(e.target)} [label={_dot(e.label)}{styles[e.style]}];" for e in graph.edges
    )
    lines.append("}")
    return "\n".join(lines) + "\n"


class GraphvizMissing(RuntimeError):
    """Raised when a picture is asked for but Graphviz's ``dot`` is not installed."""


def graphviz_program() -> str:
    """The path of Graphviz's ``dot``, or GraphvizMissing saying how to get it."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing(
            _(
                "SVG, PNG and PDF are drawn by Graphviz's `dot` program, which is not installed "
                "(Debian/Ubuntu: `apt install graphviz`; macOS: `brew install graphviz`). "
                "Without it, write Mermaid (`-o story.mmd`, renders on GitHub) or DOT (`-o story.dot`)."
            )
        )
    return exe


def render(dot_text: str, fmt: str = "svg") -> bytes:
    """Draw DOT with Graphviz as ``fmt`` (svg, png, pdf); GraphvizMissing or RuntimeError with its message."""
    exe = graphviz_program()
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, timeout=SVG_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(_("Graphviz took longer than {seconds} s").format(seconds=SVG_TIMEOUT)) from None
    except OSError as exc:
        raise RuntimeError(_("Graphviz could not be started: {reason}").format(reason=exc.strerror or exc)) from None
    if done.returncode != 0:
        problem = done.stderr.decode(errors="replace").strip()
        raise RuntimeError(_("Graphviz failed: {problem}").format(problem=problem))
    return done.stdout
