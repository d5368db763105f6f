"""Dialogs over the game: save, load, help, how to play, mission log, confirmations."""
