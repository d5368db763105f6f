"""The command line contract: version, help, check's exit codes and formats, saves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import MINI
from voskhod_game import __version__


def voskhod(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voskhod_game", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def test_version_and_help() -> None:
    assert voskhod("--version").stdout.strip() == f"voskhod {__version__}"
    help_text = voskhod("--help").stdout
    for command in ("play", "check", "saves"):
        assert command in help_text


def test_check_clean_story_exits_zero() -> None:
    # The mini fixture loads cleanly but has a flag nobody reads (analysis warning W405).
    run = voskhod("check", str(MINI), "--no-analysis")
    assert run.returncode == 0 and "no problems found" in run.stdout
    assert voskhod("check", str(MINI), "--ignore", "W405").returncode == 0


def test_check_broken_story_exits_one_with_path_line_col(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    scene.write_text(
        scene.read_text().replace("target: walk.outside\n        time: 5", "target: nowhere\n        time: 5")
    )
    run = voskhod("check", str(mini_copy))
    assert run.returncode == 1
    assert f"{scene}:13:17: V202 target `nowhere` does not exist" in run.stdout


def test_check_json_lists_diagnostics(mini_copy: Path) -> None:
    scene = mini_copy / "1_hatch.yaml"
    scene.write_text(scene.read_text().replace("time: 5", "time: five"))
    run = voskhod("check", "--format", "json", str(mini_copy))
    data = json.loads(run.stdout)
    assert run.returncode == 1 and data["errors"] >= 1
    first = data["diagnostics"][0]
    assert first["code"] == "V102" and first["path"] == str(scene) and first["line"] == 14


def test_check_usage_errors_exit_two(tmp_path: Path) -> None:
    assert voskhod("check", str(tmp_path / "missing")).returncode == 2
    assert voskhod("check", "--format", "xml", str(MINI)).returncode == 2


def test_saves_list_show_delete(tmp_path: Path) -> None:
    env = {"VOSKHOD_SAVES": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "voskhod_game", "play", "--plain", "--story", str(MINI), "--seed", "1"],
        input="2\nsave keep\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    (tmp_path / "junk.json").write_text("{")
    listing = voskhod("saves", "list", env=env).stdout
    assert "keep: Mini Mission · The hatch · T+00:03:00" in listing
    assert "junk: cannot be loaded: the file is damaged" in listing
    shown = voskhod("saves", "show", "keep", env=env)
    assert shown.returncode == 0 and "beat: hatch.inside" in shown.stdout
    assert "choices made: 1" in shown.stdout and '"heart": 75.0' in shown.stdout  # read from the run, not format 1
    assert voskhod("saves", "show", "junk", env=env).returncode == 1
    assert voskhod("saves", "delete", "keep", env=env).returncode == 0
    assert not (tmp_path / "keep.json").exists()
    assert voskhod("saves", "delete", "keep", env=env).returncode == 1
    assert voskhod("saves", "--saves", str(tmp_path), "list").returncode == 0


def _one_save(directory: Path, slot: str) -> None:
    from voskhod_game.engine.game import Game
    from voskhod_game.engine.saves import SaveStore
    from voskhod_game.story import load_story

    SaveStore(directory).save(slot, Game.new(load_story(MINI), seed=1))


def test_saves_option_means_the_same_at_every_level(tmp_path: Path) -> None:
    mine, other = tmp_path / "mine", tmp_path / "other"
    _one_save(mine, "kept")
    elsewhere = {"VOSKHOD_SAVES": str(other)}  # every spelling below must beat the environment
    for args in (
        ("saves", "list", "--saves", str(mine)),
        ("--saves", str(mine), "saves", "list"),
        ("saves", "--saves", str(mine), "list"),
        ("saves", "--saves", str(mine)),
        (f"--saves={mine}", "saves"),
    ):
        run = voskhod(*args, env=elsewhere)
        assert run.returncode == 0, (args, run.stderr)
        assert "kept: Mini Mission" in run.stdout, args
    run = voskhod("saves", "list", env={"VOSKHOD_SAVES": str(mine)})
    assert "kept: Mini Mission" in run.stdout
    assert "kept" in voskhod("saves", "show", "kept", "--saves", str(mine), env=elsewhere).stdout


def test_saves_delete_removes_from_the_folder_given_before_the_action(tmp_path: Path) -> None:
    """``voskhod saves --saves DIR delete SLOT`` once deleted from the default folder instead."""
    mine, default = tmp_path / "mine", tmp_path / "default"
    _one_save(mine, "slot")
    _one_save(default, "slot")
    run = voskhod("saves", "--saves", str(mine), "delete", "slot", env={"VOSKHOD_SAVES": str(default)})
    assert run.returncode == 0, run.stderr
    assert not (mine / "slot.json").exists()
    assert (default / "slot.json").exists()
    _one_save(mine, "again")
    run = voskhod("--saves", str(mine), "saves", "delete", "again", env={"VOSKHOD_SAVES": str(default)})
    assert run.returncode == 0 and not (mine / "again.json").exists()


def test_a_shared_option_without_its_value_is_a_usage_error() -> None:
    for args in (("--story",), ("--saves", "/tmp", "--story"), ("--lang",)):
        run = voskhod(*args)
        assert run.returncode == 2, args
        assert "expected one argument" in run.stderr and "internal error" not in run.stderr, args


def test_each_command_has_its_own_help_and_errors() -> None:
    for command, option in (("play", "--plain"), ("check", "--no-analysis"), ("saves", "list")):
        run = voskhod(command, "--help")
        assert run.returncode == 0 and f"usage: voskhod {command}" in run.stdout and option in run.stdout
    run = voskhod("check", "--no-such-option")
    assert run.returncode == 2 and "unrecognized arguments: --no-such-option" in run.stderr


def test_story_option_before_or_after_the_command(tmp_path: Path) -> None:
    saves = {"VOSKHOD_SAVES": str(tmp_path)}
    for args in (("--story", str(MINI), "play", "--plain"), ("play", "--plain", "--story", str(MINI))):
        run = subprocess.run(
            [sys.executable, "-m", "voskhod_game", *args],
            input="quit\n",
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **saves},
        )
        assert run.returncode == 0 and "Mini Mission" in run.stdout, args
    run = voskhod("--story", str(MINI), "check", "--no-analysis")
    assert run.returncode == 0 and run.stdout.strip() == f"{MINI}: no problems found"
    run = voskhod("--story", str(MINI), "simulate", "--runs", "5", "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["story"] == "mini"
