"""The game's screens: title, game, debrief, settings, and story problems."""
