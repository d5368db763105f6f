"""How true a passage is, its history notes, the facts' sources and the glossary, in words.

Every front end labels a beat's basis, cites a source and orders the glossary
through here, so a reader sees "Dramatised from the record" and "Vivian Fuchs
and Edmund Hillary, The Crossing of Antarctica, 1958" the same way in the TUI,
line mode, on the projector and on a phone. A source is always named for
people (author, title, year), never by the writer's id for it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..engine.reference import FactView, TermView, spellings
from ..engine.views import View
from ..i18n import N_, _
from ..story.model import Source
from .text import paragraphs

BASIS_LABELS = {
    "record": N_("From the record"),
    "dramatised": N_("Dramatised from the record"),
    "invented": N_("Invented for the game"),
}
BASIS_MEANINGS = {
    "record": N_("This passage tells what the record says happened."),
    "dramatised": N_("This passage is based on the record, with words and details imagined."),
    "invented": N_("This passage was made up for the game; it did not happen."),
}

NOTES_TITLE = N_("History notes")
NO_NOTES = N_("This passage has no history notes.")
GLOSSARY_TITLE = N_("Glossary")
IN_THIS_PASSAGE = N_("In this passage")
OTHER_TERMS = N_("All the other terms")
ALL_TERMS = N_("All terms")
NO_GLOSSARY = N_("This story has no glossary.")
FACTS_TITLE = N_("The record: facts and their sources")
FACTS_CITED = N_("Facts behind the passages you played")
NO_FACTS = N_("The passages you played cite no facts.")
SOURCES_TITLE = N_("Sources")


def basis_label(basis: str) -> str:
    """The small tag beside a beat: ``From the record``; empty when the writer did not say."""
    return _(BASIS_LABELS[basis]) if basis in BASIS_LABELS else ""


def basis_meaning(basis: str) -> str:
    return _(BASIS_MEANINGS[basis]) if basis in BASIS_MEANINGS else ""


def citation(source: Source) -> str:
    """``Vivian Fuchs and Edmund Hillary, The Crossing of Antarctica, 1958``."""
    return ", ".join(part for part in (source.author, source.title, source.year) if part)


def fact_source(fact: FactView) -> str:
    """Where a fact comes from, as a reader reads it: its sources' citations, or the writer's free text."""
    if fact.sources:
        return "; ".join(citation(s) for s in fact.sources)
    return fact.source


@dataclass(frozen=True)
class FactRow:
    text: str
    source: str  # "" when the fact names none


@dataclass(frozen=True)
class SourceRow:
    citation: str
    reliability: str


@dataclass(frozen=True)
class Notes:
    """What the history notes of one passage show."""

    basis: str  # the label, "" when not said
    meaning: str  # the label explained
    note: str
    facts: tuple[FactRow, ...]

    @property
    def empty(self) -> bool:
        return not (self.basis or self.note or self.facts)


def fact_rows(facts: tuple[FactView, ...]) -> tuple[FactRow, ...]:
    return tuple(FactRow(f.text, fact_source(f)) for f in facts)


def source_rows(sources: tuple[Source, ...]) -> tuple[SourceRow, ...]:
    return tuple(SourceRow(citation(s), s.reliability) for s in sources)


def notes_of(view: View) -> Notes:
    """The history notes of the passage on screen."""
    history = view.history
    return Notes(
        basis_label(view.basis),
        basis_meaning(view.basis),
        history.note if history is not None else "",
        fact_rows(history.facts) if history is not None else (),
    )


def has_notes(view: View) -> bool:
    """Whether the passage has a note or facts to open (the basis tag alone is shown in place)."""
    return view.history is not None and bool(view.history.note or view.history.facts)


def glossary_sections(
    entries: tuple[TermView, ...], here: tuple[str, ...]
) -> tuple[tuple[str, tuple[TermView, ...]], ...]:
    """The glossary as headed groups: the terms of this passage first (in the order used), then the rest A to Z."""
    if not entries:
        return ()
    by_term = {e.term: e for e in entries}
    first = tuple(by_term[t] for t in here if t in by_term)
    rest = tuple(sorted((e for e in entries if e.term not in here), key=lambda e: e.term.casefold()))
    if not first:
        return ((_(ALL_TERMS), rest),)
    return ((_(IN_THIS_PASSAGE), first), (_(OTHER_TERMS), rest)) if rest else ((_(IN_THIS_PASSAGE), first),)


def find_term(entries: tuple[TermView, ...], word: str) -> TermView | None:
    """The entry for ``word`` whatever its case: the term, one of its forms, or a plural in -s or -es."""
    wanted = " ".join(word.split()).casefold()
    by_term = {e.term: e for e in entries}
    by_spelling = spellings(entries)
    for candidate in (wanted, wanted.removesuffix("s"), wanted.removesuffix("es")):
        if candidate in by_spelling:
            return by_term[by_spelling[candidate]]
    return None


def closest_terms(entries: tuple[TermView, ...], word: str, n: int = 3) -> list[str]:
    """Terms spelled like ``word``, for a "did you mean" after a miss."""
    folded = {e.term.casefold(): e.term for e in entries}
    found = difflib.get_close_matches(" ".join(word.split()).casefold(), list(folded), n=n, cutoff=0.6)
    return [folded[f] for f in found]


_POINT = re.compile(r"^[ \t]*[-•](?:[ \t]+|$)", re.MULTILINE)


def summary_points(text: str) -> list[str]:
    """A debrief summary as points: each line starting with ``- `` is one (its wrapped lines joined);
    a summary written as paragraphs gives one point per paragraph."""
    if not text.strip():
        return []
    if not _POINT.search(text):
        return paragraphs(text)
    points: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        m = _POINT.match(line)
        if m is not None:
            points.append(line[m.end() :].strip())
        elif points:
            points[-1] = f"{points[-1]} {stripped}"
        else:
            points.append(stripped)
    return [p for p in points if p]
