"""The class reads beside the story: the basis tag, the history notes and the glossary on the
phone (buttons that open panels), and a class debrief led by the story's summary, with the
questions of the scenes the class played and the facts and sources one button away. Checked in
the state message, in Chromium at 390x844 with axe-core, and on the projector; hostile words
arrive as text, never as markup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static

from voskhod_game.classroom.messages import to_wire
from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.server import Hub, start_server
from voskhod_game.classroom.store import Store
from voskhod_game.classroom.teacher import TeacherApp
from voskhod_game.classroom.wire import Wire
from voskhod_game.story.loader import load_story

from .chromium import PHONE, WAIT_MS, axe_violations, needs_chromium
from .conftest import end_from_projector
from .test_phone import shot

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
READING = FIXTURES / "reading"
CREVASSE = Path(__file__).resolve().parent.parent.parent / "examples" / "crevasse"


def state_of(room: Classroom) -> dict[str, Any]:
    """The state message as it goes over the wire."""
    return to_wire(Wire(room).state())


def play(room: Classroom, choice: str) -> None:
    room.open_vote(30)
    voter = next(iter(room.participants.values()), None) or room.join(room.code, "Ann")
    room.vote(voter, room.current_round.number, choice)  # type: ignore[union-attr]
    room.close_vote()


@pytest.fixture
def reading_room(tmp_path: Path):
    store = Store(tmp_path / "reading.sqlite3")
    room = Classroom.open(load_story(READING), store, seed=1)
    yield room
    store.close()


def test_the_state_carries_basis_notes_with_citations_and_the_glossary(reading_room: Classroom) -> None:
    state = state_of(reading_room)
    assert state["basis"] == "From the record"
    notes = state["notes"]
    assert notes["note"] == "A note <img src=z onerror=alert(4)> [/]"
    assert notes["facts"] == [
        {
            "text": "The hatch opened at 08:32 [/].",
            "source": "Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999",
        }
    ]
    assert [s["heading"] for s in state["glossary"]] == ["In this passage", "All the other terms"]
    assert [t["term"] for t in state["glossary"][0]["terms"]] == ["EVA", "hatch"]
    assert state["history"] == notes["note"]  # the old field stays for older pages


def test_the_class_debrief_leads_with_the_summary_and_asks_only_about_scenes_played(reading_room: Classroom) -> None:
    play(reading_room, "open")
    play(reading_room, "finish")
    reading_room.end()
    debrief = state_of(reading_room)["debrief"]
    assert debrief["summary"] == {
        "heading": "Your run against history",
        "points": ["You opened the hatch, as they did.", "Calm at the end: 55\u00a0%. <script>alert(5)</script> [/]"],
    }
    assert debrief["scene_questions"] == [
        {"scene": "The desk", "questions": ["Why open a hatch at all? <img src=y onerror=alert(3)>"]}
    ]  # the class never reached `later`, so its question is not asked
    assert debrief["questions"][-1] == "After the session: what would you check first? <b>bold?</b>"
    assert debrief["facts_title"] == "The record: facts and their sources"
    assert [f["source"] for f in debrief["facts"]][-1].endswith("B. Writer, Radio Notes, n.d.")
    assert debrief["sources"][0]["reliability"] == "Contradicts itself on the [red]distance[/]."


def test_a_session_ended_early_lists_the_facts_so_far_and_no_summary(reading_room: Classroom) -> None:
    reading_room.end()
    debrief = state_of(reading_room)["debrief"]
    assert debrief["summary"] is None
    assert debrief["facts_title"] == "Facts behind the passages you played"
    assert [f["text"] for f in debrief["facts"]] == ["The hatch opened at 08:32 [/]."]


async def test_the_projector_shows_the_tag_and_a_debrief_led_by_the_summary(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")
    room = Classroom.open(load_story(CREVASSE), store, seed=5)
    app = TeacherApp(room, "127.0.0.1", 0, None, 30)

    def shown() -> str:
        """Every Static on the projector's screen as plain text (scrolled-out lines included)."""
        console = Console(width=200, color_system=None, force_terminal=False)
        with console.capture() as cap:
            for widget in app.screen.query(Static):
                console.print(widget.content, markup=False)
        return " ".join(cap.get().split())

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # from the lobby to the story
        play(room, "leave_light")
        await pilot.pause()
        assert "Snow bridges Dramatised from the record" in shown()
        for choice in ("drive_on", "abandon"):
            play(room, choice)
        await end_from_projector(pilot, room)
        text = shown()
    store.close()
    assert text.index("Your run against 1957") < text.index("The path the class took")
    assert "The depot • Why would a leader load more fuel" in text
    assert "At the Pole the party still had" not in text  # the class never reached the plateau
    assert "Jon Stephenson, Crevasse Roulette" in text and "fuchs1958" not in text


