"""The engine: gating, effects, clamping, thresholds, endings, dice, undo, snapshots."""

from __future__ import annotations

import json

import pytest

from voskhod_game.engine import Game, GameError
from voskhod_game.engine.debrief import build_debrief
from voskhod_game.present.debrief import comparison_value
from voskhod_game.story import Story


def test_new_game_starts_at_the_start_beat_with_meters_at_their_start(mini: Story) -> None:
    view = Game.new(mini, seed=1).view()
    assert view.beat_id == "hatch.inside"
    assert view.meter("oxygen").value == 20
    assert view.scene_number == 1 and view.scene_count == 2
    assert view.clock.zones == (("UTC", "08:00"), ("Moscow", "11:00"))
    assert "20" in view.text  # {oxygen} placeholder filled in


def test_disabled_choice_is_shown_with_its_reason_and_cannot_be_taken(mini: Story) -> None:
    game = Game.new(mini, seed=1)
    game.choose("open")
    back = next(c for c in game.view().choices if c.id == "go_back")
    assert not back.enabled and back.reason == "You have not looked yet"
    with pytest.raises(GameError, match="not possible"):
        game.choose("go_back")


def test_hidden_choices_are_not_listed_while_disabled(mini: Story) -> None:
    game = Game.new(mini, seed=1)
    game.choose("open")
    assert "secret" not in [c.id for c in game.view().choices]


def test_time_drains_meters_at_their_rate_and_advances_the_clock(mini: Story) -> None:
    game = Game.new(mini, seed=1)
    result = game.choose("open")  # 5 minutes at -1/min
    assert result.deltas["oxygen"] == -5
    view = game.view()
    assert view.meter("oxygen").value == 15
    assert view.clock.elapsed == "T+00:05:00"
    assert dict(view.clock.zones)["Moscow"] == "11:05"


def test_effects_apply_and_meters_clamp_to_their_range(mini: Story) -> None:
    game = Game.new(mini, seed=1)
    game.choose("rush")  # heart 80 -> 130
    game.choose("bleed")
    assert game.view().meter("pressure").value == pytest.approx(0.27)
    for _ in range(7):
        game.choose("look")
    assert game.env["heart"] == 200  # clamped at max


def test_crossing_a_threshold_is_reported_as_an_event(mini: Story) -> None:
    game = Game.new(mini, seed=1)
    result = game.choose("rush")  # heart 80 -> 130: warn
    assert any(e.kind == "threshold" and e.meter == "heart" and e.state == "warn" for e in result.events)
    assert game.view().meter("heart").state == "warn"


def test_meter_at_its_limit_reaches_its_ending(mini: Story) -> None:
    game = Game.new(mini, seed=1)
    for _ in range(7):  # 3 minutes each: 20 -> 0 oxygen
        if game.ended:
            break
        game.choose("wait")
    assert game.ended and game.ending_id == "suffocated"
    view = game.view()
    assert view.ending is not None and view.ending.type == "lost" and view.choices == ()
    with pytest.raises(GameError):
        game.choose("wait")


def play_to_ending(mini: Story, seed: int) -> Game:
    game = Game.new(mini, seed=seed)
    for choice in ("open", "look", "go_back"):
        game.choose(choice)
    return game


def test_same_seed_same_game_and_chance_outcomes_vary_by_seed(mini: Story) -> None:
    endings = {seed: play_to_ending(mini, seed).ending_id for seed in range(40)}
    assert set(endings.values()) == {"home", "drifted"}
    assert all(play_to_ending(mini, seed).ending_id == endings[seed] for seed in range(40))
    assert all(play_to_ending(mini, seed).snapshot() == play_to_ending(mini, seed).snapshot() for seed in range(3))


def test_undo_takes_back_a_choice_including_its_dice(mini: Story) -> None:
    game = Game.new(mini, seed=7)
    game.choose("wait")
    before = game.snapshot()
    game.choose("wait")
    game.undo()
    assert game.snapshot()["run"] == before["run"]
    assert game.state == "hatch.inside" and len(game.history) == 1


def test_point_of_no_return_blocks_undo(mini: Story) -> None:
    game = Game.new(mini, seed=1)
    game.choose("open")  # walk.outside is no_return
    with pytest.raises(GameError, match="point of no return"):
        game.undo()
    game.choose("look")
    game.undo()  # within the no-return beat, undo still works
    assert game.state == "walk.outside"


