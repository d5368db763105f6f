"""Read one YAML file into plain values plus the line and column of each value.

PyYAML's C parser composes the node tree (fast), and this module turns nodes
into dicts, lists and scalars itself so that it can remember where every value
came from, refuse duplicate keys (YAML silently keeps the last one) and stop
alias bombs, which expand shared nodes exponentially.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from .diagnostics import Diagnostic

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_RESOLVE_CACHE_MAX_LENGTH = 64
_DEFAULT_SCALAR_TAG = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_DEFAULT_MAPPING_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_DEFAULT_SEQUENCE_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_RESOLVE_CACHE_MAX_ENTRIES = 50_000


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader with a memo on implicit tag resolution.

    PyYAML's resolver runs Python regexes for every scalar, keys included, and it
    was a third of composing time in the benchmarks. Keys and short values repeat
    a lot (``id``, ``label``, ``true``), and with no path resolvers (the safe
    loader has none) the tag depends only on the arguments, so short ones are
    remembered.
    """

    _tags: ClassVar[dict[tuple[Any, str, Any], str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # With no path resolvers these are what PyYAML's resolver answers, without its Python code:
        # quoted and block text is text, and collections have their default tags.
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _DEFAULT_SCALAR_TAG
        elif kind is yaml.MappingNode:
            return _DEFAULT_MAPPING_TAG
        elif kind is yaml.SequenceNode:
            return _DEFAULT_SEQUENCE_TAG
        if kind is not yaml.ScalarNode or len(value) > _RESOLVE_CACHE_MAX_LENGTH:
            return super().resolve(kind, value, implicit)
        key = (kind, value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            if len(self._tags) >= _RESOLVE_CACHE_MAX_ENTRIES:
                self._tags.clear()
            tag = self._tags[key] = super().resolve(kind, value, implicit)
        return tag


MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ALIAS_EXPANSION = 10  # expanded nodes may be at most this many times the written ones
MIN_NODE_BUDGET = 10_000

PathKey = tuple[str | int, ...]


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


@dataclass
class SourceFile:
    """A parsed file: its data and where each value (by key path) starts.

    ``parsed.py`` keeps every field but the path in its cache: a new field goes there too
    (tests/test_parsed_cache.py checks the two agree).
    """

    path: Path
    data: Any = None
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    content: bytes = field(default=b"", repr=False)  # the bytes parsed, for the story's fingerprint
    traps: dict[tuple[int, int], Trap] = field(default_factory=dict)  # (line, col) -> a YAML 1.1 surprise there
    styles: dict[PathKey, str] = field(default_factory=dict)  # quoted ('"', "'") and block ('|', '>') scalars

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
        table = self.key_marks if of_key else self.marks
        probe = key
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.marks:
                return self.marks[probe]
            probe = probe[:-1]
        return self.marks.get((), (1, 1))


class _AliasBomb(Exception):
    pass


class _Builder:
    def __init__(self, source: SourceFile, diagnostics: list[Diagnostic], may_alias: bool = True) -> None:
        self.source = source
        self.marks = source.marks
        self.styles = source.styles
        self.diagnostics = diagnostics
        self.seen: set[int] = set()
        self.visits = 0
        # Without an anchor (`&`) in the text there are no aliases, so no node is
        # visited twice and the alias-bomb bookkeeping can be skipped.
        self.may_alias = may_alias

    def build(self, node: yaml.Node, key: PathKey) -> Any:
        if self.may_alias:
            self.visits += 1
            self.seen.add(id(node))
            if self.visits > MIN_NODE_BUDGET and self.visits > MAX_ALIAS_EXPANSION * len(self.seen):
                raise _AliasBomb
        mark = node.start_mark
        where = self.marks[key] = (mark.line + 1, mark.column + 1)
        if type(node) is _SCALAR:
            text = node.value
            value = text if node.tag == _STR_TAG else self.scalar(node)
            if node.style:
                self.styles[key] = node.style
            # Plain, unquoted text (libyaml says "", PyYAML None): where YAML 1.1 surprises. Only
            # text that starts like a number can be a trap when YAML kept it as text.
            elif text and (value is not text or text[0] in _NUMBERISH):
                trap = yaml11_trap(text, value)
                if trap is not None:
                    self.source.traps[where] = trap
            return value
        if isinstance(node, yaml.SequenceNode):
            if node.flow_style:
                for child in node.value:
                    if isinstance(child, yaml.ScalarNode) and not child.style:
                        trap = _comma_cut(child.value)
                        if trap is not None:
                            self.source.traps[(child.start_mark.line + 1, child.start_mark.column + 1)] = trap
            return [self.build(child, (*key, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged = self.build(value_node, (*key, "<<"))
                    for part in merged if isinstance(merged, list) else [merged]:
                        if isinstance(part, dict):
                            for k, v in part.items():
                                result.setdefault(k, v)
                    continue
                name = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(name, (str, int, float, bool)) or name is None:
                    line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    self.diagnostics.append(
                        Diagnostic("V102", "mapping keys must be plain words", self.source.path, line, col)
                    )
                    continue
                name = str(name) if not isinstance(name, str) else name
                child = (*key, name)
                kmark = key_node.start_mark
                if name in result:
                    first = self.source.key_marks.get(child, (0, 0))[0]
                    self.diagnostics.append(
                        Diagnostic(
                            "V005",
                            f"duplicate key `{name}` (first at line {first})",
                            self.source.path,
                            kmark.line + 1,
                            kmark.column + 1,
                            "remove one of them: YAML would silently keep only the last",
                        )
                    )
                    continue
                self.source.key_marks[child] = (kmark.line + 1, kmark.column + 1)
                result[name] = self.build(value_node, child)
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


_SCALAR = yaml.ScalarNode
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
    """Parse the bytes ``raw`` read from ``path``; append problems to ``diagnostics``; None when unusable."""
    source = SourceFile(path)
    source.content = raw
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
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        diagnostics.append(_syntax_error(exc, path))
        return None
    except yaml.YAMLError as exc:
        diagnostics.append(Diagnostic("V003", f"YAML syntax error: {exc}", path, 1, 1))
        return None
    if node is None:
        source.data = None
        return source
    builder = _Builder(source, diagnostics, may_alias="&" in text)
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
