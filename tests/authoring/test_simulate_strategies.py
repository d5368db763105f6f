"""`voskhod simulate`: loops are named, a bounded search says so, the cautious player, and --jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voskhod_game.authoring.simulate import simulate_cautious, simulate_exhaustive, simulate_random
from voskhod_game.cli import main
from voskhod_game.commands.simulate import _StateLines
from voskhod_game.story import load_story

from .conftest import MINI, REPO

CREVASSE = REPO / "examples" / "crevasse"

MANIFEST = """\
id: test_story
title: A test story
start: hall.entry
meters:
  air: {label: Air, start: 10, min: 0, max: 10, at_min: choked}
flags:
  never: false
endings:
  - {id: out, type: historical, title: Out, text: You are out.}
  - {id: choked, type: lost, title: Choked, text: No air., cause: no air}
  - {id: fell, type: lost, title: Fell, text: You fell., cause: a fall}
"""


def _story(root: Path, scene: str) -> Path:
    root.mkdir()
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "hall.yaml").write_text(scene, encoding="utf-8")
    return root


LOOPS = """\
id: hall
title: The hall
beats:
  - id: entry
    text: Two corridors, and a door that never opens.
    choices:
      - {id: left, label: Left, target: a}
      - {id: right, label: Right, target: c}
      - {id: right_again, label: Right again, target: c}
      - {id: door, label: The door, ending: out, if: never}
  - id: a
    text: A.
    choices: [{id: onward, label: Onward, target: b}]
  - id: b
    text: B.
    choices: [{id: back, label: Back, target: a}]
  - id: c
    text: C.
    choices: [{id: onward, label: Onward, target: d}]
  - id: d
    text: D.
    choices: [{id: back, label: Back, target: c}]
"""


def test_runs_cut_off_at_the_step_limit_name_the_beats_they_went_round(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = load_story(_story(tmp_path / "s", LOOPS))
    report = simulate_random(story, 300, seed=3, max_steps=60)
    assert report.cut_off == 300
    loops = report.cut_off_beats
    assert set(loops) == {"hall.a", "hall.b", "hall.c", "hall.d"}
    assert loops["hall.c"] == loops["hall.d"] and loops["hall.a"] == loops["hall.b"]
    assert loops["hall.c"] + loops["hall.a"] == 300  # each run went round one loop
    assert list(loops)[:2] == ["hall.c", "hall.d"]  # two ways lead right: most common first
    assert "hall.entry" not in loops  # left behind long before the limit
    assert main(["simulate", str(tmp_path / "s"), "--runs", "300", "--seed", "3", "--max-steps", "60"]) == 0
    out = capsys.readouterr().out
    assert "300 runs stopped at the step limit" in out
    going_round = out.split("Going round through")[1].split("\n\n")[0]
    assert going_round.index("hall.c") < going_round.index("hall.a")


def test_a_search_stopped_at_its_bound_says_so_and_gives_no_shares(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = simulate_exhaustive(load_story(CREVASSE), max_states=20)
    assert not report.complete and "20 distinct states" in report.bound_hit
    assert main(["simulate", str(CREVASSE), "--strategy", "exhaustive", "--max-states", "20"]) == 0
    captured = capsys.readouterr()
    assert "Bound reached" in captured.out and "no shares" in captured.out
    assert "%" not in captured.out.split("Endings")[1].split("\n\n")[0]
    assert "exhaustive: 20 distinct states explored (bound 20)" in captured.err
    assert main(["simulate", str(CREVASSE), "--strategy", "exhaustive", "--max-states", "20", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["complete"] is False


def test_a_complete_search_gives_shares() -> None:
    report = simulate_exhaustive(load_story(MINI))
    assert report.complete and report.to_json()["complete"] is True


def test_exhaustive_progress_is_reported_as_it_goes_and_at_the_end() -> None:
    seen: list[tuple[int, int]] = []
    report = simulate_exhaustive(load_story(CREVASSE), progress=lambda done, bound: seen.append((done, bound)))
    assert seen[-1] == (report.states, 200_000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_progress_lines_come_every_few_seconds() -> None:
    import io

    now = [0.0]
    stream = io.StringIO()
    lines = _StateLines(stream, clock=lambda: now[0])
    lines(1024, 5000)
    now[0] = 6.0
    lines(2048, 5000)
    now[0] = 7.0
    lines(3072, 5000)
    assert stream.getvalue() == "exhaustive: 2,048 distinct states explored (bound 5,000), 6 s\n"


RISKS = """\
id: hall
title: The hall
beats:
  - id: entry
    text: A ledge, a gas pipe, a dice game and the long way round.
    choices:
      - {id: jump, label: Jump the gap, ending: fell}
      - {id: pipe, label: Breathe the pipe, target: entry, effects: [air -= 10]}
      - id: dice
        label: Roll for it
        target: entry
        chance: {p: 0.05, ending: fell}
      - {id: long_way, label: The long way round, target: last}
  - id: last
    text: Only bad ways left.
    choices:
      - {id: jump, label: Jump, ending: fell}
      - {id: pipe, label: Breathe the pipe, ending: choked}
