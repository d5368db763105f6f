"""The teacher's screen: the projector view of the shared game, with the controls.

The aiohttp server runs inside this Textual app's event loop (started in
``on_mount``), so the screen and the students share one :class:`Classroom` with
no threads or locks. Nothing secret is drawn here: the host secret is only
printed by ``--headless``. Every word is in the teacher's language (``--lang`` or
the locale); the key help is translated when this module is imported, which the
command line does after choosing the language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from aiohttp import web
from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import _, ngettext
from .bigtext import big_lines
from .debrief import class_debrief
from .export import to_csv, to_markdown
from .protocol import CLOSED, DEFAULT_ROUND_SECONDS, OPEN, PAUSED, RESOLVED, WRONG_CODES_PER_MINUTE, ProtocolError
from .rules import Classroom
from .server import LOOPBACK_WARNING, Hub, freeze_heap, loopback_only, start_server
from .widgets import (
    Meters,
    PlainTextApp,
    Tally,
    choice_lines,
    class_and_real,
    countdown_text,
    fact_lines,
    open_reading,
    qr_text,
    question_lines,
    round_line,
    show_story,
    story_text,
    summary_lines,
)

EXTEND_SECONDS = 15


class KickScreen(ModalScreen[int | None]):
    """Pick a student to remove; they stay out even if they reload."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", _("Cancel"))]

    def __init__(self, students: list[tuple[int, str]]) -> None:
        super().__init__()
        self.students = students

    def compose(self) -> ComposeResult:
        with Vertical(id="kick-box"):
            yield Static(Text(_("Remove which student? (Enter to remove, Esc to cancel)")))
            yield OptionList(*[Option(Text(name), id=str(pid)) for pid, name in self.students], id="kick-list")

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", _("Yes")),
        Binding("n,escape", "answer(False)", _("No")),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.question))
            yield Static(Text.assemble(("y", "bold"), " " + _("yes") + "   ", ("n", "bold"), " " + _("no")))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def debrief_renderable(data: dict[str, Any]) -> Group:
    """The class debrief, for the projector (the students' pages show the same data)."""
    parts: list[Any] = []
    ending = data.get("ending")
    if ending:
        parts += [Text(ending["title"], style="bold"), *summary_lines(data), story_text(ending["text"]), Text("")]
        if ending.get("debrief"):
            parts += [story_text(ending["debrief"]), Text("")]
    else:
        parts += [Text(_("The session ended before the story did."), style="italic"), Text("")]
    parts.append(Text(_("The path the class took"), style="bold underline"))
    for step in data["path"]:
        parts.append(Text(f"  {step['round']}. {step['scene']}: {step['choice']}  ({step['how']})"))
    if not data["path"]:
        parts.append(Text("  " + _("No vote was decided.")))
    if data["closest"]:
        parts += [Text(""), Text(_("The closest votes"), style="bold underline")]
        parts += [Text("  " + round_line(c)) for c in data["closest"]]
    if data["comparisons"]:
        parts += [Text(""), Text(_("The class and the real mission"), style="bold underline")]
        parts += [Text("  " + class_and_real(c)) for c in data["comparisons"]]
    parts += [Text("  " + class_and_real(t)) for t in data["timeline"]]
    parts += [Text(""), Text(_("To talk about"), style="bold underline")]
    parts += question_lines(data)
    parts += fact_lines(data)
    return Group(*parts)


