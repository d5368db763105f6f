"""The Voskhod-2 debrief rows tell the truth about the run (issue 12)."""

from __future__ import annotations

import pytest

from story_paths import HISTORICAL_PATH, play, replace, story, until
from voskhod_game.engine.debrief import build_debrief
from voskhod_game.present.debrief import comparison_value


@pytest.fixture(scope="module")
def s():
    return story()


def rows(game) -> dict[str, str]:
    return {c.label: comparison_value(c, c.yours) for c in build_debrief(game).comparisons}


def test_the_historical_run_matches_every_real_figure(s):
    debrief = build_debrief(play(s, HISTORICAL_PATH))
    for line in debrief.comparisons:
        assert comparison_value(line, line.yours) == comparison_value(line, line.real), line.label


def test_the_valve_failure_shows_the_pressure_that_was_set_not_0_40(s):
    path = [*until(HISTORICAL_PATH, "say_nothing"), "bleed_low"]
    game = next(g for g in (play(s, path, seed) for seed in range(40)) if g.ending_id == "blackout")
    assert rows(game)["Lowest suit pressure set outside"] == "0.22 atm"


def test_stages_never_reached_show_a_dash_not_zero(s):
    path = [*until(HISTORICAL_PATH, "say_nothing"), "bleed_low"]
    game = next(g for g in (play(s, path, seed) for seed in range(40)) if g.ending_id == "blackout")
    shown = rows(game)
    for label in ("Landing distance off target", "Rise in body temperature during the walk", "Braking burn late by",
                  "A fire lit by the capsule", "Wolf-skin boots from the supply drop"):  # fmt: skip
        assert shown[label] == "—", label


def test_a_remark_to_brezhnev_hours_later_is_not_telling_the_ground_first(s):
    game = play(s, replace(HISTORICAL_PATH, "formal", "mention_suit"))
    assert rows(game)["Told the ground about the suit before acting"] == "no"
    assert game.env["told_kremlin"]


def test_retrofire_and_taiga_decisions_have_rows(s):
    path = replace(replace(HISTORICAL_PATH, "strip_dry", "keep_wet"), "huddle", "keep_fire")
    path = replace(path, "zone_perm", "zone_farm")
    shown = rows(play(s, path))
    assert shown["Braking burn late by"] == "46 s"
    assert shown["Both strapped in their seats for the burn"] == "yes"
    assert shown["Landing area chosen away from towns"] == "no"
    assert shown["Stripped out the sweat before the first night"] == "no"
    assert shown["A fire lit by the capsule"] == "yes"
