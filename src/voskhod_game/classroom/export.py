"""Exports of a session: CSV and Markdown with per-round tallies and the class's path.

No per-student rows unless the teacher asks (``students=True``); even then only
the nickname a student typed is there, since that is all the session keeps.
"""

from __future__ import annotations

import csv
import io
import time
from typing import TYPE_CHECKING

from ..i18n import _

if TYPE_CHECKING:
    from .rules import Classroom


def _scene(room: Classroom, beat: str) -> str:
    return room.story.scene_of(beat).title if beat in room.story.beats else beat


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet will not run: one starting like a formula gets a leading apostrophe.

    Nicknames, labels and scene titles come from students and writers; ``=HYPERLINK(…)``
    as a nickname must open as text (the OWASP advice for CSV injection). Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` with every cell passed through :func:`safe_cell`."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\n")

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])


def student_votes(room: Classroom) -> list[tuple[int, str, str, str]]:
    """(round, nickname, choice id, choice label) for every vote, when the teacher asks for them."""
    rows = []
    for number, pid, choice in room.store.all_votes():
        found = room.rounds[number - 1] if 0 < number <= len(room.rounds) else None
        name = room.participants[pid].name if pid in room.participants else f"#{pid}"
        rows.append((number, name, choice, room.choice_label(found.beat, choice) if found else choice))
    return rows


def to_csv(room: Classroom, *, students: bool = False) -> str:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(["round", "scene", "beat", "choice_id", "choice", "votes", "chosen", "decided_by"])
    for rnd in room.rounds:
        for choice, count in rnd.counts().items():
            writer.writerow(
                [
                    rnd.number,
                    _scene(room, rnd.beat),
                    rnd.beat,
                    choice,
                    room.choice_label(rnd.beat, choice),
                    count,
                    "yes" if choice == rnd.winner else "",
                    rnd.decided_by if choice == rnd.winner else "",
                ]
            )
    if students:
        writer.writerow([])
        writer.writerow(["round", "student", "choice_id", "choice"])
        for row in student_votes(room):
            writer.writerow(list(row))
    return buffer.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(room: Classroom, *, students: bool = False) -> str:
    """The session for people, in the teacher's language (the CSV's column names stay fixed for programs)."""
    from .debrief import class_path

    lines = [
        "# " + _("Classroom session: {title}").format(title=room.story.title),
        "",
        "- " + _("Started: {time}").format(time=time.strftime("%Y-%m-%d %H:%M", time.localtime(room.created))),
        "- " + _("Students: {count}").format(count=len(room.active_participants())),
        "- " + _("Rounds: {count}").format(count=len(room.rounds)),
        "- " + _("Mission time: {minutes} min").format(minutes=f"{room.game.elapsed:.0f}"),
    ]
    ending = room.game.ending_view()
    if ending:
        lines.append("- " + _("Ending: {title} ({kind})").format(title=ending.title, kind=ending.type))
    else:
        lines.append("- " + _("Ending: not reached"))
    lines += ["", "## " + _("The path the class took"), ""]
    path = class_path(room)
    if not path:
        lines.append(_("No vote was decided."))
    for step in path:
        lines.append(f"{step['round']}. {step['scene']}: **{step['choice']}** ({step['how']})")
    lines += ["", "## " + _("Tallies"), ""]
    for rnd in room.rounds:
        heading = _("Round {number}: {scene}").format(number=rnd.number, scene=_scene(room, rnd.beat))
        columns = "| " + _("Choice") + " | " + _("Votes") + " |"
        lines += [f"### {heading}", "", columns, "| --- | ---: |"]
        for choice, count in rnd.counts().items():
            label = _cell(room.choice_label(rnd.beat, choice))
            lines.append(f"| {'**' + label + '**' if choice == rnd.winner else label} | {count} |")
        lines.append("")
    if students:
        columns = "| " + " | ".join((_("Round"), _("Student"), _("Choice"))) + " |"
        lines += ["## " + _("Votes by student"), "", columns, "| ---: | --- | --- |"]
        for number, name, _choice, label in student_votes(room):
            lines.append(f"| {number} | {_cell(name)} | {_cell(label)} |")
        lines.append("")
    return "\n".join(lines)