"""


def test_the_cautious_player_avoids_what_can_lose_at_once_while_a_safe_way_is_open(tmp_path: Path) -> None:
    story = load_story(_story(tmp_path / "s", RISKS))
    cautious = simulate_cautious(story, 200, seed=1)
    hits = cautious.choice_hits
    assert hits["hall.entry:jump"] == hits["hall.entry:pipe"] == hits["hall.entry:dice"] == 0
    assert hits["hall.entry:long_way"] == 200
    # with no safe choice left it still plays on (no soft-lock), taking what there is
    assert hits["hall.last:jump"] + hits["hall.last:pipe"] == 200 and cautious.soft_locks == []
    random = simulate_random(story, 200, seed=1)
    assert random.choice_hits["hall.entry:jump"] > 0 and random.choice_hits["hall.entry:pipe"] > 0


def test_the_cautious_strategy_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _story(tmp_path / "s", RISKS)
    assert main(["simulate", str(root), "--strategy", "cautious", "--runs", "50", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["strategy"] == "cautious" and data["choice_hits"]["hall.entry:long_way"] == 50


@pytest.mark.parametrize("simulate", [simulate_random, simulate_cautious])
def test_the_same_seed_gives_the_same_report_whatever_the_jobs(simulate) -> None:  # type: ignore[no-untyped-def]
    story = load_story(CREVASSE)
    one = simulate(story, 700, seed=11, jobs=1)
    two = simulate(story, 700, seed=11, jobs=2)
    assert one.to_json(timing=False) == two.to_json(timing=False)
    assert (one.jobs, two.jobs) == (1, 2)
    assert sum(one.endings.values()) == 700


def test_jobs_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(CREVASSE), "--jobs", "0"]) == 2
    assert "--jobs must be between 1" in capsys.readouterr().err


ODDS = """\
id: hall
title: The hall
beats:
  - id: entry
    text: Ways on, some worse than they look and some better.
    choices:
      - id: gamble
        label: Gamble on the ledge
        outcomes:
          - {if: air < 3, ending: fell}
          - {weight: 1000, target: safe}
          - {weight: 1, target: rare}
      - id: dice_never
        label: Dice that cannot go against you with this much air
        target: safe
        chance: {p: "0.5 if air < 3 else 0", ending: fell}
      - id: coin
        label: Toss a coin over the drop
        outcomes:
          - {weight: 1, ending: fell}
          - {weight: 1, target: safe}
      - {id: vent, label: Into the gas, target: gas}
  - id: gas
    text: Gas.
    effects: [air -= 10]
    choices: [{id: out, label: Out, ending: out}]
  - id: safe
    text: Safe.
    choices: [{id: out, label: Out, ending: out}]
  - id: rare
    text: Rare.
    choices: [{id: out, label: Out, ending: out}]
"""


def test_exhaustive_search_takes_each_possible_outcome_once_even_a_rare_one(tmp_path: Path) -> None:
    report = simulate_exhaustive(load_story(_story(tmp_path / "s", ODDS)))
    hits = report.choice_hits
    # one state at the entry: each outcome that can happen there, forced once (1 in 1,001 included)
    assert hits["hall.entry:gamble"] == 2 and report.beat_hits["hall.rare"] == 1
    assert hits["hall.entry:dice_never"] == 1  # its chance is 0 here: only the normal outcome
    assert hits["hall.entry:coin"] == 2 and hits["hall.entry:vent"] == 1
    assert report.complete and report.endings_never_reached == []
    assert report.endings == {"out": 2, "choked": 1, "fell": 1}  # `safe` is one state, however reached


def test_a_forced_outcome_happens_without_rolling(tmp_path: Path) -> None:
    from voskhod_game.engine.game import Game, GameError
    from voskhod_game.engine.rules import possible_outcomes

    story = load_story(_story(tmp_path / "s", ODDS))
    game = Game.new(story, 1)
    gamble = next(c for c in story.beats["hall.entry"].choices if c.id == "gamble")
    odds = dict(possible_outcomes(gamble, game))
    assert set(odds) == {3, 0} and abs(odds[0] - 1 / 1001) < 1e-12 and abs(sum(odds.values()) - 1) < 1e-12
    here, dice = game.checkpoint(), game.run.rng
    game.choose("gamble", force_outcome=0)  # the last outcome: the rare one
    assert game.state == "hall.rare" and game.run.rng == dice and game.history[-1].outcome == 0
    game.rewind(here)
    game.choose("gamble", force_outcome=2)  # the first outcome is forced even though its `if` does not hold
    assert game.ending_id == "fell"
    game.rewind(here)
    with pytest.raises(GameError, match="no outcome 5"):
        game.choose("gamble", force_outcome=5)
    assert game.state == "hall.entry" and not game.history


def test_the_cautious_player_avoids_only_what_can_lose_at_once_now(tmp_path: Path) -> None:
    story = load_story(_story(tmp_path / "s", ODDS))
    hits = simulate_cautious(story, 400, seed=2).choice_hits
    # a lost outcome whose `if` does not hold, a roll that cannot happen: both safe now
    assert hits["hall.entry:gamble"] > 100 and hits["hall.entry:dice_never"] > 100
    # half the tosses fall; the gas empties the air on entry
    assert hits["hall.entry:coin"] == hits["hall.entry:vent"] == 0
