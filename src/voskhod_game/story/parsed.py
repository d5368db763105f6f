"""Parsed story files kept by their content, so each file is parsed and checked once.

Parsing a scene file (PyYAML composing nodes, then plain values; their places
are found from the same bytes only when asked for, ``yamlsource.Places``) and checking it against the schema depend only on its bytes and on this
code, so the result is kept under a key made of both: the SHA-256 of the
bytes, the kind of file, and a fingerprint of the engine (its version, the
Python and PyYAML versions, and the source of the modules that parse and
check). A writer's ``--watch`` reload then parses only the file that was saved;
a later run of any command finds the files it read before on disk.

Two layers: a bounded one in memory (per process; every load uses it), and
one on disk in the user cache folder (``platformdirs``; commands that a person
runs use it). A disk entry is the key, a SHA-256 of the payload and the payload
in ``marshal`` form, written to a temporary file and renamed into place; on
reading, anything that does not check out (a torn or damaged file, a key that
differs, values of the wrong shape) is ignored and the file parsed again, and a
folder that cannot be written is simply not used. Values are never trusted
without their key.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic
from .sealed import read_sealed, seal, write_atomically
from .yamlsource import FileRefused, Places, SourceFile, Trap, parse_yaml, read_capped

MAGIC = b"VSKPARS2"
MEMORY_ENTRIES = 2_048
MAX_ENTRY_BYTES = 64 * 1024 * 1024
CACHE_ENV = "VOSKHOD_CACHE"  # a folder, or "off"

Problem = tuple[str, str, int, int, str, str]  # code, message, line, col, hint, severity


def _engine_fingerprint() -> bytes:
    """What the parsed form depends on besides the bytes: versions and the parsing code itself."""
    from .. import __version__

    digest = hashlib.sha256()
    digest.update(f"{__version__}|{sys.version}|{yaml.__version__}|{marshal.version}".encode())
    here = Path(__file__).resolve().parent
    for name in ("parsed.py", "yamlsource.py", "schema.py", "diagnostics.py"):
        with contextlib.suppress(OSError):
            digest.update((here / name).read_bytes())
    return digest.digest()


ENGINE = _engine_fingerprint()


@dataclass(frozen=True)
class Entry:
    """One file parsed (and checked, for a kind): what a load needs of it, without its path.

    ``data`` is None when the file could not be parsed at all; ``checked`` is the
    schema check's verdict, None when the data was not checked (no kind, or not
    a mapping). The values are shared by every load that finds them: nothing
    may change them.
    """

    data: Any
    parsed: bool
    places: Places  # where the values are, found from the bytes when first asked for (never stored)
    traps: dict[tuple[int, int], Trap]
    problems: tuple[Problem, ...]
    checked: bool | None

    def source(self, path: Path, raw: bytes) -> SourceFile | None:
        if not self.parsed:
            return None
        return SourceFile(path, self.data, content=raw, traps=self.traps, places=self.places)

    def diagnostics(self, path: Path) -> list[Diagnostic]:
        return [Diagnostic(c, m, path, line, col, hint, sev) for c, m, line, col, hint, sev in self.problems]  # type: ignore[arg-type]


def _problems(found: list[Diagnostic]) -> tuple[Problem, ...]:
    return tuple((d.code, d.message, d.line, d.col, d.hint, d.severity) for d in found)


def default_folder() -> Path | None:
    """The disk cache's folder: ``$VOSKHOD_CACHE``, else the user cache folder; None when turned off."""
    override = os.environ.get(CACHE_ENV, "")
    if override.lower() == "off":
        return None
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("voskhod", appauthor=False) / "parsed"


