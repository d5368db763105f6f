"""Read one YAML file into plain values, and find the line and column of each value when asked.

PyYAML's C parser composes the node tree (fast), and this module turns nodes
into dicts, lists and scalars itself so that it can refuse duplicate keys (YAML
silently keeps the last one), note YAML 1.1 surprises where they are, stop
alias bombs, which expand shared nodes exponentially, and (parsing the same
bytes again, only when a problem or a tool needs a place) remember where every
value came from.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ..gcpause import collector_paused
from .diagnostics import Diagnostic

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_RESOLVE_CACHE_MAX_LENGTH = 64
_DEFAULT_SCALAR_TAG = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_DEFAULT_MAPPING_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_DEFAULT_SEQUENCE_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_SCALAR = yaml.ScalarNode
_SEQUENCE = yaml.SequenceNode
_MAPPING = yaml.MappingNode
_RESOLVE_CACHE_MAX_ENTRIES = 50_000


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader with a memo on implicit tag resolution.

    PyYAML's C parser asks the resolver for the tag of every value, keys included,
    and its Python regexes were a third of composing time in the benchmarks. With
    no path resolvers (the safe loader has none), quoted and block text is text,
    collections have their default tags, and a plain scalar's tag depends only on
    its text; keys and short values repeat a lot (``id``, ``label``, ``true``),
    so those are remembered.
    """

    _tags: ClassVar[dict[str, str]] = {}  # plain scalar -> its tag

    # The composer tells the resolver each step down and up the tree, for path
    # resolvers; with none these do nothing, and as Python methods they were a
    # Python call each per value. Built-ins that take the same arguments and do
    # nothing: they are not bound to the loader, so the composer's calls go
    # straight to C.
    descend_resolver: ClassVar[Callable[..., Any]] = {}.get  # (parent, index) -> index, nothing changed
    ascend_resolver: ClassVar[Callable[..., Any]] = tuple  # () -> (), nothing changed

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is _SCALAR:
            if not implicit[0]:
                return _DEFAULT_SCALAR_TAG
            tag = self._tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= _RESOLVE_CACHE_MAX_LENGTH:
                    if len(self._tags) >= _RESOLVE_CACHE_MAX_ENTRIES:
                        self._tags.clear()
                    self._tags[value] = tag
            return tag
        if kind is _MAPPING:
            return _DEFAULT_MAPPING_TAG
        if kind is _SEQUENCE:
            return _DEFAULT_SEQUENCE_TAG
        return super().resolve(kind, value, implicit)  # pragma: no cover - no other node kinds exist


MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ALIAS_EXPANSION = 10  # expanded nodes may be at most this many times the written ones
MIN_NODE_BUDGET = 10_000

PathKey = tuple[str | int, ...]
# Where values start, where their keys start, and the styles of quoted and block text, by key path.
PlaceTables = tuple[dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]], dict[PathKey, str]]


@dataclass(frozen=True)
class Trap:
    """A plain value YAML 1.1 reads differently from how it looks (``1:30`` is 90).

    ``silent`` traps give a value nothing else would question, so the loader
    reports them itself (V007); the others only explain a problem reported at
    the same place (``time: 1e3`` is text, so "wrong type" gets this hint).
    """

    text: str
    reading: str  # what YAML made of it: "the number 90"
    advice: str
    silent: bool

    @property
    def message(self) -> str:
        return f"YAML 1.1 reads `{self.text}` as {self.reading}"

    @property
    def hint(self) -> str:
        return f"{self.message}; {self.advice}"


_OCTAL_RE = re.compile(r"[-+]?0[0-7_]+")
_EXPONENT_RE = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
_BOOL_WORDS = frozenset({"true", "false", "True", "False", "TRUE", "FALSE"})


def yaml11_trap(text: str, value: Any) -> Trap | None:
    """The trap in a plain scalar ``text`` that PyYAML (YAML 1.1) read as ``value``, if any."""
    if isinstance(value, bool):
        if text in _BOOL_WORDS:
            return None
        return Trap(text, "true" if value else "false", f'put text in quotes: "{text}"', False)
    if isinstance(value, (int, float)):
        if ":" in text:
            return Trap(
                text,
                f"the number {value:g} (base 60, like a clock)",
                "write the number you mean (`90` minutes, `1.5`), or put text in quotes",
                True,
            )
        if _OCTAL_RE.fullmatch(text) and value != int(text.replace("_", ""), 10):
            digits = text.lstrip("+-").lstrip("0_") or "0"
            return Trap(text, f"{value} (a leading 0 means octal)", f"write `{digits}`", True)
        return None
    if isinstance(value, str) and text[0] in "0123456789+-." and _EXPONENT_RE.fullmatch(text):
        return Trap(
            text,
            "text, not a number (its exponents need a dot and a sign)",
            f"write the number out, or as `{_yaml11_float(text)}`",
            False,
        )
    return None


