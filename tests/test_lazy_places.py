"""A load finds the places of values only when a message needs one, and then finds them exactly.

Recording the line and column of every value was a third of parsing a story, so
a clean load records none; the first problem (or `check` warning) parses the
file's bytes again with places. These tests hold both halves: nothing is
placed when nothing is wrong, and what is reported points where it always did.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from voskhod_game.story import analyse_story, load_story, yamlsource
from voskhod_game.story.diagnostics import Diagnostic
from voskhod_game.story.loader import forget_built
from voskhod_game.story.model import Where
from voskhod_game.story.parsed import ParsedFiles
from voskhod_game.story.yamlsource import Places, parse_yaml

CREVASSE = Path(__file__).resolve().parent.parent / "examples" / "crevasse"


@pytest.fixture
def placings(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bytes of every file whose places were worked out."""
    found: list[bytes] = []
    real = yamlsource._find_places

    def counting(content: bytes) -> yamlsource.PlaceTables:
        found.append(content)
        return real(content)

    monkeypatch.setattr(yamlsource, "_find_places", counting)
    return found


def test_a_clean_load_places_nothing_until_a_place_is_read(placings: list[bytes]) -> None:
    forget_built()
    load_story(CREVASSE, lang="ru", files=ParsedFiles())  # in a translation too
    forget_built()
    story = load_story(CREVASSE, files=ParsedFiles())
    assert placings == []
    beat = next(iter(story.beats.values()))
    assert beat.where is not None and beat.where.path.suffix == ".yaml"
    text = beat.where.path.read_text(encoding="utf-8").splitlines()
    assert beat.id.split(".", 1)[1] in text[beat.where.line - 1]  # the beat's `- id:` line
    assert len(placings) == 1  # only that file, once
    assert beat.where.col == text[beat.where.line - 1].index("id:") + 1 and len(placings) == 1


def test_a_problem_is_placed_as_when_every_place_was_recorded(tmp_path: Path) -> None:
    story = tmp_path / "story"
    story.mkdir()
    for path in CREVASSE.glob("*.yaml"):
        (story / path.name).write_bytes(path.read_bytes())
    scene = next(p for p in sorted(story.glob("*.yaml")) if p.name not in {"story.yaml", "facts.yaml"})
    lines = scene.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if line.strip().startswith("target:"))
    indent = lines[target][: len(lines[target]) - len(lines[target].lstrip())]
    lines[target] = f"{indent}target: nowhere_at_all"
    scene.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, found = analyse_story(story, files=ParsedFiles())
    bad = [d for d in found if d.code == "V202" and "nowhere_at_all" in d.message]
    assert [(d.path, d.line, d.col) for d in bad] == [(scene, target + 1, len(indent) + len("target: ") + 1)]


DUPLICATES = b"""\
base: &base {title: from the merge}
one:
  <<: *base
  title: written
two:
  label: first
  label: second
  label: third
3: a number for a key
"""


def test_building_with_and_without_places_finds_the_same_values_and_problems() -> None:
    fast: list[Diagnostic] = []
    src = parse_yaml(Path("x.yaml"), DUPLICATES, fast)
    assert src is not None
    assert src.data["one"] == {"title": "from the merge"}  # the merge came first: the written key is the duplicate
    assert src.data["two"] == {"label": "first"} and src.data["3"] == "a number for a key"
    assert [(d.code, d.line, d.col) for d in fast] == [("V005", 4, 3), ("V005", 7, 3), ("V005", 8, 3)]
    assert "first at line 0" in fast[0].message and all("first at line 6" in d.message for d in fast[1:])
    recorded: list[Diagnostic] = []
    tables: yamlsource.PlaceTables = ({}, {}, {})
    node = yamlsource._compose(Path("x.yaml"), DUPLICATES, [])
    assert node is not None
    data = yamlsource._Builder(Path("x.yaml"), recorded, {}, places=tables).build(node[0], ())
    assert data == src.data and recorded == fast
    assert src.marks == tables[0] and src.key_marks == tables[1]
    assert src.where(("two", "label")) == (6, 10) and src.where(("two", "label"), of_key=True) == (6, 3)


def test_places_given_are_used_as_they_are() -> None:
    places = Places(b"a: 1\n", marks={(): (7, 1)})
    assert places.found() == ({(): (7, 1)}, {}, {})


def test_a_where_found_later_equals_one_given_at_once() -> None:
    calls: list[tuple[str | int, ...]] = []

    class Places:
        def where(self, key: tuple[str | int, ...]) -> tuple[int, int]:
            calls.append(key)
            return 3, 5

    later = Where.later(Path("a.yaml"), Places(), ("beats", 0))
    assert calls == []
    assert later == Where(Path("a.yaml"), 3, 5) and str(later) == "a.yaml:3:5" and calls == [("beats", 0)]
    assert hash(later) == hash(Where(Path("a.yaml"), 3, 5)) and later.line == 3 and len(calls) == 1
    with pytest.raises(AttributeError):
        later.line = 4  # type: ignore[misc]
