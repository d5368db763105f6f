"""The student page on a phone (390x844 in Chromium): built for voting, and accessible.

A real server on 127.0.0.1 and a host connection drive the rounds; the page is
checked the way a student meets it: what is on screen without scrolling, what is
announced, where the keyboard focus stays, what the reveal shows. axe-core (from
npm, injected into the real page) finds no serious or critical problem on the
join, vote, result and debrief screens. Set ``VOSKHOD_SCREENSHOTS=DIR`` to keep a
PNG of each screen.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .chromium import PHONE, WAIT_MS, axe_violations, needs_chromium
from .conftest import expect

pytestmark = needs_chromium
SHOTS = os.environ.get("VOSKHOD_SCREENSHOTS")


async def shot(page: Any, name: str, full_page: bool = False) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS) / f"phone-{name}.png"), full_page=full_page)


async def in_view(page: Any, selector: str) -> bool:
    """Whether every element matching ``selector`` is wholly inside the viewport as it is now."""
    return await page.eval_on_selector_all(
        selector,
        "(els) => els.length > 0 && els.every(e => { const r = e.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; })",
    )


async def assert_accessible(page: Any, screen: str) -> None:
    violations = await axe_violations(page)
    assert violations == [], f"{screen}: {violations}"


async def test_a_phone_votes_without_scrolling_and_sees_the_whole_split(server, browser):
    room = server.room
    host = await server.host()
    context = await browser.new_context(viewport=PHONE, bypass_csp=True)  # axe is injected as a script
    page = await context.new_page()
    await page.goto(f"{server.hub.url}#code={room.code}")
    await page.wait_for_selector("#join-screen:not([hidden])", timeout=WAIT_MS)
    await assert_accessible(page, "join")
    await shot(page, "join")
    await page.fill("#name", "Anya")
    await page.click("#join")
    await page.wait_for_selector("#game-screen:not([hidden])", timeout=WAIT_MS)
    boris, _ = await server.student("Boris")
    vera, _ = await server.student("Vera")

    # A vote opens: the countdown and every choice are on screen at once, nothing scrolled.
    await host.send_json({"type": "open", "seconds": 120})
    await page.wait_for_selector("button.choice[data-choice=open]:not([disabled])", timeout=WAIT_MS)
    assert await page.evaluate("scrollY") == 0
    assert await in_view(page, "#countdown")
    assert await in_view(page, "button.choice")
    assert (await page.title()).startswith("Vote now")
    assert "Vote open. Choices: 3." in await page.inner_text("#announce")
    assert await page.get_attribute("#announce", "aria-live") == "polite"
    await assert_accessible(page, "vote")

    # Counts update in place: the focused button is the same element, and it keeps the focus.
    await page.focus("button.choice[data-choice=wait]")
    await page.eval_on_selector("button.choice[data-choice=wait]", "b => { b.dataset.marker = 'kept'; }")
    await boris.send_json({"type": "vote", "round": 1, "choice": "wait"})
    await page.locator("button.choice[data-choice=wait] .count", has_text="1 vote").wait_for(timeout=WAIT_MS)
    assert await page.evaluate("document.activeElement.dataset.choice") == "wait"
    assert await page.evaluate("document.activeElement.dataset.marker") == "kept"
    announced = await page.inner_text("#announce")
    await page.keyboard.press("Enter")  # the keyboard votes for the focused choice
    await page.wait_for_selector("button.choice.mine[data-choice=wait]", timeout=WAIT_MS)
    assert await page.inner_text("#announce") == announced  # tallies are not read out
    await page.click("button.choice[data-choice=open]")
    await page.wait_for_selector("button.choice.mine[data-choice=open]", timeout=WAIT_MS)
    await shot(page, "vote")

    # Paused: the student's own vote stays marked.
    await host.send_json({"type": "pause"})
    await page.wait_for_selector("button.choice[data-choice=open][disabled]", timeout=WAIT_MS)
    assert await page.get_attribute("button.choice[data-choice=open]", "aria-pressed") == "true"
    assert "Your vote" in await page.inner_text("button.choice[data-choice=open]")
    assert (await page.title()).startswith("Vote paused")
    await host.send_json({"type": "unpause"})
    await page.wait_for_selector("button.choice[data-choice=open]:not([disabled])", timeout=WAIT_MS)

    # The teacher hides the tally: the old counts go at once, and new votes show none.
    await host.send_json({"type": "hidden", "hidden": True})
    await page.wait_for_function(
        "[...document.querySelectorAll('button.choice .count')].every(c => c.textContent === '')", timeout=WAIT_MS
    )
    await vera.send_json({"type": "vote", "round": 1, "choice": "open"})
    await expect(host, "tally", voted=3)
    await page.locator("#round-status", has_text="3 of 3 voted").wait_for(timeout=WAIT_MS)
    assert await page.eval_on_selector_all("button.choice .count", "cs => cs.map(c => c.textContent)") == ["", "", ""]

    # The vote closes: everyone sees the whole split as a chart, which stays until the next vote.
    await host.send_json({"type": "close"})
    await page.wait_for_selector("#result:not([hidden])", timeout=WAIT_MS)
    assert await page.inner_text("#result-head") == "The class chose Open the hatch (2 of 3 votes)."
    rows = await page.eval_on_selector_all("#split li", "ls => ls.map(l => l.innerText.replace(/\\s+/g, ' ').trim())")
    assert rows == [
        "Open the hatch ✔ chosen · your vote 2 (67%)",
        "Wait and breathe 1 (33%)",
        "Rush out with a racing heart 0 (0%)",
    ]
    assert await in_view(page, "#split")
    assert (await page.title()).startswith("Result")
    await assert_accessible(page, "result")
    await shot(page, "reveal")
    await host.send_json({"type": "lock", "locked": True})  # another state change: the chart stays
    await expect(host, "state", locked=True)
    assert await page.is_visible("#split")
    await host.send_json({"type": "open", "seconds": 60})
    await page.wait_for_selector("#result[hidden]", state="attached", timeout=WAIT_MS)
    await page.wait_for_selector("button.choice[data-choice=look]:not([disabled])", timeout=WAIT_MS)
    assert await in_view(page, "button.choice")

    # A tie shows its counts; then the ending and the debrief.
    await page.click("button.choice[data-choice=look]")
    await boris.send_json({"type": "vote", "round": 2, "choice": "bleed"})
    await expect(host, "tally", voted=2)
    await host.send_json({"type": "close"})
    await page.locator("#result-head", has_text="Tied at 1 vote each").wait_for(timeout=WAIT_MS)
    assert await page.eval_on_selector_all("#split .n", "ns => ns.map(n => n.textContent)") == ["1 (50%)", "1 (50%)"]
    await host.send_json({"type": "decide", "choice": "look"})
    await page.locator("#result-head", has_text="tie broken by the teacher at 1 vote each").wait_for(timeout=WAIT_MS)
    await host.send_json({"type": "open", "seconds": 60})
    await page.wait_for_selector("button.choice[data-choice=go_back]:not([disabled])", timeout=WAIT_MS)
    await page.click("button.choice[data-choice=go_back]")
    await page.wait_for_selector("button.choice.mine[data-choice=go_back]", timeout=WAIT_MS)
    await host.send_json({"type": "close"})
    await expect(host, "state", status="resolved")
    assert room.game.ended
    ending = room.game.view().ending
    await host.send_json({"type": "end"})
    await page.wait_for_selector("#debrief:not([hidden])", timeout=WAIT_MS)
    body = await page.inner_text("body")
    assert body.count(ending.text.strip()[:30]) == 1  # the ending's text is shown once
    debrief = await page.inner_text("#debrief")
    assert "The closest votes" in debrief
    assert "Round 2: Look at the view 1, Bleed the suit pressure 1 (a tie)" in debrief
    assert "tie broken by the teacher at 1 vote each" in debrief
    assert "Timeline" in debrief or not room.story.endings  # the ending's timeline, when the story has one
    assert (await page.title()).startswith("Debrief")
    await assert_accessible(page, "debrief")
    assert await in_view(page, "#debrief h2")  # the debrief comes first once the session ends
    await shot(page, "debrief", full_page=True)
    await context.close()
