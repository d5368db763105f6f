"""What a class reads beside the story, as plain data for the ``state`` message and the class debrief.

How true a passage is, its history notes with their sources, the glossary
(the passage's own terms first), and, in the debrief, the story's summary of
the run, the history questions of the scenes played, and the facts with their
sources. Every phrase comes from ``present/``, so the phones, the projector and
a terminal student read what the single-player game shows.
"""

from __future__ import annotations

from typing import Any

from ..engine.game import Game
from ..engine.views import View
from ..i18n import _
from ..present.debrief import DebriefRows
from ..present.reference import (
    FACTS_CITED,
    FACTS_TITLE,
    NOTES_TITLE,
    FactRow,
    SourceRow,
    basis_label,
    fact_rows,
    glossary_sections,
    has_notes,
    notes_of,
    source_rows,
)


def _facts(rows: tuple[FactRow, ...]) -> list[dict[str, str]]:
    return [{"text": f.text, "source": f.source} for f in rows]


def _sources(rows: tuple[SourceRow, ...]) -> list[dict[str, str]]:
    return [{"citation": s.citation, "reliability": s.reliability} for s in rows]


def beat_fields(game: Game, view: View) -> dict[str, Any]:
    """``basis``, ``notes`` and ``glossary`` for the beat on screen (shared by every client)."""
    notes = notes_of(view)
    return {
        "basis": basis_label(view.basis),
        "notes": None
        if not has_notes(view)
        else {
            "title": _(NOTES_TITLE),
            "basis": notes.basis,
            "meaning": notes.meaning,
            "note": notes.note,
            "facts": _facts(notes.facts),
        },
        "glossary": [
            {"heading": heading, "terms": [{"term": t.term, "definition": t.definition} for t in terms]}
            for heading, terms in glossary_sections(game.glossary(), view.terms)
        ],
    }


def scenes_played(game: Game) -> list[str]:
    """The scenes the run passed through, in the order first entered."""
    story = game.story
    beats = [step.beat for step in game.history]
    if game.beat is not None:
        beats.append(game.beat.id)
    seen: dict[str, None] = {}
    for bid in beats:
        if bid in story.beats:
            seen.setdefault(story.beats[bid].scene)
    return list(seen)


def debrief_fields(game: Game, rows: DebriefRows | None) -> dict[str, Any]:
    """The class debrief's reading: the summary first, the scenes' questions, the facts and sources.

    ``rows`` is None when the session ended before the story did: the facts
    are then those of the passages played, and there is no summary.
    """
    story = game.story
    index = {s.id: s for s in story.scenes}
    scene_questions = [
        {"scene": game.render(index[sid].title), "questions": [game.render(q) for q in index[sid].questions]}
        for sid in scenes_played(game)
        if index[sid].questions
    ]
    if rows is not None:
        summary = {"heading": rows.points_heading, "points": list(rows.points)} if rows.points else None
        facts, sources, title = rows.facts, rows.sources, _(FACTS_TITLE)
    else:
        summary, title = None, _(FACTS_CITED)
        facts, sources = fact_rows(game.cited_facts()), source_rows(tuple(story.sources.values()))
    return {
        "summary": summary,
        "scene_questions": scene_questions,
        "facts_title": title,
        "facts": _facts(facts),
        "sources": _sources(sources),
    }
