"""Save slots on disk: JSON, written atomically, never silently lost.

A save is written to a temporary file in the same directory, flushed and
fsynced, then renamed over the slot, so a crash leaves either the old save or
the new one, never half of one. A slot that holds something we cannot read (a
damaged file, another story's save, an older format) is reported and left
alone: saving over it is refused and loading it says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..story.model import ENDING_PREFIX, Story
from .clock import format_elapsed
from .game import SNAPSHOT_FORMAT, Game, GameError

SAVE_FORMAT = 1
SLOT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
AUTOSAVE_PREFIX = "autosave"
MAX_SAVE_BYTES = 5 * 1024 * 1024


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
        return format_elapsed(self.elapsed)

    def describe(self) -> str:
        if not self.ok:
            return f"{self.slot}: cannot be loaded: {self.problem}"
        where = "ended" if self.ended else self.scene_title or self.beat
        return f"{self.slot}: {self.story_title} · {where} · {self.mission_time} · saved {self.saved_at}"


@dataclass(frozen=True)
class Loaded:
    game: Game
    info: SaveInfo
    warnings: tuple[str, ...] = ()


def autosave_slot(story: Story) -> str:
    return f"{AUTOSAVE_PREFIX}-{story.id}"


def check_slot_name(slot: str) -> str:
    slot = slot.strip()
    if slot.endswith(".json"):
        slot = slot[:-5]
    if not SLOT_RE.match(slot):
        raise SaveError(
            f"“{slot}” is not a usable slot name: use up to 40 letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    return slot


class SaveStore:
    """The save slots in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, slot: str) -> Path:
        return self.directory / f"{check_slot_name(slot)}.json"

    def resolve(self, slot: str, story: Story | None = None) -> str:
        """``autosave`` means this story's autosave slot."""
        if slot == AUTOSAVE_PREFIX and story is not None:
            return autosave_slot(story)
        return check_slot_name(slot)

    # -- writing -------------------------------------------------------------
    def save(self, slot: str, game: Game) -> SaveInfo:
        slot = self.resolve(slot, game.story)
        path = self.path(slot)
        if path.exists():
            existing = self.inspect(path)
            if not existing.ok or existing.story_id != game.story.id:
                reason = existing.problem or f"it belongs to the story “{existing.story_id}”"
                raise SaveError(f"slot “{slot}” was kept and not overwritten: {reason}. Choose another name.")
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
            write_atomically(path, json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            raise SaveError(
                f"could not write slot “{slot}” ({exc.strerror or exc}); the previous save is intact"
            ) from None
        return self.inspect(path)

    def autosave(self, game: Game) -> SaveInfo:
        return self.save(autosave_slot(game.story), game)

    def delete(self, slot: str) -> Path:
        path = self.path(self.resolve(slot))
        if not path.exists():
            raise SaveError(f"there is no save called “{slot}”")
        path.unlink()
        return path

    # -- reading -------------------------------------------------------------
    def read_document(self, path: Path) -> dict[str, Any]:
        try:
            size = path.stat().st_size
            if size > MAX_SAVE_BYTES:
                raise SaveError(f"the file is {size:,} bytes, far larger than any save")
            raw = path.read_bytes()
        except FileNotFoundError:
            raise SaveError("there is no such save") from None
        except OSError as exc:
            raise SaveError(f"cannot read the file ({exc.strerror})") from None
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SaveError(f"the file is damaged (not valid JSON: {exc})") from None
        if not isinstance(document, dict) or document.get("app") != "voskhod":
            raise SaveError("the file is not a Voskhod save")
        version = document.get("format")
        if version != SAVE_FORMAT:
            raise SaveError(f"the save uses format {version!r}; this version of the game reads format {SAVE_FORMAT}")
        if not isinstance(document.get("game"), dict) or document["game"].get("format") != SNAPSHOT_FORMAT:
            raise SaveError("the saved game inside the file is damaged or from another version")
        return document

    def inspect(self, path: Path) -> SaveInfo:
        slot = path.stem
        try:
            d = self.read_document(path)
            return SaveInfo(
                slot=slot,
                path=path,
                ok=True,
                story_id=str(d.get("story_id", "")),
                story_title=str(d.get("story_title", "")),
                scene_title=str(d.get("scene_title", "")),
                beat=str(d.get("beat", "")),
                elapsed=float(d.get("elapsed", 0.0)),
                saved_at=str(d.get("saved_at", "")),
                ended=str(d.get("beat", "")).startswith(ENDING_PREFIX),
                fingerprint=str(d.get("fingerprint", "")),
            )
        except (SaveError, TypeError, ValueError) as exc:
            return SaveInfo(slot=slot, path=path, ok=False, problem=str(exc))

    def list(self) -> list[SaveInfo]:
        """Every slot, newest first; unreadable ones are listed with the reason."""
        if not self.directory.is_dir():
            return []
        infos = [self.inspect(p) for p in self.directory.glob("*.json") if not p.name.startswith(".")]
        return sorted(infos, key=lambda i: i.path.stat().st_mtime if i.path.exists() else 0, reverse=True)

    def latest_autosave(self, story: Story) -> SaveInfo | None:
        path = self.path(autosave_slot(story))
        return self.inspect(path) if path.exists() else None

    def load(self, slot: str, story: Story) -> Loaded:
        slot = self.resolve(slot, story)
        path = self.path(slot)
        if not path.exists():
            raise SaveError(f"there is no save called “{slot}” in {self.directory}")
        document = self.read_document(path)
        info = self.inspect(path)
        if document.get("story_id") != story.id:
            raise SaveError(
                f"“{slot}” is a save of the story “{document.get('story_title') or document.get('story_id')}”, not “{story.title}”"
            )
        try:
            game = Game.restore(story, document["game"])
        except GameError as exc:
            raise SaveError(f"“{slot}” cannot be loaded: {exc}") from None
        warnings = []
        if document.get("fingerprint") != story.fingerprint:
            warnings.append("the story has changed since this game was saved; it continues from the same beat")
        return Loaded(game, info, tuple(warnings))


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
