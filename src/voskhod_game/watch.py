"""Hot reload for writers: notice saved story files and carry the game across.

Polling, not OS notifications: a story is a handful of YAML files, and
comparing their modification times and sizes ten times a second costs about a
millisecond a look, needs no dependency and behaves the same on every platform and file system
(network drives and editors that save by renaming included).

Front ends use three pieces: :class:`StoryWatcher` says *when* files changed,
:func:`reload_story` loads the new version (or returns its problems while the
old version keeps playing), and :func:`carry_over` moves the running game into
the new story, on the same beat when it still exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import _
from .story.diagnostics import Diagnostic, StoryError
from .story.loader import analyse_story, load_story, story_files
from .story.model import Story

if TYPE_CHECKING:  # the engine (and transitions) is imported when a game is carried over
    from .engine.game import Game

DEFAULT_INTERVAL = 0.1  # seconds; one look costs a stat per story file (about 1 ms per 100 files)
Signature = tuple[tuple[str, int, int], ...]


class StoryWatcher:
    """Polls a story directory; :meth:`poll` is True once per batch of saves.

    ``clock`` is injectable so tests can drive time; ``interval`` is the least
    time between two looks at the disk.
    """

    def __init__(
        self, root: Path, interval: float = DEFAULT_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.root = Path(root)
        self.interval = interval
        self.clock = clock
        self._last_look = clock()
        self._signature = self.signature()

    def signature(self) -> Signature:
        """Path, modification time and size of every file a load reads (subfolders included)."""
        out = []
        try:
            entries = story_files(self.root)
        except OSError:
            return ()
        for path in entries:
            try:
                st = path.stat()
            except OSError:
                continue  # deleted between listing and stat: the next look sees it gone
            out.append((path.relative_to(self.root).as_posix(), st.st_mtime_ns, st.st_size))
        return tuple(sorted(out))

    def poll(self) -> bool:
        """True when the files differ from the last time this returned True."""
        now = self.clock()
        if now - self._last_look < self.interval:
            return False
        self._last_look = now
        current = self.signature()
        if current == self._signature:
            return False
        self._signature = current
        return True


@dataclass(frozen=True)
class Reloaded:
    """The result of a reload: the new story, or the problems that kept the old one."""

    story: Story | None
    problems: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return self.story is not None

    def report(self, limit: int = 20) -> str:
        lines = [d.format() for d in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more (run `voskhod check`)")
        return "\n".join(lines)


def reload_story(root: Path, lang: str = "", *, cached: bool = False) -> Reloaded:
    """Load the story again (in ``lang``); on errors return them and no story (never raises for story problems).

    Files are parsed only when their bytes are new (``story/parsed.py``): a writer's
    save re-parses the one file that changed. ``cached`` (a game's first load when
    nothing is watched) revives a story that loaded before from the same files and
    engine from the checked-story cache (``story/compiled.py``) instead of checking
    it again; a story with errors is never kept there, so it is read and checked
    and the same problems come back.
    """
    from .story.parsed import on_disk

    try:
        if cached:
            try:
                return Reloaded(load_story(root, lang, on_disk()), ())
            except StoryError as exc:
                return Reloaded(None, tuple(exc.diagnostics))
        story, found = analyse_story(root, lang, on_disk())
    except Exception as exc:  # a loader bug must not take a writer's session down
        return Reloaded(None, (Diagnostic("V006", f"the story could not be reloaded: {exc}", Path(root)),))
    errors = tuple(d for d in found if d.severity == "error")
    if errors or story is None:
        return Reloaded(None, errors or tuple(found))
    return Reloaded(story, ())


def carry_over(game: Game, story: Story) -> tuple[Game, str]:
    """The running game moved into ``story``, and a line saying what happened.

    Meters, flags, clock and history come along through a snapshot; if the
    current beat was deleted or renamed, or the story id changed, a new game
    starts with the same seed.
    """
    from .engine.game import Game, GameError

    try:
        moved = Game.restore(story, game.snapshot())
    except GameError as exc:
        return Game.new(story, game.seed), _("Reloaded; starting again from the beginning ({problem}).").format(
            problem=exc
        )
    where = moved.state.split(":", 1)[-1]
    return moved, _("Reloaded the story; you are still at {where}.").format(where=where)
