"""The class debrief: the engine's debrief plus how the class voted, and questions to discuss.

The questions are the teacher's starting points after the session; the same
list is printed in ``docs/classroom.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.debrief import build_debrief
from ..present import votes as phrase

if TYPE_CHECKING:
    from .session import Classroom

QUESTIONS = (
    "Which vote split the class most? What did each side see that the other did not?",
    "Where did the class trade time for safety, or safety for time? Would you make the same trade again?",
    "Which meter worried you most, and when did you first notice it?",
    "Leonov had no one to vote with: he decided alone, with a few minutes of oxygen. How would that change your choices?",
    "What did the real crew know in March 1965 that you did not, and what do you know that they could not?",
)
ENDING_QUESTIONS = {
    "historical": "The class followed the real mission. Which decision felt least certain at the time?",
    "survived": "The class survived another way. Would your plan have worked with the real suit and capsule?",
    "lost": "The class did not make it. Which single vote would you change, and why?",
}


def closest_votes(room: Classroom, limit: int = 3) -> list[dict[str, Any]]:
    """The rounds where the top two choices were nearest, as talking points."""
    scored = []
    for rnd in room.rounds:
        top = sorted(rnd.counts().values(), reverse=True)
        if len(top) < 2 or sum(top) == 0:
            continue
        scored.append((top[0] - top[1], rnd.number, rnd))
    scored.sort(key=lambda item: (item[0], item[1]))
    out = []
    for margin, _, rnd in scored[:limit]:
        counts = rnd.counts()
        labels = {c: room.choice_label(rnd.beat, c) for c in counts}
        out.append(
            {
                "round": rnd.number,
                "margin": margin,
                "counts": {labels[c]: n for c, n in counts.items()},
                "split": phrase.split(counts, labels),
                "close": phrase.margin(counts),
                "winner": labels.get(rnd.winner) if rnd.winner else None,
            }
        )
    return out


def class_path(room: Classroom) -> list[dict[str, Any]]:
    """Each played round: what the class chose, how, and by how many votes."""
    out = []
    for rnd in room.rounds:
        if rnd.winner is None:
            continue
        counts = rnd.counts()
        out.append(
            {
                "round": rnd.number,
                "scene": room.story.scene_of(rnd.beat).title if rnd.beat in room.story.beats else "",
                "choice": room.choice_label(rnd.beat, rnd.winner),
                "votes": counts.get(rnd.winner, 0),
                "total": sum(counts.values()),
                "decided_by": rnd.decided_by,
                "how": phrase.how_decided(counts, rnd.winner, rnd.decided_by),
            }
        )
    return out


def class_debrief(room: Classroom) -> dict[str, Any]:
    """Everything the projector and the students' pages show once the teacher ends the session."""
    game = room.game
    data: dict[str, Any] = {
        "ending": None,
        "minutes": round(game.elapsed, 1),
        "path": class_path(room),
        "closest": closest_votes(room),
        "comparisons": [],
        "timeline": [],
        "questions": list(QUESTIONS),
    }
    if game.ended:
        debrief = build_debrief(game)
        e = debrief.ending
        data["ending"] = {"type": e.type, "title": e.title, "text": e.text, "debrief": e.debrief}
        data["comparisons"] = [
            {"label": c.label, "yours": c.yours_text(), "real": c.real_text(), "note": c.note}
            for c in debrief.comparisons
        ]
        data["timeline"] = [{"label": t.label, "real": t.real_clock, "yours": t.yours_clock} for t in debrief.timeline]
        extra = ENDING_QUESTIONS.get(e.type)
        if extra:
            data["questions"].insert(0, extra)
    return data
