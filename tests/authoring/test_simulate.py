"""`voskhod simulate`: coverage and endings match what is known to be true."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voskhod_game.authoring.simulate import simulate_exhaustive, simulate_random
from voskhod_game.cli import main
from voskhod_game.engine import Game
from voskhod_game.story import load_story

from .conftest import MINI, REPO, edit

CREVASSE = REPO / "examples" / "crevasse"


def test_exhaustive_finds_the_true_coverage_of_the_mini_story() -> None:
    report = simulate_exhaustive(load_story(MINI))
    assert report.bound_hit == ""
    assert report.beats_never_reached == []
    # `secret` needs looks > 99, but each look costs oxygen and the oxygen runs out first.
    assert report.choices_never_taken == ["walk.outside:secret"]
    assert report.endings_never_reached == []
    assert report.causes_of_loss == {"hypoxia": report.endings["suffocated"]}
    assert report.soft_locks == []


def test_random_runs_cover_the_example_story_like_exhaustive_search() -> None:
    story = load_story(CREVASSE)
    exhaustive = simulate_exhaustive(story)
    # frostbite takes about 1 run in 400; this seed's 2,000 runs reach it a few times
    random = simulate_random(story, 2000, seed=3)
    assert exhaustive.bound_hit == "" and exhaustive.endings_never_reached == []
    assert random.beats_never_reached == exhaustive.beats_never_reached == []
    assert random.choices_never_taken == exhaustive.choices_never_taken == []
    assert random.endings_never_reached == []
    assert sum(random.endings.values()) == 2000 == random.runs
    assert set(random.causes_of_loss) == {"out of fuel", "cold injury"}
    # every run starts at the briefing (once more after checking the runners) and leaves by one of two choices
    assert random.beat_hits["depot.briefing"] == 2000 + random.choice_hits["depot.briefing:check_runners"]
    assert random.choice_hits["depot.briefing:load_extra"] + random.choice_hits["depot.briefing:leave_light"] == 2000
    # least-taken first: the two choices at the start are taken almost equally often
    assert abs(random.choice_hits["depot.briefing:load_extra"] - 1000) < 150
    fuel = random.meter_ranges["depot"]["fuel"]
    assert (fuel.min, fuel.median, fuel.max) == (70, 70, 70)
    pole_fuel = random.meter_ranges["plateau"]["fuel"]
    assert 0 < pole_fuel.min <= pole_fuel.median <= pole_fuel.max <= 100


def test_same_seed_same_report_other_seed_other_report() -> None:
    story = load_story(CREVASSE)
    one = simulate_random(story, 500, seed=42).to_json(timing=False)
    two = simulate_random(story, 500, seed=42).to_json(timing=False)
    three = simulate_random(story, 500, seed=43).to_json(timing=False)
    assert one == two
    assert one != three


def test_soft_lock_is_reported_with_its_path(clean_story: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Saving oil now needs more than 40%: after a few saves neither choice at the watch is possible.
    edit(
        clean_story,
        "2_tower.yaml",
        "        target: watch\n        time: 60",
        "        target: watch\n        if: lamp_oil > 40\n        time: 60",
    )
    report = simulate_exhaustive(load_story(clean_story))
    (lock,) = report.soft_locks
    assert lock.beat == "tower.watch"
    assert lock.path[:2] == ("harbour.quay:climb", "tower.lamp_room:light")
    assert set(lock.path[2:]) == {"tower.watch:save_oil"}
    assert main(["simulate", str(clean_story), "--runs", "300"]) == 1
    out = capsys.readouterr().out
    assert "SOFT-LOCKS" in out and "tower.watch" in out and "tower.lamp_room:light -> tower.watch:save_oil" in out


def test_exhaustive_says_when_it_hits_its_bound() -> None:
    report = simulate_exhaustive(load_story(MINI), max_states=5)
    assert "5 distinct states" in report.bound_hit
    assert report.states == 5


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(CREVASSE), "--runs", "200", "--seed", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["runs"] == 200 and data["seed"] == 3
    assert data["coverage"]["beats"] == {"reached": 6, "total": 6}  # the routing beat `across` included
    assert set(data["endings"]) == {"crossing", "airlift", "stranded", "frostbite"}
    assert set(data["meter_ranges"]["crevasses"]) == {"fuel", "warmth"}
    assert data["runs_per_second"] > 0
    assert data["mean_choices"] > 2


def test_text_report_lists_never_reached(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(MINI), "--strategy", "exhaustive"]) == 0
    out = capsys.readouterr().out
    assert "Complete: every reachable state seen." in out
    assert "choice  walk.outside:secret" in out
    assert "Coverage: beats 2/2, choices 6/7, endings 3/3" in out


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(MINI), "--runs", "0"]) == 2
    assert main(["simulate", "/nonexistent/story"]) == 2
    assert "--runs" in capsys.readouterr().err


@pytest.mark.parametrize("folder", [CREVASSE, REPO / "scenes", MINI])
@pytest.mark.parametrize("strategy", ["random", "cautious"])
def test_meter_ranges_are_exact_though_only_the_meters_a_choice_changed_are_looked_at(
    folder: Path, strategy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The simulator widens a scene's ranges with ``Game.moved`` only; with it always unknown,
    every meter is looked at at every beat, and the report must be the same."""
    story = load_story(folder)
    quick = simulate_random(story, 300, seed=5, strategy=strategy).to_json(timing=False)
    monkeypatch.setattr(Game, "moved", property(lambda game: None, lambda game, value: None), raising=False)
    every = simulate_random(story, 300, seed=5, strategy=strategy).to_json(timing=False)
    assert quick == every and quick["meter_ranges"]
