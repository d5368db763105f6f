"""check's analysis, graph, simulate and --watch know every construct of the story language.

The story here is written for these tests: a night at a signal station with an
entry effect, a visit count, a once-only and a fallback choice, several
weighted and conditional outcomes, a routing beat, a text value, conditional
text and random variants.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voskhod_game.authoring.analysis import beats_on_cycles
from voskhod_game.authoring.graph import build_graph, to_dot, to_mermaid
from voskhod_game.authoring.simulate import simulate_cautious, simulate_exhaustive, simulate_random
from voskhod_game.commands.check import check_dir
from voskhod_game.engine.game import Game
from voskhod_game.story import load_story
from voskhod_game.watch import carry_over, reload_story

from .conftest import edit

MANIFEST = """\
id: station
title: Signal Station
start: hut.door
meters:
  lamp: {label: Lamp oil, unit: "%", start: 30, min: 0, max: 100, at_min: dark}
flags:
  operator: Nobody
  flares: 2
  heard: false
endings:
  - {id: rescue, type: historical, title: "Rescued, {operator}", text: "A boat comes for {operator}."}
  - {id: dawn, type: survived, title: Dawn, text: Morning comes.}
  - {id: storm, type: lost, title: The storm, text: The hut is torn away., cause: storm}
  - {id: dark, type: lost, title: Dark, text: The lamp is out., cause: no light}
"""

HUT = """\
id: hut
title: The hut
beats:
  - id: door
    effects: [lamp -= 5]
    text: |
      {~Wind.|Rain.|Hail.} {visits() == 1: You arrive. | You are back at the door.}
      Lamp {lamp:.0}%. {heard: Someone answered. | Nobody has answered.}
    choices:
      - id: sign_in
        label: Sign the log as Falcon
        once: true
        target: door
        effects: ['operator = "Falcon"']
      - id: signal
        label: Fire a flare
        if: flares > 0
        outcomes:
          - if: lamp < 10
            target: listen
            effects: [flares -= 1]
            result: Too dark to aim.
          - weight: 2
            target: listen
            effects: [flares -= 1]
          - weight: 1
            ending: storm
            result: The flare sets the roof alight in the gale.
          - weight: 1
            target: answered
            effects: [heard = true, flares -= 1]
      - id: wait
        label: Wait out the night
        fallback: true
        ending: dawn
  - id: listen
    text: Nothing but the sea.
    choices:
      - {id: back, label: Back to the door, target: route}
  - id: answered
    text: A lamp answers from the water.
    choices:
      - {id: wave, label: Wave the lamp, target: route}
  - id: route
    route:
      - if: heard and seen("answered")
        ending: rescue
      - if: lamp < 20
        target: listen
        effects: [lamp -= 10]
      - target: door
