"""Issue 12's targets for choices that matter and fair losses, measured by scripts/story_choices.py.

docs/story.md reports the figures from the script's full run (4,000 runs, 12 seeds a swap);
these tests run the same measures on fewer runs, so that a text edit which drops the words
warning of a danger, or a change that makes one choice always best, fails here first.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from story_paths import story

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "story_choices.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("story_choices", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def measured():
    script = _load_script()
    s = story()
    out = script.Figures()
    script.branching(s, out)
    script.swaps(s, 12, out)
    script.random_play(s, 800, out)
    return out


def test_at_least_40_percent_of_beats_lead_to_two_or_more_next_beats(measured):
    assert len(measured.branching) / measured.beats >= 0.40


def test_at_least_30_percent_of_single_swaps_change_the_ending(measured):
    changed = [swap for swap in measured.swaps if swap[3] >= 0.5]
    assert len(changed) / len(measured.swaps) >= 0.30


def test_no_beat_has_one_safe_choice_without_saying_why(measured):
    assert measured.lopsided == []


def test_every_lost_run_was_warned_at_the_fatal_beat(measured):
    assert measured.lost > 100  # random play loses often enough for this to mean something
    assert dict(measured.unwarned_where) == {}
