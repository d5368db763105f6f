"""Line mode driven through stdin, as a screen reader user or a script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import MINI


def play(stdin: str, *args: str, saves: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "VOSKHOD_SAVES": str(saves), **(env or {})}
    full_env.pop("NO_COLOR", None) if env is None else None
    return subprocess.run(
        [sys.executable, "-m", "voskhod_game", "play", "--plain", "--story", str(MINI), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
    )


def test_piped_play_reaches_an_ending_and_shows_the_debrief(tmp_path: Path) -> None:
    run = play("1\n1\n3\n", "--seed", "4", saves=tmp_path)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "== Scene 1/2: The hatch ==" in out
    assert "Oxygen 20 min | Suit pressure 0.40 atm | Heart rate 80 bpm" in out
    assert "(unavailable: You have not looked yet) Go back in" in out
    assert "== THE END:" in out and "Debrief" in out
    assert "Oxygen left: you" in out and "Timeline (yours / real, UTC):" in out
    assert run.stderr == ""


def test_end_of_input_ends_cleanly_and_the_game_is_autosaved(tmp_path: Path) -> None:
    run = play("2\n", "--seed", "1", saves=tmp_path)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    assert (tmp_path / "autosave-mini.json").exists()
    resumed = play("status\nquit\n", "--load", "autosave", saves=tmp_path)
    assert resumed.returncode == 0
    assert "Loaded “autosave-mini”" in resumed.stdout
    assert "Oxygen: 17 min" in resumed.stdout  # 3 minutes of waiting were kept


def test_commands_save_load_undo_and_help(tmp_path: Path) -> None:
    script = "help\n2\nsave mine\nundo\nsaves\nload mine\nstatus\nlog\nnonsense\n9\nquit\n"
    run = play(script, "--seed", "1", saves=tmp_path)
    out = run.stdout
    assert run.returncode == 0
    assert "save NAME" in out  # help text
    assert "Saved as “mine”" in out
    assert "Undone." in out
    assert "mine: Mini Mission" in out
    assert "Loaded “mine”" in out
    assert "Oxygen: 17 min" in out
    assert "Wait and breathe" in out  # the log lists the choice
    assert "There is no choice “nonsense” here" in out
    assert "There is no choice “9” here" in out
    assert "Goodbye" in out


def test_undo_refused_past_a_point_of_no_return(tmp_path: Path) -> None:
    run = play("1\nundo\nquit\n", "--seed", "1", saves=tmp_path)
    assert "Cannot undo: this is a point of no return" in run.stdout


def test_disabled_choice_cannot_be_taken_by_number(tmp_path: Path) -> None:
    run = play("1\n3\nquit\n", "--seed", "1", saves=tmp_path)
    assert "is not possible: You have not looked yet" in run.stdout


def test_no_colour_codes_in_pipes_or_under_no_color(tmp_path: Path) -> None:
    run = play("3\nquit\n", "--seed", "1", saves=tmp_path, env={"NO_COLOR": "1"})
    assert "\x1b[" not in run.stdout
    assert "Heart rate 130 bpm [WARN]" in run.stdout


def test_loading_a_damaged_save_reports_it_and_exits_nonzero(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("not json")
    run = play("", "--load", "bad", saves=tmp_path)
    assert run.returncode == 1
    assert "Cannot load: the file is damaged" in run.stdout
    assert (tmp_path / "bad.json").read_text() == "not json"


def test_broken_story_prints_problems_not_a_traceback(tmp_path: Path, mini_copy: Path) -> None:
    (mini_copy / "1_hatch.yaml").write_text("id: hatch\ntitle: T\nbeats: [}\n")
    run = subprocess.run(
        [sys.executable, "-m", "voskhod_game", "play", "--plain", "--story", str(mini_copy)],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "VOSKHOD_SAVES": str(tmp_path)},
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"{mini_copy / '1_hatch.yaml'}:3:" in run.stderr and "V003" in run.stderr


def test_another_story_in_line_mode_shows_nothing_of_voskhod_and_announces_the_odds(tmp_path: Path) -> None:
    """examples/crevasse: a chance goes wrong (and is said so), a meter runs out, the debrief
    compares with the story's own year; no word of the Voskhod-2 story anywhere."""
    from conftest import CREVASSE, voskhod_words_in

    env = {**os.environ, "VOSKHOD_SAVES": str(tmp_path)}
    script = "help\nstatus\nleave_light\ndrive_on\nlog\nabandon\nnew\nload_extra\nprobe\ndrive_on\npush_on\nquit\n"
    run = subprocess.run(
        [sys.executable, "-m", "voskhod_game", "play", "--plain", "--story", str(CREVASSE), "--seed", "5"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "! The odds went against you." in out
    assert "! Fuel reached its limit" in out and "== THE END: Dry tanks (Lost) ==" in out
    assert "== THE END: Scott Base (As it happened) ==" in out
    assert "Your run beside 1957:" in out and "Fuel at the end: you 50 %, 1957 25 %" in out
    assert "At the South Pole: 13:30:00 / 19 Jan 12:00:00 (56 days early)" in out
    assert voskhod_words_in(out + run.stderr) == []
    help_run = subprocess.run(
        [sys.executable, "-m", "voskhod_game", "--help"], capture_output=True, text=True, timeout=60, env=env
    )
    assert voskhod_words_in(help_run.stdout) == []
