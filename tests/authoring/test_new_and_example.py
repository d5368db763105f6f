"""`voskhod new` and the example story: both check clean and play to an ending."""

from __future__ import annotations

import io
import json
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

from voskhod_game.cli import main
from voskhod_game.commands.check import check_dir
from voskhod_game.engine.game import Game
from voskhod_game.engine.saves import SaveStore
from voskhod_game.plain import run_plain
from voskhod_game.story import load_story

from .conftest import REPO


def test_new_story_checks_clean_and_plays_to_an_ending(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "My First Story"
    assert main(["new", str(root), "--title", "The Keeper"]) == 0
    assert "voskhod check" in capsys.readouterr().out
    assert main(["check", str(root)]) == 0
    story = load_story(root)
    assert (story.id, story.title) == ("my_first_story", "The Keeper")
    out = io.StringIO()
    # climb, light the lamp, keep watch until dawn
    run_plain(story, SaveStore(tmp_path / "saves"), seed=1, stdin=io.StringIO("1\n1\n1\n"), stdout=out)
    assert "THE END: The light is kept (As it happened)" in out.getvalue()


@pytest.mark.parametrize(
    "title",
    [
        'The "Quoted": Story',
        "It's #1: a {brace} & *star* - [/] [@click=app.quit]x[/]",
        "Line one\nline two\ttab \\ back\u2028sep \x7f del",
        "Восход-2 \u200fRTL\u200f 🚀",
        "yes",
        "1e3",
    ],
)
def test_new_keeps_the_title_exactly_and_prints_commands_a_shell_can_run(
    title: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "My Story-2"
    assert main(["new", str(root), "--title", title]) == 0
    out = capsys.readouterr().out
    assert load_story(root).title == title
    check_lines = [line for line in out.splitlines() if line.strip().startswith("voskhod check")]
    assert len(check_lines) == 1
    words = shlex.split(check_lines[0].split("#")[0])
    assert words == ["voskhod", "check", str(root)]
    assert main(["check", str(root)]) == 0


def test_every_file_made_by_new_names_its_schema_in_a_modeline(tmp_path: Path) -> None:
    root = tmp_path / "s"
    assert main(["new", str(root)]) == 0
    yaml_files = sorted(root.glob("*.yaml"))
    assert [p.name for p in yaml_files] == ["1_harbour.yaml", "2_tower.yaml", "facts.yaml", "story.yaml"]
    for path in yaml_files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path.name
        schema = json.loads((root / first.split("=", 1)[1]).read_text(encoding="utf-8"))
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_a_new_story_starts_with_the_reading_aids(tmp_path: Path) -> None:
    """Glossary, sources, how true each beat is and class questions: there to fill in, not to look up."""
    root = tmp_path / "s"
    assert main(["new", str(root)]) == 0
    story = load_story(root)
    assert [entry.term for entry in story.glossary] == ["wick", "reservoir"]
    assert list(story.sources) == ["keepers_log"]
    assert all(fact.sources for fact in story.facts.values())
    assert story.questions and any(scene.questions for scene in story.scenes)
    assert all(beat.basis for beat in story.beats.values())
    assert check_dir(root) == []


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["new", str(tmp_path)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


EXAMPLE = REPO / "examples" / "crevasse"


def test_example_story_checks_clean() -> None:
    assert check_dir(EXAMPLE) == []


def test_example_story_plays_to_each_kind_of_ending() -> None:
    story = load_story(EXAMPLE)
    game = Game.new(story, seed=5)
    for choice in ("load_extra", "probe", "drive_on", "push_on"):
        game.choose(choice)
    assert game.ending_id == "crossing" and story.endings["crossing"].type == "historical"
    game = Game.new(story, seed=5)
    for choice in ("leave_light", "probe", "probe", "probe", "probe", "probe"):
        game.choose(choice)
    assert game.ending_id == "frostbite" and game.view().ending.type == "lost"
    game = Game.new(story, seed=5)
    game.choose("leave_light")
    game.choose("drive_on", force_chance=True)
    assert game.state == "crevasses.hanging"
    assert [c.id for c in game.enabled_choices()] == ["winch_out", "abandon"]
    game.choose("abandon")
    assert game.ending_id == "stranded"  # the fuel meter hit empty: its at_min ending


def test_example_story_in_line_mode(tmp_path: Path) -> None:
    out = io.StringIO()
    run_plain(load_story(EXAMPLE), SaveStore(tmp_path), seed=2, stdin=io.StringIO("2\n2\n2\n"), stdout=out)
    text = out.getvalue()
    assert "Crevasse Field, 1957" in text and "Fuel 70 %" in text
    assert "THE END:" in text