# -- the phone page -------------------------------------------------------------------------
async def _page(browser: Any, url: str) -> Any:
    context = await browser.new_context(viewport=PHONE, bypass_csp=True)  # axe is injected as a script
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("#join-screen:not([hidden])", timeout=WAIT_MS)
    await page.fill("#name", "Ann")
    await page.click("#join")
    await page.wait_for_selector("#game-screen:not([hidden])", timeout=WAIT_MS)
    return page


@needs_chromium
async def test_a_phone_opens_notes_and_glossary_and_reads_the_debrief(tmp_path: Path, browser: Any) -> None:
    store = Store(tmp_path / "phone.sqlite3")
    room = Classroom.open(load_story(READING), store, seed=1)
    hub = Hub(room)
    runner = await start_server(hub, "127.0.0.1", 0)
    try:
        page = await _page(browser, f"{hub.url}#code={room.code}")
        assert await page.inner_text("#story .basis") == "From the record"
        button = page.locator("#notes-button")
        assert await button.get_attribute("aria-expanded") == "false"
        assert await page.is_hidden("#notes-panel")
        await button.click()
        assert await button.get_attribute("aria-expanded") == "true"
        notes = await page.inner_text("#notes-panel")
        assert "A note <img src=z onerror=alert(4)> [/]" in notes
        assert "Source: Ann <img src=x onerror=alert(2)> Author, Book of Hatches [/], 1999" in notes
        await page.locator("#glossary-button").focus()
        await page.keyboard.press("Enter")
        glossary = await page.inner_text("#glossary-panel")
        assert glossary.index("In this passage") < glossary.index("EVA") < glossary.index("All the other terms")
        assert "<img src=x onerror=alert(1)> [bold]not bold[/]" in glossary
        assert await page.locator("img").count() == 0  # nothing hostile became an element
        assert await axe_violations(page) == []
        await shot(page, "reading-panels", full_page=True)
        await button.click()
        assert await page.is_hidden("#notes-panel")

        play(room, "open")
        play(room, "finish")
        room.end()
        await page.wait_for_selector("#debrief:not([hidden])", timeout=WAIT_MS)
        debrief = page.locator("#debrief")
        headings = await debrief.locator("h3").all_inner_texts()
        assert headings[0] == "Your run against history"
        assert await debrief.locator("ul.summary li").all_inner_texts() == [
            "You opened the hatch, as they did.",
            "Calm at the end: 55\u00a0%. <script>alert(5)</script> [/]",
        ]
        assert "Why open a hatch at all? <img src=y onerror=alert(3)>" in await debrief.inner_text()
        assert "A question for a scene the class never reached." not in await debrief.inner_text()
        facts = page.locator("#facts-button")
        assert await facts.inner_text() == "The record: facts and their sources"
        assert await page.is_hidden("#facts-panel")
        await facts.click()
        panel = await page.inner_text("#facts-panel")
        assert "Contradicts itself on the [red]distance[/]." in panel and "B. Writer, Radio Notes, n.d." in panel
        assert await page.locator("img").count() == 0
        assert not await page.evaluate("[...document.scripts].some(s => s.textContent.includes('alert(5)'))")
        assert await axe_violations(page) == []
        await shot(page, "reading-debrief", full_page=True)
    finally:
        await runner.cleanup()
        store.close()
