"""Playing the historical path reproduces the real flight's figures and timeline."""

from __future__ import annotations

import pytest

from story_paths import HISTORICAL_PATH, story
from voskhod_game.engine.game import Game


@pytest.fixture(scope="module")
def s():
    return story()


def walk(s, seed=1965):
    """Play the historical path, recording the meters on arrival at every beat."""
    game = Game.new(s, seed=seed)
    seen = {}
    for choice in HISTORICAL_PATH:
        seen[game.state] = dict(game.env)
        game.choose(choice)
    return game, seen


def test_historical_path_reaches_the_historical_ending(s):
    game, _ = walk(s)
    assert game.ended
    assert game.ending_id == "as_it_happened"
    assert s.endings[game.ending_id].type == "historical"


def test_historical_path_does_not_depend_on_the_dice(s):
    for seed in range(50):
        game, _ = walk(s, seed)
        assert game.ending_id == "as_it_happened", seed


def test_no_chance_roll_on_the_historical_path_can_go_wrong(s):
    game = Game.new(s, seed=0)
    for choice_id in HISTORICAL_PATH:
        choice = next(c for c in game.beat.choices if c.id == choice_id)
        if choice.chance is not None:
            assert choice.chance.probability(game.env) == 0, (game.state, choice_id)
        game.choose(choice_id)


def test_suit_pressure_follows_leonov(s):
    _, seen = walk(s)
    assert seen["egress.depress"]["suit_pressure"] == pytest.approx(0.40)
    assert seen["inflation.balloon"]["suit_pressure"] == pytest.approx(0.40)
    assert seen["inflation.bends_watch"]["suit_pressure"] == pytest.approx(0.27)
    assert seen["inflation.in_tube"]["suit_pressure"] == pytest.approx(0.27)


def test_walk_figures_match_the_record(s):
    game, seen = walk(s)
    values = game.env
    assert values["outside_minutes"] == pytest.approx(12.15, abs=0.05)  # 12 min 9 s
    assert values["peak_hr"] == pytest.approx(143)
    assert values["walk_temp"] - 36.6 == pytest.approx(1.8, abs=0.05)
    assert values["landing_km"] == pytest.approx(386)
    assert values["bled_to"] == 27 and values["head_first"] and values["film_saved"]
    # the pack was drawn on only from depressurisation to repressurisation and never ran low
    assert seen["prologue.airlock"]["oxygen"] == 45
    assert 10 < values["oxygen"] < 45
    assert seen["inflation.cabin_return"]["oxygen"] == values["oxygen"]


def test_cabin_oxygen_rises_after_the_walk_and_falls_after_the_bang(s):
    _, seen = walk(s)
    assert seen["spin.leak"]["cabin_o2"] < seen["spin.bang"]["cabin_o2"]
    assert seen["spin.attitude"]["cabin_o2"] < seen["spin.bang"]["cabin_o2"]


def test_gas_saved_by_letting_the_ship_roll(s):
    _, seen = walk(s)
    assert seen["retrofire.vzor"]["fuel"] == 100
    assert seen["retrofire.zone"]["fuel"] < 100


# Real times in minutes after launch (07:00:00 UTC, 18 March 1965).
REAL = {
    "egress.depress": 88 + 13 / 60,  # 08:28:13
    "egress.hatch": 92 + 54 / 60,  # 08:32:54
    "egress.exit": 94 + 51 / 60,  # 08:34:51
    "inflation.in_tube": 107.0,  # 08:47:00
    "inflation.hatch_closed": 108 + 40 / 60,  # 08:48:40
    "inflation.repress": 111 + 54 / 60,  # 08:51:54
    "taiga.touchdown": 26 * 60 + 2 + 17 / 60,  # 19 March 09:02:17
}


@pytest.mark.parametrize("beat", sorted(REAL))
def test_clock_at_milestones_matches_the_real_timeline(s, beat):
    game, _ = walk(s)
    assert game.milestones[beat] == pytest.approx(REAL[beat], abs=0.1)


def test_manifest_milestones_are_the_real_times(s):
    by_beat = {m.beat: m.real_minute for m in s.milestones}
    for beat, minute in REAL.items():
        assert by_beat[beat] == pytest.approx(minute, abs=0.02)


def test_rescue_days_line_up(s):
    _, seen = walk(s)
    day = 24 * 60
    start = 7 * 60  # launch at 07:00 on 18 March
    assert 2 * day - start <= seen["taiga.ski_party"]["elapsed"] < 3 * day - start  # 20 March
    assert 3 * day - start <= seen["taiga.ski_out"]["elapsed"] < 4 * day - start  # 21 March
    assert 5 * day - start <= seen["epilogue.after"]["elapsed"] < 6 * day - start  # 23 March
