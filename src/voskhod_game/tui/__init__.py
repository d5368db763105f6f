"""The Textual front end: title, game, modals and debrief over the engine's ``view()``.

Nothing outside this package imports it except ``commands/play.py``, which
imports it only when a terminal session starts, so the line mode, the
authoring tools and ``voskhod --version`` never pay for Textual.
"""
