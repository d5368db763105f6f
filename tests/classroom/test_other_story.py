"""A class plays ``examples/crevasse``: the phone page, the state students get and the projector
carry that story's words and questions, and nothing of Voskhod-2."""

from __future__ import annotations

import asyncio
import html
import json
import re
from pathlib import Path

import aiohttp

from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.server import Hub, start_server
from voskhod_game.classroom.store import Store
from voskhod_game.classroom.teacher import TeacherApp
from voskhod_game.story import defaults
from voskhod_game.story.loader import load_story

from .conftest import TIMEOUT, end_from_projector, expect

CREVASSE = Path(__file__).resolve().parent.parent.parent / "examples" / "crevasse"
VOSKHOD_WORDS = ("Voskhod", "Leonov", "Belyayev", "Baikonur", "1965")
PATH = ("leave_light", "drive_on", "abandon")  # with seed 5 the snow bridge gives way, then the fuel runs out


def voskhod_words_in(text: str) -> list[str]:
    return [word for word in VOSKHOD_WORDS if word in text]


async def test_students_get_the_story_words_and_its_debrief_over_a_real_socket(tmp_path: Path) -> None:
    store = Store(tmp_path / "class.sqlite3")
    room = Classroom.open(load_story(CREVASSE), store, seed=5)
    runner = await start_server(Hub(room), "127.0.0.1", 0)
    hub_url = runner.addresses[0]
    base = f"http://{hub_url[0]}:{hub_url[1]}/"
    received: list[str] = []
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(base) as page:
                received.append(await page.text())
            student = await session.ws_connect(base.replace("http://", "ws://") + "ws")
            await student.send_json({"type": "join", "code": room.code, "name": "Fuchs"})
            received.append(json.dumps(await expect(student, "welcome"), ensure_ascii=False))
            for number, choice in enumerate(PATH, start=1):
                room.open_vote(60)
                await expect(student, "state", status="open")
                await student.send_json({"type": "vote", "round": number, "choice": choice})
                await expect(student, "voted")
                room.close_vote()
                state = await expect(student, "state", status="resolved")
                received.append(json.dumps(state, ensure_ascii=False))
                if number == 2:
                    assert "! The odds went against you." in state["round"]["result"]
            room.end()
            final = await asyncio.wait_for(expect(student, "state", ended=True), TIMEOUT)
            received.append(json.dumps(final, ensure_ascii=False))
            await student.close()
    finally:
        await runner.cleanup()
        store.close()
    debrief = final["debrief"]
    assert debrief["ending"]["title"] == "Dry tanks" and debrief["ending"]["kind"] == "Lost"
    assert debrief["reference_label"] == "1957"
    assert debrief["questions"][1:] == list(defaults.QUESTIONS)
    assert voskhod_words_in("\n".join(received)) == []


async def test_the_projector_shows_the_story_and_the_class_debrief_without_voskhod(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.sqlite3")
    room = Classroom.open(load_story(CREVASSE), store, seed=5)
    app = TeacherApp(room, "127.0.0.1", 0, None, 30)
    seen: list[str] = []

    def drawn() -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        seen.append(drawn())
        assert "Crevasse Field, 1957" in seen[-1]
        pupil = room.join(room.code, "Fuchs")
        for number, choice in enumerate(PATH, start=1):
            room.open_vote(60)
            room.vote(pupil, number, choice)
            room.close_vote()
            await pilot.pause()
            seen.append(drawn())
        await end_from_projector(pilot, room)
        seen.append(drawn())
        assert "To talk about" in seen[-1]
    store.close()
    assert voskhod_words_in("\n".join(seen)) == []
