"""The websocket protocol: message names, limits and error texts, defined once.

The messages themselves are typed in ``messages.py``; both the server and the
terminal client import from here and from there, and
``docs/classroom-protocol.md`` describes the same names. Every error a client can
see has a stable ``code`` and a sentence a student or teacher can act on.
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_, translator

PROTOCOL_VERSION = 1

# Limits -------------------------------------------------------------------
MAX_MESSAGE_BYTES = 2048  # the largest client message (a join with a long name is ~200 bytes)
HARD_MESSAGE_BYTES = 64 * 1024  # aiohttp closes the socket above this without reading further
MESSAGE_RATE = 8.0  # messages per second a connection may send on average
MESSAGE_BURST = 24  # ... and at once
MAX_STRIKES = 5  # bad messages in a row before the server hangs up
WRONG_CODES_PER_MINUTE = 20  # wrong join codes per remote address; joins that succeed are never counted
HEADER_TIMEOUT_SECONDS = 15.0  # an HTTP connection must send a whole request this soon (slowloris guard)
MAX_NAME_CHARS = 24
DEFAULT_ROUND_SECONDS = 30
MIN_ROUND_SECONDS = 5
MAX_ROUND_SECONDS = 600
RESUME_GRACE_SECONDS = 15  # an open round restored after a crash gets at least this long
DEFAULT_MAX_STUDENTS = 250
TALLY_INTERVAL = 0.1  # seconds: tallies are coalesced so 200 votes are not 40,000 messages

# Close codes (RFC 6455 application range is 4000-4999) ---------------------
CLOSE_KICKED = 4001
CLOSE_STRIKES = 4002
CLOSE_ENDED = 4003

# Round status ---------------------------------------------------------------
IDLE = "idle"  # no vote yet on this beat
OPEN = "open"
PAUSED = "paused"
CLOSED = "closed"  # counted; waits for the teacher when tied
RESOLVED = "resolved"  # the winner was played through the engine

ERRORS: dict[str, str] = {
    "bad_json": N_("That message was not valid JSON."),
    "bad_message": N_("That message is missing a field or has a wrong one."),
    "unknown_type": N_("The server does not know that kind of message."),
    "too_big": N_("Messages may be at most {limit} bytes."),
    "rate_limited": N_("Too many messages at once; slow down."),
    "too_many_strikes": N_("Too many bad messages; the server closed the connection."),
    "wrong_code": N_("That join code is not right. Check the code on the projector."),
    "too_many_attempts": N_("Too many wrong join codes from this network. Wait a minute and try again."),
    "name_refused": N_("That nickname is not allowed here. Pick another one, or leave it empty for a generated one."),
    "room_locked": N_("The teacher has locked the room; no new students can join."),
    "room_full": N_("The room is full. Ask the teacher."),
    "unknown_token": N_("This session does not know you any more. Join again with the code."),
    "kicked": N_("The teacher removed you from this session."),
    "not_joined": N_("Join the session first."),
    "no_round": N_("There is no vote open right now."),
    "round_closed": N_("The vote has closed."),
    "wrong_round": N_("That vote is over; look at the current one."),
    "bad_choice": N_("That is not one of the choices."),
    "choice_disabled": N_("That choice is not possible now."),
    "wrong_secret": N_("The host secret is not right."),
    "not_host": N_("Only the teacher can do that."),
    "bad_state": N_("That cannot be done right now."),
    "session_ended": N_("The session has ended. Thank you for playing!"),
    "bad_language": N_("That is not a language code such as en or ru."),
}


ERROR_VALUES: dict[str, dict[str, Any]] = {"too_big": {"limit": MAX_MESSAGE_BYTES}}


class ProtocolError(Exception):
    """A message the server refuses; ``code`` is one of :data:`ERRORS`.

    ``message`` is an English sentence marked with ``N_`` (``{name}`` filled from
    ``values``), so each client reads it in its own language (:meth:`text`)."""

    def __init__(self, code: str, message: str | None = None, **values: Any) -> None:
        self.code = code
        self.template = message or ERRORS[code]
        self.values = values or ERROR_VALUES.get(code, {})
        self.message = self.template.format(**self.values)
        super().__init__(self.message)

    def text(self, lang: str) -> str:
        """The sentence in ``lang`` (English where the catalogue has no translation)."""
        return translator(lang).gettext(self.template).format(**self.values)


def error_text(code: str, lang: str = "en") -> str:
    return ProtocolError(code).text(lang)
