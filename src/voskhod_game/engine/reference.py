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

from ..story.model import GlossaryEntry, Source, Story


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
    forms: tuple[str, ...] = ()  # other forms of the term that name it too (`скафандра`)


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


def spellings(entries: tuple[GlossaryEntry, ...] | tuple[TermView, ...]) -> dict[str, str]:
    """Every way the text may write a term (the term and its listed forms), casefolded, to the term:
    how a word found in the text, or typed after ``define``, names its entry. A form two terms
    share names the first; a term itself always names itself."""
    found: dict[str, str] = {}
    for e in entries:
        for form in e.forms:
            found.setdefault(_fold(form), e.term)
    found.update({_fold(e.term): e.term for e in entries})
    return found


def _fold(words: str) -> str:
    return " ".join(words.split()).casefold()


@lru_cache(maxsize=16)
def _finder(entries: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """The pattern and the spelling-to-term table of one glossary's (term, forms), made once."""
    glossary = tuple(TermView(term, "", forms) for term, forms in entries)
    return _matcher(tuple(w for term, forms in entries for w in (term, *forms))), spellings(glossary)


def _matcher(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for every spelling: whole words, any case, a plural in -s or -es included.

    Longer spellings come first so `snow bridge` is found as itself, not as `snow`,
    and `скафандре` not as `скафандр` (a word must end where the spelling ends)."""
    ordered = sorted(words, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in ordered)
    # Most places in a text start no spelling: one look at the first letter skips them (3x faster).
    first = "".join(sorted({c for w in words if w for c in (w[0].lower(), w[0].upper())}))
    ahead = f"(?=[{re.escape(first)}])" if first else ""
    return re.compile(rf"(?<!\w){ahead}({body})(?:e?s)?(?!\w)", re.IGNORECASE)


def terms_in(story: Story, *texts: str) -> tuple[str, ...]:
    """The glossary terms used in ``texts``, as the glossary writes them, in the order they first occur."""
    if not story.glossary:
        return ()
    pattern, canonical = _finder(tuple((e.term, e.forms) for e in story.glossary))
    found: dict[str, None] = {}
    for text in texts:
        for m in pattern.finditer(text):
            term = canonical.get(_fold(m.group(1)))
            if term is not None:
                found.setdefault(term)
    return tuple(found)
