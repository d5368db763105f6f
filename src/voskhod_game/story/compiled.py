"""Checked stories kept on disk, so a new process's load neither parses nor checks again.

A story that loaded without errors is stored in the user cache folder (beside
the parsed files of ``parsed.py``, in ``stories/``) under a key made of
everything the load read and the code that read it: the SHA-256 of the
engine's own source (every module of ``story/``, its version, Python's and
PyYAML's), the story folder's path, the language and its catalogue, and every
file's path and bytes. One slot per story folder and language, so the folder
does not grow with each edit.

A later load reads the files, works out the key and, if the slot holds that
key, revives the story from it: the files' data come back with ``marshal``,
the manifest's parts are built again (they are few), and each beat is built the
first time something asks for it (``LazyBeats``), with the warnings the first
load found. Anything that does not check out (a torn or damaged file, another
key, values of the wrong shape, a folder that cannot be written) is ignored and
the story loaded from its files. Nothing is ever trusted without its key.
Turn it off, with the parsed-file cache, with ``VOSKHOD_CACHE=off``.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import threading
from collections.abc import Callable, ItemsView, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..gcpause import collector_paused
from .diagnostics import Diagnostic
from .sealed import read_sealed, seal, write_atomically
from .yamlsource import FileRefused, SourceFile, read_capped

MAGIC = b"VSKSTRY2"
MAX_ENTRY_BYTES = 1024 * 1024 * 1024  # a story may have 500 files of 2 MB; their data and positions fit
FOLDER = "stories"

# A file: its path below the story folder and its data (places are found from its bytes when asked for).
Stored = tuple[str, Any]
Problem = tuple[str, str, str, int, int, str, str]  # a diagnostic: code, message, path, line, col, hint, severity


_ENGINE: bytes | None = None


def engine_fingerprint() -> bytes:
    """What a checked story depends on besides its files: versions and the source of every module that builds it."""
    global _ENGINE
    if _ENGINE is None:
        import yaml

        from .. import __version__

        digest = hashlib.sha256(f"{__version__}|{sys.version}|{yaml.__version__}|{marshal.version}".encode())
        here = Path(__file__).resolve().parent
        for path in sorted([*here.glob("*.py"), here.parent / "i18n.py", here.parent / "lazy.py"]):
            digest.update(path.name.encode())
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
        _ENGINE = digest.digest()
    return _ENGINE


@dataclass(frozen=True)
class Found:
    """What a look-up read: the key of the files as they are now, their bytes, and the story if it was kept."""

    key: bytes
    raw: dict[Path, bytes]
    files: tuple[Stored, ...] | None
    problems: tuple[Problem, ...]

    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic(c, m, Path(p), line, col, hint, sev) for c, m, p, line, col, hint, sev in self.problems]  # type: ignore[arg-type]


class CompiledStories:
    """The slots of checked stories in one cache folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER

    def slot(self, root: Path, lang: str) -> Path:
        name = hashlib.sha256(os.fsencode(str(root)) + b"\0" + lang.encode()).hexdigest()[:32]
        return self.folder / f"{name}.bin"

    def look_up(self, root: Path, lang: str, paths: Sequence[Path], catalogue: Path | None) -> Found | None:
        """Read ``paths`` and find the story stored for them; None when a file cannot be read."""
        digest = hashlib.sha256(engine_fingerprint())
        digest.update(b"\0" + os.fsencode(str(root)) + b"\0" + lang.encode())
        raw: dict[Path, bytes] = {}
        try:
            for path in paths:
                raw[path] = content = read_capped(path)
                digest.update(b"\0" + os.fsencode(path.relative_to(root).as_posix()) + b"\0")
                digest.update(hashlib.sha256(content).digest())
            if catalogue is not None:
                digest.update(b"\0catalogue\0")
                with contextlib.suppress(FileRefused):
                    digest.update(hashlib.sha256(read_capped(catalogue)).digest())
        except (FileRefused, ValueError):
            return None
        key = digest.digest()
        stored = read_sealed(self.slot(root, lang), MAGIC, MAX_ENTRY_BYTES)
        files, problems = _checked(stored, key, [p.relative_to(root).as_posix() for p in paths])
        return Found(key, raw, files, problems)

    def store(
        self, root: Path, lang: str, key: bytes, sources: Sequence[SourceFile], diagnostics: Sequence[Diagnostic]
    ) -> None:
        """Keep a story that loaded without errors; a cache that cannot be written is left alone."""
        try:
            files = tuple((src.path.relative_to(root).as_posix(), src.data) for src in sources)
            problems = tuple((d.code, d.message, str(d.path), d.line, d.col, d.hint, d.severity) for d in diagnostics)
            blob = seal(MAGIC, (key, files, problems))
        except ValueError:  # a value marshal cannot hold (a YAML date): not kept
            return
        with contextlib.suppress(OSError):
            write_atomically(self.slot(root, lang), blob)


