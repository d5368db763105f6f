"""Every message of the classroom protocol as a typed dataclass, and the one parser for each side.

The server builds these (see ``wire.py``) and parses client messages with
:func:`parse_client`; the terminal student parses the server's with
:func:`parse_server`; tests use both. On the wire a message is a JSON object with a
``"type"`` and the dataclass's fields under the same names
(``docs/classroom-protocol.md``), so the phone page reads the same JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from ..i18n import N_
from .languages import parse_language
from .protocol import MAX_MESSAGE_BYTES, MAX_ROUND_SECONDS, PROTOCOL_VERSION, ProtocolError, error_text

# -- reading fields --------------------------------------------------------------


def text_field(data: dict[str, Any], name: str, *, limit: int = 200, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise ProtocolError(
            "bad_message", N_("“{name}” must be text of at most {limit} characters."), name=name, limit=limit
        )
    return value


def int_field(data: dict[str, Any], name: str, *, default: int | None = None, low: int = 0, high: int = 10**9) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProtocolError(
            "bad_message", N_("“{name}” must be a whole number from {low} to {high}."), name=name, low=low, high=high
        )
    return value


def bool_field(data: dict[str, Any], name: str, *, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise ProtocolError("bad_message", N_("“{name}” must be true or false."), name=name)
    return value


# -- client messages -------------------------------------------------------------


class NoFields:
    """A message that is only its type."""

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Any:
        return cls()


@dataclass(frozen=True)
class Join:
    TYPE: ClassVar[str] = "join"
    code: str
    name: str = ""
    token: str = ""  # a token this browser had before (a kicked student stays out)
    lang: str = ""  # the language this student reads in (``ru``, ``en-GB``); empty: the teacher's

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Join:
        return cls(
            text_field(d, "code", limit=40),
            text_field(d, "name", limit=200, required=False),
            text_field(d, "token", limit=100, required=False),
            parse_language(d.get("lang")),
        )


@dataclass(frozen=True)
class Resume:
    TYPE: ClassVar[str] = "resume"
    token: str
    lang: str = ""

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Resume:
        return cls(text_field(d, "token", limit=100), parse_language(d.get("lang")))


@dataclass(frozen=True)
class Language:
    """A student switches language: the state comes again, worded for them."""

    TYPE: ClassVar[str] = "language"
    lang: str

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Language:
        return cls(parse_language(d.get("lang")))


@dataclass(frozen=True)
class Vote:
    TYPE: ClassVar[str] = "vote"
    round: int
    choice: str

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Vote:
        return cls(int_field(d, "round", low=1), text_field(d, "choice", limit=100))


@dataclass(frozen=True)
class Ping(NoFields):
    TYPE: ClassVar[str] = "ping"


@dataclass(frozen=True)
class HostLogin:
    TYPE: ClassVar[str] = "host"
    secret: str

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> HostLogin:
        return cls(text_field(d, "secret", limit=200))


@dataclass(frozen=True)
class OpenVote:
    TYPE: ClassVar[str] = "open"
    seconds: int = 30
    hidden: bool | None = None  # None: the room's setting

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> OpenVote:
        hidden = None if d.get("hidden") is None else bool_field(d, "hidden")
        return cls(int_field(d, "seconds", default=30, low=1, high=MAX_ROUND_SECONDS), hidden)


@dataclass(frozen=True)
class CloseVote(NoFields):
    TYPE: ClassVar[str] = "close"


@dataclass(frozen=True)
class Extend:
    TYPE: ClassVar[str] = "extend"
    seconds: int = 15

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Extend:
        return cls(int_field(d, "seconds", default=15, low=1, high=MAX_ROUND_SECONDS))


@dataclass(frozen=True)
class Pause(NoFields):
    TYPE: ClassVar[str] = "pause"


@dataclass(frozen=True)
class Unpause(NoFields):
    TYPE: ClassVar[str] = "unpause"


@dataclass(frozen=True)
class Decide:
    TYPE: ClassVar[str] = "decide"
    choice: str

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Decide:
        return cls(text_field(d, "choice", limit=100))


@dataclass(frozen=True)
class Lock:
    TYPE: ClassVar[str] = "lock"
    locked: bool = True

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Lock:
        return cls(bool_field(d, "locked", default=True))


@dataclass(frozen=True)
class Hide:
    TYPE: ClassVar[str] = "hidden"
    hidden: bool = True

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Hide:
        return cls(bool_field(d, "hidden", default=True))


@dataclass(frozen=True)
class Kick:
    TYPE: ClassVar[str] = "kick"
    participant: int

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Kick:
        return cls(int_field(d, "participant", low=1))


@dataclass(frozen=True)
class End(NoFields):
    TYPE: ClassVar[str] = "end"


@dataclass(frozen=True)
class ExportRequest:
    TYPE: ClassVar[str] = "export"
    format: str = "md"
    students: bool = False

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> ExportRequest:
        fmt = text_field(d, "format", limit=10, required=False) or "md"
        if fmt not in ("md", "markdown", "csv"):
            raise ProtocolError("bad_message", N_("“format” must be csv or md."))
        return cls(fmt, bool_field(d, "students"))


@dataclass(frozen=True)
class ListParticipants(NoFields):
    TYPE: ClassVar[str] = "participants"


StudentMessage = Join | Resume | Language | Vote | Ping | HostLogin
HostCommand = (
    OpenVote
    | CloseVote
    | Extend
    | Pause
    | Unpause
    | Decide
    | Lock
    | Hide
    | Kick
    | End
    | ExportRequest
    | ListParticipants
)
ClientMessage = StudentMessage | HostCommand
STUDENT_TYPES: dict[str, type[StudentMessage]] = {c.TYPE: c for c in (Join, Resume, Language, Vote, Ping, HostLogin)}
HOST_TYPES: dict[str, type[HostCommand]] = {
    c.TYPE: c
    for c in (
        OpenVote,
        CloseVote,
        Extend,
        Pause,
        Unpause,
        Decide,
        Lock,
        Hide,
        Kick,
        End,
        ExportRequest,
        ListParticipants,
    )
}
CLIENT_TYPES: dict[str, type[ClientMessage]] = {**STUDENT_TYPES, **HOST_TYPES}


def parse_client(raw: str | bytes) -> ClientMessage:
    """One client message, checked field by field; ProtocolError when it is too big, not JSON
    (1,000 nested brackets included), not an object with a known type, or a field is wrong."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_big")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # 1,000 nested brackets fit in 2 KB
        raise ProtocolError("bad_json") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ProtocolError("bad_message", N_("Every message must be a JSON object with a “type”."))
    kind = CLIENT_TYPES.get(data["type"])
    if kind is None:
        raise ProtocolError(
            "unknown_type", N_("The server does not know messages of type “{kind}”."), kind=data["type"][:40]
        )
    return kind.from_wire(data)


