"""The class debrief: the engine's debrief plus how the class voted, and questions to discuss.

The questions are the teacher's starting points after the session: the story's
own (``questions:`` in its manifest, general ones by default), led by one about
the kind of ending the class reached, and beside them the history questions of
each scene the class played (``questions:`` in a scene file). The story's
summary of the run leads, and the facts with their sources close it. The rows are worded by ``present.debrief``,
so the projector, the phones and the single-player debrief read the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.debrief import build_debrief
from ..i18n import N_, _
from ..present import votes as phrase
from ..present.debrief import debrief_rows
from .reading import debrief_fields

if TYPE_CHECKING:
    from ..engine import Game
    from ..story.model import Story
    from .rules import Classroom

ENDING_QUESTIONS = {
    "historical": N_("The class followed the real mission. Which decision felt least certain at the time?"),
    "survived": N_("The class survived another way. Would your plan have worked with the real suit and capsule?"),
    "lost": N_("The class did not make it. Which single vote would you change, and why?"),
}


def closest_votes(room: Classroom, limit: int = 3, story: Story | None = None) -> list[dict[str, Any]]:
    """The rounds where the top two choices were nearest, as talking points (labels from ``story``)."""
    scored = []
    for rnd in room.rounds:
        top = sorted(rnd.counts().values(), reverse=True)
        if len(top) < 2 or sum(top) == 0:
            continue
        scored.append((top[0] - top[1], rnd.number, rnd))
    scored.sort(key=lambda item: (item[0], item[1]))
    out = []
    for margin, _number, rnd in scored[:limit]:
        counts = rnd.counts()
        labels = {c: room.choice_label(rnd.beat, c, story) for c in counts}
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


def class_path(room: Classroom, story: Story | None = None) -> list[dict[str, Any]]:
    """Each played round: what the class chose, how, and by how many votes (words from ``story``)."""
    story = story or room.story
    out = []
    for rnd in room.rounds:
        if rnd.winner is None:
            continue
        counts = rnd.counts()
        out.append(
            {
                "round": rnd.number,
                "scene": story.scene_of(rnd.beat).title if rnd.beat in story.beats else "",
                "choice": room.choice_label(rnd.beat, rnd.winner, story),
                "votes": counts.get(rnd.winner, 0),
                "total": sum(counts.values()),
                "decided_by": rnd.decided_by,
                "how": phrase.how_decided(counts, rnd.winner, rnd.decided_by),
            }
        )
    return out


def class_debrief(room: Classroom, game: Game | None = None) -> dict[str, Any]:
    """Everything the projector and the students' pages show once the teacher ends the session.

    ``game`` is the class's game read in a student's language (wire.py); the room's by default."""
    game = game or room.game
    story = game.story
    data: dict[str, Any] = {
        "ending": None,
        "minutes": round(game.elapsed, 1),
        "path": class_path(room, story),
        "closest": closest_votes(room, story=story),
        "comparisons": [],
        "timeline": [],
        "reference_label": story.reference_label,
        "questions": list(story.questions),
    }
    rows = None
    if game.ended:
        debrief = build_debrief(game)
        rows = debrief_rows(debrief, story)
        e = debrief.ending
        data["ending"] = {"type": e.type, "kind": rows.kind, "title": e.title, "text": e.text, "debrief": e.debrief}
        data["comparisons"] = [
            {"label": c.label, "yours": c.yours, "real": c.reference, "note": c.note} for c in rows.comparisons
        ]
        data["zone"] = rows.zone
        data["timeline"] = [
            {"label": t.label, "real": t.reference, "yours": t.yours, "difference": t.difference} for t in rows.timeline
        ]
        extra = ENDING_QUESTIONS.get(e.type)
        if extra:
            data["questions"].insert(0, _(extra))
    data.update(debrief_fields(game, rows))
    return data
