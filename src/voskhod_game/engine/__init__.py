"""The engine every front end drives: Game (state machine, meters, clock, dice), saves, debrief."""

from .game import Game, GameError
from .views import ChoiceResult, ChoiceView, EndingView, Event, MeterView, View

__all__ = ["ChoiceResult", "ChoiceView", "EndingView", "Event", "Game", "GameError", "MeterView", "View"]
