"""The core stays free of UI: story/, engine/ and present/ load without textual, rich or aiohttp."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import MINI

FORBIDDEN = ("textual", "rich", "aiohttp")


def test_story_engine_and_presentation_import_no_ui_libraries() -> None:
    code = (
        "import sys, json, pkgutil, importlib\n"
        "import voskhod_game.story, voskhod_game.engine, voskhod_game.engine.saves, voskhod_game.engine.debrief\n"
        "import voskhod_game.present\n"
        "for m in pkgutil.iter_modules(voskhod_game.present.__path__):\n"
        "    importlib.import_module('voskhod_game.present.' + m.name)\n"
        "from voskhod_game.story import load_story\n"
        "from voskhod_game.engine import Game\n"
        f"g = Game.new(load_story({str(MINI)!r}), seed=1); g.choose('open')\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    loaded = set(json.loads(run.stdout))
    assert not loaded & set(FORBIDDEN), loaded & set(FORBIDDEN)


def test_line_mode_and_check_do_not_import_textual() -> None:
    code = (
        "import sys, json\n"
        "import voskhod_game.plain, voskhod_game.cli\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "textual" not in json.loads(run.stdout)
