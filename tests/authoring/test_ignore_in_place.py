"""Accepting a warning in one place (`ignore:` on a beat or choice), and `--ignore`, never hide an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voskhod_game.cli import main
from voskhod_game.commands.check import check_dir

from .conftest import edit, line_of

# The watch beat's turn-down choice gets a condition that can fail: W403 on the beat.
STRANDED = (
    "        target: watch\n        time: 60",
    "        target: watch\n        if: lamp_oil > 40\n        time: 60",
)
# The harbour's fetch choice gets a condition that can never hold: W404 on that choice.
NEVER = ("if: lamp_oil < 80", "if: lamp_oil > 100")


def test_a_beat_accepts_its_warning_with_a_reason(clean_story: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(clean_story, "2_tower.yaml", *STRANDED)
    assert [d.code for d in check_dir(clean_story)] == ["W403"]
    edit(
        clean_story,
        "2_tower.yaml",
        "  - id: watch\n",
        '  - id: watch\n    ignore: {W403: "the lamp is meant to fail: the flare is the way out"}\n',
    )
    ignored: list = []
    assert check_dir(clean_story, ignored=ignored) == []
    assert [d.code for d in ignored] == ["W403"]
    assert main(["check", str(clean_story)]) == 0
    assert "no problems found (1 warning accepted by `ignore:` in the story)" in capsys.readouterr().out
    assert main(["check", str(clean_story), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ignored_in_story"] == 1


def test_a_choice_accepts_only_its_own_warning(clean_story: Path) -> None:
    edit(clean_story, "1_harbour.yaml", *NEVER)
    edit(clean_story, "2_tower.yaml", *STRANDED)
    edit(
        clean_story,
        "1_harbour.yaml",
        "        reason: The reservoir",
        "        ignore: {W404: later}\n        reason: The reservoir",
    )
    assert [d.code for d in check_dir(clean_story)] == ["W403"]  # the tower's warning stays


def test_a_beat_accepts_the_warnings_of_its_choices(clean_story: Path) -> None:
    edit(clean_story, "1_harbour.yaml", *NEVER)
    edit(
        clean_story, "1_harbour.yaml", "    title: On the quay\n", "    title: On the quay\n    ignore: {W404: draft}\n"
    )
    assert check_dir(clean_story) == []


def test_accepting_another_code_does_not_hide_the_warning(clean_story: Path) -> None:
    edit(clean_story, "1_harbour.yaml", *NEVER)
    edit(
        clean_story,
        "1_harbour.yaml",
        "        reason: The reservoir",
        "        ignore: {W403: wrong one}\n        reason: The reservoir",
    )
    assert [d.code for d in check_dir(clean_story)] == ["W404"]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("V202", "`V202` is an error (target does not exist); errors cannot be ignored"),
        ("W4O4", "`W4O4` is not a warning code"),
        ("W499", "`W499` is not a warning code"),
    ],
)
def test_ignore_names_only_warnings_that_exist(clean_story: Path, code: str, words: str) -> None:
    edit(
        clean_story,
        "1_harbour.yaml",
        "        reason: The reservoir",
        f"        ignore: {{{code}: why}}\n        reason: The reservoir",
    )
    found = check_dir(clean_story)
    assert [(d.code, d.line) for d in found] == [("V206", line_of(clean_story, "1_harbour.yaml", "ignore:"))]
    assert words in found[0].message


def test_ignore_needs_a_reason(clean_story: Path) -> None:
    edit(
        clean_story,
        "1_harbour.yaml",
        "        reason: The reservoir",
        "        ignore: {W404: ''}\n        reason: The reservoir",
    )
    assert [d.code for d in check_dir(clean_story)] == ["V104"]


@pytest.mark.parametrize(
    ("codes", "words"),
    [
        ("W405,V202", "V202 is an error"),
        ("v104", "V104 is an error"),
        ("W999", "W999 is not a warning code"),
        ("banana", "BANANA is not a warning code"),
    ],
)
def test_the_ignore_option_refuses_errors_and_unknown_codes(
    clean_story: Path, capsys: pytest.CaptureFixture[str], codes: str, words: str
) -> None:
    edit(clean_story, "1_harbour.yaml", "target: tower.lamp_room", "target: tower.lamp_rom")
    assert main(["check", str(clean_story), "--ignore", codes]) == 2
    captured = capsys.readouterr()
    assert words in captured.err and captured.out == ""


def test_the_ignore_option_leaves_errors_in_place(clean_story: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(clean_story, "1_harbour.yaml", "target: tower.lamp_room", "target: tower.lamp_rom")
    assert main(["check", str(clean_story), "--ignore", "W401,W402,W403,W404,W405,W406,W407,W408,W409,W410"]) == 1
    assert "V202" in capsys.readouterr().out
