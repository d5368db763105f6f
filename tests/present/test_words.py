"""The presentation layer: the words every front end uses for times, events, meters, choices, endings."""

from __future__ import annotations

import pytest

from voskhod_game.engine import Game
from voskhod_game.engine.views import ChoiceResult, ChoiceView, Event, MeterView
from voskhod_game.present.choices import choice_line
from voskhod_game.present.debrief import NOT_REACHED, debrief_rows
from voskhod_game.present.durations import format_duration, signed_minutes
from voskhod_game.present.endings import ending_kind
from voskhod_game.present.events import announcements, gravest, result_lines
from voskhod_game.present.meters import meter_detail, status_line
from voskhod_game.present.text import first_paragraph, paragraphs, reflow, wrapped


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, ""),
        (0.75, "45 s"),
        (13 + 13 / 60, "13 min 13 s"),
        (5, "5 min"),
        (120, "2 h"),
        (125, "2 h 5 min"),
        (180, "3 h"),
    ],
)
def test_durations_read_as_a_person_says_them(minutes: float, text: str) -> None:
    assert format_duration(minutes) == text


def test_milestone_differences_grow_into_hours_and_days() -> None:
    assert signed_minutes(None) == "not reached"
    assert signed_minutes(0.2) == "on time"
    assert signed_minutes(4) == "4 min late"
    assert signed_minutes(-300) == "5 h early"
    assert signed_minutes(-80550) == "56 days early"


def test_paragraphs_are_reflowed_the_same_whatever_the_blank_line_holds() -> None:
    text = "First line\n  wraps here.\n \t\nSecond *para*\ngraph.\n\n\n"
    assert paragraphs(text) == ["First line wraps here.", "Second *para* graph."]
    assert reflow(text) == "First line wraps here.\n\nSecond *para* graph."
    assert first_paragraph("*Bold* start\nof it.\n\nMore.") == "Bold start of it."
    assert wrapped(text, 14, "  ") == ["  First line\n  wraps here.", "  Second para\n  graph."]


def test_every_kind_of_event_is_announced_with_its_gravity() -> None:
    events = (
        Event("chance", "The odds went against you."),
        Event("threshold", "Fuel: WARN", "fuel", "warn"),
        Event("error", "effect `x` skipped"),
        Event("threshold", "", "fuel", "ok"),  # nothing to say
    )
    told = announcements(events)
    assert [a.text for a in told] == ["The odds went against you.", "Fuel: WARN", "effect `x` skipped"]
    assert [a.severity for a in told] == ["information", "warning", "warning"]
    assert gravest(told) == "warning"
    assert gravest(announcements([Event("limit", "Fuel reached its limit", "fuel", "critical")])) == "error"
    assert gravest(()) == "information"
    result = ChoiceResult("go", "Go", 2, "You go.\n", events=events)
    assert result_lines(result) == ["You go.", "! The odds went against you.", "! Fuel: WARN", "! effect `x` skipped"]


def test_meters_spell_out_their_state() -> None:
    ok = MeterView("fuel", "Fuel", "%", 70, 0, 100, "ok", -1.0)
    warn = MeterView("heat", "Heat", "", 30, 0, 100, "warn", 0.0)
    hidden = MeterView("x", "X", "", 1, 0, 1, "critical", 0.0, hidden=True)
    assert status_line([ok, warn, hidden]) == "Fuel 70 % | Heat 30 [WARN]"
    assert meter_detail(ok) == "Fuel: 70 % (ok, -1/min; range 0–100 %)"
    assert meter_detail(warn) == "Heat: 30 (warn; range 0–100)"


def test_a_choice_line_carries_cost_risk_and_reason() -> None:
    open_ = choice_line(ChoiceView("go", 1, "Drive on", True, minutes=240, risky=True))
    shut = choice_line(ChoiceView("back", 2, "Turn back", False, "The way is closed", minutes=0.5))
    assert open_.text == "1. Drive on (4 h) [risky]"
    assert shut.text == "2. (unavailable: The way is closed) Turn back (30 s)"
    assert shut.refusal == "Turn back: The way is closed"


def test_ending_kinds_have_names() -> None:
    assert [ending_kind(k) for k in ("historical", "survived", "lost")] == ["As it happened", "Survived", "Lost"]


def test_debrief_rows_use_the_story_reference_label_and_mark_stages_never_reached(mini) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from voskhod_game.engine.debrief import build_debrief
    from voskhod_game.story.model import Milestone

    story = replace(
        mini, reference_label="[b]1066[/b]", milestones=(*mini.milestones, Milestone("walk.nowhere", "Never", 30.0))
    )
    game = Game.new(story, seed=1)
    for choice in ("open", "look", "go_back"):
        game.choose(choice, force_chance=False)
    rows = debrief_rows(build_debrief(game), story)
    assert rows.kind == "As it happened" and rows.title == "Home again"
    assert rows.reference_label == "[b]1066[/b]"
    assert rows.comparison_heading == "Your run beside [b]1066[/b]"
    assert [(c.label, c.yours, c.reference) for c in rows.comparisons] == [("Oxygen left", "11 min", "10 min")]
    outside, never = rows.timeline
    assert (outside.yours, outside.reference, outside.difference) == ("08:05:00", "08:05:00", "on time")
    assert (never.yours, never.difference) == (NOT_REACHED, "not reached")
    assert rows.zone == "UTC" and rows.timeline_heading == "Your timeline and the real one (UTC)"
    assert rows.summary == "Mission time T+00:09:00 · 3 choices"


def test_a_story_without_a_clock_shows_elapsed_time_only(mini) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from voskhod_game.engine.debrief import build_debrief

    story = replace(mini, clock=None)
    game = Game.new(story, seed=1)
    assert game.view().clock.line() == "T+00:00:00"
    for choice in ("open", "look", "go_back"):
        game.choose(choice, force_chance=False)
    rows = debrief_rows(build_debrief(game), story)
    assert rows.zone == "time since the start"
    assert rows.timeline[0].yours == "T+00:05:00"
