"""Cache files that are never trusted blindly: a value behind a magic word and its digest, written atomically.

Both caches (``parsed.py``: parsed files; ``compiled.py``: checked stories)
store ``marshal`` payloads this way. A file is written to a temporary name
beside its place and renamed, so a reader sees the old file or the new one,
never half of one; on reading, a wrong magic word or digest (torn, damaged,
another program's file) reads as nothing. The folders are the user's own (0700).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from .yamlsource import FileRefused, read_capped


def private_folder(path: Path) -> None:
    """Create ``path`` and any missing folder above it, readable by the user alone (0700)."""
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)


def write_atomically(path: Path, blob: bytes) -> None:
    """Write ``blob`` to a temporary file beside ``path`` and rename it into place (OSError if it cannot)."""
    private_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_sealed(path: Path, magic: bytes, limit: int) -> Any:
    """The value ``seal`` wrote to ``path``; None when missing, torn, damaged or not ours."""
    try:
        blob = read_capped(path, limit)
    except FileRefused:
        return None
    if blob[:8] != magic or hashlib.sha256(blob[40:]).digest() != blob[8:40]:
        return None
    try:
        return marshal.loads(blob[40:])
    except (ValueError, TypeError, EOFError):
        return None


def seal(magic: bytes, value: Any) -> bytes:
    """``value`` in ``marshal`` form behind a magic word and its SHA-256 (ValueError if marshal cannot hold it)."""
    payload = marshal.dumps(value)
    return magic + hashlib.sha256(payload).digest() + payload
