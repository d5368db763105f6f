"""The TUI shows a story's own words in the player's language too: clock names, alerts, debrief figures.

The mini story with a few Russian texts (tests/language_story.py); a clock name that is
markup and HTML in the catalogue stays plain text in the clock bar.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_russian import words_shown
from tui_support import record_notifications

from language_story import HOSTILE, RUSSIAN, russian_mini, translate
from voskhod_game.i18n import set_language
from voskhod_game.tui.app import VoskhodApp
from voskhod_game.tui.screens.debrief import DebriefScreen
from voskhod_game.tui.screens.game import GameScreen
from voskhod_game.tui.widgets.meters import MeterRow


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    return russian_mini(tmp_path)


async def test_clock_names_alerts_and_debrief_figures_in_russian(story_dir: Path, tmp_path: Path) -> None:
    translate(story_dir, "ru", {**RUSSIAN, "story/clock/zones/0/label": HOSTILE})
    set_language("ru")
    app = VoskhodApp(story_dir, tmp_path / "saves", seed=1, reveal=False, lang="ru")
    notes = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        bar = words_shown(app)
        assert f"{HOSTILE} 08:00" in bar and "Москва 11:00" in bar and "Moscow" not in bar
        meters = "\n".join(str(row.value_text) for row in app.screen.query(MeterRow))
        assert "0,40 атм" in meters and "0.40" not in meters  # the meter panel writes numbers as Russian does
        await pilot.press("3", "2")  # a racing heart, then it calms down
        await pilot.pause()
        told = [message for _title, message, _severity in notes]
        assert "Пульс: ВНИМАНИЕ" in told and "Пульс: снова в норме" in told
        await pilot.press("1", "1", "3")  # out of the hatch, look, go back in
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        debrief = words_shown(app)
        assert "0,40 атм" in debrief and "0,27 атм" in debrief and "0.27" not in debrief
    assert app.return_code in (None, 0)  # the markup in the clock's name quit nothing
