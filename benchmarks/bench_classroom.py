"""Workload 6: classroom fan-out to 30, 200 and 500 websocket students on 127.0.0.1.

The real classroom server (``voskhod classroom host --headless``, see
``classroom_server.py``) and the bare aiohttp broadcast (``bare_broadcast.py``)
run side by side, each in its own process, with N students connected to each.
Rounds alternate between the two: the host connection makes a state change (a
teacher opening, pausing, extending, closing a vote, deciding) or the sender asks
the bare server for a broadcast of the same size, and ``fanout.py`` times how long
until every student has it (the slowest student counts). Server memory per
student is the RSS growth of each server process as its students join. Bounded:
round, join and measurement timeouts; the servers are stopped whatever happens.

Join storms: 30 and 200 students open their connections and join at the same
moment into a freshly started server (the teacher has just shown the code);
timed until the last of them has its welcome and the game's state. The
baseline is the bare server answering a join with a welcome and a state of the
same size.
"""

from __future__ import annotations

import time

from classroom_server import ClassroomTarget
from fanout import BareTarget, measure, measure_storm
from harness import SRC, Row, interleave, median, skipped

TARGET_RATIO = 1.5
TARGET_P99_AT_200 = 0.050
LABELS = {
    "median": "all students have it, median",
    "p99": "all students have it, p99",
    "per_student": "server memory per student",
}


def measure_both(students: int, rounds: int) -> tuple[dict[str, float], dict[str, float] | None]:
    """(baseline, ours) for one class size; ours is None when the classroom part is absent."""
    if not (SRC / "voskhod_game" / "classroom").is_dir():
        bare = BareTarget(lambda: 0)
        return measure({"bare broadcast": bare}, students, rounds)["bare broadcast"], None
    ours = ClassroomTarget(students)
    try:
        bare = BareTarget(ours.payload_bytes)
    except BaseException:
        ours.stop()
        raise
    result = measure({"classroom server": ours, "bare broadcast": bare}, students, rounds)
    return result["bare broadcast"], result["classroom server"]


def join_storms(students: int, repetitions: int) -> Row:
    """Students joining all at once (a class told the code), each into a fresh server of each kind."""
    metric = f"join storm: {students} at once, until all have the game"
    if not (SRC / "voskhod_game" / "classroom").is_dir():
        return skipped("classroom", metric, "classroom server not present")
    size = [0]

    def ours() -> float:
        seconds, size[0] = measure_storm(ClassroomTarget(students), students)
        return seconds

    def bare() -> float:
        return measure_storm(BareTarget(lambda: size[0]), students)[0]

    samples = interleave({"ours": ours, "baseline": bare}, repetitions)
    return Row(
        "classroom",
        metric,
        median(samples["ours"]),
        median(samples["baseline"]),
        "s",
        baseline_name="bare aiohttp: welcome + state",
        extra={"students": students, "repetitions": repetitions, "state_bytes": size[0]},
    )


def run(quick: bool) -> list[Row]:
    storms = [join_storms(students, 1 if quick else 7) for students in (30, 200)]
    storms.append(language_cost(200, 1 if quick else 15))
    sizes = (30, 200) if quick else (30, 200, 500)
    rounds = 6 if quick else 200  # nearest-rank p99 of 200 drops the 2 worst, so one stall is not the figure
    rows = []
    for students in sizes:
        started = time.perf_counter()
        base, ours = measure_both(students, rounds)
        extra = {
            "students": students,
            "rounds": rounds,
            "baseline": base,
            "ours": ours,
            "seconds": time.perf_counter() - started,
        }
        p99_target = f"≤ {TARGET_RATIO:g}× bare" + (f", < {TARGET_P99_AT_200 * 1000:g} ms" if students == 200 else "")
        for metric, unit, target in (("median", "s", ""), ("p99", "s", p99_target), ("per_student", "B", "")):
            metric_name = f"{students} students: {LABELS[metric]}"
            if ours is None:
                row = skipped("classroom", metric_name, "classroom server not present", target)
                row.baseline, row.unit, row.baseline_name, row.extra = (
                    base[metric],
                    unit,
                    "bare aiohttp broadcast",
                    extra,
                )
                rows.append(row)
                continue
            met = None
            if metric == "p99":
                met = ours["p99"] <= TARGET_RATIO * base["p99"]
                if students == 200:
                    met = met and ours["p99"] < TARGET_P99_AT_200
            rows.append(
                Row(
                    "classroom",
                    metric_name,
                    ours[metric],
                    base[metric],
                    unit,
                    baseline_name="bare aiohttp broadcast",
                    target=target,
                    met=met,
                    extra=extra,
                )
            )
    return rows + storms


# -- what a language costs -------------------------------------------------------------------
LANGUAGE_STORY = SRC.parent / "examples" / "crevasse"  # has a Russian catalogue
LANGUAGE_CHOICES = ("leave_light", "drive_on")


class _Sink:
    """A connected student that only counts what it is sent (the server's own work is timed)."""

    __slots__ = ("host", "lang", "participant", "sent")

    def __init__(self, participant: object, lang: str) -> None:
        self.participant, self.host, self.lang, self.sent = participant, False, lang, 0

    def send(self, payload: bytes, frame: bytes | None = None) -> None:
        self.sent += 1


def _close_and_play(students: int, languages: int) -> tuple[list[float], int]:
    """Seconds for each vote closed and its choice played, the new state going to every student;
    and the size of the last state in bytes."""
    import tempfile
    from pathlib import Path

    from voskhod_game.classroom.languages import Languages
    from voskhod_game.classroom.rules import Classroom, Participant
    from voskhod_game.classroom.server import Hub
    from voskhod_game.classroom.store import Store
    from voskhod_game.story.loader import load_story

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "session.sqlite3")
        room = Classroom.open(load_story(LANGUAGE_STORY), store, seed=5)
        hub = Hub(room, languages=Languages(room.story, "en"))
        room.listeners.remove(hub._on_change)  # the broadcast itself, without the round timer
        room.listeners.append(lambda kind: hub.broadcast_state() if kind == "state" else None)
        langs = ["", "ru"][:languages]
        sinks = {_Sink(Participant(i + 1, f"t{i}", f"s{i}", 0.0), langs[i % languages]) for i in range(students)}
        hub.connections = sinks  # type: ignore[assignment]
        hub.broadcast_state()  # the second language's story is loaded once, at its first reader
        voter = room.join(room.code, "voter")
        times = []
        for choice in LANGUAGE_CHOICES:
            rnd = room.open_vote(60)
            room.vote(voter, rnd.number, choice)
            started = time.perf_counter()
            room.close_vote()
            times.append(time.perf_counter() - started)
        size = len(hub.wire.state_payload())
        store.close()
    return times, size


def language_cost(students: int, repetitions: int) -> Row:
    """A class reading two languages against the same class in one: the state is built once per
    language (the story copy kept in step, worded, encoded), never once per student."""
    metric = f"vote closed and played, {students} students in two languages (ru + en)"
    if not (SRC / "voskhod_game" / "classroom" / "languages.py").is_file():
        return skipped("classroom", metric, "per-student languages not present")
    one: list[float] = []
    two: list[float] = []
    size = 0
    for _ in range(repetitions):
        one += _close_and_play(students, 1)[0]
        times, size = _close_and_play(students, 2)
        two += times
    return Row(
        "classroom",
        metric,
        median(two),
        median(one),
        "s",
        baseline_name="the same class all in one language",
        extra={"students": students, "repetitions": repetitions, "story": "examples/crevasse", "state_bytes": size},
    )
