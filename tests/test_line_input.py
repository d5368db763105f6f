"""Line mode reads anything a keyboard, a pipe or a broken locale can send, and answers in words.

Unicode digits (`²`, `⑧`) and choice numbers of thousands of digits used to
crash the game, and under a strict UTF-8 locale so did any invalid byte.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI, REPO
from voskhod_game.engine.saves import SaveStore
from voskhod_game.line_input import NotAChoice, choice_word, clean
from voskhod_game.plain import run_plain
from voskhod_game.story import Story


def strict_stdin(data: bytes) -> io.TextIOWrapper:
    """stdin as a desktop's strict UTF-8 locale gives it to Python."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="strict")


def session(story: Story, data: bytes, saves: Path) -> str:
    out = io.StringIO()
    assert run_plain(story, SaveStore(saves), seed=1, stdin=strict_stdin(data), stdout=out) == 0
    return out.getvalue()


@pytest.mark.parametrize(("typed", "chosen"), [("٢", "2"), ("２", "2"), ("२", "2"), ("2", "2"), ("wait", "wait")])
def test_decimal_digits_of_any_script_choose_by_number(typed: str, chosen: str) -> None:
    assert choice_word(typed) == chosen


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("²", "“²” is not written with ordinary digits"),
        ("⑧", "“⑧” is not written with ordinary digits"),
        ("9" * 5000, "there is no choice number 99999999999… (5,000 digits)"),
    ],
)
def test_numbers_that_cannot_be_choices_are_explained(typed: str, says: str) -> None:
    with pytest.raises(NotAChoice, match=says[:20]) as info:
        choice_word(typed)
    assert str(info.value) == says


def test_invisible_and_control_characters_are_dropped() -> None:
    assert clean("\u200f1\x00\n") == "1"
    assert clean("\ufeffsave \u202emine") == "save mine"
    assert clean("\udcff2") == "\ufffd2"  # an undecodable byte kept by surrogateescape


def test_a_transcript_of_hostile_lines_gets_answers_and_the_game_goes_on(mini: Story, tmp_path: Path) -> None:
    lines = ["²", "⑧", "9" * 5000, "\x00", "\u200f2", "\xff"]
    data = "\n".join(lines).encode("utf-8") + b"\n\xff\xfe1\n1\nquit\n"
    out = session(mini, data, tmp_path)
    assert out.count("“²” is not written with ordinary digits. Type a choice number or `help`.") == 1
    assert "“⑧” is not written with ordinary digits" in out
    assert "There is no choice number 99999999999… (5,000 digits)" in out
    assert "There is no choice “\ufffd\ufffd1” here" in out  # the bad bytes, shown as replacement characters
    assert "Oxygen 17 min" in out  # `\u200f2` was choice 2 (wait three minutes)
    assert "== Scene 2/2: The walk ==" in out  # then `1` opened the hatch
    assert out.rstrip().endswith("Goodbye. Your game is autosaved.")


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["1", "2", "3", "undo", "status", "look", "log", "new", "help", "save a", "load a", "saves"]
            ),
            st.sampled_from(["²", "⑧", "٣", "0", "-1", "1.5", "9" * 700, "\x00", "\u202e1"]),
            st.text(max_size=12),
        ).map(lambda s: s.encode("utf-8")),
        max_size=25,
    ),
    st.lists(st.binary(max_size=6), max_size=3),
)
def test_any_input_stream_plays_without_an_exception(lines: list[bytes], junk: list[bytes]) -> None:
    story = _mini()
    data = b"\n".join(lines + junk)
    with tempfile.TemporaryDirectory() as saves:
        out = session(story, data, Path(saves))
    assert "Traceback" not in out


def test_invalid_bytes_under_a_strict_utf8_locale_through_the_real_command(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "voskhod_game", "play", "--plain", "--story", str(MINI), "--seed", "1"],
        input=b"\xff\xfe\n\xc3\n2\nquit\n",
        capture_output=True,
        env={
            **os.environ,
            "PYTHONIOENCODING": "utf-8:strict",
            "PYTHONPATH": str(REPO / "src"),
            "VOSKHOD_SAVES": str(tmp_path),
        },
        timeout=60,
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert run.stderr == b""
    assert "There is no choice “\ufffd\ufffd” here".encode() in run.stdout
    assert b"Goodbye." in run.stdout


_STORY: list[Story] = []


def _mini() -> Story:
    """The mini story, loaded once (Hypothesis examples cannot take function-scoped fixtures)."""
    if not _STORY:
        from voskhod_game.story import load_story

        _STORY.append(load_story(MINI))
    return _STORY[0]
