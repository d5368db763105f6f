"""The classroom server: the student page over HTTP and the JSON API at ``/ws``.

One :class:`Hub` per session. It turns websocket messages into calls on the
:class:`~.session.Classroom` and fans the results out. A state change is
serialized once and framed once; the same frame bytes are written straight to
every connection's transport (no task per client per message). A connection
whose socket buffer fills up (a phone that stopped reading) falls back to its
own queue and writer task, so it never holds up the rest, and messages to one
client always stay in order.
"""

from __future__ import annotations

import asyncio
import contextlib
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

from .export import to_csv, to_markdown
from .limits import TokenBucket, WindowLimiter
from .protocol import (
    CLOSE_KICKED,
    CLOSE_STRIKES,
    HARD_MESSAGE_BYTES,
    HOST_TYPES,
    JOIN_ATTEMPTS_PER_MINUTE,
    MAX_ROUND_SECONDS,
    MAX_STRIKES,
    MESSAGE_BURST,
    MESSAGE_RATE,
    OPEN,
    PROTOCOL_VERSION,
    TALLY_INTERVAL,
    ProtocolError,
    bool_field,
    decode,
    encode,
    error,
    int_field,
    text_field,
)
from .session import Classroom, Participant

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
    bucket: TokenBucket = field(default_factory=lambda: TokenBucket(MESSAGE_RATE, MESSAGE_BURST))
    participant: Participant | None = None
    host: bool = False
    strikes: int = 0
    outbox: asyncio.Queue[bytes | int] = field(default_factory=asyncio.Queue)
    writer: asyncio.Task[None] | None = None
    busy: bool = False  # the writer task is in the middle of a send

    def send(self, payload: bytes, frame: bytes | None = None) -> None:
        """Send a message now if the socket keeps up, else queue it; a connection that
        stopped reading is closed rather than buffered forever."""
        if not self.busy and self.outbox.empty() and not self.ws.closed:
            writer = getattr(self.ws, "_writer", None)
            transport = getattr(writer, "transport", None)
            if (
                transport is not None
                and not transport.is_closing()
                and transport.get_write_buffer_size() < DIRECT_WRITE_LIMIT
            ):
                transport.write(frame or text_frame(payload))
                return
        if self.outbox.qsize() >= OUTBOX_LIMIT:
            log.info("dropping a stuck connection from %s", self.remote)
            self.hang_up(WSCloseCode.POLICY_VIOLATION)
            return
        self.outbox.put_nowait(payload)

    def send_message(self, message: dict[str, Any]) -> None:
        self.send(encode(message).encode())

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

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self.connections: set[Connection] = set()
        self.join_limiter = WindowLimiter(JOIN_ATTEMPTS_PER_MINUTE, 60.0)
        self._timer: asyncio.TimerHandle | None = None
        self._tally_due = False
        self._participants_due = False
        self.url = ""
        self.on_host_event: list[Callable[[str], None]] = []
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
        payload = encode(self.room.state_message()).encode()
        frame = text_frame(payload)
        for conn in self.connections:
            if conn.participant is not None or conn.host:
                conn.send(payload, frame)

    def _flush_tally(self) -> None:
        self._tally_due = False
        student = encode(self.room.tally_message()).encode()
        host = encode(self.room.host_tally_message()).encode()
        student_frame, host_frame = text_frame(student), text_frame(host)
        for conn in self.connections:
            if conn.host:
                conn.send(host, host_frame)
            elif conn.participant is not None:
                conn.send(student, student_frame)

    def _flush_participants(self) -> None:
        self._participants_due = False
        hosts = [c for c in self.connections if c.host]
        if hosts:
            payload = encode(self.room.participants_message()).encode()
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
                conn.send_message(error("kicked"))
                conn.participant = None
                conn.hang_up(CLOSE_KICKED)
        return participant

    def export(self, fmt: str, students: bool = False) -> str:
        if fmt == "csv":
            return to_csv(self.room, students=students)
        if fmt in ("md", "markdown"):
            return to_markdown(self.room, students=students)
        raise ProtocolError("bad_message", "“format” must be csv or md.")

    # -- HTTP ------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024)
        app.router.add_get("/", self.page)
        app.router.add_get("/static/{name}", self.static)
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
        conn = Connection(ws, request.remote or "?")
        conn.writer = asyncio.create_task(conn.write_loop())
        self.connections.add(conn)
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.handle(conn, msg.data)
                elif msg.type == WSMsgType.BINARY:
                    self._refuse(conn, ProtocolError("bad_message", "Send JSON text, not binary data."))
                else:
                    break
                if conn.strikes >= MAX_STRIKES:
                    break
        finally:
            self.connections.discard(conn)
            if conn.participant is not None:
                conn.participant.connections -= 1
                self.room._notify("participants")
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
            data = decode(raw)
            self.dispatch(conn, data)
            conn.strikes = 0
        except ProtocolError as exc:
            self._refuse(conn, exc)
        except Exception:
            log.exception("unexpected failure handling a message")
            conn.send_message(error("bad_state", "The server could not do that; the teacher can see why in its log."))

    def _refuse(self, conn: Connection, exc: ProtocolError) -> None:
        conn.send_message(error(exc.code, exc.message))
        if exc.code == "kicked":
            conn.hang_up(CLOSE_KICKED)
            return
        if exc.code in STRIKE_CODES:
            conn.strikes += 1
            if conn.strikes >= MAX_STRIKES:
                conn.send_message(error("too_many_strikes"))
                conn.hang_up(CLOSE_STRIKES)

    def _welcome(self, conn: Connection, participant: Participant) -> None:
        conn.participant = participant
        participant.connections += 1
        vote = self.room.vote_of(participant)
        conn.send_message(
            {
                "type": "welcome",
                "protocol": PROTOCOL_VERSION,
                "token": participant.token,
                "id": participant.id,
                "name": participant.name,
                "vote": {"round": vote[0], "choice": vote[1]} if vote else None,
            }
        )
        conn.send_message(self.room.state_message())
        conn.send_message(self.room.tally_message())
        self.room._notify("participants")

    def dispatch(self, conn: Connection, data: dict[str, Any]) -> None:
        kind = data["type"]
        room = self.room
        if kind == "ping":
            conn.send_message({"type": "pong"})
        elif kind in ("join", "resume"):
            if conn.participant is not None or conn.host:
                raise ProtocolError("bad_state", "This connection has already joined.")
            if kind == "join":
                code = text_field(data, "code", limit=40)
                name = text_field(data, "name", limit=200, required=False)
                previous = text_field(data, "token", limit=100, required=False)
                if not self.join_limiter.allow(conn.remote):
                    raise ProtocolError("too_many_attempts")
                participant = room.join(code, name, previous)
            else:
                participant = room.resume(text_field(data, "token", limit=100))
            self._welcome(conn, participant)
        elif kind == "vote":
            if conn.participant is None:
                raise ProtocolError("not_joined")
            round_number = int_field(data, "round", low=1)
            choice = text_field(data, "choice", limit=100)
            room.vote(conn.participant, round_number, choice)
            conn.send_message({"type": "voted", "round": round_number, "choice": choice})
        elif kind == "host":
            if conn.participant is not None:
                raise ProtocolError("bad_state", "A student connection cannot become the host.")
            if not self.join_limiter.allow(conn.remote):
                raise ProtocolError("too_many_attempts")
            from .credentials import secret_matches

            if not secret_matches(room.secret, text_field(data, "secret", limit=200)):
                raise ProtocolError("wrong_secret")
            conn.host = True
            conn.send_message({"type": "host_ok", "protocol": PROTOCOL_VERSION, "code": room.code, "url": self.url})
            conn.send_message(room.state_message())
            conn.send_message(room.host_tally_message())
            conn.send_message(room.participants_message())
        elif kind in HOST_TYPES:
            if not conn.host:
                raise ProtocolError("not_host")
            self.host_command(conn, kind, data)
        else:  # decode() already refused unknown types; kept so a new type cannot slip through
            raise ProtocolError("unknown_type")

    def host_command(self, conn: Connection, kind: str, data: dict[str, Any]) -> None:
        room = self.room
        if kind == "open":
            hidden = data.get("hidden")
            room.open_vote(
                int_field(data, "seconds", default=30, low=1, high=MAX_ROUND_SECONDS),
                None if hidden is None else bool_field(data, "hidden"),
            )
        elif kind == "close":
            room.close_vote()
        elif kind == "extend":
            room.extend(int_field(data, "seconds", default=15, low=1, high=MAX_ROUND_SECONDS))
        elif kind == "pause":
            room.pause()
        elif kind == "unpause":
            room.unpause()
        elif kind == "decide":
            room.decide(text_field(data, "choice", limit=100))
        elif kind == "lock":
            room.set_locked(bool_field(data, "locked", default=True))
        elif kind == "hidden":
            room.set_hidden(bool_field(data, "hidden", default=True))
        elif kind == "kick":
            self.kick(int_field(data, "participant", low=1))
        elif kind == "end":
            room.end()
        elif kind == "export":
            fmt = text_field(data, "format", limit=10, required=False) or "md"
            text = self.export(fmt, bool_field(data, "students"))
            conn.send_message({"type": "export", "format": fmt, "text": text})
        elif kind == "participants":
            conn.send_message(room.participants_message())


# -- running -------------------------------------------------------------------
def lan_address() -> str | None:
    """This machine's address on the school network, found without sending anything."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if not address.startswith("127."):
            return address
    return None


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
    runner = web.AppRunner(hub.make_app(), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    server = site._server
    bound_port = port
    if server is not None and getattr(server, "sockets", None):
        bound_port = server.sockets[0].getsockname()[1]
    hub.url = join_url(host, bound_port, url)
    hub.schedule_timer()
    return runner


def startup_line(hub: Hub) -> str:
    """The one line ``--headless`` prints: how a program reaches this session."""
    room = hub.room
    return json.dumps({"url": hub.url, "code": room.code, "host_secret": room.secret, "db": str(room.store.path)})