def _yaml11_float(text: str) -> str:
    mantissa, exponent = re.split("[eE]", text, maxsplit=1)
    if "." not in mantissa:
        mantissa += ".0"
    if exponent[0] not in "+-":
        exponent = "+" + exponent
    return f"{mantissa}e{exponent}"


def _comma_cut(text: str) -> Trap | None:
    """An item of a one-line list ``[a, b]`` that a comma cut in two (``max(1`` of ``max(1, 2)``)."""
    if text.count("(") == text.count(")"):
        return None
    return Trap(
        text,
        "one item of a one-line list `[...]`, where every comma starts a new item",
        "write one item per line (`- x = max(1, 2)`) or put the item in quotes",
        False,
    )


class Places:
    """Where each value of one file starts, where its key starts, and how quoted or block text was written.

    Only problems and warnings need a place, and recording one for every value
    (tens of thousands of key paths and positions) was a third of the parse and
    most of what the garbage collector later scanned. So a load keeps the file's
    bytes and parses them again, recording places, the first time anything asks:
    the same bytes give the same values, so the places are those of the values loaded.
    """

    __slots__ = ("_content", "_found")

    def __init__(
        self,
        content: bytes = b"",
        marks: dict[PathKey, tuple[int, int]] | None = None,
        key_marks: dict[PathKey, tuple[int, int]] | None = None,
        styles: dict[PathKey, str] | None = None,
    ) -> None:
        self._content = content
        self._found = None if marks is None else (marks, key_marks or {}, styles or {})

    def found(self) -> PlaceTables:
        """The values' places, their keys' places and the text styles (found on first use)."""
        found = self._found
        if found is None:
            found = self._found = _find_places(self._content)
        return found


@dataclass
class SourceFile:
    """A parsed file: its data and, found when first asked for, where each value (by key path) starts.

    ``parsed.py`` keeps every field but the path in its cache: a new field goes there too
    (tests/test_parsed_cache.py checks the two agree).
    """

    path: Path
    data: Any = None
    content: bytes = field(default=b"", repr=False)  # the bytes parsed, for the story's fingerprint
    traps: dict[tuple[int, int], Trap] = field(default_factory=dict)  # (line, col) -> a YAML 1.1 surprise there
    places: Places = field(default_factory=Places, repr=False)  # found again from ``content`` when first asked

    @property
    def marks(self) -> dict[PathKey, tuple[int, int]]:
        return self.places.found()[0]

    @property
    def key_marks(self) -> dict[PathKey, tuple[int, int]]:
        return self.places.found()[1]

    @property
    def styles(self) -> dict[PathKey, str]:
        """Quoted (``"``, ``'``) and block (``|``, ``>``) scalars' styles by key path."""
        return self.places.found()[2]

    def position(self, key: PathKey, offset: int, text: str) -> tuple[int, int]:
        """Line and column of character ``offset`` of the text value at ``key``."""
        line, col = self.where(key)
        style = self.styles.get(key)
        newlines = text.count("\n", 0, offset)
        if style in ("|", ">"):
            # The text starts on the line after the indicator, at the block's indentation.
            lines = self.content.decode("utf-8", "replace").splitlines()
            first = lines[line] if line < len(lines) else ""
            indent = len(first) - len(first.lstrip(" "))
            return line + 1 + newlines, indent + 1 + offset - (text.rfind("\n", 0, offset) + 1)
        if newlines:
            return line, col
        return line, col + offset + (1 if style in ('"', "'") else 0)

    def where(self, key: PathKey, *, of_key: bool = False) -> tuple[int, int]:
        """Best line/col for a value (or its key), walking up to the nearest known parent."""
        marks, key_marks, _ = self.places.found()
        table = key_marks if of_key else marks
        probe = key
        while probe:
            if probe in table:
                return table[probe]
            if probe in marks:
                return marks[probe]
            probe = probe[:-1]
        return marks.get((), (1, 1))


class _AliasBomb(Exception):
    pass


