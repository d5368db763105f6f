"""`voskhod check` places its warnings in the files the load parsed: each file is
read once, and a save made while the analysis runs cannot shift the places."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from voskhod_game.authoring.analysis import analyse
from voskhod_game.commands.check import check_dir
from voskhod_game.story import parsed
from voskhod_game.story.loader import analyse_story_sources

from .conftest import edit, line_of


def _break(root: Path) -> dict[str, tuple[str, int]]:
    """A W404 and a W408 (which is placed by searching the file's lines), with their places."""
    edit(root, "1_harbour.yaml", "if: lamp_oil < 80", "if: lamp_oil > 100")
    edit(root, "2_tower.yaml", "The ship turns **away** from", "The ship turns **away from")
    return {
        "W404": ("1_harbour.yaml", line_of(root, "1_harbour.yaml", "lamp_oil > 100")),
        "W408": ("2_tower.yaml", line_of(root, "2_tower.yaml", "**away from")),
    }


def test_each_story_file_is_read_once(clean_story: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _break(clean_story)
    reads: Counter[str] = Counter()
    real = parsed.read_capped

    def counting(path: Path, *args: object) -> bytes:
        if Path(path).suffix == ".yaml":  # not the cache's own files
            reads[Path(path).name] += 1
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(parsed, "read_capped", counting)
    monkeypatch.setenv("VOSKHOD_CACHE", str(tmp_path / "cache"))
    found = check_dir(clean_story)
    assert {d.code for d in found} >= {"W404", "W408"}
    story_files = {p.name for p in clean_story.glob("*.yaml")}
    assert set(reads) == story_files
    assert all(count == 1 for count in reads.values()), reads


def test_a_save_during_the_analysis_does_not_move_the_warnings(clean_story: Path) -> None:
    places = _break(clean_story)
    story, found, sources = analyse_story_sources(clean_story)
    assert story is not None and not [d for d in found if d.severity == "error"]
    for name in ("1_harbour.yaml", "2_tower.yaml"):  # the writer saves again: every line moves down two
        path = clean_story / name
        path.write_text("# moved\n# moved\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    warnings = analyse(story, sources=sources)
    for code, (name, line) in places.items():
        assert any(d.code == code and d.path.name == name and d.line == line for d in warnings), [
            d.format() for d in warnings
        ]
