"""The classroom: one shared game that a teacher hosts and a class votes on.

``session`` holds the rules (participants, voting rounds, the game) with no
network code; ``store`` writes every change to SQLite so a host can be killed
and restarted; ``server`` puts the session on aiohttp (the student page and the
``/ws`` API); ``teacher`` and ``student`` are the Textual screens.
"""