class LobbyScreen(Screen[None]):
    """Before the first vote (and on ``j``): how to join, in letters the back row can read, and who is in.

    The app's keys work here too; opening a vote closes the lobby."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("j,escape", "app.pop_screen", _("Back to the story"))]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lobby"):
            with VerticalScroll(id="lobby-info"):
                yield Static(id="lobby-url")
                yield Static(id="lobby-code")
                yield Static(id="lobby-warning", classes="hidden")
                yield Static(id="lobby-count")
                yield Static(id="lobby-names")
            yield Static(id="lobby-qr")
        yield Footer()

    def on_screen_resume(self) -> None:
        app = self.app
        if isinstance(app, TeacherApp):
            self.show(app)

    def show(self, app: TeacherApp) -> None:
        room = app.room
        self.query_one("#lobby-url", Static).update(Text.assemble(_("Open") + " ", (app.hub.url, "bold underline")))
        code = Text(_("Join code") + "\n", style="bold")
        code.append("\n".join(big_lines(room.code)), style="bold")
        code.append(f"\n{room.code}")
        self.query_one("#lobby-code", Static).update(code)
        warning = self.query_one("#lobby-warning", Static)
        warning.update(Text(_(LOOPBACK_WARNING).format(host=app.bind_host)))
        warning.set_class(not loopback_only(app.bind_host), "hidden")
        self.query_one("#lobby-qr", Static).update(qr_text(f"{app.hub.url}#code={room.code}"))
        self.refresh_names(app)

    def refresh_names(self, app: TeacherApp) -> None:
        if not self.query("#lobby-names"):  # pushed but not composed yet: on_screen_resume draws it
            return
        students = app.room.active_participants()
        count = ngettext("{n} joined", "{n} joined", len(students)).format(n=len(students))
        locked = "   " + _("(room locked)") if app.room.locked else ""
        self.query_one("#lobby-count", Static).update(Text(count + locked, style="bold"))
        self.query_one("#lobby-names", Static).update(Text("   ".join(p.name for p in students)))


class DebriefScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "app.export", _("Export")),
        Binding("q", "app.quit", _("Quit")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="debrief")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Class debrief")
        self.query_one("#debrief", Static).update(debrief_renderable(class_debrief(self.app.room)))  # type: ignore[attr-defined]


class TeacherApp(PlainTextApp):
    """The projector view and the teacher's controls."""

    CSS_PATH = "teacher.tcss"
    TITLE = _("Classroom")  # the story's title is the sub-title
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_vote", _("Open vote")),
        Binding("c", "close_vote", _("Close now")),
        Binding("e", "extend", _("+{seconds}s").format(seconds=EXTEND_SECONDS)),
        Binding("p", "pause", _("Pause")),
        Binding("h", "hidden", _("Hide tally")),
        Binding("l", "lock", _("Lock room")),
        Binding("k", "kick", _("Kick")),
        Binding("x", "export", _("Export")),
        Binding("j", "lobby", _("Join info")),
        Binding("n", "reading('notes')", _("History notes")),
        Binding("g", "reading('glossary')", _("Glossary")),
        Binding("E", "end", _("End + debrief")),
        Binding("q", "quit", _("Quit")),
        *[Binding(str(n), f"decide({n})", _("Decide tie"), show=False) for n in range(1, 10)],
    ]

    def __init__(
        self,
        room: Classroom,
        host: str,
        port: int,
        url: str | None,
        seconds: int,
        wrong_codes_per_minute: int = WRONG_CODES_PER_MINUTE,
    ) -> None:
        super().__init__()
        self.room = room
        self.hub = Hub(room, wrong_codes_per_minute=wrong_codes_per_minute)
        self.bind_host = host
        self.bind_port = port
        self.public_url = url
        self.seconds = seconds
        self.runner: web.AppRunner | None = None
        self._dirty = True
        self._countdown = ""
        self.lobby = LobbyScreen()
        room.listeners.append(self._room_changed)
        self.hub.watchers.append(self._connections_changed)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with VerticalScroll(id="story-pane"):
                yield Static(id="where")
                yield Meters(id="meters")
                yield Static(id="result", classes="hidden")
                yield Static(id="text")
                yield Static(id="choices", classes="hidden")
                yield Static(id="ending", classes="hidden")
            with VerticalScroll(id="side"):
                yield Static(Text(_("Starting…")), id="join-url")
                yield Static(id="join-code")
                yield Static(id="listen-warning", classes="hidden")
                yield Static(id="counts")
                yield Static(id="round-status")
                yield Static(id="countdown")
                yield Tally(id="tally")
        yield Footer()

    async def on_mount(self) -> None:
        try:
            self.runner = await start_server(self.hub, self.bind_host, self.bind_port, self.public_url)
        except OSError as exc:
            self.exit(1, 1, f"voskhod classroom: {exc}")
            return
        freeze_heap()
        self.sub_title = self.room.story.title
        self.query_one("#join-url", Static).update(Text.assemble(_("Open") + "  ", (self.hub.url, "bold underline")))
        self.query_one("#join-code", Static).update(
            Text.assemble(_("Code") + "  ", (self.room.code, "bold reverse"), "   " + _("j: join info"))
        )
        warning = self.query_one("#listen-warning", Static)
        warning.update(Text(_(LOOPBACK_WARNING).format(host=self.bind_host)))
        warning.set_class(not loopback_only(self.bind_host), "hidden")
        if self.room.ended:
            self.push_screen(DebriefScreen())
        elif not self.room.rounds:
            self.action_lobby()
        self.refresh_all()
        self.set_interval(0.25, self.tick)
        if self.room.resumed:
            self.notify(_("Session resumed: students reconnect by themselves."), title=_("Welcome back"))

    async def on_unmount(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    CONTROLS: ClassVar[frozenset[str]] = frozenset(
        {"open_vote", "close_vote", "extend", "pause", "hidden", "lock", "kick", "decide"}
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once the session has ended only export, the debrief and quit make sense."""
        return not (self.room.ended and action in self.CONTROLS | {"lobby"})

    def action_reading(self, part: str) -> None:
        """The passage's history notes or the glossary, as the class sees them (the projector's language)."""
        open_reading(self, self.hub.wire.state(), part)

    def action_lobby(self) -> None:
        if self.screen is self.lobby:
            self.pop_screen()
            return
        if self.screen is self.default_screen:
            self.push_screen(self.lobby)

    def _connections_changed(self) -> None:
        self._dirty = True

    def _room_changed(self, kind: str) -> None:
        if kind == "state":
            self.call_later(self.refresh_all)
        else:
            self._dirty = True

    # -- drawing ---------------------------------------------------------------
    def refresh_all(self) -> None:
        state = self.hub.wire.state()
        show_story(self, state)
        rnd = state.round
        result = self.query_one("#result", Static)
        if rnd and rnd.status == RESOLVED:
            result.update(Group(Text(rnd.summary, style="bold"), story_text(rnd.result)))
            result.remove_class("hidden")
        else:
            result.add_class("hidden")
        ending = self.query_one("#ending", Static)
        if state.ending:  # the story pane already shows the ending's title and text
            note = state.ending.debrief
            parts = [story_text(note), Text("")] if note else []
            ending.update(Group(*parts, Text(_("The story has reached its ending. Press E for the class debrief."))))
            ending.remove_class("hidden")
        else:
            ending.add_class("hidden")
        self._dirty = True
        self.tick()

    def tick(self) -> None:
        """Countdown every quarter second; counts and tally when something changed."""
        room = self.room
        rnd = room.current_round
        try:
            countdown = self.query_one("#countdown", Static)
        except NoMatches:  # the timer can fire once more while the app shuts down and its widgets go
            return
        shown = ""
        if rnd is not None and rnd.status in (OPEN, PAUSED):
            ms = rnd.ms_left(room.clock())
            shown = countdown_text(ms, rnd.status == PAUSED)
            countdown.set_class(ms <= 5000, "low")
        if shown != self._countdown:
            self._countdown = shown
            countdown.update(shown)
        if not self._dirty:
            return
        self._dirty = False
        if self.screen is self.lobby:
            self.lobby.refresh_names(self)
        joined = len(room.active_participants())
        online = len(self.hub.online())
        voted = len(rnd.votes) if rnd is not None and rnd.status in (OPEN, PAUSED) else 0
        flags = [f for f, on_ in ((_("LOCKED"), room.locked), (_("hidden tally"), room.hidden)) if on_]
        counts = _("Joined {joined} ({online} online)   Voted {voted}").format(
            joined=joined, online=online, voted=voted
        )
        self.query_one("#counts", Static).update(Text(counts + (f"   [{', '.join(flags)}]" if flags else "")))
        self.query_one("#round-status", Static).update(Text(self.status_line()))
        state = self.hub.wire.state()
        voting = rnd is not None and rnd.status in (OPEN, PAUSED)
        self.query_one(Tally).show(state.round, state.choices)
        next_choices = self.query_one("#choices", Static)
        quiet = voting or room.ended or state.ending is not None or not state.choices
        next_choices.update(Group() if quiet else choice_lines(state.choices))
        next_choices.set_class(quiet, "hidden")

    def status_line(self) -> str:
        room = self.room
        rnd = room.current_round
        if room.ended:
            return _("The session has ended.")
        if room.game.ended:
            return _("The story has ended: press E for the class debrief.")
        if rnd is None or rnd.status == RESOLVED:
            return _("Press o to open a {seconds}-second vote.").format(seconds=self.seconds)
        if rnd.status == OPEN:
            if rnd.hidden:
                return _("Round {number}: voting (tally hidden from students)").format(number=rnd.number)
            return _("Round {number}: voting").format(number=rnd.number)
        if rnd.status == PAUSED:
            return _("Round {number}: paused (p to resume)").format(number=rnd.number)
        if rnd.status == CLOSED:
            numbers = {c.id: c.number for c in self.hub.wire.game_part().choices}
            tied = _(" or ").join(str(numbers.get(c, "?")) for c in rnd.tie)
            return _("Round {number}: tied. Press {keys} to decide.").format(number=rnd.number, keys=tied)
        return ""

    # -- controls --------------------------------------------------------------
    def _do(self, action: Any, *args: Any) -> Any:
        try:
            return action(*args)
        except ProtocolError as exc:
            self.notify(exc.message, severity="warning")
            return None

    def action_open_vote(self) -> None:
        if self._do(self.room.open_vote, self.seconds) is not None and self.screen is self.lobby:
            self.pop_screen()

    def action_close_vote(self) -> None:
        self._do(self.room.close_vote)

    def action_extend(self) -> None:
        self._do(self.room.extend, EXTEND_SECONDS)

    def action_pause(self) -> None:
        rnd = self.room.current_round
        self._do(self.room.unpause if rnd is not None and rnd.status == PAUSED else self.room.pause)

    def action_hidden(self) -> None:
        self.room.set_hidden(not self.room.hidden)
        self.notify(
            _("Students see the tally only when the vote closes.")
            if self.room.hidden
            else _("Students see the live tally.")
        )

    def action_lock(self) -> None:
        self.room.set_locked(not self.room.locked)
        self.notify(_("Room locked: nobody new can join.") if self.room.locked else _("Room open for new students."))

    def action_decide(self, number: int) -> None:
        rnd = self.room.current_round
        if rnd is None or rnd.status != CLOSED:
            return
        choices = self.hub.wire.game_part().choices
        chosen = next((c.id for c in choices if c.number == number), None)
        if chosen is None:
            self.notify(_("There is no choice {number}.").format(number=number), severity="warning")
            return
        self._do(self.room.decide, chosen)

    def action_kick(self) -> None:
        students = [(p.id, p.name) for p in self.room.active_participants()]
        if not students:
            self.notify(_("Nobody has joined yet."))
            return

        def kicked(pid: int | None) -> None:
            if pid is not None:
                participant = self._do(self.hub.kick, pid)
                if participant is not None:
                    self.notify(_("{name} was removed.").format(name=participant.name))

        self.push_screen(KickScreen(students), kicked)

    def action_export(self) -> None:
        base = Path(self.room.store.path).with_suffix("")
        try:
            md = base.with_suffix(".md")
            md.write_text(to_markdown(self.room), encoding="utf-8")
            csv_path = base.with_suffix(".csv")
            csv_path.write_text(to_csv(self.room), encoding="utf-8")
        except OSError as exc:
            self.notify(_("Export failed: {error}").format(error=exc), severity="error")
            return
        self.notify(_("Wrote {md} and {csv}").format(md=md, csv=csv_path), title=_("Exported"), timeout=8)

    def action_end(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.room.end()
                self.refresh_bindings()
                self.push_screen(DebriefScreen())

        if self.room.ended:
            self.push_screen(DebriefScreen())
        else:
            self.push_screen(ConfirmScreen(_("End the session for everyone and show the class debrief?")), answer)


def run_teacher(
    room: Classroom,
    host: str,
    port: int,
    url: str | None,
    seconds: int = DEFAULT_ROUND_SECONDS,
    wrong_codes_per_minute: int = WRONG_CODES_PER_MINUTE,
    resume: str = "",
) -> int:
    """Run the projector. Where the session is kept, and how to start it again, is printed
    before the screen opens (it stays in the terminal's scrollback even if the host is
    killed) and again when it closes, for whatever reason, unless the session has ended."""
    resume = resume or f"voskhod classroom host --db {room.store.path}"
    print(_("Session file: {path}\nTo resume it: {command}").format(path=room.store.path, command=resume), flush=True)
    code = 1
    try:
        app = TeacherApp(room, host, port, url, seconds, wrong_codes_per_minute)
        app.run()
        code = app.return_code or 0
        return code
    finally:
        room.store.close()
        if not room.ended:
            saved = (
                _("The session is saved in {path}.\nTo resume it: {command}")
                if code == 0
                else _("The session is saved in {path} (the host stopped with an error).\nTo resume it: {command}")
            )
            print(saved.format(path=room.store.path, command=resume), flush=True)
