"""The TUI in Russian on ``examples/crevasse``: the game's own words and the story's, no English left.

Everything a player reads is checked here: the screens' words, the footer's keys (Textual
makes them in English when a screen class is made; the app gives each screen them in the
player's language), the command palette, and the language chosen in Settings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets import Button, Input, Select, Static
from textual.widgets._footer import FooterKey
from tui_support import record_notifications

from voskhod_game.i18n import set_language
from voskhod_game.tui.app import VoskhodApp
from voskhod_game.tui.modals.help import HelpModal
from voskhod_game.tui.modals.settings import SettingsModal
from voskhod_game.tui.screens.debrief import DebriefScreen
from voskhod_game.tui.screens.game import GameScreen
from voskhod_game.tui.screens.title import TitleScreen
from voskhod_game.tui.widgets.meters import MeterRow

CREVASSE = Path(__file__).resolve().parent.parent.parent / "examples" / "crevasse"
ENGLISH_UI_WORDS = (
    "Replay", "New game", "Undo", "Facts", "Title", "What really happened", "Your meters", "Milestone",
    "Your run", "Mission time", "choice", "risky", "unavailable", "odds", "reached its limit", "Keys", "Close",
    "WARN", "CRITICAL", "LOST", "Lost", "take that choice", "Anywhere", "Nov", "Jan", "late", "early",
)  # fmt: skip


def words_shown(app: VoskhodApp) -> str:
    """The full text of every Static, Button and meter row on the current screen (not the footer)."""
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as cap:
        for widget in app.screen.query(Static):
            console.print(widget.content, markup=False)
        for button in app.screen.query(Button):
            console.print(button.label, markup=False)
        for row in app.screen.query(MeterRow):
            console.print(row.render(), markup=False)
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


def footer_words(app: VoskhodApp) -> list[str]:
    """Each key's description as the footer draws it on the current screen."""
    return [key.description for key in app.screen.query(FooterKey) if key.description]


async def palette_words(app: VoskhodApp, pilot) -> list[str]:  # type: ignore[no-untyped-def]
    """The command palette's prompt and every command it offers (name and help), then closed again."""
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)  # the commands are gathered in a task
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    words = [str(palette.query_one(Input).placeholder)]
    commands = palette.query_one(CommandList)
    for index in range(commands.option_count):
        words.append(
            Text.from_markup(str(commands.get_option_at_index(index).prompt)).plain
            if isinstance(commands.get_option_at_index(index).prompt, str)
            else commands.get_option_at_index(index).prompt.plain
        )  # type: ignore[union-attr]
    await pilot.press("escape")
    await pilot.pause()
    return words


NOT_UI_WORDS = {"UTC"}  # Latin letters that are not the game's English: the story's time zone


def latin_words(texts: list[str]) -> list[str]:
    """Words in Latin letters (English left over); key names are one letter or shown apart."""
    return [w for text in texts for w in re.findall(r"[A-Za-z]{2,}", text) if w not in NOT_UI_WORDS]


async def test_footer_and_palette_speak_russian_on_every_screen(tmp_path: Path) -> None:
    set_language("ru")
    app = VoskhodApp(CREVASSE, tmp_path / "saves", seed=5, reveal=False, lang="ru")
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        seen["title"] = [*footer_words(app), *await palette_words(app, pilot), words_shown(app)]
        await pilot.press("s")
        assert isinstance(app.screen, SettingsModal)
        settings = [str(s.content) for s in app.screen.query(Static)] + [str(b.label) for b in app.screen.query(Button)]
        seen["settings"] = [*settings, *await palette_words(app, pilot)]
        await pilot.press("escape", "n")
        assert isinstance(app.screen, GameScreen)
        game_footer = footer_words(app)
        assert "Запись" in game_footer and "Журнал" in game_footer and "палитра" in game_footer
        borders = [str(app.screen.query_one(selector).border_title) for selector in ("#log", "#meters")]
        seen["game"] = [*game_footer, *await palette_words(app, pilot), words_shown(app), *borders]
        await pilot.press("2", "2", "2")  # to the empty-tanks ending (seed 5)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        seen["debrief"] = [*footer_words(app), *await palette_words(app, pilot), words_shown(app)]
    assert {screen: latin_words(words) for screen, words in seen.items()} == {
        "title": [], "settings": [], "game": [], "debrief": []
    }  # fmt: skip
    assert "Поиск команды…" in seen["game"] and "Бортовой журнал" in seen["game"]


async def test_choosing_russian_in_settings_changes_every_word_and_is_remembered(tmp_path: Path) -> None:
    app = VoskhodApp(CREVASSE, tmp_path / "saves", seed=5, reveal=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n")
        assert "Scene 1 of" in words_shown(app)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"settings", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsModal)
        app.screen.query_one("#language", Select).value = "ru"
        await app.workers.wait_for_complete()  # the story is read again in Russian
        await pilot.pause()
        assert isinstance(app.main_screen, GameScreen)
        assert app.settings.language == "ru" and app.lang == "ru"
        if isinstance(app.screen, SettingsModal):
            assert "Язык" in words_shown(app)
            await pilot.press("escape")
        await pilot.pause()
        shown = words_shown(app)
        assert "Сцена 1 из" in shown and "Scene" not in shown
        assert "Запись" in footer_words(app)
        assert app.game is not None and not app.game.history  # the same game, carried into the Russian story
    assert json.loads((tmp_path / "saves" / ".settings.json").read_text(encoding="utf-8"))["language"] == "ru"

    set_language("en")  # a new run with no --lang: the setting speaks
    again = VoskhodApp(CREVASSE, tmp_path / "saves", seed=5, reveal=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert "Новая игра" in words_shown(again) or any("Новая игра" in w for w in await palette_words(again, pilot))
        assert again.lang == "ru"


async def test_lang_on_the_command_line_wins_over_the_setting(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / ".settings.json").write_text(json.dumps({"language": "ru", "reveal": False}), encoding="utf-8")
    app = VoskhodApp(CREVASSE, saves, seed=5, lang="", lang_from_settings=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n")
        assert "Scene 1 of" in words_shown(app) and "Save" in footer_words(app)
