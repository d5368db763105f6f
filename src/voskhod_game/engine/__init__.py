"""The engine every front end drives: Game (state machine, meters, clock, dice), saves, debrief.

The names below are imported on first use (PEP 562), so importing a light part
such as ``engine.views`` does not load ``transitions`` and the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

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

__getattr__ = lazy_names(__name__, _WHERE)
