"""The classroom server: the student page over HTTP and the JSON API at ``/ws``.

One :class:`Hub` per session. It parses websocket messages into typed ones
(``messages.py``), turns them into calls on the :class:`~.rules.Classroom`, and
fans out what ``wire.py`` builds. A state change is
serialized once and framed once; the same frame bytes are written straight to
every connection's transport (no task per client per message). A connection
whose socket buffer fills up (a phone that stopped reading) falls back to its
own queue and writer task, so it never holds up the rest, and messages to one
client always stay in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web

from .. import i18n
from ..i18n import N_
from .export import to_csv, to_markdown
from .languages import Languages, accepted_languages, parse_language
from .limits import FailureLimiter, TokenBucket
from .messages import (
    ClientMessage,
    CloseVote,
    Decide,
    End,
    ErrorMessage,
    ExportRequest,
    ExportText,
    Extend,
    Hide,
    HostLogin,
    HostOk,
    Join,
    Kick,
    Language,
    ListParticipants,
    Lock,
    OpenVote,
    Participants,
    Pause,
    Ping,
    Pong,
    Resume,
    Unpause,
    Vote,
    Voted,
    encode,
    parse_client,
)
from .page_words import page_words
from .protocol import (
    CLOSE_KICKED,
    CLOSE_STRIKES,
    HARD_MESSAGE_BYTES,
    HEADER_TIMEOUT_SECONDS,
    MAX_STRIKES,
    MESSAGE_BURST,
    MESSAGE_RATE,
    OPEN,
    TALLY_INTERVAL,
    WRONG_CODES_PER_MINUTE,
    ProtocolError,
)
from .rules import Classroom, Participant
from .wire import Wire

log = logging.getLogger("voskhod.classroom")

OUTBOX_LIMIT = 256  # queued messages before a connection counts as stuck and is dropped
DIRECT_WRITE_LIMIT = 256 * 1024  # socket buffer size above which messages queue instead
STRIKE_CODES = frozenset(
    {"bad_json", "bad_message", "unknown_type", "too_big", "rate_limited", "not_joined", "not_host", "wrong_secret"}
)
STATIC_FILES = {"app.js": "text/javascript", "style.css": "text/css"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def text_frame(payload: bytes) -> bytes:
    """An unmasked, uncompressed websocket text frame (RFC 6455 section 5.2), built once per broadcast."""
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x81, n)
    elif n < 65536:
        header = struct.pack("!BBH", 0x81, 126, n)
    else:
        header = struct.pack("!BBQ", 0x81, 127, n)
    return header + payload


@dataclass(eq=False)
class Connection:
    """One websocket: who it is, its limits, and its outgoing queue."""

    ws: web.WebSocketResponse
    remote: str
    transport: asyncio.BaseTransport | None = None  # the request's socket (public ``request.transport``)
    bucket: TokenBucket = field(default_factory=lambda: TokenBucket(MESSAGE_RATE, MESSAGE_BURST))
    participant: Participant | None = None
    host: bool = False
    lang: str = ""  # the language this connection reads (an offered one); empty: the teacher's
    strikes: int = 0
    outbox: asyncio.Queue[bytes | int] = field(default_factory=asyncio.Queue)
    writer: asyncio.Task[None] | None = None
    busy: bool = False  # the writer task is in the middle of a send

    def send(self, payload: bytes, frame: bytes | None = None) -> None:
        """Send a message now if the socket keeps up, else queue it; a connection that
        stopped reading is closed rather than buffered forever."""
        if not self.busy and self.outbox.empty() and not self.ws.closed:
            transport = self.transport
            if (
                isinstance(transport, asyncio.WriteTransport)
                and not transport.is_closing()
                and transport.get_write_buffer_size() < DIRECT_WRITE_LIMIT
            ):
                # The one fast path: a whole frame written to the socket at once, never
                # between the bytes of a frame aiohttp writes (those are whole writes too);
                # tests/classroom/test_fast_path.py fails if aiohttp stops working this way.
                transport.write(frame or text_frame(payload))
                return
        if self.outbox.qsize() >= OUTBOX_LIMIT:
            log.info("dropping a stuck connection from %s", self.remote)
            self.hang_up(WSCloseCode.POLICY_VIOLATION)
            return
        self.outbox.put_nowait(payload)

    def send_message(self, message: Any) -> None:
        """Send one typed message (``messages.py``)."""
        self.send(encode(message).encode())

    def send_error(self, code: str) -> None:
        """One of the protocol's errors, in this connection's language."""
        self.send_message(ErrorMessage(code, ProtocolError(code).text(self.lang or i18n.language())))

    def hang_up(self, code: int = WSCloseCode.OK) -> None:
        """Close after everything queued so far has been sent (so the last error arrives)."""
        self.outbox.put_nowait(int(code))

    async def write_loop(self) -> None:
        code = int(WSCloseCode.OK)
        while True:
            payload = await self.outbox.get()
            if isinstance(payload, int):
                code = payload
                break
            if self.ws.closed:
                break
            self.busy = True
            try:
                await self.ws.send_frame(payload, WSMsgType.TEXT)
            except (ConnectionError, RuntimeError):
                break
            finally:
                self.busy = self.outbox.qsize() > 0
        if not self.ws.closed:
            with contextlib.suppress(Exception):
                await self.ws.close(code=code)


def static_text(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


class Hub:
    """Connections, broadcasts and the round timer for one classroom."""

    def __init__(
        self,
        room: Classroom,
        *,
        wrong_codes_per_minute: int = WRONG_CODES_PER_MINUTE,
        languages: Languages | None = None,
    ) -> None:
        """``wrong_codes_per_minute`` caps wrong join codes per remote address (joins that
        succeed and the host's login are never limited). ``languages``: what students may
        read in (the story's catalogues and the game's, by default)."""
        self.room = room
        self.languages = languages if languages is not None else Languages(room.story)
        self.wire = Wire(room, self.languages)
        self.connections: set[Connection] = set()
        self.join_failures = FailureLimiter(wrong_codes_per_minute, 60.0)
        self.header_timeout = HEADER_TIMEOUT_SECONDS
        self.watchers: list[Callable[[], None]] = []  # told when who is connected changes
        self._logged_failures: set[str] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._tally_due = False
        self._participants_due = False
        self.url = ""
        room.listeners.append(self._on_change)

    # -- broadcasting ----------------------------------------------------------
    def _on_change(self, kind: str) -> None:
        if kind == "state":
            self.broadcast_state()
            self.schedule_timer()
        elif kind == "tally":
            self._later("_tally_due", self._flush_tally)
        elif kind == "participants":
            self._later("_participants_due", self._flush_participants)

    def _later(self, flag: str, flush: Callable[[], None]) -> None:
        if getattr(self, flag):
            return
        setattr(self, flag, True)
        try:
            asyncio.get_running_loop().call_later(TALLY_INTERVAL, flush)
        except RuntimeError:  # no loop (tests of the session alone): nothing to send to anyway
            setattr(self, flag, False)

    def broadcast_state(self) -> None:
        """The new state to everyone: serialized and framed once per language, not per student."""
        frames: dict[str, tuple[bytes, bytes]] = {}
        for conn in self.connections:
            if conn.participant is not None or conn.host:
                ready = frames.get(conn.lang)
                if ready is None:
                    payload = self.wire.state_payload(conn.lang)
                    ready = frames[conn.lang] = (payload, text_frame(payload))
                conn.send(*ready)

    def _flush_tally(self) -> None:
        self._tally_due = False
        frames: dict[tuple[str, bool], tuple[bytes, bytes]] = {}
        for conn in self.connections:
            if conn.participant is None and not conn.host:
                continue
            key = (conn.lang, conn.host)
            ready = frames.get(key)
            if ready is None:
                payload = encode(self.wire.tally(host=conn.host, lang=conn.lang)).encode()
                ready = frames[key] = (payload, text_frame(payload))
            conn.send(*ready)

    def online(self) -> set[int]:
        """Ids of the students with a live connection: the one count of who is connected."""
        return {c.participant.id for c in self.connections if c.participant is not None}

    def participants_message(self) -> Participants:
        return self.wire.participants(self.online())

    def _connections_changed(self) -> None:
        for watcher in list(self.watchers):
            watcher()
        self._later("_participants_due", self._flush_participants)

    def _flush_participants(self) -> None:
        self._participants_due = False
        hosts = [c for c in self.connections if c.host]
        if hosts:
            payload = encode(self.participants_message()).encode()
            for conn in hosts:
                conn.send(payload)

    # -- the round timer -----------------------------------------------------
    def schedule_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        rnd = self.room.open_round
        if rnd is None or rnd.status != OPEN:
            return
        delay = rnd.ms_left(self.room.clock()) / 1000 + 0.005
        self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        try:
            if not self.room.tick():
                self.schedule_timer()
        except Exception:  # a failing story step must not kill the timer silently
            log.exception("closing the round failed")

    # -- teacher actions with side effects on connections ---------------------
    def kick(self, participant_id: int) -> Participant:
        participant = self.room.kick(participant_id)
        for conn in list(self.connections):
            if conn.participant is participant:
                conn.send_error("kicked")
                conn.participant = None
                conn.hang_up(CLOSE_KICKED)
        self._connections_changed()
        return participant

    def export(self, fmt: str, students: bool = False) -> str:
        if fmt == "csv":
            return to_csv(self.room, students=students)
        if fmt in ("md", "markdown"):
            return to_markdown(self.room, students=students)
        raise ProtocolError("bad_message", N_("“format” must be csv or md."))

    async def words(self, request: web.Request) -> web.Response:
        """The phone page's own words in one language, as data (the page shows them with textContent).

        ``?lang=`` (the reader's pick or the browser's language) first, then the
        browser's Accept-Language; an offered language always comes back, with the
        list to pick from. A bogus ``lang`` is refused with a sentence, not looked up."""
        try:
            asked = parse_language(request.query.get("lang", ""))
        except ProtocolError as exc:
            return web.json_response(
                {"error": exc.code, "message": exc.text(i18n.language())}, status=400, headers=SECURITY_HEADERS
            )
        wanted = [asked] if asked else accepted_languages(request.headers.get("Accept-Language", "")[:500])
        lang = self.languages.pick(wanted)
        body = {"lang": lang, "languages": self.languages.choices(), "words": page_words(lang)}
        return web.json_response(body, headers=SECURITY_HEADERS, dumps=lambda d: json.dumps(d, ensure_ascii=False))

    # -- HTTP ------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024)
        app.router.add_get("/", self.page)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/words", self.words)
        app.router.add_get("/ws", self.websocket)
        app.on_shutdown.append(self._shutdown)
        return app

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text=static_text("index.html"), content_type="text/html", headers=SECURITY_HEADERS)

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC_FILES:
            raise web.HTTPNotFound()
        return web.Response(text=static_text(name), content_type=STATIC_FILES[name], headers=SECURITY_HEADERS)

    async def _shutdown(self, app: web.Application) -> None:
        if self._timer is not None:
            self._timer.cancel()
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    @staticmethod
    def origin_allowed(request: web.Request) -> bool:
        """Browsers always send Origin on a websocket upgrade: it must be this server's own page.

        Clients that are not browsers (the terminal client, tests) send none, and no
        other site's page can then drive a student's connection."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc.lower() == (request.host or "").lower()

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        if not self.origin_allowed(request):
            log.info("refused a websocket from origin %s", request.headers.get("Origin", "")[:100])
            return web.Response(status=403, text="This page may not connect to the classroom.")
        ws = web.WebSocketResponse(max_msg_size=HARD_MESSAGE_BYTES, heartbeat=25, compress=False)
        await ws.prepare(request)
        conn = Connection(ws, request.remote or "?", request.transport)
        conn.writer = asyncio.create_task(conn.write_loop())
        self.connections.add(conn)
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.handle(conn, msg.data)
                elif msg.type == WSMsgType.BINARY:
                    self._refuse(conn, ProtocolError("bad_message", N_("Send JSON text, not binary data.")))
                else:
                    break
                if conn.strikes >= MAX_STRIKES:
                    break
        finally:
            self.connections.discard(conn)
            if conn.participant is not None:
                self._connections_changed()
            conn.hang_up()
            if conn.writer is not None:
                with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(conn.writer, 2)
        return ws

    # -- messages ----------------------------------------------------------------
    def handle(self, conn: Connection, raw: str) -> None:
        """One message from a client. Never raises: problems become error messages."""
        try:
            if not conn.bucket.take():
                raise ProtocolError("rate_limited")
            self.dispatch(conn, parse_client(raw))
            conn.strikes = 0
        except ProtocolError as exc:
            self._refuse(conn, exc)
        except Exception as exc:
            self._log_failure(exc)
            failure = ProtocolError(
                "bad_state", N_("The server could not do that; the teacher can see why in its log.")
            )
            conn.send_message(ErrorMessage("bad_state", failure.text(conn.lang or i18n.language())))

    def _log_failure(self, exc: Exception) -> None:
        """A bug met while handling a message: the traceback once per kind, then one line each time,
        so a client repeating the message cannot flood the teacher's log."""
        kind = f"{type(exc).__name__}: {str(exc)[:200]}"
        if kind in self._logged_failures:
            log.error("unexpected failure handling a message (again): %s", kind)
            return
        if len(self._logged_failures) < 100:
            self._logged_failures.add(kind)
        log.exception("unexpected failure handling a message")

    def _refuse(self, conn: Connection, exc: ProtocolError) -> None:
        conn.send_message(ErrorMessage(exc.code, exc.text(conn.lang or i18n.language())))
        if exc.code == "kicked":
            conn.hang_up(CLOSE_KICKED)
            return
        if exc.code in STRIKE_CODES:
            conn.strikes += 1
            if conn.strikes >= MAX_STRIKES:
                conn.send_error("too_many_strikes")
                conn.hang_up(CLOSE_STRIKES)

    def _welcome(self, conn: Connection, participant: Participant) -> None:
        conn.participant = participant
        conn.send_message(self.wire.welcome(participant, conn.lang))
        self._send_room(conn)
        self._connections_changed()

    def _send_room(self, conn: Connection) -> None:
        """The state and the tally as this connection reads them."""
        conn.send(self.wire.state_payload(conn.lang))
        conn.send_message(self.wire.tally(host=conn.host, lang=conn.lang))

    def _set_language(self, conn: Connection, lang: str) -> None:
        """Read in the offered language closest to ``lang`` (the teacher's when none is near)."""
        picked = self.languages.pick(lang) if lang else self.languages.teacher
        conn.lang = "" if picked == self.languages.teacher else picked

    def dispatch(self, conn: Connection, message: ClientMessage) -> None:
        room = self.room
        match message:
            case Ping():
                conn.send_message(Pong())
            case Language():
                if conn.participant is None:
                    raise ProtocolError("not_joined")
                self._set_language(conn, message.lang)
                self._send_room(conn)
            case Join() | Resume():
                if conn.participant is not None or conn.host:
                    raise ProtocolError("bad_state", N_("This connection has already joined."))
                self._set_language(conn, message.lang)
                if isinstance(message, Resume):
                    self._welcome(conn, room.resume(message.token))
                    return
                if self.join_failures.blocked(conn.remote):
                    raise ProtocolError("too_many_attempts")
                try:
                    participant = room.join(message.code, message.name, message.token)
                except ProtocolError as exc:
                    if exc.code == "wrong_code":
                        self.join_failures.failed(conn.remote)
                    raise
                self._welcome(conn, participant)
            case Vote():
                if conn.participant is None:
                    raise ProtocolError("not_joined")
                room.vote(conn.participant, message.round, message.choice)
                conn.send_message(Voted(message.round, message.choice))
            case HostLogin():
                if conn.participant is not None:
                    raise ProtocolError("bad_state", N_("A student connection cannot become the host."))
                from .credentials import secret_matches

                # Never rate limited: the secret is 256 random bits, and a limit here would let
                # anyone sharing the teacher's address lock the teacher out.
                if not secret_matches(room.secret, message.secret):
                    raise ProtocolError("wrong_secret")
                conn.host = True
                conn.send_message(HostOk(room.code, self.url))
                conn.send_message(self.wire.state())
                conn.send_message(self.wire.tally(host=True))
                conn.send_message(self.participants_message())
            case _:
                if not conn.host:
                    raise ProtocolError("not_host")
                self.host_command(conn, message)

    def host_command(self, conn: Connection, message: ClientMessage) -> None:
        room = self.room
        match message:
            case OpenVote():
                room.open_vote(message.seconds, message.hidden)
            case CloseVote():
                room.close_vote()
            case Extend():
                room.extend(message.seconds)
            case Pause():
                room.pause()
            case Unpause():
                room.unpause()
            case Decide():
                room.decide(message.choice)
            case Lock():
                room.set_locked(message.locked)
            case Hide():
                room.set_hidden(message.hidden)
            case Kick():
                self.kick(message.participant)
            case End():
                room.end()
            case ExportRequest():
                conn.send_message(ExportText(message.format, self.export(message.format, message.students)))
            case ListParticipants():
                conn.send_message(self.participants_message())
            case _:  # parse_client knows no other type; kept so a new one cannot slip through
                raise ProtocolError("unknown_type")


# -- running -------------------------------------------------------------------
def lan_address() -> str | None:
    """This machine's address on the school network, found without sending anything.

    Connecting a UDP socket sends no packet; it only asks the kernel which local
    address the route to a (non-routable, TEST-NET) address would use, which is
    the address other machines reach. The host name is no guide: Debian maps it
    to 127.0.1.1."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))
        address = str(probe.getsockname()[0])
        if not address.startswith("127.") and address != "0.0.0.0":
            return address
    try:  # no route at all (an offline machine with a local network only): ask the resolver
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    return next((str(i[4][0]) for i in infos if not str(i[4][0]).startswith("127.")), None)


LOOPBACK_WARNING = N_(
    "Only this computer can join: the host listens on {host}. Start it with --host 0.0.0.0 to let the class's devices in."
)


def loopback_only(host: str) -> bool:
    """Whether a host listening on ``host`` can be reached from this machine only."""
    return host in ("localhost", "::1") or host.startswith("127.")


def join_url(host: str, port: int, override: str | None = None) -> str:
    if override:
        return override.rstrip("/") + "/"
    shown = host
    if host in ("0.0.0.0", "", "::"):
        shown = lan_address() or "127.0.0.1"
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


async def start_server(hub: Hub, host: str, port: int, url: str | None = None) -> web.AppRunner:
    """Start listening; sets ``hub.url`` to the address students open."""
    # aiohttp has no header timeout of its own, but its keep-alive timer closes a connection
    # that has not sent a whole request this long after connecting or after its last response
    # (a slowloris client); an upgraded websocket is never idle in that sense.
    runner = web.AppRunner(hub.make_app(), access_log=None, handle_signals=False, keepalive_timeout=hub.header_timeout)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound_port = int(runner.addresses[0][1]) if runner.addresses else port
    hub.url = join_url(host, bound_port, url)
    hub.schedule_timer()
    return runner


def freeze_heap() -> None:
    """Move everything alive now (the story, the game, the libraries) out of the cyclic GC's reach.

    A host keeps the whole story in memory; without this, every full collection
    walks it, and one landing in the middle of a broadcast held a class of 200 up
    by ~15 ms (the fan-out benchmark's p99). Called once the server is up, so only
    objects made while the session runs are ever scanned again.
    """
    gc.collect()
    gc.freeze()


def startup_line(hub: Hub, resume: str = "") -> str:
    """The one line ``--headless`` prints: how a program reaches this session, and how to restart it."""
    room = hub.room
    resume = resume or f"voskhod classroom host --headless --db {room.store.path}"
    return json.dumps(
        {"url": hub.url, "code": room.code, "host_secret": room.secret, "db": str(room.store.path), "resume": resume}
    )
