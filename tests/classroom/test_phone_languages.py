"""Two phones in one class on ``examples/crevasse``: one reads Russian (its browser's language),
one English (picked on the page); each sees its own words and story, the votes count together,
and axe-core finds no serious problem in either language. Chromium on 127.0.0.1."""

from __future__ import annotations

import re
from typing import Any

from .chromium import PHONE, WAIT_MS, axe_violations, needs_chromium
from .conftest import Server, expect
from .test_languages import crevasse  # noqa: F401  (the fixture: a class on examples/crevasse, teacher in English)

pytestmark = needs_chromium
CYRILLIC = re.compile("[а-яА-ЯёЁ]")


async def phone(browser: Any, server: Server, locale: str) -> Any:
    context = await browser.new_context(viewport=PHONE, bypass_csp=True, locale=locale)  # axe is injected
    page = await context.new_page()
    await page.goto(f"{server.hub.url}#code={server.room.code}")
    await page.wait_for_selector("#join-screen:not([hidden])", timeout=WAIT_MS)
    return page


async def test_a_russian_and_an_english_phone_in_one_class(crevasse: Server, browser: Any) -> None:  # noqa: F811
    room = crevasse.room
    host = await crevasse.host()
    ru = await phone(browser, crevasse, "ru-RU")
    en = await phone(browser, crevasse, "ru-RU")  # a Russian browser whose student picks English
    assert await ru.get_attribute("html", "lang") == "ru"
    assert await ru.inner_text("#join") == "Войти"
    await en.select_option("#lang-pick", "en")
    await en.locator("#join", has_text="Join").wait_for(timeout=WAIT_MS)
    assert await en.get_attribute("html", "lang") == "en"
    assert await axe_violations(ru) == []

    await ru.fill("#name", "<img src=x onerror=a>")
    await ru.click("#join")
    await en.fill("#name", "[@click=app.quit]x[/]\u202e")
    await en.click("#join")
    for page in (ru, en):
        await page.wait_for_selector("#game-screen:not([hidden])", timeout=WAIT_MS)
    assert await ru.inner_text("#me") == "Вы — <img src=x onerror=a>"  # shown as text, not parsed
    assert await ru.eval_on_selector_all("img", "imgs => imgs.length") == 0
    assert await ru.inner_text("#story h2") == "База Шеклтон"
    assert await en.inner_text("#story h2") == "Shackleton Base"

    await host.send_json({"type": "open", "seconds": 120})
    for page in (ru, en):
        await page.wait_for_selector("button.choice[data-choice=leave_light]:not([disabled])", timeout=WAIT_MS)
    assert CYRILLIC.search(await ru.inner_text("#choices"))
    assert not CYRILLIC.search(await en.inner_text("#choices"))
    assert await en.inner_text("#round-status") == "Vote now! · 0 of 2 voted"
    await ru.click("button.choice[data-choice=leave_light]")
    await en.click("button.choice[data-choice=leave_light]")
    await ru.locator("#round-status", has_text="проголосовали 2 из 2").wait_for(timeout=WAIT_MS)
    await en.locator("#round-status", has_text="2 of 2 voted").wait_for(timeout=WAIT_MS)
    assert await axe_violations(ru) == [] and await axe_violations(en) == []
    await host.send_json({"type": "close"})
    await expect(host, "state", status="resolved")
    await ru.locator("#result-head", has_text="Класс выбрал").wait_for(timeout=WAIT_MS)
    await en.locator("#result-head", has_text="The class chose").wait_for(timeout=WAIT_MS)
    assert room.rounds[0].counts()["leave_light"] == 2

    # The Russian student switches to English mid-game: the story comes again in English.
    await ru.select_option("#lang-pick", "en")
    await ru.locator("#result-head", has_text="The class chose").wait_for(timeout=WAIT_MS)
    assert not CYRILLIC.search(await ru.inner_text("#story"))
    assert await axe_violations(ru) == []
    await ru.context.close()
    await en.context.close()