def _checked(stored: Any, key: bytes, paths: list[str]) -> tuple[tuple[Stored, ...] | None, tuple[Problem, ...]]:
    """The files and problems of a stored story if it has ``key`` and the shapes it should."""
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == key):
        return None, ()
    _, files, problems = stored
    if not (isinstance(files, tuple) and isinstance(problems, tuple) and len(files) == len(paths)):
        return None, ()
    for item, path in zip(files, paths, strict=True):
        if not (isinstance(item, tuple) and len(item) == 2 and item[0] == path):
            return None, ()
    for problem in problems:
        if not (
            isinstance(problem, tuple)
            and len(problem) == 7
            and all(isinstance(problem[i], str) for i in (0, 1, 2, 5, 6))
            and all(isinstance(problem[i], int) for i in (3, 4))
        ):
            return None, ()
    return files, problems


class LazyBeats(Mapping[str, Any]):
    """A revived story's beats by id, each built the first time it is asked for.

    ``build(qid)`` gives the beat and the texts building it recorded for the
    translation template. The ids, and so iteration order and membership, are
    known from the start. Building is serialised, since the loader that builds
    is shared (the TUI loads in a thread and plays on another); a walk over all
    the beats (``values()``, ``items()``: the Machine, ``check``) builds the rest
    at once with the garbage collector paused, as a full load does.
    """

    def __init__(self, ids: Sequence[str], build: Callable[[str], tuple[Any, tuple[Any, ...]]]) -> None:
        self._ids = dict.fromkeys(ids)
        self._build = build
        self._beats: dict[str, Any] = {}
        self._texts: dict[str, tuple[Any, ...]] = {}
        self._lock = threading.RLock()

    def _built(self, qid: str) -> Any:
        with self._lock:
            beat = self._beats.get(qid)
            if beat is None:
                beat, self._texts[qid] = self._build(qid)
                self._beats[qid] = beat
            return beat

    def __getitem__(self, qid: str) -> Any:
        beat = self._beats.get(qid)
        if beat is not None:
            return beat
        if qid not in self._ids:
            raise KeyError(qid)
        return self._built(qid)

    def __contains__(self, qid: object) -> bool:
        return qid in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def every(self) -> dict[str, Any]:
        """All the beats, built, in their order."""
        if len(self._beats) < len(self._ids):
            with self._lock, collector_paused():
                for qid in self._ids:
                    if qid not in self._beats:
                        self._built(qid)
                self._beats = {qid: self._beats[qid] for qid in self._ids}
        return self._beats

    def values(self) -> ValuesView[Any]:
        return self.every().values()

    def items(self) -> ItemsView[str, Any]:
        return self.every().items()

    def texts(self) -> list[Any]:
        """Every beat's recorded texts, in the beats' order."""
        self.every()
        return [text for qid in self._ids for text in self._texts[qid]]
