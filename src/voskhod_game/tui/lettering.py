"""A story's title in large letters, for a title screen whose story brings no ``title_art``.

A 3x5 pixel font drawn with half blocks: three terminal rows a letter, four
columns with the gap. Titles with a character the font lacks get no large title
(the title screen still shows the title as text), so no story is ever drawn wrong.
"""

from __future__ import annotations

import textwrap

# Each glyph is five rows of three pixels, top to bottom.
FONT: dict[str, str] = {
    "A": ".#. #.# ### #.# #.#",
    "B": "##. #.# ##. #.# ##.",
    "C": ".## #.. #.. #.. .##",
    "D": "##. #.# #.# #.# ##.",
    "E": "### #.. ##. #.. ###",
    "F": "### #.. ##. #.. #..",
    "G": ".## #.. #.# #.# .##",
    "H": "#.# #.# ### #.# #.#",
    "I": "### .#. .#. .#. ###",
    "J": "..# ..# ..# #.# .#.",
    "K": "#.# #.# ##. #.# #.#",
    "L": "#.. #.. #.. #.. ###",
    "M": "#.# ### ### #.# #.#",
    "N": "##. #.# #.# #.# #.#",
    "O": ".#. #.# #.# #.# .#.",
    "P": "##. #.# ##. #.. #..",
    "Q": ".#. #.# #.# ##. .##",
    "R": "##. #.# ##. #.# #.#",
    "S": ".## #.. .#. ..# ##.",
    "T": "### .#. .#. .#. .#.",
    "U": "#.# #.# #.# #.# ###",
    "V": "#.# #.# #.# #.# .#.",
    "W": "#.# #.# ### ### #.#",
    "X": "#.# #.# .#. #.# #.#",
    "Y": "#.# #.# .#. .#. .#.",
    "Z": "### ..# .#. #.. ###",
    "0": "### #.# #.# #.# ###",
    "1": ".#. ##. .#. .#. ###",
    "2": "##. ..# .#. #.. ###",
    "3": "##. ..# .#. ..# ##.",
    "4": "#.# #.# ### ..# ..#",
    "5": "### #.. ##. ..# ##.",
    "6": ".## #.. ### #.# ###",
    "7": "### ..# .#. .#. .#.",
    "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ##.",
    " ": "... ... ... ... ...",
    "-": "... ... ### ... ...",
    ",": "... ... ... .#. #..",
    ".": "... ... ... ... .#.",
    ":": "... .#. ... .#. ...",
    "'": ".#. .#. ... ... ...",
    "!": ".#. .#. .#. ... .#.",
    "?": "##. ..# .#. ... .#.",
}
CELL = 4  # columns per letter, the gap included
HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def _line(text: str) -> list[str]:
    rows = ["", "", ""]
    for ch in text:
        pixels = [row == "#" for rows5 in FONT[ch].split() for row in rows5] + [False] * 3
        for r in range(3):
            top, bottom = pixels[6 * r : 6 * r + 3], pixels[6 * r + 3 : 6 * r + 6]
            rows[r] += "".join(HALF_BLOCKS[t, b] for t, b in zip(top, bottom, strict=True)) + " "
    return [row.rstrip() for row in rows]


def large_title(title: str, width: int = 96) -> str:
    """``title`` in large letters wrapped to ``width`` columns; empty if the font lacks a character."""
    text = " ".join(title.upper().split())
    if not text or any(ch not in FONT for ch in text):
        return ""
    lines = textwrap.wrap(text, max(width // CELL, 1))
    rows: list[str] = []
    for i, line in enumerate(lines):
        if i:
            rows.append("")
        rows.extend(_line(line))
    return "\n".join(rows)
