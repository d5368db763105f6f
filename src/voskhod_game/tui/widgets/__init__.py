"""Widgets of the game screen: meters, story pane, choices, mission log."""