class _Builder:
    """Plain values from a composed node tree; with ``places``, the place of every value too.

    A load builds without places (the fast way); :class:`Places` builds the same
    tree again with them. Both find the same values and problems, by the same code.
    """

    def __init__(
        self,
        path: Path,
        diagnostics: list[Diagnostic],
        traps: dict[tuple[int, int], Trap],
        may_alias: bool = True,
        places: PlaceTables | None = None,
    ) -> None:
        self.path = path
        self.diagnostics = diagnostics
        self.traps = traps
        self.record = places is not None
        self.marks, self.key_marks, self.styles = places if places is not None else ({}, {}, {})
        self.seen: set[int] = set()
        self.visits = 0
        # Without an anchor (`&`) in the text there are no aliases, so no node is
        # visited twice and the alias-bomb bookkeeping can be skipped.
        self.may_alias = may_alias

    def build(self, node: Any, key: PathKey) -> Any:
        """The value of ``node``; ``key`` is its key path (only looked at when recording places)."""
        if self.may_alias:
            self.visits += 1
            self.seen.add(id(node))
            if self.visits > MIN_NODE_BUDGET and self.visits > MAX_ALIAS_EXPANSION * len(self.seen):
                raise _AliasBomb
        record = self.record
        if record:
            mark = node.start_mark
            self.marks[key] = (mark.line + 1, mark.column + 1)
        kind = type(node)
        if kind is _SCALAR:
            text = node.value
            value = text if node.tag == _STR_TAG else self.scalar(node)
            if node.style:
                if record:
                    self.styles[key] = node.style
            # Plain, unquoted text (libyaml says "", PyYAML None): where YAML 1.1 surprises. Only
            # text that starts like a number can be a trap when YAML kept it as text.
            elif text and (value is not text or text[0] in _NUMBERISH):
                trap = yaml11_trap(text, value)
                if trap is not None:
                    self.traps[_place(node)] = trap
            return value
        if kind is _SEQUENCE:
            if node.flow_style:
                for child in node.value:
                    text = child.value
                    if type(child) is _SCALAR and not child.style and ("(" in text or ")" in text):
                        trap = _comma_cut(text)
                        if trap is not None:
                            self.traps[_place(child)] = trap
            if record:
                return [self.build(child, (*key, i)) for i, child in enumerate(node.value)]
            return [self.build(child, key) for child in node.value]
        if kind is _MAPPING:
            result: dict[Any, Any] = {}
            accepted: dict[str, yaml.Node] = {}  # the key written first for each name (duplicates: V005)
            # Most values are simply text: taken here as ``build`` would take them, without a call.
            inline = not record and not self.may_alias
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    merged = self.build(value_node, (*key, "<<") if record else key)
                    for part in merged if isinstance(merged, list) else [merged]:
                        if isinstance(part, dict):
                            for k, v in part.items():
                                result.setdefault(k, v)
                    continue
                if type(key_node) is _SCALAR and key_node.tag == _STR_TAG:
                    name = key_node.value
                else:
                    name = self.scalar(key_node) if type(key_node) is _SCALAR else None
                    if not isinstance(name, (str, int, float, bool)) or name is None:
                        line, col = _place(key_node)
                        self.diagnostics.append(
                            Diagnostic("V102", "mapping keys must be plain words", self.path, line, col)
                        )
                        continue
                    name = str(name)
                if name in result:
                    first = accepted[name].start_mark.line + 1 if name in accepted else 0
                    line, col = _place(key_node)
                    self.diagnostics.append(
                        Diagnostic(
                            "V005",
                            f"duplicate key `{name}` (first at line {first})",
                            self.path,
                            line,
                            col,
                            "remove one of them: YAML would silently keep only the last",
                        )
                    )
                    continue
                accepted[name] = key_node
                if record:
                    child = (*key, name)
                    self.key_marks[child] = _place(key_node)
                    result[name] = self.build(value_node, child)
                else:
                    if inline and type(value_node) is _SCALAR and value_node.tag == _STR_TAG:
                        text = value_node.value
                        if text and (value_node.style or text[0] not in _NUMBERISH):  # no YAML 1.1 trap
                            result[name] = text
                            continue
                    result[name] = self.build(value_node, key)
            return result
        return None  # pragma: no cover - no other node kinds exist

    @staticmethod
    def scalar(node: yaml.ScalarNode) -> Any:
        # Reuse PyYAML's resolver results (the tag) with its safe constructor for one scalar.
        tag, text = node.tag, node.value
        if tag == _STR_TAG:
            return text
        known = _CONSTRUCTED.get((tag, text), _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        constructor = yaml.SafeLoader.yaml_constructors.get(tag)
        if constructor is None:
            return text
        try:
            value = constructor(_SCALAR_LOADER, node)
        except Exception:
            return text
        # Numbers, yes/no and nothing repeat (`time: 3`, `hide: true`) and cannot be changed: kept.
        if type(value) in _KEPT_TYPES and len(text) <= _RESOLVE_CACHE_MAX_LENGTH:
            if len(_CONSTRUCTED) >= _RESOLVE_CACHE_MAX_ENTRIES:
                _CONSTRUCTED.clear()
            _CONSTRUCTED[tag, text] = value
        return value


def _place(node: yaml.Node) -> tuple[int, int]:
    """The 1-based line and column where ``node`` starts."""
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_NUMBERISH = frozenset("0123456789+-.")
_UNKNOWN: Any = object()
_KEPT_TYPES = frozenset({int, float, bool, type(None)})
_CONSTRUCTED: dict[tuple[str, str], Any] = {}


class _ScalarLoader(yaml.SafeLoader):
    def __init__(self) -> None:  # no stream: only the scalar constructors are used
        yaml.constructor.SafeConstructor.__init__(self)


_SCALAR_LOADER = _ScalarLoader()


class FileRefused(Exception):
    """A story file that is not read: ``code`` and ``message`` say why."""

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> FileRefused:
    kind = next((name for test, name in _KINDS if test(mode)), "a device")
    return FileRefused("V006", f"this is {kind}, not a regular file", "story files must be ordinary text files")


def _too_large(size: int, limit: int) -> FileRefused:
    return FileRefused("V002", f"file is {size:,} bytes; the limit is {limit:,}", "split the scene into several files")


def read_capped(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else FileRefused.

    A name ending in ``.yaml`` can be anything: a FIFO (reading it blocks
    until someone writes), a symlink to /dev/zero (never ends), a folder. So the
    kind and size are checked before reading, the file is opened without
    blocking and checked again on the open descriptor (it may have been swapped
    in between), and at most ``limit + 1`` bytes are ever read.
    """
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        if st.st_size > limit:
            raise _too_large(st.st_size, limit)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise FileRefused("V006", f"cannot read file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused("V006", f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _syntax_error(exc: yaml.MarkedYAMLError, path: Path) -> Diagnostic:
    """V003 where the writer can fix it: an unclosed quote where it opened, not at the end of the file."""
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        opened = exc.context_mark
        return Diagnostic(
            "V003",
            "YAML syntax error: a quote opened here is never closed",
            path,
            opened.line + 1,
            opened.column + 1,
            "end the text with the same quote mark; inside \"...\" write a quote as \\\", inside '...' as ''",
        )
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context else ""
    return Diagnostic(
        "V003",
        f"YAML syntax error: {problem}{context}",
        path,
        line,
        col,
        "check indentation and quote text that contains `: ` or starts with a symbol",
    )


def read_yaml(path: Path, diagnostics: list[Diagnostic]) -> SourceFile | None:
    """Parse ``path``; append problems to ``diagnostics``; None when unusable."""
    try:
        raw = read_capped(path)
    except FileRefused as exc:
        diagnostics.append(Diagnostic(exc.code, exc.message, path, 1, 1, exc.hint))
        return None
    return parse_yaml(path, raw, diagnostics)


def parse_yaml(path: Path, raw: bytes, diagnostics: list[Diagnostic]) -> SourceFile | None:
    """Parse the bytes ``raw`` read from ``path``; append problems to ``diagnostics``; None when unusable.

    The values' places are not recorded here: see :class:`Places`.
    """
    composed = _compose(path, raw, diagnostics)
    if composed is None:
        return None
    node, text = composed
    source = SourceFile(path, content=raw, places=Places(raw))
    if node is None:
        return source
    builder = _Builder(path, diagnostics, source.traps, may_alias="&" in text)
    try:
        source.data = builder.build(node, ())
    except _AliasBomb:
        diagnostics.append(
            Diagnostic(
                "V004",
                "aliases expand to too many values (an alias bomb?)",
                path,
                1,
                1,
                "use anchors and aliases sparingly; write the values out instead",
            )
        )
        return None
    except RecursionError:
        diagnostics.append(Diagnostic("V004", "values nested too deeply", path, 1, 1))
        return None
    return source


def _compose(path: Path, raw: bytes, diagnostics: list[Diagnostic]) -> tuple[yaml.Node | None, str] | None:
    """The node tree of ``raw`` (None for an empty file) and its text; None, with the problem, when unusable."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        diagnostics.append(
            Diagnostic(
                "V001",
                f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                path,
                line,
                col,
                "save the file as UTF-8 in your editor",
            )
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return yaml.compose(text, Loader=_Loader), text
    except yaml.MarkedYAMLError as exc:
        diagnostics.append(_syntax_error(exc, path))
    except yaml.YAMLError as exc:
        diagnostics.append(Diagnostic("V003", f"YAML syntax error: {exc}", path, 1, 1))
    return None


def _find_places(content: bytes) -> PlaceTables:
    """The places of the values of ``content``, parsed again the way :func:`parse_yaml` parsed it."""
    places: PlaceTables = ({}, {}, {})
    with collector_paused():
        composed = _compose(Path(), content, [])
        node, text = composed if composed is not None else (None, "")
        if node is not None:
            # A file that parsed once parses again; one that could not (an alias bomb) has no values to place.
            with contextlib.suppress(_AliasBomb, RecursionError):
                _Builder(Path(), [], {}, may_alias="&" in text, places=places).build(node, ())
    return places