# -- server messages -------------------------------------------------------------


@dataclass(frozen=True)
class SceneInfo:
    number: int
    count: int
    title: str


@dataclass(frozen=True)
class MeterInfo:
    name: str
    label: str
    display: str
    fraction: float
    state: str


@dataclass(frozen=True)
class ChoiceInfo:
    id: str
    number: int
    label: str
    enabled: bool
    reason: str
    minutes: float
    cost: str
    risky: bool


@dataclass(frozen=True)
class EndingInfo:
    type: str
    title: str
    text: str
    debrief: str


@dataclass(frozen=True)
class RoundInfo:
    number: int
    status: str
    beat: str
    ms_left: int
    seconds: int
    hidden: bool
    choices: list[str]
    labels: dict[str, str]
    counts: dict[str, int] | None  # None while a hidden vote runs
    count_texts: dict[str, str] | None
    voted: int
    turnout: str
    tie: list[str]
    winner: str | None
    winner_label: str | None
    decided_by: str
    summary: str  # "The class chose …", the tie, or "" while the vote runs
    result: str


@dataclass(frozen=True)
class StateMessage:
    """The full snapshot, the same bytes for every student."""

    TYPE: ClassVar[str] = "state"
    version: int
    title: str
    scene: SceneInfo
    heading: str
    text: str
    history: str
    clock: str
    meters: list[MeterInfo]
    choices: list[ChoiceInfo]
    status: str
    round: RoundInfo | None
    joined: int
    locked: bool
    hidden: bool
    ending: EndingInfo | None
    ended: bool
    debrief: dict[str, Any] | None = None  # built by debrief.py once the session ended
    lang: str = ""  # the language this copy is worded in (each student's own; the projector's)
    # How true the passage is, its history notes and the glossary, worded by present/reference.py
    # (built by reading.py): plain data the phones, the projector and terminals draw.
    basis: str = ""
    notes: dict[str, Any] | None = None
    glossary: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Tally:
    TYPE: ClassVar[str] = "tally"
    round: int
    joined: int
    voted: int
    turnout: str
    counts: dict[str, int] | None = None
    count_texts: dict[str, str] | None = None


