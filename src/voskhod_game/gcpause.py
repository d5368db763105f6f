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
