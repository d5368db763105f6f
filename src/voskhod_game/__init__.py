"""Voskhod: the Voskhod-2 flight of 18-19 March 1965 as a text adventure, and the engine behind it."""

__version__ = "0.1.0"
