"""Diagnostics put the cause first: one error per mistake, errors and the manifest before the rest,
the place a writer fixes, and a hint where YAML 1.1 read a value differently than it looks."""

from __future__ import annotations

from pathlib import Path

import pytest

from voskhod_game.cli import main
from voskhod_game.commands.check import check_dir
from voskhod_game.story.diagnostics import Diagnostic, StoryError, cause_first
from voskhod_game.story.loader import load_story

from .conftest import edit, line_of


def test_a_meter_with_min_not_below_max_is_one_error(clean_story: Path) -> None:
    edit(clean_story, "story.yaml", "    min: 0\n    max: 100", "    min: 100\n    max: 100")
    found = check_dir(clean_story)
    assert [(d.code, d.path.name, d.line) for d in found] == [
        ("V104", "story.yaml", line_of(clean_story, "story.yaml", "min: 100"))
    ]
    assert "min (100) must be below max (100)" in found[0].message


def test_a_scene_that_does_not_parse_hides_no_milestone_error(clean_story: Path) -> None:
    edit(
        clean_story,
        "story.yaml",
        "debrief:\n",
        "debrief:\n  milestones:\n    - {beat: tower.watch, label: On watch, real: '1912-11-09T19:00:00Z'}\n",
    )
    assert check_dir(clean_story) == []
    edit(clean_story, "2_tower.yaml", "    title: The lamp room", '    title: "The lamp room')
    assert [d.code for d in check_dir(clean_story)] == ["V003"]


@pytest.mark.parametrize("content", ["", "# nothing yet\n", "facts:\n"])
def test_an_empty_fact_sheet_is_one_error(clean_story: Path, content: str) -> None:
    (clean_story / "facts.yaml").write_text(content, encoding="utf-8")
    found = check_dir(clean_story)
    assert [(d.code, d.path.name) for d in found] == [("V103", "facts.yaml")], [d.format() for d in found]
    assert "facts.yaml is empty" in found[0].message


def test_a_broken_fact_sheet_does_not_also_make_every_citation_unknown(clean_story: Path) -> None:
    edit(clean_story, "facts.yaml", "    text: Lighthouse", "    txt: Lighthouse")
    assert {d.code for d in check_dir(clean_story)} == {"V101", "V103"}  # `txt` unknown, `text` missing


def test_the_manifest_comes_before_scenes_and_errors_before_warnings(
    clean_story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(clean_story, "1_harbour.yaml", "target: tower.lamp_room", "target: tower.lamp_rom")
    edit(clean_story, "story.yaml", "    start: 60", "    start: 160")
    assert main(["check", str(clean_story)]) == 1
    codes = [line.split(": ")[1].split()[0] for line in capsys.readouterr().out.splitlines() if ": V" in line]
    assert codes == ["V104", "V202"]  # story.yaml's problem although 1_harbour.yaml sorts first by name
    with pytest.raises(StoryError) as info:
        load_story(clean_story)
    assert [d.path.name for d in info.value.diagnostics] == ["story.yaml", "1_harbour.yaml"]
    here = Path("a/1_scene.yaml")
    mixed = [
        Diagnostic("W401", "w", here, 1, 1, severity="warning"),
        Diagnostic("V202", "e", here, 9, 1),
        Diagnostic("V104", "e", Path("a/story.yaml"), 30, 1),
        Diagnostic("V101", "e", Path("a/facts.yaml"), 2, 1),
    ]
    assert [d.code for d in sorted(mixed, key=cause_first)] == ["V104", "V101", "V202", "W401"]


def test_an_unclosed_quote_is_reported_where_it_opened(clean_story: Path) -> None:
    edit(clean_story, "1_harbour.yaml", "label: Climb to the lamp room", 'label: "Climb to the lamp room')
    (hit,) = check_dir(clean_story)
    line = line_of(clean_story, "1_harbour.yaml", '"Climb to')
    column = (clean_story / "1_harbour.yaml").read_text().splitlines()[line - 1].index('"') + 1
    assert (hit.code, hit.line, hit.col) == ("V003", line, column)
    assert "quote opened here is never closed" in hit.message


def test_a_single_quote_left_open_is_reported_where_it_opened(clean_story: Path) -> None:
    edit(clean_story, "2_tower.yaml", "title: The long watch", "title: 'The long watch")
    (hit,) = check_dir(clean_story)
    assert (hit.code, hit.line) == ("V003", line_of(clean_story, "2_tower.yaml", "'The long watch"))


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        ("        time: 10\n", "        time: 1:30\n", "V007", "reads `1:30` as the number 90"),
        ("        time: 10\n", "        time: 010\n", "V007", "reads `010` as 8"),
        ("        time: 10\n", "        time: 1e3\n", "V102", "reads `1e3` as text"),
        ("    title: On the quay", "    title: No", "V102", "reads `No` as false"),
        ("effects: [lamp_oil += 30]", "effects: [lamp_oil = max(0, lamp_oil + 30)]", "V301", "every comma starts"),
    ],
)
def test_yaml_11_traps_are_explained_where_they_are(
    clean_story: Path, old: str, new: str, code: str, words: str
) -> None:
    edit(clean_story, "1_harbour.yaml", old, new)
    found = check_dir(clean_story)
    mine = [d for d in found if d.code == code and d.line == line_of(clean_story, "1_harbour.yaml", new.strip()[:12])]
    assert mine, [d.format() for d in found]
    explained = mine[0].message if code == "V007" else mine[0].hint
    assert words in explained, mine[0].format()


def test_values_that_only_look_like_traps_pass(clean_story: Path) -> None:
    edit(clean_story, "1_harbour.yaml", "        time: 10\n", "        time: 0\n")
    edit(clean_story, "1_harbour.yaml", "    title: On the quay", '    title: "1:30 and all is well"')
    edit(clean_story, "1_harbour.yaml", "effects: [lamp_oil += 30]", 'effects: ["lamp_oil = max(0, lamp_oil + 30)"]')
    assert check_dir(clean_story) == []
