"""The TUI's reading features, as a player meets them: the basis tag under a passage's title,
`h` for the history notes, `g` for the glossary (this passage's words first), the debrief led by
the story's summary, and `f` for the facts and their sources; hostile words shown as written."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from textual.widgets import Static
from tui_support import make_app

from voskhod_game.tui.app import VoskhodApp
from voskhod_game.tui.modals.text_modal import TextModal
from voskhod_game.tui.screens.debrief import DebriefScreen
from voskhod_game.tui.screens.game import GameScreen

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
READING = FIXTURES / "reading"
CREVASSE = Path(__file__).resolve().parent.parent.parent / "examples" / "crevasse"


def shown(app: VoskhodApp) -> str:
    """Every Static's text on the current screen, lines joined, as plain text."""
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as cap:
        for widget in app.screen.query(Static):
            console.print(widget.content, markup=False)
    return " ".join(cap.get().split())


async def test_notes_and_glossary_open_from_the_passage_and_show_hostile_words_as_written(tmp_path: Path) -> None:
    app = make_app(tmp_path, READING, seed=1)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, GameScreen)
        story = shown(app)
        assert "First [/] From the record (h: notes) The EVA begins" in story

        await pilot.press("h")
        assert isinstance(app.screen, TextModal)
        notes = shown(app)
        assert notes.startswith("History notes: First [/]")
        assert "From the record — This passage tells what the record says happened." in notes
        assert "A note <img src=z onerror=alert(4)> [/]" in notes
        assert (
            "• The hatch opened at 08:32 [/]. Source: Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999"
            in notes
        )
        assert "s1" not in notes.split()
        await pilot.press("escape")
        assert isinstance(app.screen, GameScreen)

        await pilot.press("g")
        glossary = shown(app)
        assert glossary.startswith(
            "Glossary In this passage EVA: Extra-vehicular activity: [@click=app.quit]work outside[/]"
        )
        assert glossary.index("hatch:") < glossary.index("All the other terms") < glossary.index("call sign:")
        assert "<img src=x onerror=alert(1)> [bold]not bold[/]" in glossary
        await pilot.press("escape")
        assert app.is_running  # the [@click=app.quit] in a definition did nothing

        await pilot.press("1")  # open the hatch: an invented passage whose notes cite two sources
        assert "On the radio Invented for the game (h: notes)" in shown(app)
        await pilot.press("g")
        assert shown(app).startswith(
            "Glossary In this passage call sign: The name a crew answers to on the radio. Yours is Hatchling."
        )


async def test_debrief_leads_with_the_summary_and_f_opens_the_facts_and_sources(tmp_path: Path) -> None:
    app = make_app(tmp_path, READING, seed=1)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n", "2", "1")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        debrief = shown(app)
        assert debrief.startswith(
            "AS IT HAPPENED · Done Your run against history • You kept the hatch shut; they opened it. "
            "• Calm at the end: 50 %. <script>alert(5)</script> [/] The end."
        ), debrief
        assert "The hatch opened" not in debrief  # the facts are one key away, not on the page
        await pilot.press("f")
        assert isinstance(app.screen, TextModal)
        facts = shown(app)
        assert facts.startswith("The record: facts and their sources • The hatch opened at 08:32 [/].")
        assert (
            "Source: Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999; B. Writer, Radio Notes, n.d."
            in facts
        )
        assert (
            "Sources • Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999 Contradicts itself on the [red]distance[/]."
            in facts
        )
        await pilot.press("escape")
        assert isinstance(app.screen, DebriefScreen)


async def test_crevasse_shows_its_tags_glossary_and_sources(tmp_path: Path) -> None:
    app = make_app(tmp_path, CREVASSE, seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert "Shackleton Base Dramatised from the record (h: notes)" in shown(app)
        await pilot.press("g")
        assert shown(app).startswith("Glossary In this passage Sno-Cat:")  # the text says Cats: a form
        await pilot.press("escape", "2", "2", "2")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "Your run against 1957 • You never reached the Pole" in shown(app)
        await pilot.press("f")
        facts = shown(app)
        assert "Vivian Fuchs and Edmund Hillary, The Crossing of Antarctica, 1958" in facts
        assert "fuchs1958" not in facts
