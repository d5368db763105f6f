"""One class, two languages: each student reads the story and the game's words in the language
they picked, the projector stays in the teacher's, and the votes are the same votes.

Real sockets on 127.0.0.1, on ``examples/crevasse`` (which has a Russian catalogue)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from voskhod_game.classroom.languages import Languages, accepted_languages, parse_language
from voskhod_game.classroom.page_words import PAGE_WORDS, page_words
from voskhod_game.classroom.protocol import ProtocolError
from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.server import Hub, start_server
from voskhod_game.classroom.store import Store
from voskhod_game.classroom.wire import Wire, same_run
from voskhod_game.story.loader import load_story

from .conftest import Server, expect

CREVASSE = Path(__file__).resolve().parents[2] / "examples" / "crevasse"
STATIC = Path(__file__).resolve().parents[2] / "src" / "voskhod_game" / "classroom" / "static"
PATH = ("leave_light", "drive_on", "abandon")  # with seed 5 the snow bridge gives way, then the fuel runs out
CYRILLIC = re.compile("[а-яА-ЯёЁ]")


@pytest.fixture
async def crevasse(tmp_path: Path) -> AsyncIterator[Server]:
    store = Store(tmp_path / "class.sqlite3")
    room = Classroom.open(load_story(CREVASSE), store, seed=5)
    hub = Hub(room, languages=Languages(room.story, "en"))
    runner = await start_server(hub, "127.0.0.1", 0)
    async with aiohttp.ClientSession() as session:
        yield Server(hub, session)
    await runner.cleanup()
    store.close()


async def join(server: Server, name: str, lang: str | None) -> tuple[aiohttp.ClientWebSocketResponse, dict, dict]:
    ws = await server.connect()
    message = {"type": "join", "code": server.room.code, "name": name}
    if lang is not None:
        message["lang"] = lang
    await ws.send_json(message)
    welcome = await expect(ws, "welcome")
    return ws, welcome, await expect(ws, "state")


async def test_a_russian_and_an_english_student_each_read_their_own_language(crevasse: Server) -> None:
    room = crevasse.room
    ru, ru_welcome, ru_state = await join(crevasse, "Иван", "ru-RU")
    en, en_welcome, en_state = await join(crevasse, "Ann", "en-GB")
    assert (ru_welcome["lang"], en_welcome["lang"]) == ("ru", "en")
    assert ru_state["heading"] == "База Шеклтон" and en_state["heading"] == "Shackleton Base"
    assert CYRILLIC.search(ru_state["text"]) and not CYRILLIC.search(en_state["text"])
    assert [c["id"] for c in ru_state["choices"]] == [c["id"] for c in en_state["choices"]]

    for number, choice in enumerate(PATH, start=1):
        room.open_vote(60)
        ru_open = await expect(ru, "state", status="open")
        await expect(en, "state", status="open")
        # Votes are choice ids: a vote from each language counts for the same choice.
        await ru.send_json({"type": "vote", "round": number, "choice": choice})
        await en.send_json({"type": "vote", "round": number, "choice": choice})
        await expect(ru, "voted")
        await expect(en, "voted")
        tally_ru = await expect(ru, "tally", voted=2)
        tally_en = await expect(en, "tally", voted=2)
        assert tally_ru["counts"] == tally_en["counts"] == {**dict.fromkeys(ru_open["round"]["choices"], 0), choice: 2}
        assert tally_en["turnout"] == "2 of 2 voted" and tally_ru["turnout"] != tally_en["turnout"]
        room.close_vote()
        ru_done = await expect(ru, "state", status="resolved")
        en_done = await expect(en, "state", status="resolved")
        assert ru_done["round"]["winner"] == en_done["round"]["winner"] == choice
        assert en_done["round"]["summary"].startswith("The class chose ")
        assert CYRILLIC.search(ru_done["round"]["summary"]), ru_done["round"]["summary"]
        if number == 2:  # the chance result, worded in each language from the same dice
            assert "! The odds went against you." in en_done["round"]["result"]
            assert "Случай оказался против вас." in ru_done["round"]["result"]
    # The projector (the teacher's language) reads English.
    projector = crevasse.hub.wire.state()
    assert projector.lang == "en" and not CYRILLIC.search(projector.text + projector.heading)
    assert room.game.ended and ru_done["ending"]["title"] != en_done["ending"]["title"]
    room.end()
    ru_end = await expect(ru, "state", ended=True)
    en_end = await expect(en, "state", ended=True)
    assert [s["choice"] for s in ru_end["debrief"]["path"]][1] == "Ехать дальше"
    assert [s["choice"] for s in en_end["debrief"]["path"]][1] == "Drive on"
    await ru.close()
    await en.close()


async def test_a_student_switches_language_and_errors_come_in_it(crevasse: Server) -> None:
    ws, welcome, state = await join(crevasse, "Ann", None)  # no preference: the teacher's
    assert welcome["lang"] == "en" and state["heading"] == "Shackleton Base"
    await ws.send_json({"type": "language", "lang": "ru"})
    state = await expect(ws, "state")
    assert state["heading"] == "База Шеклтон" and state["lang"] == "ru"
    await ws.send_json({"type": "vote", "round": 1, "choice": "x"})
    error = await expect(ws, "error", code="no_round")
    assert CYRILLIC.search(error["message"])
    await ws.send_json({"type": "language", "lang": "de"})  # not offered: the teacher's language
    state = await expect(ws, "state")
    assert state["heading"] == "Shackleton Base"
    await ws.close()


@pytest.mark.parametrize("bogus", ["../../etc", "x" * 1000, "<img src=x onerror=alert(1)>", "ru\u202e", 7, "[/]"])
async def test_a_bogus_language_is_refused_with_a_sentence(crevasse: Server, bogus: object) -> None:
    ws = await crevasse.connect()
    await ws.send_json({"type": "join", "code": crevasse.room.code, "name": "Ann", "lang": bogus})
    error = await expect(ws, "error")
    assert error["code"] == "bad_language"
    assert error["message"] == "“lang” must be a language code such as en or ru."
    assert not crevasse.room.participants
    await ws.close()


async def test_ten_kilobytes_of_language_is_refused(crevasse: Server) -> None:
    ws = await crevasse.connect()
    await ws.send_json({"type": "join", "code": crevasse.room.code, "lang": "r" * 10_000})
    assert (await expect(ws, "error"))["code"] == "too_big"
    async with crevasse.session.get(crevasse.hub.url + "words", params={"lang": "r" * 10_000}) as response:
        assert response.status == 400
    await ws.close()


async def test_the_page_words_come_in_the_language_asked_for(crevasse: Server) -> None:
    url = crevasse.hub.url + "words"
    async with crevasse.session.get(url, params={"lang": "ru-RU"}) as response:
        data = await response.json()
    assert data["lang"] == "ru" and data["words"]["join_button"] == page_words("ru")["join_button"]
    assert {"code": "ru", "name": "Русский"} in data["languages"]
    assert data["words"].keys() == PAGE_WORDS.keys()
    async with crevasse.session.get(url, headers={"Accept-Language": "de;q=0.9, ru;q=0.8, en;q=0.5"}) as response:
        assert (await response.json())["lang"] == "ru"
    async with crevasse.session.get(url, params={"lang": "../../etc"}) as response:
        assert response.status == 400
        refused = await response.json()
    assert refused["error"] == "bad_language" and "language code" in refused["message"]


def test_every_word_the_page_uses_is_in_the_table_and_the_html_reads_its_english() -> None:
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\(\"([a-z_]+)\"[,)]", script))
    used |= {f"meter_{state}" for state in ("ok", "warn", "critical")}
    assert used and used <= PAGE_WORDS.keys(), used - PAGE_WORDS.keys()
    for key, english in re.findall(r'data-words="([a-z_]+)">([^<]*)<', page):
        assert PAGE_WORDS[key] == english
    for key in re.findall(r'data-words(?:-label|-placeholder)?="([a-z_]+)"', page):
        assert key in PAGE_WORDS
    quoted = set(re.findall(r'"([a-z_]+)"', script + page))
    assert not set(PAGE_WORDS) - used - quoted, "a word the page never shows"


def test_language_tags_are_checked_and_negotiated() -> None:
    assert parse_language("pt-BR") == "pt-BR" and parse_language(None) == ""
    for bogus in ("../../etc", "r" * 40, "ru;drop", "ру"):
        with pytest.raises(ProtocolError):
            parse_language(bogus)
    assert accepted_languages("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5") == ["fr-CH", "fr", "en", "de"]
    assert accepted_languages("ru;q=abc, <x>, en") == ["en"]


def test_every_classroom_message_is_worded_once_per_language_not_per_student(tmp_path: Path) -> None:
    store = Store(tmp_path / "class.sqlite3")
    room = Classroom.open(load_story(CREVASSE), store, seed=5)
    hub = Hub(room, languages=Languages(room.story, "en"))
    calls: list[str] = []
    original = hub.wire.state_payload

    def counting(lang: str = "") -> bytes:
        calls.append(lang)
        return original(lang)

    hub.wire.state_payload = counting  # type: ignore[method-assign]

    class Sink:
        def __init__(self) -> None:
            self.got: list[bytes] = []

        def send(self, payload: bytes, frame: bytes | None = None) -> None:
            self.got.append(payload)

    from voskhod_game.classroom.rules import Participant

    sinks = []
    for n in range(30):
        conn = Sink()
        conn.participant = Participant(n + 1, f"t{n}", f"s{n}", 0.0)  # type: ignore[attr-defined]
        conn.host = False  # type: ignore[attr-defined]
        conn.lang = "ru" if n % 2 else ""  # type: ignore[attr-defined]
        sinks.append(conn)
    hub.connections = set(sinks)  # type: ignore[assignment]
    hub.broadcast_state()
    assert sorted(calls) == ["", "ru"]
    headings = {json.loads(s.got[0])["heading"] for s in sinks}
    assert headings == {"Shackleton Base", "База Шеклтон"}
    store.close()
    asyncio.set_event_loop(None)


async def test_the_projector_speaks_the_teachers_language_while_a_phone_reads_english(tmp_path: Path) -> None:
    from rich.console import Console
    from textual.widgets import Static

    from voskhod_game import i18n
    from voskhod_game.classroom.teacher import TeacherApp

    i18n.set_language("ru")  # `voskhod --lang ru classroom host`
    store = Store(tmp_path / "class.sqlite3")
    try:
        room = Classroom.open(load_story(CREVASSE, "ru"), store, seed=5)
        app = TeacherApp(room, "127.0.0.1", 0, None, 30)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("escape")  # from the lobby to the story
            async with aiohttp.ClientSession() as session:
                ws = await session.ws_connect(app.hub.url.replace("http://", "ws://") + "ws")
                await ws.send_json({"type": "join", "code": room.code, "name": "Ann", "lang": "en"})
                assert (await expect(ws, "state"))["heading"] == "Shackleton Base"
                await pilot.press("o")
                await expect(ws, "state", status="open")
                await pilot.pause()
                console = Console(width=200, color_system=None, force_terminal=False)
                with console.capture() as cap:
                    for widget in app.screen.query(Static):
                        console.print(widget.content, markup=False)
                shown = " ".join(cap.get().split())
                await ws.close()
        assert "Сцена 1 из 3:" in shown
        assert "Раунд 1: голосование" in shown and "Вошли: 1" in shown
        assert "База Шеклтон" in shown and "Shackleton" not in shown
    finally:
        i18n.set_language("en")
        store.close()


def test_the_terminal_student_refuses_a_bogus_language(capsys: pytest.CaptureFixture[str]) -> None:
    from voskhod_game.cli import main

    code = main(["classroom", "join", "http://127.0.0.1:9/", "--code", "ABCD", "--lang", "../../etc"])
    assert code == 2
    assert "“../../etc” is not a language code such as `ru` or `pt_BR`" in capsys.readouterr().err


def test_a_late_russian_reader_gets_the_last_result_translated_from_a_copy_kept_in_step(tmp_path: Path) -> None:
    store = Store(tmp_path / "class.sqlite3")
    room = Classroom.open(load_story(CREVASSE), store, seed=5)
    wire = Wire(room, Languages(room.story, "en"))
    copy = wire._copies["ru"]
    game = copy.game
    voter = room.join(room.code, "Ann")
    for choice in PATH[:2]:
        rnd = room.open_vote(60)
        room.vote(voter, rnd.number, choice)
        room.close_vote()
    # Nobody read Russian during those rounds; the first Russian state still has round 2's result in Russian.
    state = wire.state("ru")
    assert "Случай оказался против вас." in state.round.result  # type: ignore[union-attr]
    assert copy.game is game  # followed the class by playing its choices, never rebuilt
    assert wire.state("ru").heading != wire.state().heading
    store.close()


def test_a_resumed_class_shows_the_last_result_in_russian_at_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "class.sqlite3")
    room = Classroom.open(load_story(CREVASSE), store, seed=5)
    voter = room.join(room.code, "Ann")
    for choice in PATH[:2]:
        rnd = room.open_vote(60)
        room.vote(voter, rnd.number, choice)
        room.close_vote()
    english = room.current_round.result  # type: ignore[union-attr]
    store.close()
    # The host restarts: the Russian copy is rebuilt from the saved game, not followed round by round.
    store = Store(tmp_path / "class.sqlite3")
    resumed = Classroom.open(load_story(CREVASSE), store, seed=5)
    wire = Wire(resumed, Languages(resumed.story, "en"))
    result = wire.state("ru").round.result  # type: ignore[union-attr]
    assert "Случай оказался против вас." in result and result != english
    assert wire.state().round.result == english  # type: ignore[union-attr]
    assert same_run(wire._copies["ru"].game.run, resumed.game.run)  # type: ignore[union-attr]
    store.close()