class ParsedFiles:
    """Parsed files by content, in memory and (with ``folder``) on disk."""

    def __init__(
        self, folder: Path | None = None, memory: int = MEMORY_ENTRIES, shared: ParsedFiles | None = None
    ) -> None:
        self.folder = folder
        self.limit = memory
        # ``shared``: use that cache's memory layer (one per process, whichever folder).
        self._memory: OrderedDict[bytes, Entry] = shared._memory if shared is not None else OrderedDict()
        self.parsed = 0  # files parsed rather than found (for tests and benchmarks)

    # -- the one entry point ---------------------------------------------------
    def read(
        self, path: Path, kind: str | None, out: list[Diagnostic], check: Any = None, raw: bytes | None = None
    ) -> tuple[SourceFile | None, bool | None]:
        """Read ``path`` (or take its bytes ``raw``, read already); parse it (and ``check(data, kind,
        source, problems)`` it) unless its bytes were seen.

        Problems go to ``out`` as if the file had just been parsed; returns the
        source (None when unusable) and the check's verdict.
        """
        if raw is None:
            try:
                raw = read_capped(path)
            except FileRefused as exc:
                out.append(Diagnostic(exc.code, exc.message, path, 1, 1, exc.hint))
                return None, None
        key = self.key(kind, raw)
        entry = self._recall(key, raw)
        if entry is None:
            entry = self._parse(path, raw, kind, check)
            self._remember(key, entry)
            self._store(key, entry)
        out.extend(entry.diagnostics(path))
        return entry.source(path, raw), entry.checked

    @staticmethod
    def key(kind: str | None, raw: bytes) -> bytes:
        digest = hashlib.sha256(ENGINE)
        digest.update(f"|{kind}|".encode())
        digest.update(raw)
        return digest.digest()

    def _parse(self, path: Path, raw: bytes, kind: str | None, check: Any) -> Entry:
        self.parsed += 1
        found: list[Diagnostic] = []
        src = parse_yaml(path, raw, found)
        if src is None:
            return Entry(None, False, Places(), {}, _problems(found), None)
        checked = None
        if kind is not None and check is not None and isinstance(src.data, dict):
            checked = bool(check(src.data, kind, (), src, found))
        return Entry(src.data, True, src.places, src.traps, _problems(found), checked)

    # -- memory ------------------------------------------------------------------
    def _recall(self, key: bytes, raw: bytes) -> Entry | None:
        entry = self._memory.get(key)
        if entry is not None:
            self._memory.move_to_end(key)
            return entry
        entry = self._load(key, raw)
        if entry is not None:
            self._remember(key, entry)
        return entry

    def _remember(self, key: bytes, entry: Entry) -> None:
        self._memory[key] = entry
        while len(self._memory) > self.limit:
            self._memory.popitem(last=False)

    # -- disk ----------------------------------------------------------------------
    def _file(self, key: bytes) -> Path | None:
        return None if self.folder is None else self.folder / f"{key.hex()}.bin"

    def _load(self, key: bytes, raw: bytes) -> Entry | None:
        """The entry stored under ``key`` (for the bytes ``raw``), or None: missing, damaged, stale and
        foreign files alike."""
        path = self._file(key)
        if path is None:
            return None
        try:
            stored = read_sealed(path, MAGIC, MAX_ENTRY_BYTES)
            if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key):
                return None
            return _entry(stored[1], raw)
        except (ValueError, TypeError, IndexError):
            return None

    def _store(self, key: bytes, entry: Entry) -> None:
        """Write ``entry`` atomically; a cache that cannot be written is left alone (never an error)."""
        path = self._file(key)
        if path is None:
            return
        traps = {where: (t.text, t.reading, t.advice, t.silent) for where, t in entry.traps.items()}
        fields = (entry.data, entry.parsed, traps, entry.problems, entry.checked)
        try:
            blob = seal(MAGIC, (key, fields))
        except ValueError:  # a value marshal cannot hold (a YAML date): not cached
            return
        with contextlib.suppress(OSError):
            write_atomically(path, blob)


def _entry(fields: Any, raw: bytes) -> Entry | None:
    """An Entry from stored fields (of the bytes ``raw``), if they have the shapes an Entry has."""
    if not isinstance(fields, tuple) or len(fields) != 5:
        return None
    data, parsed, stored_traps, problems, checked = fields
    if not isinstance(parsed, bool) or not (checked is None or isinstance(checked, bool)):
        return None
    if not isinstance(stored_traps, dict) or not isinstance(problems, tuple):
        return None
    traps: dict[tuple[int, int], Trap] = {}
    for where, trap in stored_traps.items():
        if not (isinstance(trap, tuple) and len(trap) == 4 and isinstance(trap[3], bool)):
            return None
        if not all(isinstance(part, str) for part in trap[:3]):
            return None
        traps[where] = Trap(*trap)
    for problem in problems:
        if not (
            isinstance(problem, tuple)
            and len(problem) == 6
            and all(isinstance(problem[i], str) for i in (0, 1, 4, 5))
            and all(isinstance(problem[i], int) for i in (2, 3))
        ):
            return None
    return Entry(data, parsed, Places(raw), traps, problems, checked)


# Every load in this process shares one memory layer; commands add the disk.
MEMORY = ParsedFiles()
_ON_DISK: dict[Path, ParsedFiles] = {}


def on_disk(folder: Path | None = None) -> ParsedFiles:
    """The cache for commands a person runs: memory and the disk folder (``default_folder()``)."""
    folder = folder if folder is not None else default_folder()
    if folder is None:
        return MEMORY
    cache = _ON_DISK.get(folder)
    if cache is None:
        cache = _ON_DISK[folder] = ParsedFiles(folder, shared=MEMORY)
    return cache
