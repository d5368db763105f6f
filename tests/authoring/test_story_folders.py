"""Where scene files may live: beside story.yaml or in subfolders, and what a folder with none is told."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from voskhod_game.cli import main
from voskhod_game.commands.check import check_dir
from voskhod_game.story import load_story
from voskhod_game.story.loader import scene_files
from voskhod_game.watch import StoryWatcher

from .test_watch import FakeClock, touch_later


def _move_scenes_into(root: Path, folder: str) -> None:
    (root / folder).mkdir(parents=True)
    for name in ("1_harbour.yaml", "2_tower.yaml"):
        shutil.move(root / name, root / folder / name)


def test_scene_files_in_a_scenes_subfolder_are_loaded(clean_story: Path) -> None:
    before = load_story(clean_story)
    _move_scenes_into(clean_story, "scenes")
    story = load_story(clean_story)
    assert [s.id for s in story.scenes] == [s.id for s in before.scenes]
    assert set(story.beats) == set(before.beats)
    assert story.beats["harbour.quay"].where.path == clean_story / "scenes" / "1_harbour.yaml"
    assert check_dir(clean_story) == []


def test_subfolders_are_searched_in_path_order_but_not_hidden_drafts_locales_or_other_stories(
    clean_story: Path,
) -> None:
    _move_scenes_into(clean_story, "act1")
    for folder in (".github/workflows", "_drafts", "locales", "other_story", "act1/notes/.cache"):
        (clean_story / folder).mkdir(parents=True)
        (clean_story / folder / "x.yaml").write_text("not: a scene\n")
    (clean_story / "other_story" / "story.yaml").write_text("id: other\n")
    found = [p.relative_to(clean_story).as_posix() for p in scene_files(clean_story)]
    assert found == ["act1/1_harbour.yaml", "act1/2_tower.yaml"]
    assert check_dir(clean_story) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_folder_link_loop_does_not_hang_the_load(clean_story: Path) -> None:
    os.symlink(clean_story, clean_story / "loop", target_is_directory=True)
    assert [p.name for p in scene_files(clean_story)] == ["1_harbour.yaml", "2_tower.yaml"]


def test_a_story_without_scene_files_gets_one_error_about_scene_files(
    clean_story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("1_harbour.yaml", "2_tower.yaml"):
        (clean_story / name).unlink()
    found = check_dir(clean_story)
    assert [d.code for d in found] == ["V006"]
    assert "no scene files" in found[0].message
    assert "scene file is a YAML file" in found[0].hint and "beats:" in found[0].hint
    assert main(["check", str(clean_story)]) == 1
    out = capsys.readouterr().out
    assert "start beat" not in out and "scene.beat" not in out


def test_the_watcher_sees_an_edit_in_a_subfolder(clean_story: Path) -> None:
    _move_scenes_into(clean_story, "scenes")
    clock = FakeClock()
    watcher = StoryWatcher(clean_story, interval=0.5, clock=clock)
    path = clean_story / "scenes" / "2_tower.yaml"
    path.write_text(path.read_text() + "\n")
    touch_later(path)
    clock.now = 1.0
    assert watcher.poll()