def test_snapshot_round_trip_through_json_continues_identically(mini: Story) -> None:
    game = Game.new(mini, seed=11)
    game.choose("wait")
    game.choose("open")
    data = json.loads(json.dumps(game.snapshot()))
    copy = Game.restore(mini, data)
    assert copy.view() == game.view()
    for choice in ("look", "go_back"):
        game.choose(choice)
        copy.choose(choice)
    assert copy.snapshot() == game.snapshot()


def test_restore_refuses_other_stories_and_missing_beats(mini: Story) -> None:
    data = Game.new(mini, seed=1).snapshot()
    with pytest.raises(GameError, match="belongs to the story"):
        Game.restore(mini, {**data, "story_id": "other"})
    with pytest.raises(GameError, match="no longer exists"):
        Game.restore(mini, {**data, "run": {**data["run"], "beat": "hatch.gone"}})
    with pytest.raises(GameError, match="meters is not an object"):
        Game.restore(mini, {**data, "run": {**data["run"], "meters": None}})


def test_choices_can_be_taken_by_number(mini: Story) -> None:
    game = Game.new(mini, seed=1)
    game.choose("1")
    assert game.state == "walk.outside"


def test_debrief_compares_the_run_with_history(mini: Story) -> None:
    game = play_to_ending(mini, seed=2)
    d = build_debrief(game)
    assert d.ending.id == game.ending_id
    assert d.comparisons[0].label == "Oxygen left" and d.comparisons[0].real == 10
    assert d.timeline[0].yours_clock == "UTC 08:05:00" and d.timeline[0].real_clock == "UTC 08:05:00"
    assert d.path == ("Open the hatch", "Look at the view", "Go back in")
    assert d.series("oxygen")[0] == 20
    assert [(f.id, f.text, f.source) for f in d.facts] == [("T1", "The walk lasted about twelve minutes.", "test")]


def test_the_fast_step_follows_the_same_rules_as_choose() -> None:
    """step() (the simulator's path) must reach the same states and values as choose()."""
    import random

    from conftest import REPO
    from voskhod_game.story import load_story

    for story in (load_story(REPO / "tests" / "fixtures" / "mini"), load_story(REPO / "scenes")):
        picker = random.Random(5)
        for seed in range(150):
            slow, fast = Game.new(story, seed), Game.new(story, seed)
            while not slow.ended:
                choice = picker.choice(slow.enabled_choices()).id
                assert [c.id for c in fast.enabled_choices()] == [c.id for c in slow.enabled_choices()]
                hit = slow.choose(choice).chance_hit
                assert fast.step(choice) == hit
                assert (fast.state, fast.env, fast.run.rates) == (slow.state, slow.env, slow.run.rates)
            assert fast.ended and fast.history == slow.history


def test_a_scene_can_hide_meters_that_still_change(mini_copy) -> None:
    from voskhod_game.story import load_story

    scene = mini_copy / "2_walk.yaml"
    scene.write_text(scene.read_text().replace("title: The walk\n", "title: The walk\nhide_meters: [pressure]\n"))
    story = load_story(mini_copy)
    game = Game.new(story, seed=1)
    assert "pressure" in [m.name for m in game.view().visible_meters]
    game.choose("open")
    assert "pressure" not in [m.name for m in game.view().visible_meters]
    game.choose("bleed")
    assert game.env["pressure"] == pytest.approx(0.27)


def test_a_debrief_figure_for_a_stage_never_reached_is_a_dash(tmp_path) -> None:
    """`when:` on a comparison: false at the end means the run never got there, so no `0 km`."""
    import shutil

    from conftest import REPO
    from voskhod_game.story import load_story

    root = tmp_path / "mini"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", root)
    manifest = root / "story.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "  comparisons:\n" in text
    manifest.write_text(
        text.replace(
            "  comparisons:\n",
            '  comparisons:\n    - {label: Outside, yours: oxygen, when: seen("walk.outside"), real: 1}\n',
        ),
        encoding="utf-8",
    )
    story = load_story(root)
    stays_in = Game.new(story, seed=1)
    while not stays_in.ended:
        stays_in.choose("wait")  # breathing in the airlock until the air is gone
    first = build_debrief(stays_in)
    assert first.comparisons[0].yours is None
    assert comparison_value(first.comparisons[0], first.comparisons[0].yours) == "—"
    went_out = Game.new(story, seed=1)
    went_out.choose("open")
    while not went_out.ended:
        went_out.choose(went_out.enabled_choices()[-1].id)
    assert build_debrief(went_out).comparisons[0].yours is not None
