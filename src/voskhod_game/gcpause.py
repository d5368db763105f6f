"""Pausing Python's cyclic garbage collector around work that allocates in bulk.

Loading a story, building its Machine and analysing it each make millions of
small objects (YAML nodes, ranges, dicts) that stay alive until the work ends
or are freed by reference counting. Every automatic collection meanwhile
rescans the whole growing heap for cycles that are not there: on a
10,000-beat story that is a quarter or more of the time. The previous setting
is restored afterwards, also when the work raises.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with automatic garbage collection off (as it was afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class CollectorHold:
    """The collector paused from one callback to a later one (a ``--watch`` reload: from the
    save being noticed until the new text is drawn), for work that spans an event loop.

    Holding twice is one hold; :meth:`release` restores what the first :meth:`hold` found.
    """

    def __init__(self) -> None:
        self._was_enabled: bool | None = None  # None: not holding

    @property
    def holding(self) -> bool:
        return self._was_enabled is not None

    def hold(self) -> None:
        if self._was_enabled is None:
            self._was_enabled = gc.isenabled()
            gc.disable()

    def release(self) -> None:
        if self._was_enabled:
            gc.enable()
        self._was_enabled = None
