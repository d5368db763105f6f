"""A whole class in Chromium: 20 phones and 10 laptops join, vote every round to an ending, and read the debrief.

One browser, thirty pages (each in its own context, as thirty devices would be),
one host over a real websocket on 127.0.0.1. Bounded: three rounds on the mini
story, every wait with a timeout.
"""

from __future__ import annotations

import asyncio

from .chromium import PHONE, WAIT_MS, needs_chromium
from .conftest import expect

pytestmark = needs_chromium

PHONES, LAPTOPS = 20, 10
# The class's choice each round (most vote for it, a few for something else).
ROUNDS = [("open", "wait"), ("look", "bleed"), ("go_back", "look")]


async def test_thirty_students_in_chromium_play_to_an_ending_and_the_debrief(server, browser) -> None:
    room = server.room
    contexts = [await browser.new_context(viewport=PHONE) for _ in range(PHONES)]
    contexts += [await browser.new_context() for _ in range(LAPTOPS)]
    pages = [await c.new_page() for c in contexts]

    async def join(i: int) -> None:
        page = pages[i]
        await page.goto(f"{server.hub.url}#code={room.code}")
        await page.fill("#name", f"Student {i + 1:02d}")
        await page.click("#join")
        await page.wait_for_selector("#game-screen:not([hidden])", timeout=WAIT_MS * 4)

    await asyncio.gather(*(join(i) for i in range(len(pages))))
    assert len(room.participants) == PHONES + LAPTOPS
    host = await server.host()  # the teacher logs in once the class is in (a silent socket would time out)

    for number, (majority, minority) in enumerate(ROUNDS, start=1):
        await host.send_json({"type": "open", "seconds": 120})

        async def vote(i: int, choice: str) -> None:
            page = pages[i]
            button = f"button.choice[data-choice={choice}]"
            await page.wait_for_selector(f"{button}:not([disabled])", timeout=WAIT_MS * 4)
            await page.click(button)
            await page.wait_for_selector(f"{button}.mine", timeout=WAIT_MS * 4)

        await asyncio.gather(*(vote(i, minority if i % 6 == 0 else majority) for i in range(len(pages))))
        tally = await expect(host, "tally", voted=PHONES + LAPTOPS)
        assert tally["counts"][majority] == 25 and tally["counts"][minority] == 5, (number, tally)
        await host.send_json({"type": "close"})
        await expect(host, "state", status="resolved")
        await asyncio.gather(
            *(p.locator("#result-head", has_text="(25 of 30 votes)").wait_for(timeout=WAIT_MS * 4) for p in pages)
        )
    assert room.game.ended
    ending = room.game.view().ending
    assert ending is not None

    await host.send_json({"type": "end"})
    for page in pages:
        await page.wait_for_selector("#debrief:not([hidden])", timeout=WAIT_MS * 4)
    debriefs = await asyncio.gather(*(p.inner_text("#debrief") for p in pages))
    bodies = await asyncio.gather(*(p.inner_text("body") for p in pages))
    assert all("The closest votes" in text for text in debriefs), debriefs[0][:600]
    assert all(ending.title in text for text in bodies), (ending.title, bodies[0][:600])
    for context in contexts:
        await context.close()