@dataclass(frozen=True)
class VoteRecord:
    round: int
    choice: str


@dataclass(frozen=True)
class Welcome:
    TYPE: ClassVar[str] = "welcome"
    token: str
    id: int
    name: str
    vote: VoteRecord | None
    protocol: int = PROTOCOL_VERSION
    lang: str = ""  # the language the server words this student's messages in


@dataclass(frozen=True)
class Voted:
    TYPE: ClassVar[str] = "voted"
    round: int
    choice: str


@dataclass(frozen=True)
class ErrorMessage:
    TYPE: ClassVar[str] = "error"
    code: str
    message: str

    @classmethod
    def of(cls, code: str, message: str | None = None, lang: str = "en") -> ErrorMessage:
        return cls(code, message or error_text(code, lang))


@dataclass(frozen=True)
class HostOk:
    TYPE: ClassVar[str] = "host_ok"
    code: str
    url: str
    protocol: int = PROTOCOL_VERSION


@dataclass(frozen=True)
class ParticipantInfo:
    id: int
    name: str
    connected: bool
    voted: bool
    kicked: bool


@dataclass(frozen=True)
class Participants:
    TYPE: ClassVar[str] = "participants"
    participants: list[ParticipantInfo] = field(default_factory=list)


@dataclass(frozen=True)
class ExportText:
    TYPE: ClassVar[str] = "export"
    format: str
    text: str


@dataclass(frozen=True)
class Pong:
    TYPE: ClassVar[str] = "pong"


ServerMessage = StateMessage | Tally | Welcome | Voted | ErrorMessage | HostOk | Participants | ExportText | Pong


def plain(value: Any) -> Any:
    """Nested dataclasses as dicts, without the deep copy of ``dataclasses.asdict`` (ten times
    slower, and the state message is encoded on every broadcast); values are shared, not copied."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: plain(v) for k, v in value.__dict__.items()}
    if isinstance(value, list) and value and hasattr(value[0], "__dataclass_fields__"):
        return [plain(v) for v in value]
    return value  # text, numbers and plain lists and dicts go into the JSON as they are


def to_wire(message: Any, converted: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON object for a message: its fields, and its ``type`` first.

    ``converted`` holds fields already in JSON form (the game part of a state, which
    only a played choice changes); they are used as they are."""
    data = {"type": message.TYPE}
    for name, value in message.__dict__.items():
        data[name] = converted[name] if converted is not None and name in converted else plain(value)
    return data


def encode(message: Any, converted: dict[str, Any] | None = None) -> str:
    """Compact JSON, as every message goes on the wire."""
    return json.dumps(to_wire(message, converted), separators=(",", ":"), ensure_ascii=False)


def _build(cls: Any, data: Any) -> Any:
    """A dataclass from its JSON object, nested dataclasses included (the server is trusted
    to send the right shape; a missing or unknown field is a TypeError or KeyError)."""
    if data is None:
        return None
    nested = NESTED.get(cls, {})
    values = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        inner = nested.get(f.name)
        if inner is not None and value is not None:
            value = [_build(inner[0], v) for v in value] if isinstance(inner, list) else _build(inner, value)
        values[f.name] = value
    return cls(**values)


NESTED: dict[Any, dict[str, Any]] = {
    StateMessage: {
        "scene": SceneInfo,
        "meters": [MeterInfo],
        "choices": [ChoiceInfo],
        "round": RoundInfo,
        "ending": EndingInfo,
    },
    Welcome: {"vote": VoteRecord},
    Participants: {"participants": [ParticipantInfo]},
}
SERVER_TYPES: dict[str, Any] = {
    c.TYPE: c for c in (StateMessage, Tally, Welcome, Voted, ErrorMessage, HostOk, Participants, ExportText, Pong)
}


def parse_server(raw: str) -> ServerMessage | None:
    """A message from the server, for clients: None when it is not one this client understands."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    kind = SERVER_TYPES.get(data.get("type"))  # type: ignore[arg-type]
    if kind is None:
        return None
    try:
        message: ServerMessage = _build(kind, data)
    except (TypeError, KeyError, AttributeError):
        return None
    return message
