"""W411: an outcome or a route branch whose `if:` no game can meet there, on a small story
written for the test (a radio room: a routing beat and a choice with several outcomes)."""

from __future__ import annotations

from pathlib import Path

from voskhod_game.commands.check import check_dir

MANIFEST = """\
id: radio
title: Radio room
start: room.desk
scenes: [room]
meters:
  battery: {label: Battery, start: 80, min: 20, max: 100, rate: -0.5}
flags:
  heard: false
endings:
  - {id: contact, type: historical, title: Contact, text: A voice answers.}
  - {id: dawn, type: survived, title: Dawn, text: Morning comes.}
"""

SCENE = """\
id: room
title: The radio room
beats:
  - id: desk
    text: The set hums.
    choices:
      - id: tune
        label: Tune the radio
        time: 10
        outcomes:
          - if: battery < 15
            target: flat
            result: Only static at this charge.
          - if: battery > 50 and heard
            target: check
          - target: check
            effects: [heard = true]
      - id: listen
        label: Listen hard
        if: battery > 60
        outcomes:
          - if: battery < 40
            target: flat
          - target: check
      - {id: wait, label: Wait for dawn, ending: dawn}
  - id: check
    route:
      - if: battery < 10
        target: flat
      - if: heard
        ending: contact
      - target: desk
  - id: flat
    text: The set is dead.
    choices:
      - {id: sleep, label: Sleep, ending: dawn}
"""


def _story(tmp_path: Path, scene: str = SCENE) -> Path:
    root = tmp_path / "radio"
    root.mkdir()
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "room.yaml").write_text(scene, encoding="utf-8")
    return root


def _line(root: Path, marker: str) -> int:
    lines = (root / "room.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if marker in line)


def test_branches_no_game_can_take_are_reported_where_their_if_is(tmp_path: Path) -> None:
    root = _story(tmp_path)
    found = [d for d in check_dir(root) if d.code == "W411"]
    places = sorted((d.line, d.message) for d in found)
    assert [line for line, _ in places] == [
        _line(root, "if: battery < 15"),
        _line(root, "if: battery < 40"),
        _line(root, "if: battery < 10"),
    ], [d.format() for d in found]
    by_line = dict(places)
    # The message names the branch, its choice or beat, and the range that rules it out.
    assert "outcome `if: battery < 15` of choice `tune`" in by_line[_line(root, "battery < 15")]
    assert "`battery` is 20..80 at beat `room.desk`" in by_line[_line(root, "battery < 15")]
    # The choice's own `if: battery > 60` narrows the range its outcomes are judged on.
    assert "`battery` is 60..80" in by_line[_line(root, "battery < 40")]
    route = by_line[_line(root, "battery < 10")]
    assert route == "route branch `if: battery < 10` of beat `room.check` is never taken (`battery` is 20..80 there)"
    assert all(d.severity == "warning" and d.hint for d in found)


def test_branches_some_game_can_take_are_not_reported(tmp_path: Path) -> None:
    reachable = SCENE.replace("if: battery < 15", "if: battery < 25").replace("if: battery < 10", "if: battery < 30")
    reachable = reachable.replace("if: battery < 40", "if: battery < 70")
    assert [d.format() for d in check_dir(_story(tmp_path, reachable)) if d.code == "W411"] == []


def test_a_branch_kept_on_purpose_is_accepted_with_ignore(tmp_path: Path) -> None:
    kept = SCENE.replace(
        "  - id: check\n    route:",
        '  - id: check\n    ignore: {W411: "the battery drains in the second draft"}\n    route:',
    )
    codes = [d.code for d in check_dir(_story(tmp_path, kept))]
    assert codes.count("W411") == 2  # the route's is accepted; the two outcomes' remain