"""


@pytest.fixture
def station(tmp_path: Path) -> Path:
    root = tmp_path / "station"
    root.mkdir()
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "hut.yaml").write_text(HUT, encoding="utf-8")
    return root


def test_the_story_checks_clean(station: Path) -> None:
    assert [d.format() for d in check_dir(station)] == []


# -- graph --------------------------------------------------------------------------


def test_graph_draws_every_outcome_the_routing_beat_and_the_choice_kinds(station: Path) -> None:
    graph = build_graph(load_story(station))
    edges = {(e.source, e.target, e.label, e.style) for e in graph.edges}
    assert {
        ("hut.door", "hut.listen", "signal [if] (if lamp < 10)", "branch"),
        ("hut.door", "hut.listen", "signal [if] (weight 2)", "branch"),
        ("hut.door", "end:storm", "signal [if] (weight 1)", "branch"),
        ("hut.door", "hut.answered", "signal [if] (weight 1)", "branch"),
        ("hut.door", "hut.door", "sign_in [once]", "plain"),
        ("hut.door", "end:dawn", "wait [fallback]", "conditional"),
        ("hut.route", "end:rescue", '1. if heard and seen("answered")', "conditional"),
        ("hut.route", "hut.listen", "2. if lamp < 20", "conditional"),
        ("hut.route", "hut.door", "3. otherwise", "plain"),
    } <= edges
    kinds = {n.id: n.kind for n in graph.nodes}
    assert kinds["hut.route"] == "route" and kinds["hut.door"] == "beat"
    dot = to_dot(graph)
    assert re.search(r'"hut\.route" \[label="route", shape=diamond', dot)
    assert '"hut.door" -> "end:storm" [label="signal [if] (weight 1)", style=bold, color=blue];' in dot
    mermaid = to_mermaid(graph)
    assert '    b_hut__route{"route"}' in mermaid
    assert '  b_hut__door ==>|"signal [if] (weight 1)"| e_storm' in mermaid


# -- analysis -----------------------------------------------------------------------


def test_the_story_graph_knows_which_beats_can_be_entered_again(station: Path) -> None:
    assert beats_on_cycles(load_story(station)) == {"hut.door", "hut.listen", "hut.answered", "hut.route"}


def test_a_once_only_choice_on_a_beat_entered_again_can_strand_the_player(station: Path) -> None:
    # Without its fallback the door has a flare (while flares last) and a once-only sign-in.
    edit(
        station,
        "hut.yaml",
        "      - id: wait\n        label: Wait out the night\n        fallback: true\n",
        "      - id: wait\n        label: Wait out the night\n        if: flares == 0\n",
    )
    found = check_dir(station)
    assert [d.code for d in found] == ["W403"], [d.format() for d in found]
    assert "once-only choices that can be used up" in found[0].message


def test_a_fallback_without_a_condition_keeps_a_beat_open(station: Path) -> None:
    edit(station, "hut.yaml", "        if: flares > 0\n", "        if: flares > 5\n")  # never: the flare is W404
    codes = [d.code for d in check_dir(station)]
    assert "W404" in codes and "W403" not in codes


def test_a_once_only_choice_counts_where_the_beat_is_entered_only_once(station: Path) -> None:
    # `listen` is entered again and again; a beat nothing returns to keeps its once-only choice.
    scene = HUT.replace(
        "  - id: listen\n",
        "  - id: lookout\n    text: The view.\n    choices:\n      - {id: descend, label: Climb down, target: door, once: true}\n  - id: listen\n",
    )
    scene = scene.replace(
        "      - {id: back, label: Back to the door, target: route}",
        "      - {id: back, label: Back to the door, target: route}\n      - {id: climb, label: Climb the lookout, target: lookout}",
    )
    (station / "hut.yaml").write_text(scene, encoding="utf-8")
    assert "hut.lookout" in beats_on_cycles(load_story(station))  # lookout -> door -> ... -> listen -> lookout
    assert [d.code for d in check_dir(station)] == ["W403"]
    scene = scene.replace("target: door, once: true}", "ending: dawn, once: true}")
    (station / "hut.yaml").write_text(scene, encoding="utf-8")
    assert "hut.lookout" not in beats_on_cycles(load_story(station))
    assert check_dir(station) == []


def test_a_beat_reached_only_through_a_route_is_reachable_and_its_condition_is_read(station: Path) -> None:
    edit(
        station,
        "hut.yaml",
        "      - if: lamp < 20\n        target: listen\n        effects: [lamp -= 10]\n",
        "      - if: lamp > 100\n        target: listen\n",
    )
    # listen is still reached from the flare (no W401), and the route's impossible branch is not a
    # choice (no W404): it is the branch that is never taken (W411)
    found = check_dir(station)
    assert [d.code for d in found] == ["W411"], [d.format() for d in found]
    assert "route branch `if: lamp > 100` of beat `hut.route`" in found[0].message


# -- simulate -----------------------------------------------------------------------


def test_exhaustive_search_explores_every_weighted_outcome(station: Path) -> None:
    report = simulate_exhaustive(load_story(station))
    assert report.complete
    assert report.endings_never_reached == []
    assert report.beats_never_reached == []
    assert report.beat_hits["hut.route"] > 0  # routing beats are passed through, and counted
    assert report.choices_never_taken == []


def test_random_and_cautious_runs_know_the_constructs(station: Path) -> None:
    story = load_story(station)
    random = simulate_random(story, 400, seed=5)
    assert random.soft_locks == [] and random.cut_off == 0
    assert {"rescue", "storm", "dark"} <= {e for e, n in random.endings.items() if n}
    assert random.beat_hits["hut.route"] > 0  # routing beats are counted
    assert random.choice_hits["hut.door:sign_in"] <= 400  # once-only: at most once a run
    cautious = simulate_cautious(story, 400, seed=5)
    # A flare can burn the hut down (one of its outcomes is a lost ending): while signing the log is
    # open the cautious keeper does that first; once only the flare is left, it is fired.
    assert cautious.choice_hits["hut.door:sign_in"] == 400 > random.choice_hits["hut.door:sign_in"]
    assert cautious.choice_hits["hut.door:signal"] >= 400


# -- watch --------------------------------------------------------------------------


def test_a_reload_keeps_visits_once_only_choices_and_text_values(station: Path) -> None:
    game = Game.new(load_story(station), seed=2)
    game.choose("sign_in")
    assert game.run.flags["operator"] == "Falcon"
    assert "You are back at the door." in game.view().text
    edit(station, "hut.yaml", "{~Wind.|Rain.|Hail.}", "{~Wind howls.|Rain lashes.|Hail rattles.}")
    reloaded = reload_story(station)
    assert reloaded.ok, reloaded.report()
    moved, message = carry_over(game, reloaded.story)
    assert "still at hut.door" in message
    assert moved.run.flags["operator"] == "Falcon"
    assert moved.run.visits == game.run.visits and moved.run.visits["hut.door"] == 2
    assert [c.id for c in moved.enabled_choices()] == ["signal"]  # signed in already: once-only is gone
    text = moved.view().text
    assert "You are back at the door." in text and any(w in text for w in ("howls", "lashes", "rattles"))


def test_a_broken_construct_keeps_the_old_story_playing(station: Path) -> None:
    edit(station, "hut.yaml", "      - target: door\n", "      - if: lamp > 0\n        target: door\n")
    reloaded = reload_story(station)
    assert not reloaded.ok
    assert reloaded.problems and all(p.severity == "error" for p in reloaded.problems)
