"""The projector and the terminal student open the history notes (``n``) and the glossary (``g``)
during play, as the phone page, the TUI and line mode can; hostile story words stay plain text,
and the terminal student reads them in its own language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from voskhod_game import i18n
from voskhod_game.classroom.languages import Languages
from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.server import Hub, start_server
from voskhod_game.classroom.store import Store
from voskhod_game.classroom.student import StudentApp
from voskhod_game.classroom.teacher import TeacherApp
from voskhod_game.classroom.widgets import ReadingScreen
from voskhod_game.story.loader import load_story

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
READING = FIXTURES / "reading"
CREVASSE = Path(__file__).resolve().parents[2] / "examples" / "crevasse"


def reading_text(app: object) -> str:
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as cap:
        console.print(app.screen.query_one("#reading-text", Static).content, markup=False)  # type: ignore[attr-defined]
    return " ".join(cap.get().split())


@pytest.fixture
def reading_room(tmp_path: Path) -> Iterator[Classroom]:
    store = Store(tmp_path / "reading.sqlite3")
    room = Classroom.open(load_story(READING), store, seed=1)
    yield room
    store.close()


async def test_the_projector_opens_notes_and_glossary_with_hostile_words_as_text(reading_room: Classroom) -> None:
    app = TeacherApp(reading_room, "127.0.0.1", 0, None, 30)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # from the lobby to the story
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        notes = reading_text(app)
        assert "History notes" in notes and "A note <img src=z onerror=alert(4)> [/]" in notes
        assert "Source: Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999" in notes
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReadingScreen)
        await pilot.press("g")
        await pilot.pause()
        glossary = reading_text(app)
        assert glossary.startswith("Glossary In this passage EVA:")
        await pilot.press("g")  # the same key closes it
        await pilot.pause()
        assert not isinstance(app.screen, ReadingScreen) and app.is_running


async def test_the_terminal_student_opens_the_notes_in_its_own_language(tmp_path: Path) -> None:
    store = Store(tmp_path / "class.sqlite3")
    room = Classroom.open(load_story(CREVASSE), store, seed=5)
    hub = Hub(room, languages=Languages(room.story, "en"))
    runner = await start_server(hub, "127.0.0.1", 0)
    url = hub.url.replace("http://", "ws://") + "ws"
    i18n.set_language("ru")  # as `voskhod --lang ru classroom join` does for the student's own words
    try:
        app = StudentApp(url, room.code, "[@click=app.quit]x[/]", lang="ru")
        async with app.run_test(size=(100, 40)) as pilot:
            for _ in range(100):
                if app.state is not None:
                    break
                await pilot.pause(0.02)
            assert app.state is not None and app.state.lang == "ru"
            await pilot.press("n")
            await pilot.pause()
            notes = reading_text(app)
            assert notes.startswith("Исторические заметки"), notes[:80]
            assert "Источник: Vivian Fuchs" in notes
            await pilot.press("escape", "g")
            await pilot.pause()
            assert isinstance(app.screen, ReadingScreen) and reading_text(app).startswith("Словарь")
            assert app.is_running
    finally:
        i18n.set_language("en")
        await runner.cleanup()
        store.close()
