"""The projector (the teacher's Textual screen) as the class sees it, driven with Pilot.

Students join over real websockets on 127.0.0.1. Set ``VOSKHOD_SCREENSHOTS=DIR``
to keep the lobby as SVG and as a PNG drawn by Chromium.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import aiohttp
import pytest

from voskhod_game.classroom import teacher as teacher_module
from voskhod_game.classroom.bigtext import big_lines
from voskhod_game.classroom.rules import Classroom
from voskhod_game.classroom.store import Store
from voskhod_game.classroom.teacher import LobbyScreen, TeacherApp, run_teacher
from voskhod_game.classroom.widgets import Tally

from .chromium import ARGS, CHROMIUM
from .test_hostile_input import join
from .test_join_limit import child_env, host_command
from .test_terminal import plain, until

SHOTS = os.environ.get("VOSKHOD_SCREENSHOTS")


@pytest.fixture
def room(tmp_path, mini_story):
    store = Store(tmp_path / "p.sqlite3")
    yield Classroom.open(mini_story, store, seed=2)
    store.close()


async def save_lobby_png(app: TeacherApp) -> None:
    """The lobby as the projector draws it: Textual's SVG, rendered to PNG by Chromium."""
    from playwright.async_api import async_playwright

    folder = Path(SHOTS or ".")
    folder.mkdir(parents=True, exist_ok=True)
    svg = folder / "projector-lobby.svg"
    svg.write_text(app.export_screenshot(), encoding="utf-8")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(svg.resolve().as_uri())
        await page.screenshot(path=str(folder / "projector-lobby.png"))
        await browser.close()


async def test_the_lobby_shows_how_to_join_and_who_is_in_until_the_first_vote(room):
    app = TeacherApp(room, "127.0.0.1", 0, None, 30)
    async with app.run_test(size=(120, 40)) as pilot, aiohttp.ClientSession() as session:
        await until(pilot, lambda: bool(app.hub.url))
        await until(pilot, lambda: isinstance(app.screen, LobbyScreen) and bool(app.screen.query("#lobby-code")))
        lobby = app.screen
        sockets = [await join(session, app.hub.url, room.code, name) for name in ("[b]Anya[/b]", "Борис", "李")]
        await until(pilot, lambda: "3 joined" in plain(lobby.query_one("#lobby-count")))
        assert plain(lobby.query_one("#lobby-names")).split() == ["[b]Anya[/b]", "Борис", "李"]
        code = plain(lobby.query_one("#lobby-code"))
        assert all(line in code for line in big_lines(room.code)) and room.code in code
        assert "Only this computer can join" in plain(lobby.query_one("#lobby-warning"))
        assert "█" in plain(lobby.query_one("#lobby-qr"))
        assert app.hub.url in plain(lobby.query_one("#lobby-url"))
        if SHOTS and CHROMIUM.exists():
            await save_lobby_png(app)
        await pilot.press("o")  # the first vote closes the lobby
        await until(pilot, lambda: app.screen is app.default_screen)
        assert room.open_round is not None
        await pilot.press("j")  # and j brings it back for a latecomer
        await until(pilot, lambda: isinstance(app.screen, LobbyScreen))
        await pilot.press("j")
        await until(pilot, lambda: app.screen is app.default_screen)
        for ws in sockets:
            await ws.close()


async def test_no_warning_when_the_class_can_reach_the_host(room):
    app = TeacherApp(room, "0.0.0.0", 0, None, 30)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.hub.url))
        await until(pilot, lambda: isinstance(app.screen, LobbyScreen) and bool(app.screen.query("#lobby-code")))
        assert app.screen.query_one("#lobby-warning").has_class("hidden")
        assert "://127." not in app.hub.url


@pytest.mark.parametrize("size", [(80, 24), (120, 30)])
async def test_the_projector_fits_with_its_footer_and_the_whole_tally(room, size):
    app = TeacherApp(room, "127.0.0.1", 0, None, 30)
    async with app.run_test(size=size) as pilot, aiohttp.ClientSession() as session:
        await until(pilot, lambda: bool(app.hub.url))
        sockets = [await join(session, app.hub.url, room.code, f"S{i}") for i in range(3)]
        await pilot.press("o")
        await until(pilot, lambda: app.screen is app.default_screen)
        for ws, choice in zip(sockets, ("open", "open", "rush"), strict=True):
            await ws.send_json({"type": "vote", "round": 1, "choice": choice})
        await until(pilot, lambda: "Voted 3" in plain(app.query_one("#counts")))
        await pilot.pause(0.1)

        def fits() -> None:
            _, height = size
            footer = app.query_one("Footer")
            assert footer.region.bottom == height and footer.region.height == 1
            tally, side = app.query_one(Tally), app.query_one("#side")
            assert tally.region.height > 0
            assert side.region.contains_region(tally.region), (tally.region, side.region)
            assert app.query_one("#countdown").region.height == 1

        fits()
        assert "Rush out with a racing heart" in plain(app.query_one(Tally))
        await pilot.press("h")  # hidden votes are hidden on the projector too
        await until(pilot, lambda: "Votes are hidden" in plain(app.query_one(Tally)))
        assert "  2" not in plain(app.query_one(Tally))
        await pilot.press("c")  # the reveal: the whole split stays on the projector until the next vote
        await until(pilot, lambda: "The class chose Open the hatch (2 of 3 votes)." in plain(app.query_one(Tally)))
        fits()
        assert "Rush out with a racing heart" in plain(app.query_one(Tally))
        await pilot.press("o")
        await until(pilot, lambda: "The class chose" not in plain(app.query_one(Tally)))
        for ws in sockets:
            await ws.close()


def test_the_session_file_and_resume_command_are_printed_even_after_a_crash(room, monkeypatch, capsys):
    def crash(self: TeacherApp) -> None:
        raise RuntimeError("the projector cable was pulled")

    monkeypatch.setattr(teacher_module.TeacherApp, "run", crash)
    resume = f"voskhod classroom host --db {room.store.path} --host 0.0.0.0"
    with pytest.raises(RuntimeError):
        run_teacher(room, "0.0.0.0", 0, None, resume=resume)
    out = capsys.readouterr().out
    assert out.count(f"To resume it: {resume}") == 2  # at the start, and after the crash
    assert f"Session file: {room.store.path}" in out
    assert "stopped with an error" in out


def test_without_a_terminal_the_host_refuses_instead_of_printing_the_secret(tmp_path: Path) -> None:
    argv = [a for a in host_command(tmp_path) if a != "--headless"]
    done = subprocess.run(argv, capture_output=True, text=True, env=child_env(), timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "--headless" in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "room.sqlite3").exists()


def test_headless_prints_the_resume_command_and_warns_about_loopback(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        host_command(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env()
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        line = json.loads(proc.stdout.readline())
        assert line["resume"].startswith("voskhod classroom host --db ")
        assert "--headless" in line["resume"] and str(tmp_path / "room.sqlite3") in line["resume"]
        assert "Only this computer can join" in proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
