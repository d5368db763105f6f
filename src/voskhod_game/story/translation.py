"""A story in other languages: gettext catalogues beside the story, one per language.

::

    story/locales/story.pot     every text a player can see (``voskhod translate extract``)
    story/locales/ru.po         one catalogue per language (``voskhod translate init|update``)

Each entry's context (``msgctxt``) is the text's stable id, made from the
story's structure (scene, beat, choice and ending ids, never positions in a
file), so translations survive edits elsewhere; ``msgid`` is the source text.
When a source text changes, ``update`` keeps the old translation marked fuzzy
with the previous source (``#| msgid``), and ``check`` reports it as stale until
a translator confirms it. The files are ordinary PO files: Poedit, Weblate or
any text editor can edit them. Babel reads and writes them.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from ..i18n import _
from .diagnostics import visible
from .markup import runs
from .text import Format, compile_text

LOCALES = "locales"
TEMPLATE = "story.pot"
LANG_PATTERN = r"^[a-z]{2,3}(?:_[A-Z]{2})?$"  # a language code usable as a catalogue name: `ru`, `pt_BR`
LANG_RE = re.compile(LANG_PATTERN)
MAX_CATALOGUE_BYTES = 20 * 1024 * 1024


class TranslationError(ValueError):
    """A catalogue that cannot be used; the message says why."""


@dataclass(frozen=True)
class Entry:
    """One translated text: the translation, the source it was made from, and where it is."""

    text: str
    source: str
    fuzzy: bool
    line: int


@dataclass(frozen=True)
class SourceText:
    """A text of the story, for the template: its stable id, its words and where they are."""

    id: str
    text: str
    path: Path
    line: int
    note: str = ""  # for the translator (a `#.` comment in the catalogue)


# A glossary term's translation may name the other forms the translated text uses.
FORMS_SEPARATOR = "|"
TERM_NOTE = (
    "A glossary term. Other forms of it that the translated text uses may follow, "
    "each after a |, so they link to it too (in Russian: скафандр | скафандра | скафандре)"
)


def term_and_forms(translated: str) -> tuple[str, tuple[str, ...]]:
    """``скафандр | скафандра | скафандре`` -> the term and its other forms (none without a ``|``)."""
    term, *forms = (" ".join(part.split()) for part in translated.split(FORMS_SEPARATOR))
    if not term:  # "| скафандра": no term to show; the forms alone would name nothing
        return translated.replace(FORMS_SEPARATOR, " ").strip(), ()
    return term, tuple(dict.fromkeys(f for f in forms if f and f.casefold() != term.casefold()))


# A story's texts for the template are kept flat, three items each: the SourceFile, the key path and the
# words, then the next text's (a load records thousands, and a tuple each was that many more objects).
PendingText = Any


class SourceTexts(Sequence[SourceText]):
    """A story's texts for the translation template, their ids and lines worked out when first read.

    Only ``voskhod translate`` reads them, while working out each text's id (a walk
    down its file's data) and line was a tenth of every load; a load now keeps
    where each text is and this does the rest on first use.
    """

    def __init__(
        self, pending: Sequence[PendingText] | Callable[[], Sequence[PendingText]], prefix: Callable[[Any], str]
    ) -> None:
        # ``pending`` may also be a function giving them (a revived story builds its beats first).
        self._pending = pending
        self._prefix: Callable[[Any], str] | None = prefix
        self._items: tuple[SourceText, ...] | None = None

    def _resolved(self) -> tuple[SourceText, ...]:
        if self._items is None:
            assert self._prefix is not None
            pending = self._pending() if callable(self._pending) else self._pending
            prefixes: dict[int, str] = {}
            items = []
            parts = iter(pending)
            for src, key, words in zip(parts, parts, parts, strict=True):
                prefix = prefixes.get(id(src))
                if prefix is None:
                    prefix = prefixes[id(src)] = self._prefix(src)
                tid, note = source_text_id(src.data, key, prefix)
                items.append(SourceText(tid, words, src.path, src.where(key)[0], note))
            self._items, self._pending, self._prefix = tuple(items), (), None
        return self._items

    @overload
    def __getitem__(self, index: int) -> SourceText: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[SourceText]: ...
    def __getitem__(self, index: int | slice) -> SourceText | Sequence[SourceText]:
        return self._resolved()[index]

    def __len__(self) -> int:
        return len(self._resolved())


def catalogue_path(root: Path, lang: str) -> Path:
    return root / LOCALES / f"{lang}.po"


def languages(root: Path) -> list[str]:
    """The languages a story has catalogues for."""
    folder = root / LOCALES
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.po") if LANG_RE.match(p.stem))


def check_language(lang: str) -> str:
    """``ru``, ``pt_BR``: a language code usable as a catalogue name; ValueError otherwise."""
    if not LANG_RE.match(lang):
        raise ValueError(_("“{lang}” is not a language code such as `ru` or `pt_BR`").format(lang=visible(lang[:40])))
    return lang


def language_from_locale(value: str | None) -> str:
    """The language of a locale setting (``ru_RU.UTF-8`` -> ``ru``); empty for C/POSIX or none."""
    if not value:
        return ""
    code = value.split(".", 1)[0].split("@", 1)[0]
    if code in ("C", "POSIX") or not code:
        return ""
    lang = code.split("_", 1)[0].lower()
    return lang if LANG_RE.match(lang) else ""


def read_catalogue(path: Path) -> dict[str, Entry]:
    """The entries of a PO file by stable id; TranslationError if it cannot be read."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        if path.stat().st_size > MAX_CATALOGUE_BYTES:
            raise TranslationError(f"{path.name} is larger than any catalogue should be")
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except OSError as exc:
        raise TranslationError(f"cannot read {path.name} ({exc.strerror or exc})") from None
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        raise TranslationError(f"{path.name} is not a valid PO file: {str(exc)[:200]}") from None
    entries: dict[str, Entry] = {}
    for message in catalog:
        if not message.id or not message.context or not isinstance(message.id, str):
            continue
        text = message.string if isinstance(message.string, str) else ""
        line = message.lineno or 1
        entries[message.context] = Entry(text, message.id, message.fuzzy, line)
    return entries


