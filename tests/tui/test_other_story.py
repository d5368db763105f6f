"""The TUI playing ``examples/crevasse``: every screen is that story's, with nothing of Voskhod-2."""

from __future__ import annotations

import html
import re
from pathlib import Path

from rich.console import Console
from textual.widgets import Static
from tui_support import make_app, record_notifications

from voskhod_game.tui.app import VoskhodApp
from voskhod_game.tui.modals.text_modal import TextModal
from voskhod_game.tui.screens.debrief import DebriefScreen
from voskhod_game.tui.screens.game import GameScreen
from voskhod_game.tui.screens.title import TitleScreen

REPO = Path(__file__).resolve().parent.parent.parent
CREVASSE = REPO / "examples" / "crevasse"
VOSKHOD_WORDS = ("Voskhod", "Leonov", "Belyayev", "Baikonur", "1965")


def everything_shown(app: VoskhodApp) -> str:
    """The screen as drawn (window title included) plus the full text of every Static,
    so text scrolled out of view is read too."""
    drawn = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as cap:
        for widget in app.screen.query(Static):
            console.print(widget.content, markup=False)
    return drawn + "\n" + cap.get()


async def test_crevasse_title_how_to_play_game_and_debrief_show_only_its_own_story(tmp_path: Path) -> None:
    app = make_app(tmp_path, CREVASSE, seed=5)
    notes = record_notifications(app)
    seen = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert app.title == "Crevasse Field, 1957"
        title = everything_shown(app)
        assert "▀" in title  # the title in large letters: the story has no title art of its own
        seen.append(title)
        await pilot.press("h")
        assert isinstance(app.screen, TextModal)
        howto = everything_shown(app)
        assert "choices" in howto
        seen.append(howto)
        await pilot.press("escape", "n")
        assert isinstance(app.screen, GameScreen)
        seen.append(everything_shown(app))
        await pilot.press("2", "2")  # set off light, drive on: the snow bridge gives way (seed 5)
        assert app.game.state == "crevasses.hanging"
        seen.append(everything_shown(app))
        assert "! The odds went against you." in seen[-1]
        await pilot.press("2")  # abandon the Cat: the fuel runs out
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        debrief = everything_shown(app)
        assert "LOST · Dry tanks" in debrief and "Your run beside 1957" in debrief
        seen.append(debrief)
    told = "\n".join(message for _, message, _ in notes)
    assert "The odds went against you." in told
    found = [word for word in VOSKHOD_WORDS for text in [*seen, told] if word in text]
    assert found == []


async def test_manifest_words_are_shown_as_text_never_as_markup(tmp_path: Path) -> None:
    """A story's art, how-to-play page and reference label may hold brackets: they are drawn
    as written, and a ``[@click=...]`` in them is text, not a link that quits the game."""
    import shutil

    from tui_support import MINI

    story = tmp_path / "story"
    shutil.copytree(MINI, story)
    manifest = story / "story.yaml"
    hostile = (
        'title_art: "[@click=app.quit]ART[/]"\n'
        'how_to_play: "[b]not bold[/b] [@click=app.quit]quit[/] \\u202eRTL"\n'
        'reference_label: "[/]"\n'
    )
    manifest.write_text(manifest.read_text(encoding="utf-8") + hostile, encoding="utf-8")
    app = make_app(tmp_path, story, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "[@click=app.quit]ART[/]" in everything_shown(app)
        await pilot.press("h")
        assert "[b]not bold[/b] [@click=app.quit]quit[/]" in everything_shown(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n", "1", "1", "3")  # open, look, go back in (seed 1: no tangle)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "Your run beside [/]" in everything_shown(app)
    assert app.return_code in (None, 0)
