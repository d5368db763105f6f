"""The classroom: one shared game that a teacher hosts and a class votes on.

``rules`` holds the round rules (participants, voting rounds, the game) with no
network code or message format; ``store`` writes every change to SQLite so a host
can be killed and restarted; ``messages`` types every message of the protocol and
``wire`` builds the server's from the rules; ``server`` puts it all on aiohttp (the
student page and the ``/ws`` API); ``teacher`` and ``student`` are the Textual
screens, drawing the same typed messages.
"""
