"""Writer tools for translations: the template of a story's texts, and catalogues kept up to date.

``extract`` writes ``locales/story.pot`` (every text a player can see, by its
stable id); ``init LANG`` starts ``locales/LANG.po`` from it; ``update`` merges
a changed story into every catalogue, keeping each translation and marking the
ones whose source changed as fuzzy with the previous source, so a translator
sees exactly what to look at. ``voskhod check`` then reports what is missing,
stale or broken (W501, W502, V501, V502).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ..engine.saves import write_atomically
from ..i18n import _
from ..story.diagnostics import Diagnostic
from ..story.loader import analyse_story
from ..story.model import Story
from ..story.translation import (
    LOCALES,
    TEMPLATE,
    Entry,
    SourceText,
    catalogue_path,
    check_language,
    languages,
    read_catalogue,
)

# Codes a load in a language reports about that language (the rest is about the story itself).
TRANSLATION_CODES = frozenset({"W501", "W502", "V501", "V502"})


@dataclass(frozen=True)
class Written:
    path: Path
    kept: int = 0
    stale: int = 0
    new: int = 0
    total: int = 0


def source_texts(story: Story) -> list[SourceText]:
    """The story's texts, each id once, in the order a reader meets them in the files."""
    seen: set[str] = set()
    out = []
    for item in sorted(story.texts, key=lambda t: (str(t.path), t.line)):
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


def extract(story: Story) -> Written:
    texts = source_texts(story)
    path = story.root / LOCALES / TEMPLATE
    write_catalogue(path, texts, None, {}, story.title)
    return Written(path, total=len(texts))


def init(story: Story, lang: str) -> Written:
    path = catalogue_path(story.root, check_language(lang))
    if path.exists():
        raise FileExistsError(
            _("{path} exists: use `voskhod translate update` to bring it up to date").format(path=path)
        )
    texts = source_texts(story)
    write_catalogue(path, texts, lang, {}, story.title)
    return Written(path, new=len(texts), total=len(texts))


def update(story: Story) -> list[Written]:
    """Bring the template and every language's catalogue up to date with the story."""
    out = [extract(story)]
    texts = source_texts(story)
    for lang in languages(story.root):
        path = catalogue_path(story.root, lang)
        kept, stale, new = write_catalogue(path, texts, lang, read_catalogue(path), story.title)
        out.append(Written(path, kept, stale, new, len(texts)))
    return out


def check_translations(root: Path) -> list[Diagnostic]:
    """What each language's catalogue lacks or gets wrong, for ``voskhod check``."""
    found: list[Diagnostic] = []
    locales = root / LOCALES
    for lang in languages(root):
        _, diagnostics = analyse_story(root, lang)
        found.extend(d for d in diagnostics if d.code in TRANSLATION_CODES or locales in d.path.parents)
    return found


def write_catalogue(
    path: Path, texts: list[SourceText], lang: str | None, old: dict[str, Entry], title: str
) -> tuple[int, int, int]:
    """Write the template (``lang`` None) or a language's catalogue; return (kept, stale, new)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale=lang, project=title, fuzzy=False)
    kept = stale = new = 0
    for item in texts:
        where = [(item.path.name, item.line)]
        before = old.get(item.id)
        notes = [item.note] if item.note else []
        if lang is None or before is None or not before.text:
            catalog.add(item.text, "", locations=where, context=item.id, auto_comments=notes)
            new += lang is not None
        elif before.source == item.text:
            fuzzy = {"fuzzy"} if before.fuzzy else set()
            catalog.add(item.text, before.text, locations=where, context=item.id, flags=fuzzy, auto_comments=notes)
            kept += 1
        else:
            catalog.add(
                item.text,
                before.text,
                locations=where,
                context=item.id,
                flags={"fuzzy"},
                previous_id=before.source,
                auto_comments=notes,
            )
            stale += 1
    for message in catalog:
        message.flags.discard("python-format")  # `{...}` here is the story language, not Python's
        message.flags.discard("python-brace-format")
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_previous=True, sort_output=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, out.getvalue())
    return kept, stale, new
