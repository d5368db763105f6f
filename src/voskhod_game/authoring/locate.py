"""Exact places in story files for analysis warnings.

The loaded :class:`~voskhod_game.story.model.Story` remembers where each beat,
choice, meter and ending starts, but a warning about a condition should point at
the ``if:`` line, and one about a stray ``*`` at the line of the text it sits
on. This module answers "where is this key" and "where is this character" in
the files the load parsed: ``voskhod check`` hands it the load's own parses
(``loader.analyse_story_sources``), so nothing is read or parsed again; given
none, it finds a file (only when there is something to report) in the cache of
parsed files the load filled (``story/parsed.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..story.loader import FACTS, MANIFEST
from ..story.model import Story, Where
from ..story.parsed import MEMORY, ParsedFiles
from ..story.schema import check_object
from ..story.yamlsource import PathKey, SourceFile


class Locator:
    """Finds ``path:line:col`` for keys in a story's files."""

    def __init__(
        self, story: Story, files: ParsedFiles = MEMORY, sources: Mapping[Path, SourceFile] | None = None
    ) -> None:
        self.story = story
        self.files = files
        self._files: dict[Path, SourceFile | None] = dict(sources or {})
        self._lines: dict[Path, list[str]] = {}
        self.beat_keys: dict[str, tuple[Path, PathKey]] = {}
        for scene in story.scenes:
            if scene.where is None:
                continue
            for i, beat_id in enumerate(scene.beats):
                self.beat_keys[beat_id] = (scene.where.path, ("beats", i))

    def source(self, path: Path) -> SourceFile | None:
        if path not in self._files:
            self._files[path] = self.files.read(path, self.kind(path), [], check_object)[0]
        return self._files[path]

    def lines(self, path: Path) -> list[str]:
        """The lines of a file as it was parsed (its bytes are kept with the parse)."""
        if path not in self._lines:
            src = self.source(path)
            try:
                self._lines[path] = src.content.decode("utf-8").splitlines() if src is not None else []
            except UnicodeDecodeError:
                self._lines[path] = []
        return self._lines[path]

    def kind(self, path: Path) -> str | None:
        """What the loader read this file as: the same cache key, so its parse is found."""
        if path.parent == self.story.root:
            if path.name == MANIFEST:
                return "manifest"
            if path.name == FACTS:
                return None
        return "scene"

    def at(self, path: Path, key: PathKey, *, of_key: bool = False) -> Where:
        src = self.source(path)
        if src is None:
            return Where(path, 1, 1)
        line, col = src.where(key, of_key=of_key)
        return Where(path, line, col)

    def beat(self, beat_id: str, *key: str | int, of_key: bool = False) -> Where:
        path, base = self.beat_keys[beat_id]
        return self.at(path, (*base, *key), of_key=of_key)

    def choice(self, beat_id: str, index: int, *key: str | int, of_key: bool = False) -> Where:
        return self.beat(beat_id, "choices", index, *key, of_key=of_key)

    def ignores(self, beat_id: str, index: int | None = None) -> dict[str, str]:
        """Warning code -> reason from ``ignore:`` of a beat and, with ``index``, of its choice.

        Read from the file rather than the loaded story: suppression is about
        the text a writer wrote, and the engine has no use for it. The loader has
        already refused codes that are not warnings (V206).
        """
        if beat_id not in self.beat_keys:
            return {}
        path, key = self.beat_keys[beat_id]
        src = self.source(path)
        node: object = src.data if src is not None else None
        for part in key:
            node = _child(node, part)
        found = dict(_mapping(_child(node, "ignore")))
        if index is not None:
            found.update(_mapping(_child(_child(_child(node, "choices"), index), "ignore")))
        return found

    def in_text(self, where: Where, text: str, offset: int) -> Where:
        """The place of character ``offset`` of ``text`` whose value starts at ``where``.

        Block scalars (``|``, ``>``) start on the line after their key, and
        folding changes line breaks, so the line holding the character is found
        by searching the file for that line's words from the value's start on.
        """
        lines = self.lines(where.path)
        line_start = text.rfind("\n", 0, offset) + 1
        line_end = text.find("\n", offset)
        text_line = text[line_start : line_end if line_end != -1 else len(text)]
        column_in_line = offset - line_start
        probe = text_line.strip()
        if probe:
            lead = len(text_line) - len(text_line.lstrip())
            for number in range(where.line - 1, min(len(lines), where.line + 400)):
                found = lines[number].find(probe)
                if found != -1:
                    return Where(where.path, number + 1, found + column_in_line - lead + 1)
            # Folded text: look for the characters from the offset on instead.
            snippet = text[offset : offset + 16].split("\n")[0]
            for number in range(where.line - 1, min(len(lines), where.line + 400)):
                found = lines[number].find(snippet) if snippet.strip() else -1
                if found != -1:
                    return Where(where.path, number + 1, found + 1)
        return where


def _child(node: object, part: str | int) -> object:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _mapping(node: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in node.items()} if isinstance(node, dict) else {}
