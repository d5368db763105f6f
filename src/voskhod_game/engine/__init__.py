"""The engine every front end drives: Game (state machine, meters, clock, dice), saves, debrief.

The names below are imported on first use (PEP 562), so importing a light part
such as ``engine.views`` does not load ``transitions`` and the rules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .game import Game, GameError
    from .views import ChoiceResult, ChoiceView, EndingView, Event, MeterView, View

_WHERE = {
    "Game": "game",
    "GameError": "game",
    "ChoiceResult": "views",
    "ChoiceView": "views",
    "EndingView": "views",
    "Event": "views",
    "MeterView": "views",
    "View": "views",
}

__all__ = ["ChoiceResult", "ChoiceView", "EndingView", "Event", "Game", "GameError", "MeterView", "View"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
