"""``voskhod classroom join``: a student's terminal, on the same protocol as the phone page.

The connection runs as a Textual worker in the app's loop. When it drops (the
host restarted, the laptop slept) the client reconnects with its token and the
server gives back the student's place and vote, as the page does.

The student's own words are in the language of ``--lang`` or the locale, and
the server is asked for the story in the same language.
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
from textual.css.query import NoMatches
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import _
from ..present import votes as phrase
from .messages import (
    ErrorMessage,
    Join,
    Resume,
    ServerMessage,
    StateMessage,
    Vote,
    Voted,
    VoteRecord,
    Welcome,
    encode,
    parse_server,
)
from .messages import Tally as TallyMessage
from .protocol import CLOSED, IDLE, OPEN, PAUSED, RESOLVED
from .widgets import (
    Meters,
    PlainTextApp,
    cost_text,
    countdown_text,
    fact_lines,
    open_reading,
    question_lines,
    round_line,
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
        raise ValueError(_("“{url}” is not an address like http://192.168.1.20:8765/").format(url=url))
    return urlunsplit((scheme, parts.netloc, "/ws", "", ""))


class StudentApp(PlainTextApp):
    """One student's view: story, meters, choices, countdown; number keys vote."""

    CSS_PATH = "student.tcss"
    TITLE = _("Classroom")  # then the story's title, from the first state message
    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(n), f"vote({n})", _("Vote"), show=n == 1) for n in range(1, 10)],
        Binding("n", "reading('notes')", _("History notes")),
        Binding("g", "reading('glossary')", _("Glossary")),
        Binding("q", "quit", _("Leave")),
    ]

    def __init__(self, url: str, code: str, name: str = "", lang: str = "") -> None:
        super().__init__()
        self.url = url
        self.code = code
        self.nickname = name
        self.lang = lang  # asked of the server: the story and its words in this language
        self.token: str | None = None
        self.state: StateMessage | None = None
        self.tally: TallyMessage | None = None
        self.my_vote: VoteRecord | None = None
        self.deadline = 0.0
        self.problem = ""  # a refusal that ends the session for this client
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._countdown = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            yield Static(Text(_("Connecting…")), id="link")
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
                        hello = (
                            Resume(self.token, self.lang)
                            if self.token
                            else Join(self.code, self.nickname, lang=self.lang)
                        )
                        await ws.send_str(encode(hello))
                        async for msg in ws:
                            if msg.type != aiohttp.WSMsgType.TEXT:
                                break
                            message = parse_server(msg.data)
                            if message is not None:
                                self.handle(message)
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    if self.state is None:
                        self.set_link(
                            _("Cannot reach {url} ({error}). Retrying… (q to leave)").format(url=self.url, error=exc)
                        )
                self.ws = None
                if self.problem:
                    break
                if self.state is not None:
                    self.set_link(_("Reconnecting…"))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def set_link(self, text: str) -> None:
        self.query_one("#link", Static).update(Text(text))

    def handle(self, m: ServerMessage) -> None:
        if self.problem or not self.is_running:
            return
        match m:
            case Welcome():
                self.token = m.token
                self.my_vote = m.vote
                self.sub_title = _("You are {name}").format(name=m.name)
            case StateMessage():
                if self.state is not None and m.version < self.state.version:
                    return
                self.state = m
                self.tally = None  # the state carries the counts as of now (none once the tally is hidden)
                if m.round and m.round.status == OPEN:
                    self.deadline = time.monotonic() + m.round.ms_left / 1000
                self.render_state()
            case TallyMessage():
                if self.state is None or not self.state.round or m.round != self.state.round.number:
                    return
                self.tally = m
                self.render_choices()
                self.render_status()
            case Voted():
                self.my_vote = VoteRecord(m.round, m.choice)
                self.render_choices()
                self.render_status()
            case ErrorMessage():
                if m.code in FATAL and not (m.code == "session_ended" and self.state):
                    self.problem = m.message
                    self.set_link(self.problem)
                    if self.state is None:
                        self.exit(1, 1, f"voskhod classroom: {self.problem}")
                else:
                    self.notify(m.message, severity="warning")

    def mine(self, number: int) -> str | None:
        """The choice this student voted for in round ``number``, if any."""
        return self.my_vote.choice if self.my_vote is not None and self.my_vote.round == number else None

    # -- drawing ---------------------------------------------------------------
    def render_state(self) -> None:
        s = self.state
        assert s is not None
        self.title = s.title
        show_story(self, s)
        rnd = s.round
        result = self.query_one("#result", Static)
        if rnd and s.status in (RESOLVED, CLOSED):
            lines: list[Any] = [Text(rnd.summary, style="bold")]
            if rnd.counts is not None:
                lines.append(Text(phrase.split(rnd.counts, rnd.labels)))
            mine = phrase.yours(self.mine(rnd.number), rnd.winner)
            if mine:
                lines.append(Text(mine, style="dim"))
            if rnd.result and s.status == RESOLVED:
                lines.append(story_text(rnd.result))
            result.update(Group(*lines))
            result.remove_class("hidden")
        else:
            result.add_class("hidden")
        ending = self.query_one("#ending", Static)
        parts: list[Any] = []
        if s.ending and s.ending.debrief:  # the story above already shows the ending's text
            parts.append(story_text(s.ending.debrief))
        if s.debrief:
            parts += [Text("")] if parts else []
            parts += debrief_lines(s.debrief)
        ending.update(Group(*parts))
        ending.set_class(not parts, "hidden")
        self.render_choices()
        self.render_status()

    def counts(self) -> dict[str, int] | None:
        s = self.state
        if s is None or not s.round or s.status not in (OPEN, PAUSED):
            return None
        return self.tally.counts if self.tally is not None else s.round.counts

    def render_choices(self) -> None:
        s = self.state
        choices = self.query_one(OptionList)
        if s is None:
            return
        highlighted = choices.highlighted
        choices.clear_options()
        is_open = s.status == OPEN and not s.ended and s.round is not None
        votable = set(s.round.choices) if is_open and s.round else set()
        counts = self.counts()
        mine = self.mine(s.round.number) if s.round and s.status in (OPEN, PAUSED) else None
        for c in s.choices:
            prompt = Text(f"{c.number}. {c.label}")
            if c.minutes:
                prompt.append(f"  ({cost_text(c)})", style="dim")
            if not c.enabled and c.reason:
                prompt.append(f"  — {c.reason}", style="dim italic")
            if counts is not None and c.id in counts:
                prompt.append(f"  [{counts[c.id]}]", style="cyan")
            if mine == c.id:
                prompt.append("  ◀ " + _("your vote"), style="bold yellow")
            choices.add_option(Option(prompt, id=c.id, disabled=c.id not in votable))
        choices.set_class(bool(s.ending) or s.ended, "hidden")
        if highlighted is not None and highlighted < choices.option_count:
            choices.highlighted = highlighted

    def status_text(self) -> str:
        s = self.state
        if s is None:
            return ""
        rnd = s.round
        if s.ended:
            return _("The session is over.")
        if s.ending:
            return _("The story has reached its ending. Wait for the debrief.")
        if not rnd or s.status in (IDLE, RESOLVED):
            return _("Wait for the teacher to open the vote.")
        if s.status == OPEN:
            turnout = f"   {(self.tally or rnd).turnout}"
            if self.mine(rnd.number):
                return _("Vote open: press another number to change your vote.") + turnout
            return _("Vote now: press a number.") + turnout
        if s.status == PAUSED:
            return _("The vote is paused.")
        if s.status == CLOSED:
            return rnd.summary
        return ""

    def render_status(self) -> None:
        self.query_one("#status", Static).update(Text(self.status_text()))
        self.tick()

    def tick(self) -> None:
        s = self.state
        shown = ""
        if s is not None and s.round and s.status in (OPEN, PAUSED):
            paused = s.status == PAUSED
            ms = s.round.ms_left if paused else int((self.deadline - time.monotonic()) * 1000)
            shown = countdown_text(ms, paused)
        if shown != self._countdown:
            self._countdown = shown
            try:
                self.query_one("#countdown", Static).update(Text(shown))
            except NoMatches:  # the timer can fire once more while the app shuts down and its widgets go
                self._countdown = ""

    def action_reading(self, part: str) -> None:
        """The passage's history notes or the glossary, from the last state (in this student's language)."""
        open_reading(self, self.state, part)

    # -- voting ------------------------------------------------------------------
    async def action_vote(self, number: int) -> None:
        s = self.state
        if s is None:
            return
        choice = next((c.id for c in s.choices if c.number == number), None)
        if choice is not None:
            await self.send_vote(choice)

    @on(OptionList.OptionSelected)
    async def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            await self.send_vote(event.option.id)

    async def send_vote(self, choice: str) -> None:
        s = self.state
        if s is None or not s.round or s.status != OPEN:
            self.notify(_("There is no vote open right now."))
            return
        if self.ws is None or self.ws.closed:
            self.notify(_("Reconnecting… vote again in a moment."), severity="warning")
            return
        await self.ws.send_str(encode(Vote(s.round.number, choice)))


def debrief_lines(d: dict[str, Any]) -> list[Text]:
    """The class debrief in a terminal: the story's summary, the path, the closest votes, the timeline,
    the questions, the facts and sources."""
    lines = [Text(_("Class debrief"), style="bold underline"), *summary_lines(d)]
    lines += [Text(f"  {step['round']}. {step['scene']}: {step['choice']} ({step['how']})") for step in d["path"]]
    if d["closest"]:
        lines += [Text(""), Text(_("The closest votes"), style="bold")]
        lines += [Text("  " + round_line(c)) for c in d["closest"]]
    if d["timeline"]:
        reference = d.get("reference_label") or _("history")
        lines += [Text(""), Text(_("Timeline"), style="bold")]
        lines += [
            Text("  " + _("{label}: class {yours}, {reference} {real}").format(reference=reference, **t))
            for t in d["timeline"]
        ]
    lines += [Text(""), Text(_("To talk about"), style="bold")]
    lines += question_lines(d)
    lines += fact_lines(d)
    return lines


def run_student(url: str, code: str, name: str = "", lang: str = "") -> int:
    app = StudentApp(url, code, name, lang)
    app.run()
    return app.return_code or 0
