"""The reader's reference shelf: facts with their sources, and the glossary.

A beat's history note cites facts; a fact names its sources (author, title,
year, how far to trust it). The glossary explains words a reader may not know;
which of its terms a passage uses is found here, once for every front end, so
the TUI, line mode and the classroom offer the same words first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..story.model import Source, Story


@dataclass(frozen=True)
class FactView:
    """A fact as a reader gets it: its text and where it comes from."""

    id: str
    text: str
    sources: tuple[Source, ...] = ()  # the story's sources it cites
    source: str = ""  # free text, in a story that declares no sources


@dataclass(frozen=True)
class TermView:
    """A glossary term and its definition as this run shows it."""

    term: str
    definition: str


def fact_view(story: Story, fact_id: str) -> FactView | None:
    fact = story.facts.get(fact_id)
    if fact is None:
        return None
    sources = tuple(story.sources[s] for s in fact.sources if s in story.sources)
    return FactView(fact.id, fact.text, sources, fact.source)


def facts_of(story: Story, beat_ids: list[str]) -> tuple[FactView, ...]:
    """Every fact the history notes of these beats cite, each once, in the order first cited."""
    seen: dict[str, FactView] = {}
    for bid in beat_ids:
        beat = story.beats.get(bid)
        if beat is None or beat.history is None:
            continue
        for fid in beat.history.facts:
            if fid not in seen:
                found = fact_view(story, fid)
                if found is not None:
                    seen[fid] = found
    return tuple(seen.values())


@lru_cache(maxsize=16)
def _matcher(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all terms: whole words, any case, a plural in -s or -es included.

    Longer terms come first so `snow bridge` is found as itself, not as `snow`."""
    ordered = sorted(terms, key=len, reverse=True)
    body = "|".join(re.escape(t) for t in ordered)
    return re.compile(rf"(?<!\w)({body})(?:e?s)?(?!\w)", re.IGNORECASE)


def terms_in(story: Story, *texts: str) -> tuple[str, ...]:
    """The glossary terms used in ``texts``, as the glossary writes them, in the order they first occur."""
    if not story.glossary:
        return ()
    canonical = {e.term.casefold(): e.term for e in story.glossary}
    pattern = _matcher(tuple(canonical.values()))
    found: dict[str, None] = {}
    for text in texts:
        for m in pattern.finditer(text):
            term = canonical.get(m.group(1).casefold())
            if term is not None:
                found.setdefault(term)
    return tuple(found)
