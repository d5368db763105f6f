"""Whatever sits in a story folder, `check` and the loader answer with diagnostics: no hang, no traceback.

A FIFO named `*.yaml` used to block forever, a link to /dev/zero was read until
memory ran out, and a file name that is not UTF-8 crashed the report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINI, REPO
from voskhod_game.cli import main
from voskhod_game.story import analyse_story
from voskhod_game.story.yamlsource import FileRefused, read_capped

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


def codes_for(root: Path, name: str) -> list[str]:
    story, diags = analyse_story(root)
    assert story is None
    return [d.code for d in diags if d.path.name == name]


@posix_only
def test_a_fifo_named_like_a_scene_is_refused_without_blocking(mini_copy: Path) -> None:
    os.mkfifo(mini_copy / "3_pipe.yaml")
    _story, diags = analyse_story(mini_copy)  # would block forever if it were opened for a plain read
    d = next(d for d in diags if d.path.name == "3_pipe.yaml")
    assert d.code == "V006" and "named pipe, not a regular file" in d.message


@posix_only
def test_a_manifest_that_is_a_fifo_is_refused(mini_copy: Path) -> None:
    (mini_copy / "story.yaml").unlink()
    os.mkfifo(mini_copy / "story.yaml")
    assert codes_for(mini_copy, "story.yaml") == ["V006"]


@posix_only
def test_a_link_to_dev_zero_is_refused_before_reading(mini_copy: Path) -> None:
    (mini_copy / "3_zero.yaml").symlink_to("/dev/zero")
    (mini_copy / "facts.yaml").symlink_to("/dev/zero")
    assert codes_for(mini_copy, "3_zero.yaml") == ["V006"]
    assert codes_for(mini_copy, "facts.yaml") == ["V006"]


def test_a_folder_named_like_a_scene_is_refused(mini_copy: Path) -> None:
    (mini_copy / "3_folder.yaml").mkdir()
    assert codes_for(mini_copy, "3_folder.yaml") == ["V006"]


def test_a_symlink_loop_is_reported(mini_copy: Path) -> None:
    (mini_copy / "3_a.yaml").symlink_to(mini_copy / "3_b.yaml")
    (mini_copy / "3_b.yaml").symlink_to(mini_copy / "3_a.yaml")
    assert codes_for(mini_copy, "3_a.yaml") == ["V006"]


def test_a_file_that_grows_past_the_limit_while_read_is_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FileRefused) as info:
        read_capped(path, limit=100)
    assert info.value.code == "V002"
    assert read_capped(path, limit=101) == b"x" * 101


def test_an_unreadable_story_folder_is_a_diagnostic(mini_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from voskhod_game.story import loader

    def denied(root: Path) -> list[Path]:  # chmod does not stop root, who runs CI: fail the listing itself
        raise PermissionError(13, "Permission denied", str(root))

    monkeypatch.setattr(loader, "scene_files", denied)
    story, diags = analyse_story(mini_copy)
    assert story is None and [d.code for d in diags] == ["V006"]
    assert "cannot list the story folder: Permission denied" in diags[0].message


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_reported_through_a_strict_terminal(mini_copy: Path) -> None:
    scene = mini_copy / "2_walk.yaml"
    scene.rename(mini_copy / os.fsdecode(b"2_w\xe9lk.yaml"))
    (mini_copy / os.fsdecode(b"2_w\xe9lk.yaml")).write_text("id: walk\ntitle: [\n")
    run = subprocess.run(
        [sys.executable, "-m", "voskhod_game", "check", str(mini_copy)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict", "PYTHONPATH": str(REPO / "src")},
        timeout=60,
    )
    assert run.returncode == 1, run.stderr
    assert b"Traceback" not in run.stderr
    assert b"2_w\\udce9lk.yaml:3:1: V003" in run.stdout  # the odd byte is shown escaped, the rest as usual


def test_check_of_a_folder_with_every_kind_of_odd_entry_finishes(tmp_path: Path) -> None:
    root = tmp_path / "story"
    root.mkdir()
    for path in MINI.iterdir():
        (root / path.name).write_bytes(path.read_bytes())
    (root / "3_dir.yaml").mkdir()
    if os.name == "posix":
        os.mkfifo(root / "4_fifo.yaml")
        (root / "5_zero.yaml").symlink_to("/dev/zero")
    (root / "6_dangling.yaml").symlink_to(root / "nowhere.yaml")
    assert main(["check", "--no-analysis", str(root)]) == 1


def test_control_characters_quoted_from_a_story_are_shown_escaped(
    mini_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = mini_copy / "1_hatch.yaml"
    scene.write_text(scene.read_text().replace("id: hatch", 'id: "hatch\\e]0;pwned\\a\\u202e"', 1))
    assert main(["check", str(mini_copy)]) == 1
    out = capsys.readouterr().out
    assert "`hatch\\x1b]0;pwned\\x07\\u202e` is not a valid value" in out
    assert "\x1b" not in out and "\u202e" not in out
