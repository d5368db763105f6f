"""The history notes, the glossary and the full fact list as Rich text for the TUI's dialogs.

The words and their order come from ``present.reference``; this module only
styles them. Story text is appended as plain text, never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from ..engine.reference import TermView
from ..i18n import _
from ..present.reference import (
    NO_FACTS,
    NO_GLOSSARY,
    NO_NOTES,
    SOURCES_TITLE,
    FactRow,
    Notes,
    SourceRow,
    glossary_sections,
)
from .text import story_text


def _facts(out: Text, facts: tuple[FactRow, ...]) -> None:
    """Each fact on its own line (after what ``out`` already holds), its sources under it."""
    for fact in facts:
        if out:
            out.append("\n")
        out.append("• ")
        out.append(fact.text)
        if fact.source:
            # The one "Source: {source}" message line mode and the classroom use; the source in italics.
            before, _sep, after = _("Source: {source}").partition("{source}")
            out.append("\n  " + before, style="dim")
            out.append(fact.source, style="italic")
            out.append(after, style="dim")


def notes_text(notes: Notes) -> Text:
    """A passage's history notes: how true it is, the writer's note, the facts with their sources."""
    out = Text()
    if notes.empty:
        out.append(_(NO_NOTES), style="italic")
        return out
    if notes.basis:
        out.append(notes.basis, style="bold")
        out.append(f" — {notes.meaning}")
    if notes.note:
        if out:
            out.append("\n\n")
        out.append_text(story_text(notes.note))
    if notes.facts:
        if out:
            out.append("\n")
        _facts(out, notes.facts)
    return out


def glossary_text(entries: tuple[TermView, ...], here: tuple[str, ...]) -> Text:
    """The glossary with the terms of the passage on screen first."""
    out = Text()
    sections = glossary_sections(entries, here)
    if not sections:
        out.append(_(NO_GLOSSARY), style="italic")
        return out
    for i, (heading, terms) in enumerate(sections):
        if i:
            out.append("\n\n")
        out.append(heading, style="bold underline")
        for term in terms:
            out.append("\n")
            out.append(term.term, style="bold")
            out.append(": ")
            out.append_text(story_text(term.definition))
    return out


def facts_text(facts: tuple[FactRow, ...], sources: tuple[SourceRow, ...]) -> Text:
    """The full fact list, each fact with its sources, then every source with how far to trust it."""
    out = Text()
    if facts:
        _facts(out, facts)
    else:
        out.append(_(NO_FACTS), style="italic")
    if sources:
        out.append("\n\n")
        out.append(_(SOURCES_TITLE), style="bold underline")
        for source in sources:
            out.append("\n• ")
            out.append(source.citation)
            if source.reliability:
                out.append("\n  ")
                out.append(source.reliability, style="italic")
    return out
