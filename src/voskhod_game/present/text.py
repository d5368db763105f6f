"""Story text reflowed: writers wrap YAML by hand, the screen decides where lines break.

Every front end splits story text into paragraphs here, so a blank line with
stray spaces in it separates paragraphs the same way everywhere.
"""

from __future__ import annotations

import re
import textwrap

from ..story.markup import plain

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# Only these break a line: a no-break space (`{fuel:unit}` puts one between value and unit) stays.
SPACES = re.compile(r"[ \t\r\n\f\v]+")


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each with its hard line breaks joined into one line."""
    out = []
    for block in PARAGRAPH_BREAK.split(text.strip()):
        joined = SPACES.sub(" ", block).strip()
        if joined:
            out.append(joined)
    return out


def reflow(text: str) -> str:
    """The text with each paragraph on one line and one blank line between paragraphs."""
    return "\n\n".join(paragraphs(text))


def first_paragraph(text: str) -> str:
    """The first paragraph as plain text (no emphasis markers): a tagline under a title."""
    found = paragraphs(text)
    return plain(found[0]) if found else ""


def wrapped(text: str, width: int, indent: str = "") -> list[str]:
    """Plain text wrapped to ``width`` for line mode: one string per paragraph."""
    return [
        textwrap.fill(plain(para), width, initial_indent=indent, subsequent_indent=indent) for para in paragraphs(text)
    ]
