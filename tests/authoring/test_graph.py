"""`voskhod graph`: every beat, ending and choice of a small story is drawn."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from voskhod_game.authoring.graph import build_graph, to_dot, to_mermaid
from voskhod_game.cli import main
from voskhod_game.story import load_story

from .conftest import MINI

# The mini story by hand: (source, target, label) for every choice and chance.
MINI_EDGES = {
    ("hatch.inside", "walk.outside", "open"),
    ("hatch.inside", "hatch.inside", "wait"),
    ("hatch.inside", "walk.outside", "rush"),
    ("walk.outside", "walk.outside", "look"),
    ("walk.outside", "walk.outside", "bleed [if]"),
    ("walk.outside", "end:home", "go_back [if]"),
    ("walk.outside", "end:drifted", "go_back [chance]"),
    ("walk.outside", "walk.outside", "secret [if]"),
}


def test_dot_has_every_beat_ending_and_edge() -> None:
    dot = to_dot(build_graph(load_story(MINI)))
    edges = set(re.findall(r'^  "([^"]+)" -> "([^"]+)" \[label="([^"]+)"', dot, re.M))
    assert edges == MINI_EDGES
    for node in ("hatch.inside", "walk.outside", "end:home", "end:drifted", "end:suffocated"):
        assert f'"{node}" [label=' in dot
    assert 'subgraph "cluster_hatch"' in dot and 'label="1. The hatch"' in dot
    assert 'subgraph "cluster_walk"' in dot
    assert re.search(r'"end:suffocated" \[label="Out of air \(lost\) ← oxygen empty", shape=box', dot)
    assert re.search(r'"end:home" \[label="Home again \(historical\)", shape=doubleoctagon', dot)
    assert '__start -> "hatch.inside"' in dot


def test_mermaid_has_every_beat_ending_and_edge() -> None:
    text = to_mermaid(build_graph(load_story(MINI)))
    ids = {"hatch.inside": "b_hatch__inside", "walk.outside": "b_walk__outside"}
    ids.update({f"end:{e}": f"e_{e}" for e in ("home", "drifted", "suffocated")})
    found = set(re.findall(r"^  (\S+) -\.?->\|\"([^\"]+)\"\| (\S+)$", text, re.M))
    assert found == {(ids[s], label, ids[t]) for s, t, label in MINI_EDGES}
    assert text.splitlines()[3] == "flowchart TD"
    assert '  subgraph s_hatch ["1. The hatch"]' in text
    assert '    e_suffocated(["Out of air (lost) ← oxygen empty"]):::lost' in text
    assert "  start --> b_hatch__inside" in text
    # conditional and chance edges are dashed, plain ones solid
    assert '  b_hatch__inside -->|"open"| b_walk__outside' in text
    assert '  b_walk__outside -.->|"go_back [chance]"| e_drifted' in text


def test_graph_command_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(MINI), "-o", str(tmp_path / "map.dot")]) == 0
    assert (tmp_path / "map.dot").read_text().startswith("digraph story {")
    assert main(["graph", str(MINI), "-o", str(tmp_path / "map.md")]) == 0
    assert (tmp_path / "map.md").read_text().startswith("```mermaid\n")
    assert main(["graph", str(MINI)]) == 0
    assert "flowchart TD" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["map.svg", "map.png", "map.pdf"])
def test_picture_without_graphviz_is_a_usage_error_that_says_how_to_get_it(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["graph", str(MINI), "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert "Graphviz" in err and "apt install graphviz" in err
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("name", ["map.jpg", "map.txt", "map"])
def test_unknown_suffix_is_refused_and_nothing_is_written(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["graph", str(MINI), "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert "not a format voskhod can write" in err and ".png" in err and ".mmd" in err
    assert not (tmp_path / name).exists()


def test_a_picture_cannot_be_mermaid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(MINI), "--format", "mermaid", "-o", str(tmp_path / "map.png")]) == 2
    assert "drawn from DOT" in capsys.readouterr().err


# What each picture format starts with, so a test can tell a real picture from text.
MAGIC = {"map.svg": b"<?xml", "map.png": b"\x89PNG\r\n\x1a\n", "map.pdf": b"%PDF-", "MAP.PNG": b"\x89PNG"}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("name", sorted(MAGIC))
def test_pictures_are_drawn_by_graphviz_in_the_format_of_the_suffix(name: str, tmp_path: Path) -> None:
    assert main(["graph", str(MINI), "-o", str(tmp_path / name)]) == 0
    data = (tmp_path / name).read_bytes()
    assert data.startswith(MAGIC[name]), data[:20]
    assert b"flowchart" not in data


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_shows_the_beats(tmp_path: Path) -> None:
    assert main(["graph", str(MINI), "-o", str(tmp_path / "map.svg")]) == 0
    svg = (tmp_path / "map.svg").read_text()
    assert "<svg" in svg and "inside" in svg and "Home again" in svg


def test_graph_of_a_broken_story_reports_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "story.yaml").write_text("id: x\n")
    assert main(["graph", str(tmp_path)]) == 1
    assert "V103" in capsys.readouterr().err