def source_text_id(data: Any, key: tuple[str | int, ...], prefix: str) -> tuple[str, str]:
    """The stable id of the text at ``key`` and its note for the translator.

    A glossary definition keeps its id (and its translations) when the writer adds
    `forms:` to its term; a term carries TERM_NOTE.
    """
    glossary = key[:1] == ("glossary",) and len(key) == 3
    id_key = key[:2] if glossary and key[2] == "definition" else key
    note = TERM_NOTE if glossary and key[2] == "term" else ""
    return text_id(data, id_key, prefix), note


def text_id(data: Any, key: tuple[str | int, ...], prefix: str) -> str:
    """A text's stable id: its key path with list positions replaced by the items' ids."""
    parts = [prefix]
    node = data
    for step in key:
        if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            item = node[step]
            parts.append(str(item["id"]) if isinstance(item, dict) and isinstance(item.get("id"), str) else str(step))
            node = item
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "/".join(parts)


# -- what must stay the same between a source text and its translation --------------------
def skeleton(text: str) -> Counter[tuple[str, str]]:
    """The expressions a text shows and tests, with their formats, as a multiset.

    A translation may move them about and reword everything around them, but
    must keep each one: a lost ``{oxygen}`` or a changed condition would show
    the player something else than the source does.
    """
    found: Counter[tuple[str, str]] = Counter()

    def value(expr: str, offset: int, fmt: Format) -> Any:
        found[("value", f"{_normal(expr)}:{fmt.decimals}:{fmt.unit}:{fmt.word}")] += 1
        return lambda env: ""

    def condition(expr: str, offset: int) -> Any:
        found[("condition", _normal(expr))] += 1
        return lambda env: False

    compile_text(text, value, condition)
    return found


def emphasis(text: str) -> Counter[str]:
    """How many emphasised and strong runs a text has."""
    return Counter(style for style, _ in runs(text) if style)


def _normal(expr: str) -> str:
    try:
        return ast.unparse(ast.parse(expr.strip(), mode="eval"))
    except SyntaxError:
        return expr.strip()


def describe_difference(source: Counter[tuple[str, str]], translated: Counter[tuple[str, str]]) -> str:
    """``missing {oxygen}; extra {if heard}``: what a translation lost or added."""

    def show(kind_expr: tuple[str, str]) -> str:
        kind, expr = kind_expr
        return "{if " + expr + "}" if kind == "condition" else "{" + expr.split(":", 1)[0] + "}"

    missing = [show(k) for k in (source - translated).elements()]
    extra = [show(k) for k in (translated - source).elements()]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not in the source " + ", ".join(extra))
    return "; ".join(parts)
