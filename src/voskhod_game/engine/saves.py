"""Save slots on disk: JSON, written atomically, never silently lost.

A save is written to a temporary file in the same directory, flushed and
fsynced, then renamed over the slot, so a crash leaves either the old save or
the new one, never half of one. A save is checked whole (the outer record and
every part of the game inside it) before any of it is trusted; a slot that
holds something we cannot read (a damaged file, another story's save, a format
from a newer version) is reported and left alone: saving over it is refused
and loading it says why. Older formats load through ``migrations.py``.

Only regular files are read, and never more than ``MAX_SAVE_BYTES``: a slot
that is a FIFO or a link to /dev/zero is refused without blocking.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import _, format_grouped
from ..story.diagnostics import visible
from ..story.model import ENDING_PREFIX, Story

if TYPE_CHECKING:  # the engine is imported when a save is read or written, not to see that none exists
    from .game import Game

SAVE_FORMAT = 2  # the file's outer record; the game inside has its own format (migrations.py)
SLOT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
AUTOSAVE_PREFIX = "autosave"
MAX_SAVE_BYTES = 5 * 1024 * 1024
STALE_TEMP_SECONDS = 600  # a temporary file this old is left over from a save that was killed


class SaveError(Exception):
    """A save or load that did not happen; the message is for the player."""


@dataclass(frozen=True)
class SaveInfo:
    """One slot as listed to a player, readable or not."""

    slot: str
    path: Path
    ok: bool
    problem: str = ""
    story_id: str = ""
    story_title: str = ""
    scene_title: str = ""
    beat: str = ""
    elapsed: float = 0.0
    saved_at: str = ""
    ended: bool = False
    fingerprint: str = ""

    @property
    def mission_time(self) -> str:
        from .clock import format_elapsed

        return format_elapsed(self.elapsed)

    def describe(self) -> str:
        if not self.ok:
            return _("{slot}: cannot be loaded: {problem}").format(slot=self.slot, problem=self.problem)
        where = _("ended") if self.ended else self.scene_title or self.beat
        return _("{slot}: {title} · {where} · {time} · saved {saved_at}").format(
            slot=self.slot, title=self.story_title, where=where, time=self.mission_time, saved_at=self.saved_at
        )


@dataclass(frozen=True)
class Loaded:
    game: Game
    info: SaveInfo
    warnings: tuple[str, ...] = ()


class Autosaver:
    """Autosaves after each choice and remembers whether the last one worked.

    A failed autosave (a full disk, a damaged slot) must not go unnoticed: the
    front ends tell the player about the first failure and about the recovery,
    and never claim the game is autosaved while it is not.
    """

    def __init__(self, store: SaveStore) -> None:
        self.store = store
        self.problem = ""  # why the last autosave failed; empty when it worked (or none was tried)
        self.failures = 0  # autosaves failed in a row

    @property
    def safe(self) -> bool:
        return not self.problem

    def save(self, game: Game) -> str:
        """Autosave ``game``; return ``"failed"``, ``"still failing"``, ``"recovered"`` or ``""`` (fine)."""
        try:
            self.store.autosave(game)
        except SaveError as exc:
            self.problem = str(exc)
            self.failures += 1
            return "failed" if self.failures == 1 else "still failing"
        recovered = bool(self.problem)
        self.problem = ""
        self.failures = 0
        return "recovered" if recovered else ""


def autosave_slot(story: Story) -> str:
    return f"{AUTOSAVE_PREFIX}-{story.id}"


def check_slot_name(slot: str) -> str:
    slot = slot.strip()
    if slot.endswith(".json"):
        slot = slot[:-5]
    if not SLOT_RE.match(slot):
        raise SaveError(
            _(
                "“{slot}” is not a usable slot name: use up to 40 letters, digits, '-', '_' or '.', "
                "starting with a letter or digit"
            ).format(slot=visible(slot[:80]))
        )
    return slot


class SaveStore:
    """The save slots in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        # The files this store wrote, as (inode, size, mtime, story id): a slot still
        # holding exactly that file is ours, so an autosave need not read it back.
        self._written: dict[Path, tuple[int, int, int, str]] = {}

    def path(self, slot: str) -> Path:
        return self.directory / f"{check_slot_name(slot)}.json"

    def no_such_save(self, slot: str) -> str:
        return _("there is no save called “{slot}” in {folder}").format(slot=slot, folder=self.directory)

    def resolve(self, slot: str, story: Story | None = None) -> str:
        """``autosave`` means this story's autosave slot."""
        if slot == AUTOSAVE_PREFIX and story is not None:
            return autosave_slot(story)
        return check_slot_name(slot)

    # -- writing -------------------------------------------------------------
    def save(self, slot: str, game: Game) -> SaveInfo:
        slot = self.resolve(slot, game.story)
        path = self.path(slot)
        # A dangling link is kept too (it may point at a lost disk); the file this store wrote last is not read back.
        if (path.exists() or path.is_symlink()) and self._written.get(path) != _identity(path, game.story.id):
            existing = self.inspect(path)
            if not existing.ok or existing.story_id != game.story.id:
                reason = existing.problem or _("it belongs to the story “{story}”").format(story=existing.story_id)
                raise SaveError(
                    _("slot “{slot}” was kept and not overwritten: {reason}. Choose another name.").format(
                        slot=slot, reason=reason
                    )
                )
        beat = game.beat
        scene = game.story.scene_of(beat.id).title if beat is not None else ""
        document = {
            "format": SAVE_FORMAT,
            "app": "voskhod",
            "saved_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "story_id": game.story.id,
            "story_title": game.story.title,
            "fingerprint": game.story.fingerprint,
            "scene_title": scene,
            "beat": game.state,
            "elapsed": game.elapsed,
            "game": game.snapshot(),
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            data = json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            write_atomically(path, data.encode("utf-8"))
            self._written[path] = _identity(path, game.story.id)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SaveError(
                _("could not write slot “{slot}” ({reason}); the previous save is intact").format(
                    slot=slot, reason=reason
                )
            ) from None
        return _info(slot, path, document)

    def autosave(self, game: Game) -> SaveInfo:
        return self.save(autosave_slot(game.story), game)

    def delete(self, slot: str) -> Path:
        path = self.path(self.resolve(slot))
        if not path.is_symlink() and not path.exists():
            raise SaveError(self.no_such_save(slot))
        try:
            path.unlink()
        except OSError as exc:
            raise SaveError(
                _("could not delete “{slot}” ({reason})").format(slot=slot, reason=exc.strerror or exc)
            ) from None
        return path

    def clean_leftovers(self, now: float | None = None) -> int:
        """Remove temporary files of saves that were killed mid-write; return how many."""
        now = time.time() if now is None else now
        removed = 0
        if not self.directory.is_dir():
            return 0
        for tmp in self.directory.glob(".*.json.*.tmp"):
            with contextlib.suppress(OSError):
                st = tmp.lstat()
                if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_TEMP_SECONDS:
                    tmp.unlink()
                    removed += 1
        return removed

    # -- reading -------------------------------------------------------------
    def read_document(self, path: Path) -> dict[str, Any]:
        """The whole save in ``path``, checked; SaveError says what is wrong."""
        from .migrations import check_snapshot
        from .state import StateError

        raw = read_regular_file(path, MAX_SAVE_BYTES)
        try:
            document = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
            raise SaveError(
                _("the file is damaged (not valid JSON: {problem})").format(problem=str(exc)[:120])
            ) from None
        except RecursionError:
            raise SaveError(_("the file is damaged (nested far too deeply)")) from None
        if not isinstance(document, dict) or document.get("app") != "voskhod":
            raise SaveError(_("the file is not a save of this game"))
        version = document.get("format")
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= SAVE_FORMAT:
            if isinstance(version, int) and not isinstance(version, bool) and version > SAVE_FORMAT:
                raise SaveError(
                    _(
                        "the save uses format {version}, from a newer version of the game; this one reads up to {known}"
                    ).format(version=version, known=SAVE_FORMAT)
                )
            raise SaveError(
                _("the save has format {version}, which no version of this game wrote").format(
                    version=visible(str(version)[:20])
                )
            )
        for key in ("story_id", "story_title", "scene_title", "beat", "saved_at", "fingerprint"):
            if not isinstance(document.get(key, ""), str):
                raise SaveError(_("the save is damaged ({key} is not text)").format(key=key))
        elapsed = document.get("elapsed", 0.0)
        if isinstance(elapsed, bool) or not isinstance(elapsed, (int, float)) or not math.isfinite(elapsed):
            raise SaveError(_("the save is damaged (its mission time is not a number)"))
        if not 0 <= elapsed <= 1e9:
            raise SaveError(_("the save is damaged (its mission time is impossible)"))
        try:
            check_snapshot(document.get("game"))
        except StateError as exc:
            raise SaveError(_("the saved game inside the file is damaged: {problem}").format(problem=exc)) from None
        return document

    def inspect(self, path: Path) -> SaveInfo:
        slot = path.stem
        try:
            return _info(slot, path, self.read_document(path))
        except SaveError as exc:
            return SaveInfo(slot=slot, path=path, ok=False, problem=str(exc))

    def list(self) -> list[SaveInfo]:
        """Every slot, newest first; unreadable ones are listed with the reason."""
        if not self.directory.is_dir():
            return []
        self.clean_leftovers()
        infos = [self.inspect(p) for p in self.directory.glob("*.json") if not p.name.startswith(".")]
        return sorted(infos, key=_mtime, reverse=True)

    def latest_autosave(self, story: Story) -> SaveInfo | None:
        path = self.path(autosave_slot(story))
        return self.inspect(path) if path.exists() or path.is_symlink() else None

    def load(self, slot: str, story: Story) -> Loaded:
        from .game import Game, GameError

        slot = self.resolve(slot, story)
        path = self.path(slot)
        if not path.exists() and not path.is_symlink():
            raise SaveError(self.no_such_save(slot))
        document = self.read_document(path)
        info = _info(slot, path, document)
        if document.get("story_id") != story.id:
            raise SaveError(
                _("“{slot}” is a save of the story “{saved}”, not “{story}”").format(
                    slot=slot, saved=document.get("story_title") or document.get("story_id"), story=story.title
                )
            )
        notes: list[str] = []
        try:
            game = Game.restore(story, document["game"], notes)
        except GameError as exc:
            raise SaveError(_("“{slot}” cannot be loaded: {problem}").format(slot=slot, problem=exc)) from None
        warnings = []
        if document.get("fingerprint") != story.fingerprint:
            warnings.append(_("the story has changed since this game was saved; it continues from the same beat"))
        return Loaded(game, info, (*warnings, *notes))


def _info(slot: str, path: Path, d: dict[str, Any]) -> SaveInfo:
    """What a listing shows of a save that :meth:`SaveStore.read_document` accepted."""
    beat = str(d.get("beat", ""))
    return SaveInfo(
        slot=slot,
        path=path,
        ok=True,
        story_id=str(d.get("story_id", "")),
        story_title=str(d.get("story_title", "")),
        scene_title=str(d.get("scene_title", "")),
        beat=beat,
        elapsed=float(d.get("elapsed", 0.0)),
        saved_at=str(d.get("saved_at", "")),
        ended=beat.startswith(ENDING_PREFIX),
        fingerprint=str(d.get("fingerprint", "")),
    )


def _identity(path: Path, story_id: str) -> tuple[int, int, int, str]:
    """Which file is at ``path`` (a new write is a new inode), or nothing that matches."""
    try:
        st = os.lstat(path)  # a link put there is not the file this store wrote
    except OSError:
        return (-1, -1, -1, "")
    return (st.st_ino, st.st_size, st.st_mtime_ns, story_id)


def _mtime(info: SaveInfo) -> float:
    try:
        return info.path.lstat().st_mtime
    except OSError:
        return 0.0


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a save may hold")


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; SaveError otherwise.

    Opened without blocking and checked with fstat before reading, so a FIFO,
    a device or an endless file is refused at once instead of hanging.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise SaveError(_("there is no such save")) from None
    except OSError as exc:
        raise SaveError(_("cannot read the file ({reason})").format(reason=exc.strerror or exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SaveError(_("it is not a regular file"))
        if st.st_size > limit:
            raise SaveError(
                _("the file is {size} bytes, far larger than any save").format(size=format_grouped(st.st_size))
            )
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise SaveError(_("cannot read the file ({reason})").format(reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise SaveError(_("the file is far larger than any save"))
    return raw


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a mix."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
