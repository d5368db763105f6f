"""Story data: load a story directory, validate it, and describe it as immutable data."""

from .diagnostics import Diagnostic, StoryError
from .loader import analyse_story, load_story
from .model import Beat, Choice, Ending, Meter, Scene, Story

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
