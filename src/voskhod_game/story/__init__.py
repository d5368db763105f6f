"""Story data: load a story directory, validate it, and describe it as immutable data.

The names below are imported on first use (PEP 562): a screen that only needs
``story.markup`` must not pay for PyYAML and the loader on its way to the first
frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, StoryError
    from .loader import analyse_story, load_story
    from .model import Beat, Choice, Ending, Meter, Scene, Story

_WHERE = {
    "Diagnostic": "diagnostics",
    "StoryError": "diagnostics",
    "analyse_story": "loader",
    "load_story": "loader",
    "Beat": "model",
    "Choice": "model",
    "Ending": "model",
    "Meter": "model",
    "Scene": "model",
    "Story": "model",
}

__all__ = [
    "Beat",
    "Choice",
    "Diagnostic",
    "Ending",
    "Meter",
    "Scene",
    "Story",
    "StoryError",
    "analyse_story",
    "load_story",
]

__getattr__ = lazy_names(__name__, _WHERE)
