"""The TUI in Russian on ``examples/crevasse``: the game's own words and the story's, no English left.

The footer's key descriptions are still English (Textual binds them when a screen class is
made); everything else a player reads is checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from textual.widgets import Button, Static
from tui_support import record_notifications

from voskhod_game.i18n import set_language
from voskhod_game.tui.app import VoskhodApp
from voskhod_game.tui.modals.help import HelpModal
from voskhod_game.tui.screens.debrief import DebriefScreen
from voskhod_game.tui.screens.game import GameScreen

CREVASSE = Path(__file__).resolve().parent.parent.parent / "examples" / "crevasse"
ENGLISH_UI_WORDS = (
    "Replay", "New game", "Undo", "Facts", "Title", "What really happened", "Your meters", "Milestone",
    "Your run", "Mission time", "choice", "risky", "unavailable", "odds", "reached its limit", "Keys", "Close",
    "WARN", "CRITICAL", "LOST", "Lost", "take that choice", "Anywhere", "Nov", "Jan", "late", "early",
)  # fmt: skip


def words_shown(app: VoskhodApp) -> str:
    """The full text of every Static and Button on the current screen (not the footer)."""
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as cap:
        for widget in app.screen.query(Static):
            console.print(widget.content, markup=False)
        for button in app.screen.query(Button):
            console.print(button.label, markup=False)
    return cap.get().replace("\xa0", " ")


def english_in(text: str) -> list[str]:
    return [w for w in ENGLISH_UI_WORDS if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![a-z])", text)]


async def test_a_russian_game_to_the_debrief_shows_no_english_ui_words(tmp_path: Path) -> None:
    set_language("ru")
    app = VoskhodApp(CREVASSE, tmp_path / "saves", seed=5, reveal=False, lang="ru")
    notes = record_notifications(app)
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpModal)
        help_text = words_shown(app)
        assert "Клавиши" in help_text and "выбрать этот вариант" in help_text
        seen.append(help_text)
        await pilot.press("escape", "n")
        assert isinstance(app.screen, GameScreen)
        seen.append(words_shown(app))
        await pilot.press("2", "2")  # set off light, drive on: the snow bridge gives way (seed 5)
        seen.append(words_shown(app))
        await pilot.press("2")  # abandon the Cat: the fuel runs out
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        debrief = words_shown(app)
        assert "ГИБЕЛЬ · Пустые баки" in debrief and "Переиграть" in debrief and "Ваши показатели" in debrief
        seen.append(debrief)
    told = "\n".join(f"{title} {message}" for title, message, _ in notes)
    assert "Случай оказался против вас." in told
    assert [english_in(text) for text in [*seen, told]] == [[] for _ in [*seen, told]]
