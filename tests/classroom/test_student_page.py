"""The student page in headless Chromium (Playwright): join, vote, see the result, survive a reload.

Needs Debian's ``chromium`` at /usr/bin/chromium (CI installs it); Playwright's
own browser download is never used.
"""

from __future__ import annotations

from .chromium import WAIT_MS, needs_chromium
from .conftest import expect

pytestmark = needs_chromium


async def test_students_join_vote_and_see_the_result_in_a_browser(server, browser):
    room = server.room
    host = await server.host()
    phone = await browser.new_context(viewport={"width": 390, "height": 844})
    laptop = await browser.new_context()
    anya = await phone.new_page()
    boris = await laptop.new_page()

    # Anya scanned the QR code: the code comes in the link.
    await anya.goto(f"{server.hub.url}#code={room.code}")
    assert await anya.input_value("#code", timeout=WAIT_MS) == room.code
    await anya.fill("#name", "Anya")
    await anya.click("#join")
    await anya.wait_for_selector("#game-screen:not([hidden])", timeout=WAIT_MS)
    assert "You are Anya" in await anya.inner_text("#me")
    assert "airlock" in await anya.inner_text("#story")

    # Boris types a wrong code first, then the right one.
    await boris.goto(server.hub.url)
    await boris.fill("#code", "WRONG234")
    await boris.click("#join")
    await boris.locator("#join-error", has_text="not right").wait_for(timeout=WAIT_MS)
    await boris.fill("#code", room.code.lower())
    await boris.fill("#name", "Boris")
    await boris.click("#join")
    await boris.wait_for_selector("#game-screen:not([hidden])", timeout=WAIT_MS)

    await host.send_json({"type": "open", "seconds": 60})
    await anya.wait_for_selector("button.choice[data-choice=open]:not([disabled])", timeout=WAIT_MS)
    await anya.click("button.choice[data-choice=wait]")
    await anya.wait_for_selector("button.choice.mine[data-choice=wait]", timeout=WAIT_MS)
    await anya.click("button.choice[data-choice=open]")  # changed her mind
    await anya.wait_for_selector("button.choice.mine[data-choice=open]", timeout=WAIT_MS)
    await boris.wait_for_selector("button.choice[data-choice=open]:not([disabled])", timeout=WAIT_MS)
    await boris.click("button.choice[data-choice=open]")
    tally = await expect(host, "tally", voted=2)
    assert tally["counts"] == {"open": 2, "wait": 0, "rush": 0}
    await boris.locator("button.choice[data-choice=open] .count", has_text="2 votes").wait_for(timeout=WAIT_MS)

    # Anya's phone sleeps and comes back: the page resumes with her token, no join form, vote kept.
    await anya.reload()
    await anya.wait_for_selector("button.choice.mine[data-choice=open]", timeout=WAIT_MS)
    assert await anya.is_hidden("#join-screen")
    assert len(room.participants) == 2

    await host.send_json({"type": "close"})
    await anya.wait_for_selector("#result:not([hidden])", timeout=WAIT_MS)
    result = await anya.inner_text("#result")
    assert "The class chose Open the hatch (2 of 2 votes)" in result
    assert "You voted for it" in result
    assert "Earth turns below" in await boris.inner_text("#story")
    assert await boris.is_disabled("button.choice[data-choice=look]")
    await phone.close()
    await laptop.close()


async def test_a_kicked_student_sees_it_after_a_reload(server, browser):
    host = await server.host()
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{server.hub.url}#code={server.room.code}")
    await page.fill("#name", "Prankster")
    await page.click("#join")
    await page.wait_for_selector("#game-screen:not([hidden])", timeout=WAIT_MS)
    pid = next(iter(server.room.participants))
    await host.send_json({"type": "kick", "participant": pid})
    await page.wait_for_selector("#out-screen:not([hidden])", timeout=WAIT_MS)
    await page.reload()
    await page.wait_for_selector("#out-screen:not([hidden])", timeout=WAIT_MS)
    assert "removed you" in await page.inner_text("#out-message")
    assert await page.is_hidden("#join-screen")
    await context.close()
