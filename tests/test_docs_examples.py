"""The tutorial's branching story (docs/writing-scenes.md, section 6) checks clean and plays as described."""

from __future__ import annotations

import re
from pathlib import Path

from voskhod_game.engine import Game
from voskhod_game.story import load_story
from voskhod_game.story.loader import analyse_story

DOCS = Path(__file__).resolve().parent.parent / "docs"

MANIFEST = """\
id: balloon
title: Over the Channel
start: launch.field
meters: {}
flags:
  ballast: 3
  pilot: Blanchard
endings:
  - {id: landed, type: historical, title: Calais, text: You come down outside Calais.}
  - {id: ditched, type: lost, title: The sea, text: The basket touches the water.}
"""

LAUNCH = """\
id: launch
title: The launch
beats:
  - id: field
    text: Dover, 7 January 1785.
    choices:
      - {id: cast_off, label: Cast off, target: crossing.sinking}
"""


def _tutorial_scene() -> str:
    doc = (DOCS / "writing-scenes.md").read_text(encoding="utf-8")
    match = re.search(r"`balloon/2_crossing.yaml`:\n\n```yaml\n(.*?)```", doc, re.S)
    assert match, "the tutorial's crossing scene is missing"
    return match.group(1)


def test_the_tutorials_branching_scene_checks_clean_and_plays(tmp_path: Path) -> None:
    root = tmp_path / "balloon"
    root.mkdir()
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "1_launch.yaml").write_text(LAUNCH, encoding="utf-8")
    (root / "2_crossing.yaml").write_text(_tutorial_scene(), encoding="utf-8")
    story, problems = analyse_story(root)
    assert story is not None and [d.format() for d in problems if d.severity == "error"] == []
    story = load_story(root)
    endings = set()
    for seed in range(30):
        game = Game.new(story, seed)
        game.choose("cast_off")
        assert "3 bags of sand hang" in game.view().text
        while not game.ended:
            game.choose(game.enabled_choices()[0].id)
            if game.state == "crossing.coast":
                assert re.fullmatch(r"France, after \d dips? toward the sea\.", game.view().text)
        endings.add(game.ending_id)
    assert endings == {"landed"}
