"""``voskhod classroom join``: a student's terminal, on the same protocol as the phone page.

The connection runs as a Textual worker in the app's loop. When it drops (the
host restarted, the laptop slept) the client reconnects with its token and the
server gives back the student's place and vote, as the page does.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ..present import votes as phrase
from .protocol import decode_server, encode
from .widgets import (
    Meters,
    PlainTextApp,
    countdown_text,
    fact_lines,
    question_lines,
    show_story,
    story_text,
    summary_lines,
)

FATAL = frozenset(
    {"kicked", "session_ended", "wrong_code", "room_locked", "room_full", "too_many_attempts", "unknown_token"}
)


def ws_url(url: str) -> str:
    """The websocket address for what the projector shows (``http://host:port/``, with or without a scheme)."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}.get(parts.scheme)
    if scheme is None or not parts.hostname:
        raise ValueError(f"“{url}” is not an address like http://192.168.1.20:8765/")
    return urlunsplit((scheme, parts.netloc, "/ws", "", ""))


class StudentApp(PlainTextApp):
    """One student's view: story, meters, choices, countdown; number keys vote."""

    CSS_PATH = "student.tcss"
    TITLE = "Classroom"  # then the story's title, from the first state message
    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(n), f"vote({n})", "Vote", show=n == 1) for n in range(1, 10)],
        Binding("q", "quit", "Leave"),
    ]

    def __init__(self, url: str, code: str, name: str = "") -> None:
        super().__init__()
        self.url = url
        self.code = code
        self.nickname = name
        self.token: str | None = None
        self.state: dict[str, Any] | None = None
        self.tally: dict[str, Any] | None = None
        self.my_vote: dict[str, Any] | None = None
        self.deadline = 0.0
        self.problem = ""  # a refusal that ends the session for this client
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._countdown = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            yield Static("Connecting…", id="link")
            yield Static(id="where")
            yield Meters(id="meters")
            yield Static(id="result", classes="hidden")
            yield Static(id="text")
            yield Static(id="status")
            yield Static(id="countdown")
            yield OptionList(id="choices")
            yield Static(id="ending", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.run_worker(self.connection(), exclusive=True, group="link")
        self.set_interval(0.25, self.tick)

    # -- the connection ------------------------------------------------------
    async def connection(self) -> None:
        delay = 0.5
        async with aiohttp.ClientSession() as session:
            while not self.problem:
                try:
                    async with session.ws_connect(self.url, heartbeat=20) as ws:
                        self.ws = ws
                        delay = 0.5
                        self.set_link("")
                        if self.token:
                            await ws.send_str(encode({"type": "resume", "token": self.token}))
                        else:
                            await ws.send_str(encode({"type": "join", "code": self.code, "name": self.nickname}))
                        async for msg in ws:
                            if msg.type != aiohttp.WSMsgType.TEXT:
                                break
                            message = decode_server(msg.data)
                            if message is not None:
                                self.handle(message)
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    if self.state is None:
                        self.set_link(f"Cannot reach {self.url} ({exc}). Retrying… (q to leave)")
                self.ws = None
                if self.problem:
                    break
                if self.state is not None:
                    self.set_link("Reconnecting…")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def set_link(self, text: str) -> None:
        self.query_one("#link", Static).update(Text(text))

    def handle(self, m: dict[str, Any]) -> None:
        if self.problem or not self.is_running:
            return
        kind = m.get("type")
        if kind == "welcome":
            self.token = m["token"]
            self.my_vote = m.get("vote")
            self.sub_title = f"You are {m['name']}"
        elif kind == "state":
            if self.state is not None and m["version"] < self.state["version"]:
                return
            self.state = m
            self.tally = None  # the state carries the counts as of now (none once the tally is hidden)
            rnd = m.get("round")
            if rnd and rnd["status"] == "open":
                self.deadline = time.monotonic() + rnd["ms_left"] / 1000
            self.render_state()
        elif kind == "tally":
            if self.state is None or not self.state["round"] or m["round"] != self.state["round"]["number"]:
                return
            self.tally = m
            self.render_choices()
            self.render_status()
        elif kind == "voted":
            self.my_vote = {"round": m["round"], "choice": m["choice"]}
            self.render_choices()
            self.render_status()
        elif kind == "error":
            code = m.get("code", "")
            if code in FATAL and not (code == "session_ended" and self.state):
                self.problem = m.get("message", code)
                self.set_link(self.problem)
                if self.state is None:
                    self.exit(1, 1, f"voskhod classroom: {self.problem}")
            else:
                self.notify(m.get("message", code), severity="warning")

    # -- drawing ---------------------------------------------------------------
    def render_state(self) -> None:
        s = self.state
        assert s is not None
        self.title = s["title"]
        show_story(self, s)
        rnd = s["round"]
        result = self.query_one("#result", Static)
        if rnd and s["status"] in ("resolved", "closed"):
            lines: list[Any] = [Text(rnd["summary"], style="bold")]
            if rnd["counts"] is not None:
                lines.append(Text(phrase.split(rnd["counts"], rnd["labels"])))
            if self.my_vote and self.my_vote["round"] == rnd["number"]:
                lines.append(Text(phrase.yours(self.my_vote["choice"], rnd["winner"]), style="dim"))
            if rnd["result"] and s["status"] == "resolved":
                lines.append(story_text(rnd["result"]))
            result.update(Group(*lines))
            result.remove_class("hidden")
        else:
            result.add_class("hidden")
        ending = self.query_one("#ending", Static)
        parts: list[Any] = []
        if s["ending"] and s["ending"]["debrief"]:  # the story above already shows the ending's text
            parts.append(story_text(s["ending"]["debrief"]))
        if s["debrief"]:
            d = s["debrief"]
            parts += [Text("")] if parts else []
            parts.append(Text("Class debrief", style="bold underline"))
            parts += summary_lines(d)
            for step in d["path"]:
                parts.append(Text(f"  {step['round']}. {step['scene']}: {step['choice']} ({step['how']})"))
            if d["closest"]:
                parts += [Text(""), Text("The closest votes", style="bold")]
                parts += [Text(f"  Round {c['round']}: {c['split']} ({c['close']})") for c in d["closest"]]
            if d["timeline"]:
                parts += [Text(""), Text("Timeline", style="bold")]
                reference = d.get("reference_label", "history")
                parts += [Text(f"  {t['label']}: class {t['yours']}, {reference} {t['real']}") for t in d["timeline"]]
            parts += [Text(""), Text("To talk about", style="bold")]
            parts += question_lines(d)
            parts += fact_lines(d)
        ending.update(Group(*parts))
        ending.set_class(not parts, "hidden")
        self.render_choices()
        self.render_status()

    def counts(self) -> dict[str, int] | None:
        s = self.state
        if s is None or not s["round"] or s["status"] not in ("open", "paused"):
            return None
        if self.tally is not None:
            return self.tally["counts"]
        return s["round"]["counts"]

    def render_choices(self) -> None:
        s = self.state
        choices = self.query_one(OptionList)
        if s is None:
            return
        highlighted = choices.highlighted
        choices.clear_options()
        is_open = s["status"] == "open" and not s["ended"]
        votable = set(s["round"]["choices"]) if is_open else set()
        counts = self.counts()
        for c in s["choices"]:
            prompt = Text(f"{c['number']}. {c['label']}")
            if c["minutes"]:
                prompt.append(f"  ({c['cost']}{', risky' if c['risky'] else ''})", style="dim")
            if not c["enabled"] and c["reason"]:
                prompt.append(f"  — {c['reason']}", style="dim italic")
            if counts is not None and c["id"] in counts:
                prompt.append(f"  [{counts[c['id']]}]", style="cyan")
            mine = (
                s["status"] in ("open", "paused")
                and self.my_vote
                and self.my_vote["round"] == s["round"]["number"]
                and self.my_vote["choice"] == c["id"]
            )
            if mine:
                prompt.append("  ◀ your vote", style="bold yellow")
            choices.add_option(Option(prompt, id=c["id"], disabled=c["id"] not in votable))
        choices.set_class(bool(s["ending"]) or s["ended"], "hidden")
        if highlighted is not None and highlighted < choices.option_count:
            choices.highlighted = highlighted

    def status_text(self) -> str:
        s = self.state
        if s is None:
            return ""
        rnd = s["round"]
        status = s["status"]
        if s["ended"]:
            return "The session is over."
        if s["ending"]:
            return "The mission has ended. Wait for the debrief."
        if not rnd or status in ("idle", "resolved"):
            return "Wait for the teacher to open the vote."
        if status == "open":
            voted = f"   {(self.tally or rnd)['turnout']}"
            mine = self.my_vote and self.my_vote["round"] == rnd["number"]
            return (
                "Vote open: press another number to change your vote." if mine else "Vote now: press a number."
            ) + voted
        if status == "paused":
            return "The vote is paused."
        if status == "closed":
            return str(rnd["summary"])
        return ""

    def render_status(self) -> None:
        self.query_one("#status", Static).update(Text(self.status_text()))
        self.tick()

    def tick(self) -> None:
        s = self.state
        shown = ""
        if s is not None and s["round"] and s["status"] in ("open", "paused"):
            paused = s["status"] == "paused"
            ms = s["round"]["ms_left"] if paused else int((self.deadline - time.monotonic()) * 1000)
            shown = countdown_text(ms, paused)
        if shown != self._countdown:
            self._countdown = shown
            self.query_one("#countdown", Static).update(shown)

    # -- voting ------------------------------------------------------------------
    async def action_vote(self, number: int) -> None:
        s = self.state
        if s is None:
            return
        choice = next((c["id"] for c in s["choices"] if c["number"] == number), None)
        if choice is not None:
            await self.send_vote(choice)

    @on(OptionList.OptionSelected)
    async def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            await self.send_vote(event.option.id)

    async def send_vote(self, choice: str) -> None:
        s = self.state
        if s is None or not s["round"] or s["status"] != "open":
            self.notify("There is no vote open right now.")
            return
        if self.ws is None or self.ws.closed:
            self.notify("Reconnecting… vote again in a moment.", severity="warning")
            return
        await self.ws.send_str(encode({"type": "vote", "round": s["round"]["number"], "choice": choice}))


def run_student(url: str, code: str, name: str = "") -> int:
    app = StudentApp(url, code, name)
    app.run()
    return app.return_code or 0
