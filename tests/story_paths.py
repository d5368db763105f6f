"""Shared helpers for the Voskhod-2 story tests: the historical path and a random player."""

from __future__ import annotations

from pathlib import Path

from voskhod_game.authoring.simulate import play_uniform
from voskhod_game.engine.game import Game
from voskhod_game.story import Story, load_story

SCENES = Path(__file__).resolve().parent.parent / "scenes"

# The choices Leonov and Belyayev made (or the nearest the game offers), in order.
HISTORICAL_PATH = [
    # prologue
    "checks", "trust_gauges", "as_trained", "full_hour", "go",
    # egress
    "watch_gauge", "wait_light", "ease_out", "mount_camera", "float_free", "reach_switch", "take_in",
    "pull_in", "head_back",
    # inflation
    "say_nothing", "bleed_027", "keep_moving", "fetch_film", "head_first", "curl_slow", "push_on",
    "wait_repress", "open_inner", "rest", "draw",
    # spin
    "fire_pyros", "let_roll", "formal", "tell_zarya", "lower_temp", "sleep_both", "hold", "check_seal",
    "leave_roll", "stow",
    # retrofire
    "report_fail", "ask_manual", "rest_orbit", "hold_pasha", "align_careful", "zone_perm", "strap_in",
    "count_aloud", "report_drag", "brace", "breathe",
    # taiga
    "fire_bolts", "rock_it", "gather_wood", "small_fire", "key_morse", "wave_arms", "fetch_all", "strip_dry", "huddle",
    "go_meet", "hut_night", "ski",
    # epilogue
    "call_home", "speak", "paint",
]  # fmt: skip

MAIN_SCENES = ["egress", "inflation", "spin", "retrofire", "taiga"]


def story() -> Story:
    return load_story(SCENES)


def play(story: Story, choices: list[str], seed: int = 1965) -> Game:
    game = Game.new(story, seed=seed)
    for choice in choices:
        assert not game.ended, f"the game ended ({game.ending_id}) before {choice}"
        game.choose(choice)
    return game


def replace(path: list[str], old: str, new: str) -> list[str]:
    """The historical path with one choice swapped for another."""
    assert old in path
    return [new if c == old else c for c in path]


def until(path: list[str], last: str) -> list[str]:
    """The historical path up to and including ``last``."""
    return path[: path.index(last) + 1]


play_random = play_uniform  # the story tests' name for it
